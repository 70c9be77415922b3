"""End to end: the sample project built to PDF and read back with real tools (poppler, qpdf, pikepdf)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pikepdf
import pytest

from reportgen.assemble.document import assemble
from reportgen.load.project import load_project
from reportgen.model import nodes as m
from reportgen.model import walk
from reportgen.render import rules

from .conftest import SAMPLE, need


def pdftotext(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    args = [need("pdftotext"), "-layout", "-enc", "UTF-8"]
    if first:
        args += ["-f", str(first), "-l", str(last or first)]
    return subprocess.run([*args, str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


def flat(text: str) -> str:
    """Text with line-end hyphenation undone and all whitespace (incl. no-break) as one space."""
    text = re.sub(r"-\n\s*(?=[a-zа-яёәғқңөұүһі])", "", text)
    return re.sub(r"[\s\u00a0\u202f]+", " ", text)


def pages(pdf: Path) -> list[str]:
    return [flat(p) for p in pdftotext(pdf).split("\f")][:-1]


@pytest.fixture(scope="module")
def sample_doc() -> m.Document:
    project = load_project(SAMPLE)
    return assemble(project, project.period(None))


def test_every_section_title_lead_and_kazakh_words(sample_pdf: Path, sample_doc: m.Document) -> None:
    text = flat(pdftotext(sample_pdf))
    for section in sample_doc.sections:
        assert flat(section.title) in text, section.title
        if section.lead:
            assert flat(m.plain_text(section.lead)) in text, section.id
    assert "«Қоғамдық келісім»" in text
    assert "Отчёт о деятельности" in text and "январь–сентябрь 2018 года" in text


def test_fonts_are_embedded_and_only_the_bundled_families(sample_pdf: Path) -> None:
    out = subprocess.run([need("pdffonts"), str(sample_pdf)], check=True, capture_output=True,
                         text=True).stdout.splitlines()[2:]
    assert out, "no fonts listed"
    for line in out:
        name, emb = line.split()[0], line.split()[-5]
        assert emb == "yes", line
        assert re.fullmatch(r"[A-Z]{6}\+Report-(Serif|Sans)(-Bold|-Italic|-BoldItalic)?", name), line


def test_qpdf_check_passes(sample_pdf: Path) -> None:
    result = subprocess.run([need("qpdf"), "--check", str(sample_pdf)], capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def _outline(pdf: pikepdf.Pdf) -> list[tuple[str, int, list[str]]]:
    page_index = {p.objgen: i for i, p in enumerate(pdf.pages)}
    with pdf.open_outline() as outline:
        result = []
        for item in outline.root:
            dest = item.destination
            target = dest[0] if isinstance(dest, pikepdf.Array) else None
            result.append((item.title, page_index.get(target.objgen, -1) if target else -1,
                           [child.title for child in item.children]))
        return result


def test_outline_mirrors_sections_and_headings(sample_pdf: Path, sample_doc: m.Document) -> None:
    with pikepdf.open(sample_pdf) as pdf:
        outline = _outline(pdf)
    titles = [t for t, _, _ in outline]
    # as the writers title them (render.rules: 'Приложение~1. …', a no-break space)
    assert titles == ["Основные итоги"] + [rules.section_title(s, sample_doc.meta.strings)
                                           for s in sample_doc.sections]
    for (_, _, children), section in zip(outline[1:], sample_doc.sections, strict=True):
        h2 = [m.plain_text(h.children) for h in walk.headings(section.blocks, level=2)]
        assert children == h2, section.id


def test_toc_page_numbers_are_the_real_pages(sample_pdf: Path, sample_doc: m.Document) -> None:
    all_pages = pages(sample_pdf)
    toc = all_pages[1]
    assert toc.startswith("Отчёт о деятельности Содержание") or "Содержание" in toc
    with pikepdf.open(sample_pdf) as pdf:
        outline = _outline(pdf)
    for title, page, _ in outline:
        match = re.search(re.escape(flat(title)) + r" ?\.{3,} ?(\d+)", toc)
        assert match, f"{title!r} not in the contents: {toc}"
        printed = int(match.group(1))
        assert printed == page + 1, title
        assert flat(title) in all_pages[page], f"{title!r} is not on page {printed}"
        assert re.search(rf"\b{printed} / {len(all_pages)}\b", all_pages[page])


def test_metadata(sample_pdf: Path) -> None:
    with pikepdf.open(sample_pdf) as pdf:
        info = pdf.docinfo
        assert str(info["/Title"]).startswith("Отчёт о деятельности")
        assert str(info["/Author"]) == "Фонд Первого Президента Республики Казахстан — Елбасы"
        assert "январь–сентябрь 2018 года" in str(info["/Subject"])
        assert str(pdf.Root.Lang) == "ru"
        assert str(info["/CreationDate"]).startswith("D:20181005")


def test_a4_pages_and_no_page_number_on_the_cover(sample_pdf: Path) -> None:
    with pikepdf.open(sample_pdf) as pdf:
        for page in pdf.pages:
            x0, y0, x1, y1 = (float(v) for v in page.mediabox)
            assert (round(x1 - x0), round(y1 - y0)) == (595, 842)
    first = pages(sample_pdf)[0]
    assert not re.search(r"\b1 / \d+\b", first)


def test_numbers_come_from_the_period_built(sample_pdf: Path, sample_pdf_h1: Path) -> None:
    nine = flat(pdftotext(sample_pdf))
    half = flat(pdftotext(sample_pdf_h1))
    # January–September: the figures of activity/2018-9m.yaml
    assert "подготовлено 30 информационно-аналитических материалов" in nine
    assert "приняли участие в 31 мероприятии" in nine
    assert "Опубликовано 1 004 интервью и комментария экспертов в СМИ, из них 905 в казахстанских и 99" in nine
    assert "провели 5 международных конференций" in nine
    # January–June: activity/2018-h1.yaml
    assert "подготовлено 23 информационно-аналитических материала" in half
    assert "приняли участие в 27 мероприятиях" in half
    assert "Опубликовано 846 интервью и комментариев" in half
    for stale in ("1 004", " 30 информационно", "31 мероприяти", " 20 информационно"):
        assert stale not in half, stale
    assert "январь–июнь 2018 года" in half


def test_every_image_is_in_the_pdf(sample_pdf: Path, sample_doc: m.Document) -> None:
    expected: set[Path] = set()

    def walk(blocks: tuple[m.Block, ...]) -> None:
        for b in blocks:
            if isinstance(b, m.Figure):
                expected.add(b.image.path)
            elif isinstance(b, m.Gallery):
                expected.update(i.path for i in b.images)
            elif isinstance(b, m.Div | m.Quote):
                walk(b.blocks)

    for s in sample_doc.sections:
        walk(s.blocks)
        if s.cover:
            expected.add(s.cover.path)
    assert sample_doc.meta.logo is not None
    expected.add(sample_doc.meta.logo.path)
    listing = subprocess.run([need("pdfimages"), "-list", str(sample_pdf)], check=True,
                             capture_output=True, text=True).stdout.splitlines()[2:]
    images = [line for line in listing if line.split()[2] == "image"]
    assert len(images) == len(expected)  # charts are vector drawings, not images
    assert len(expected) >= 45  # every carousel slide of the seed pages is kept


def test_galleries_keep_every_slide(sample_doc: m.Document) -> None:
    coop = next(s for s in sample_doc.sections if s.id == "international-cooperation")
    galleries = [b for b in _all_blocks(coop.blocks) if isinstance(b, m.Gallery)]
    assert [len(g.images) for g in galleries] == [3, 7, 11, 6, 5, 5, 3]
    video = [b for b in _all_blocks(coop.blocks) if isinstance(b, m.Figure) and b.role == "video"]
    assert len(video) == 1
    assert m.plain_text(video[0].caption) == "Видеозапись: I Международная Модель ООН Центральной Азии"
    numbers = [b.number for b in _all_blocks(tuple(x for s in sample_doc.sections
                                                    for x in s.blocks))
               if isinstance(b, m.Figure | m.Gallery | m.Chart)]
    assert numbers == list(range(1, len(numbers) + 1))


def _all_blocks(blocks: tuple[m.Block, ...]) -> list[m.Block]:
    out: list[m.Block] = []
    for b in blocks:
        out.append(b)
        if isinstance(b, m.Div | m.Quote):
            out.extend(_all_blocks(b.blocks))
    return out


def test_sections_carry_their_language(sample_doc: m.Document) -> None:
    from reportgen.render.htmlpage import render_html

    html = render_html(sample_doc)
    assert '<html lang="ru">' in html
    assert '<section class="chapter" id="sec-press-en" lang="en">' in html
    assert '<section class="chapter" id="sec-about" lang="ru">' in html


def test_system_fonts_are_unreachable(tmp_path: Path) -> None:
    """Even a layout that names a system font gets a bundled one: Fontconfig sees only ours."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from reportgen.render.pdf.writer import _bundled_fonts_only

    with _bundled_fonts_only():
        config = FontConfiguration()
    html = weasyprint.HTML(string='<p style="font-family: DejaVu Sans, serif">Қоғамдық келісім</p>')
    target = tmp_path / "t.pdf"
    target.write_bytes(html.write_pdf(font_config=config))
    fonts = subprocess.run([need("pdffonts"), str(target)], check=True, capture_output=True,
                           text=True).stdout.splitlines()[2:]
    assert fonts and all(re.search(r"\+Report-(Sans|Serif)", line) for line in fonts), fonts
