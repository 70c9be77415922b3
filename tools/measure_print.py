"""Measure the print quality of built PDFs, as a reviewer reads them page by page (issue 22).

    python tools/measure_print.py dist/report-2018-9m.ru.pdf [more PDFs] [--json] [--pages]

Everything is measured from the PDF alone, with poppler (``pdftotext -bbox-layout`` for
the words and their boxes, ``pdftoppm`` for what is printed where) and the outline
(pikepdf), so that it can be rerun on any build, before or after a change:

- **hyphenated line ends**: body lines (the text column, body size) whose last word ends
  in a hyphen and whose next line in the block goes on with a letter: a word broken there,
  at a soft hyphen or after a compound's own hyphen (a reader sees one hyphen either way);
- **longest run**: the most consecutive such lines, a paragraph's lines across a page
  turn included; **lines over the limit**: the lines that are the third or later of a run;
- **page-turn hyphens**: a page whose last body line ends in a broken word;
- **widest word space**: the widest gap between two words of a justified line (a body
  line that reaches the right edge of the column), in
  points and in ems of the body size; **loose lines**: justified lines with a gap over
  twice the natural word space (the median gap of lines that do not reach the right edge);
- **empty pages**: the share of a page's text area left empty under its last printed thing,
  for pages whose text could flow on (the next page goes on with the same chapter), and
  the pages over a quarter;
- **self-page references**: 'с. N', 'p. N', 'N-бет' printed on page N itself;
- **contents**: the narrowest dot leader and how far the page numbers' right edges stray;
- **caption labels**: 'Сурет 1.'/'Кесте 1.'/'Қосымша 1' against '1-сурет.'/'1-кесте.'/'1-қосымша'.

Not a test (the thresholds are the reviewer's): tests/test_print_quality.py checks the
limits the layout promises on the sample with the same functions.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field
from pathlib import Path

MM = 72 / 25.4
#: The default layout's text area (report.css @page margins: 22 18 20 25 mm).
TOP, RIGHT, BOTTOM, LEFT = 22 * MM, 18 * MM, 20 * MM, 25 * MM
#: Body text is 11 pt; poppler's word boxes of it are about 14.2 pt tall (footnotes and
#: tables, at 8.5 and 9 pt, are under 12).
BODY_SIZE = 11.0
BODY_BOX = 13.0
_NS = "{http://www.w3.org/1999/xhtml}"
_HYPHENS = ("-", "\u2010", "\u00ad")


@dataclass
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass
class Line:
    words: list[Word]
    page: int
    index: int

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @property
    def y1(self) -> float:
        return max(w.y1 for w in self.words)

    @property
    def height(self) -> float:
        return max(w.y1 - w.y0 for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    def breaks_word(self) -> bool:
        """Whether the line ends in a hyphen after a letter (a word goes on below)."""
        last = self.words[-1].text
        return len(last) > 1 and last.endswith(_HYPHENS) and last[-2].isalpha()


@dataclass
class Page:
    number: int
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)
    text: str = ""

    def body(self) -> list[Line]:
        """The lines of the text column at body size, top to bottom."""
        return [ln for ln in self.lines if ln.height >= BODY_BOX and ln.x0 >= LEFT - 2
                and ln.words[0].y0 >= TOP - 2 and ln.y1 <= self.height - BOTTOM + 2]


def read_pages(pdf: Path) -> list[Page]:
    """Every page of ``pdf`` with its lines of words (pdftotext -bbox-layout).

    Lines are made again from the words' positions, top to bottom: poppler's own blocks cut
    a justified line at its widest spaces (a river is read as two columns), which would
    hide what is measured here. A word belongs to the line whose middle height it shares."""
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True,
                         check=True).stdout
    root = ET.fromstring(xml)
    pages = []
    for n, page in enumerate(root.iter(f"{_NS}page"), 1):
        out = Page(n, float(page.get("width", 0)), float(page.get("height", 0)))
        words = [Word(w.text or "", *(float(w.get(k, 0)) for k in ("xMin", "yMin", "xMax", "yMax")))
                 for w in page.iter(f"{_NS}word")]
        lines: list[list[Word]] = []
        for word in sorted(words, key=lambda w: (w.y1, w.x0)):
            mid = (word.y0 + word.y1) / 2
            for line in reversed(lines[-3:]):
                top, bottom = line[0].y0, line[0].y1
                if top < mid < bottom and abs((line[0].y1 - line[0].y0) - (word.y1 - word.y0)) < 6:
                    line.append(word)
                    break
            else:
                lines.append([word])
        for b, line in enumerate(lines):
            out.lines.append(Line(sorted(line, key=lambda w: w.x0), n, b))
        out.text = "\n".join(ln.text for ln in out.lines)
        pages.append(out)
    return pages


# ------------------------------------------------------------------ hyphenation


@dataclass
class Hyphenation:
    line_ends: int = 0
    longest_run: int = 0
    over_limit: int = 0
    page_turns: int = 0
    runs: list[str] = field(default_factory=list)  # 'p. 19: 6 lines', the runs over 2
    turns: list[str] = field(default_factory=list)  # 'p. 11→12: международно-|го'


def _continues(line: Line, nxt: Line | None) -> bool:
    return (nxt is not None and line.breaks_word() and bool(nxt.words)
            and nxt.words[0].text[:1].isalpha() and nxt.words[0].text[:1].islower())


def hyphenation(pages: list[Page], limit: int = 2) -> Hyphenation:
    """Broken words at line ends, their runs and the ones across a page turn."""
    found = Hyphenation()
    body = [page.body() for page in pages]
    run, run_start = 0, ""
    for p, lines in enumerate(body):
        for i, line in enumerate(lines):
            nxt = lines[i + 1] if i + 1 < len(lines) else None
            turn = nxt is None and p + 1 < len(body) and bool(body[p + 1])
            following = nxt if nxt is not None else (body[p + 1][0] if turn else None)
            if _continues(line, following):
                found.line_ends += 1
                run += 1
                if run == 1:
                    run_start = f"p. {line.page}"
                if run > limit:
                    found.over_limit += 1
                found.longest_run = max(found.longest_run, run)
                if turn and following is not None:
                    found.page_turns += 1
                    found.turns.append(f"p. {line.page}→{line.page + 1}: "
                                       f"{line.words[-1].text}|{following.words[0].text}")
                continue
            if run > limit:
                found.runs.append(f"{run_start}: {run} lines")
            run = 0
    return found


# ------------------------------------------------------------------ justification


@dataclass
class Spacing:
    natural: float = 0.0  # the median gap of unstretched body lines, pt
    widest: float = 0.0  # pt
    widest_em: float = 0.0
    widest_at: str = ""
    loose_lines: int = 0
    justified_lines: int = 0
    loose: list[str] = field(default_factory=list)  # 'p. 5 (0.9 em): Как изменились…'


def spacing(pages: list[Page]) -> Spacing:
    """The word spaces of justified body lines."""
    natural_gaps, lines = [], []
    for page in pages:
        right = page.width - RIGHT
        for line in page.body():
            gaps = [b.x0 - a.x1 for a, b in zip(line.words, line.words[1:], strict=False)]
            if not gaps or any(_LEADER.search(w.text) for w in line.words):
                continue  # a dot leader is not a word space
            if line.x1 < right - 1.5:
                natural_gaps += gaps
            elif len(line.words) >= 3:
                lines.append((line, gaps))
    out = Spacing(justified_lines=len(lines))
    if natural_gaps:
        out.natural = round(statistics.median(natural_gaps), 2)
    for line, gaps in lines:
        widest = max(gaps)
        if widest > 2 * out.natural:
            out.loose_lines += 1
            out.loose.append(f"p. {line.page} ({widest / BODY_SIZE:.2f} em): {line.text}")
        if widest > out.widest:
            i = gaps.index(widest)
            out.widest = round(widest, 2)
            out.widest_em = round(widest / BODY_SIZE, 2)
            out.widest_at = f"p. {line.page}: {line.words[i].text} | {line.words[i + 1].text}"
    return out


# ------------------------------------------------------------------ pages


def chapter_starts(pdf: Path) -> set[int]:
    """The pages (1-based) the outline's first-level entries start on."""
    import pikepdf

    starts = set()
    with pikepdf.open(pdf) as doc:
        pages = {page.objgen: n for n, page in enumerate(doc.pages, 1)}
        named = {}
        names = doc.Root.get("/Names")
        if names is not None and "/Dests" in names:
            items = list(names.Dests.get("/Names", []))
            named = {str(items[i]): items[i + 1] for i in range(0, len(items), 2)}
        with doc.open_outline() as outline:
            for item in outline.root:
                dest = item.destination
                if dest is None and item.action is not None:
                    dest = item.action.get("/D")
                if isinstance(dest, (str, pikepdf.String, pikepdf.Name)):
                    dest = named.get(str(dest))
                if isinstance(dest, pikepdf.Array) and len(dest) and dest[0].objgen in pages:
                    starts.add(pages[dest[0].objgen])
    return starts


@dataclass
class Fill:
    empty: dict[int, float] = field(default_factory=dict)  # page -> share left empty
    over_quarter: list[int] = field(default_factory=list)
    worst: float = 0.0
    worst_page: int = 0


def fill(pdf: Path, pages: list[Page], dpi: int = 24) -> Fill:
    """How much of each page's text area is empty under its last printed thing, for pages
    followed by more of the same chapter (the cover and contents excluded)."""
    from PIL import Image

    starts = chapter_starts(pdf)
    out = Fill()
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), str(pdf), f"{tmp}/p"], check=True)
        images = sorted(Path(tmp).glob("p-*.pgm"))
        for n, file in enumerate(images, 1):
            if n + 1 > len(images) or (n + 1) in starts or n <= 2 or not starts or n < min(starts):
                continue
            page = pages[n - 1]
            scale = dpi / 72
            with Image.open(file) as im:
                top, bottom = int(TOP * scale), int((page.height - BOTTOM) * scale)
                left, right = int(LEFT * scale), int((page.width - RIGHT) * scale)
                area = im.crop((left, top, right, bottom))
                rows = [y for y in range(area.height)
                        if area.crop((0, y, area.width, y + 1)).getextrema()[0] < 200]
            last = max(rows) if rows else 0
            share = round((area.height - 1 - last) / area.height, 3)
            out.empty[n] = share
            if share > 0.25:
                out.over_quarter.append(n)
            if share > out.worst:
                out.worst, out.worst_page = share, n
    return out


# ------------------------------------------------------------------ references, contents


_PAGE_REFS = re.compile(r"(?:\bс\.|\bp\.|\bpp?\.|\bpage)\s*(\d+)|(\d+)-бет")


def self_references(pages: list[Page]) -> list[str]:
    """'с. 5' and the like printed on page 5 itself."""
    found = []
    for page in pages:
        text = page.text.replace("\u00a0", " ")
        for match in _PAGE_REFS.finditer(text):
            number = int(match.group(1) or match.group(2))
            if number == page.number:
                start = max(0, match.start() - 30)
                found.append(f"p. {page.number}: …{text[start:match.end()]}".replace("\n", " "))
    return found


@dataclass
class Contents:
    entries: int = 0
    fewest_dots: int = 0  # the shortest dot leader, in dots
    number_edge_spread: float = 0.0  # pt: max - min of the page numbers' right edges
    number_sizes: list[float] = field(default_factory=list)  # the numbers' box heights, pt


_LEADER = re.compile(r"(\.{2,}|…+)(\d*)$")


def contents(pages: list[Page]) -> Contents:
    """The contents and list of figures (the pages after the cover whose lines end in a dot
    leader and a number): how short a leader gets, how the numbers line up."""
    out = Contents()
    dots, edges, sizes = [], [], set()
    for page in pages[1:4]:
        for line in page.lines:
            text = line.text.replace(" ", "")
            found = re.search(r"(\.+)(\d+)$", text)
            if not found:
                continue
            if not re.search(r"[^\W\d]", line.text):
                continue  # a line of dots and a number alone: the title is on the line above
            dots.append(len(found.group(1)))
            edges.append(line.x1)
            sizes.add(round(line.words[-1].y1 - line.words[-1].y0, 1))
    out.entries = len(edges)
    if dots:
        out.fewest_dots = min(dots)
    if edges:
        out.number_edge_spread = round(max(edges) - min(edges), 2)
    out.number_sizes = sorted(sizes)
    return out


def caption_labels(pages: list[Page]) -> dict[str, int]:
    text = "\n".join(p.text for p in pages).replace("\u00a0", " ")
    return {"word first (Сурет 1.)": len(re.findall(r"\b(?:Сурет|Кесте|Қосымша) \d", text)),
            "number first (1-сурет.)": len(re.findall(r"\d-(?:сурет|кесте|қосымша)", text))}


# ------------------------------------------------------------------ all


def measure(pdf: Path) -> dict[str, object]:
    pages = read_pages(pdf)
    return {
        "file": str(pdf),
        "pages": len(pages),
        "hyphenation": asdict(hyphenation(pages)),
        "spacing": asdict(spacing(pages)),
        "fill": asdict(fill(pdf, pages)),
        "self_references": self_references(pages),
        "contents": asdict(contents(pages)),
        "caption_labels": caption_labels(pages),
    }


def summary(result: dict[str, object]) -> str:
    h, s, f, c = (result[k] for k in ("hyphenation", "spacing", "fill", "contents"))
    assert isinstance(h, dict) and isinstance(s, dict) and isinstance(f, dict)
    assert isinstance(c, dict)
    lines = [
        f"{result['file']}: {result['pages']} pages",
        f"  hyphenated line ends {h['line_ends']}, longest run {h['longest_run']}, lines over "
        f"2 in a row {h['over_limit']}, page-turn hyphens {h['page_turns']}",
        *(f"    run {r}" for r in h["runs"]), *(f"    turn {t}" for t in h["turns"]),
        f"  widest word space {s['widest']} pt ({s['widest_em']} em) at {s['widest_at']}; "
        f"natural {s['natural']} pt; loose lines {s['loose_lines']} of {s['justified_lines']}",
        f"  empty under the last line: worst {f['worst']:.0%} (p. {f['worst_page']}); over a "
        f"quarter: {', '.join(f'p. {p}' for p in f['over_quarter']) or 'none'}",
        f"  self-page references: {len(result['self_references'])}"  # type: ignore[arg-type]
        + "".join(f"\n    {r}" for r in result["self_references"]),  # type: ignore[attr-defined]
        f"  contents: {c['entries']} entries, fewest dots in a leader {c['fewest_dots']}, page "
        f"numbers' right edges within {c['number_edge_spread']} pt, their sizes "
        f"{c['number_sizes']}",
        f"  caption labels: {result['caption_labels']}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdfs", nargs="+", type=Path)
    parser.add_argument("--json", action="store_true", help="print the measurements as JSON")
    parser.add_argument("--pages", action="store_true",
                        help="also print each page's empty share")
    parser.add_argument("--loose", action="store_true", help="also print the loose lines")
    args = parser.parse_args(argv)
    results = [measure(p) for p in args.pdfs]
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
        return 0
    for result in results:
        print(summary(result))
        if args.pages:
            empty = result["fill"]["empty"]  # type: ignore[index]
            print("  " + ", ".join(f"{p}: {v:.0%}" for p, v in empty.items()))
        if args.loose:
            print("\n".join(f"    {x}" for x in result["spacing"]["loose"]))  # type: ignore[index]
    return 0


if __name__ == "__main__":
    sys.exit(main())
