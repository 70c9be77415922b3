"""Convert hyph-utf8's Kazakh TeX patterns into the hyphen library's ``hyph_kk_KZ.dic``.

A build tool, not part of the pipeline: run it when the patterns are updated and commit
its output (``reportgen/text/hyphenation/``); a build never reads the source folder.

The source folder holds ``hyph-kk.pat.txt`` (hyph-utf8's plain-text patterns, one a line,
UTF-8) and ``hyph-kk.header.txt`` (the header of the TeX file: authors, licence, hyphenmins).
The output is the format pyphen and LibreOffice (libhyphen) read:

- ``hyph_kk_KZ.dic``: the encoding (``UTF-8``) on the first line, ``LEFTHYPHENMIN`` and
  ``RIGHTHYPHENMIN`` from the header's typesetting hyphenmins (libhyphen reads them; pyphen
  skips them, so reportgen.text.hyphenation reads them itself), a ``%`` comment naming the
  source (both readers skip ``%`` lines), then the patterns exactly as published, in their
  order. Nothing is added, dropped or corrected here: what the patterns get wrong is
  handled, and documented, in reportgen/text/hyphenation.py (docs/hyphenation.md);
- ``README_hyph_kk_KZ.txt``: where the patterns come from and their licence (public domain),
  with the header copied verbatim; pyphen's and LibreOffice's dictionaries carry their
  licences the same way.

Every pattern is checked (Liang's letters-and-digits form, letters of the Kazakh Cyrillic
alphabet or the hyphen, no duplicates) so that a damaged source fails here, not in a
report. The output is byte-identical between runs.

Usage: python tools/make_hyphenation.py [SOURCE_DIR] [OUT_DIR]
       (defaults: /work/shared/hyphenation, reportgen/text/hyphenation)
       python tools/make_hyphenation.py --check [SOURCE_DIR]   # is the committed file current?
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = Path("/work/shared/hyphenation")
DEFAULT_OUT = ROOT / "reportgen" / "text" / "hyphenation"
DIC_NAME = "hyph_kk_KZ.dic"
README_NAME = "README_hyph_kk_KZ.txt"
UPSTREAM = ("https://github.com/hyphenation/tex-hyphen,\n         "
            "hyph-utf8/tex/generic/hyph-utf8/patterns/txt/hyph-kk.pat.txt")

# The Kazakh Cyrillic alphabet (42 letters) and the hyphen, which the pattern ``1-4`` uses.
ALPHABET = set("аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя") | {"-"}
_PATTERN = re.compile(r"\.?(?:\d?[^\d.\s])+\d?\.?")


def read_patterns(path: Path) -> list[str]:
    """The patterns of ``hyph-kk.pat.txt``, checked; raises ValueError listing every bad line."""
    patterns: list[str] = []
    seen: set[str] = set()
    problems: list[str] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.split("%", 1)[0].strip()
        if not line:
            continue
        letters = re.sub(r"[\d.]", "", line)
        if not _PATTERN.fullmatch(line) or not any(c.isdigit() for c in line):
            problems.append(f"{path}:{number}: not a Liang pattern: {raw!r}")
        elif set(letters) - ALPHABET:
            problems.append(f"{path}:{number}: letters outside the Kazakh alphabet: {raw!r}")
        elif line in seen:
            problems.append(f"{path}:{number}: duplicate pattern {line!r}")
        else:
            seen.add(line)
            patterns.append(line)
    if problems:
        raise ValueError("\n".join(problems))
    if not patterns:
        raise ValueError(f"{path}: no patterns")
    return patterns


def read_hyphenmins(header: str) -> tuple[int, int]:
    """The typesetting ``left``/``right`` hyphenmins of the TeX header (YAML in ``%`` comments)."""
    text = "\n".join(line.lstrip("%") for line in header.splitlines())
    found = re.search(r"hyphenmins:\s*\n\s*typesetting:\s*\n\s*left:\s*(\d+)\s*\n\s*right:\s*(\d+)", text)
    if not found:
        raise ValueError("the header gives no typesetting hyphenmins")
    return int(found.group(1)), int(found.group(2))


def make_dic(patterns: list[str], left: int, right: int) -> str:
    lines = [
        "UTF-8",
        f"LEFTHYPHENMIN {left}",
        f"RIGHTHYPHENMIN {right}",
        "% Kazakh (Cyrillic) hyphenation patterns of hyph-utf8 (hyph-kk), public domain:",
        f"% see {README_NAME}. Converted by reportgen's tools/make_hyphenation.py, unchanged.",
        *patterns,
    ]
    return "\n".join(lines) + "\n"


def make_readme(header: str, count: int, left: int, right: int) -> str:
    return f"""\
{DIC_NAME}: Kazakh (Cyrillic) hyphenation patterns
{"=" * (len(DIC_NAME) + 42)}

Source:  the Kazakh patterns of the hyph-utf8 package (tex-hyphen), hyph-kk.pat.txt,
         "21 February 2026 update with the addition of Kazakh";
         {UPSTREAM}
Authors: Mojca Miklavec (2010), Robert Ermers (2025), Arthur Rosendahl (2026)
Licence: public domain (the patterns' header, copied below, says "licence: name: Public
         domain"). The script that generated them upstream, generate_patterns_kk.rb, is
         MIT-licensed; it is not part of this folder.

Conversion: reportgen's tools/make_hyphenation.py wrote {DIC_NAME} in the hyphen library's
format (pyphen, LibreOffice): the encoding on the first line, LEFTHYPHENMIN {left} and
RIGHTHYPHENMIN {right} from the header's hyphenmins, then the {count} patterns unchanged
and in their published order. reportgen corrects some of their breaks in code, not here:
see docs/hyphenation.md.

The header of hyph-kk.tex, verbatim:

{header.rstrip()}
"""


def build(source: Path) -> dict[str, str]:
    """The output files' names and texts, from the source folder."""
    header = (source / "hyph-kk.header.txt").read_text(encoding="utf-8")
    patterns = read_patterns(source / "hyph-kk.pat.txt")
    left, right = read_hyphenmins(header)
    return {DIC_NAME: make_dic(patterns, left, right),
            README_NAME: make_readme(header, len(patterns), left, right)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("out", nargs="?", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true",
                        help="compare with the files in OUT instead of writing them")
    args = parser.parse_args(argv)
    try:
        files = build(args.source)
    except (OSError, ValueError) as error:
        print(f"make_hyphenation: {error}", file=sys.stderr)
        return 1
    stale = []
    for name, text in files.items():
        target = args.out / name
        if args.check:
            if not target.is_file() or target.read_text(encoding="utf-8") != text:
                stale.append(str(target))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8", newline="\n")
            print(f"wrote {target}")
    if stale:
        print("make_hyphenation: out of date (run tools/make_hyphenation.py): " + ", ".join(stale),
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
