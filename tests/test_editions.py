"""Editions: the sample's Kazakh and English editions read back from the PDF and the DOCX,
sections per language, located errors for missing editions, draft builds, glyphs, hyphenation."""

from __future__ import annotations

import datetime as dt
import logging
import re
import subprocess
import textwrap
import zipfile
from pathlib import Path

import docx
import pikepdf
import pytest

from reportgen.build import build
from reportgen.errors import InputError
from reportgen.text.strings import strings_for

from .conftest import SAMPLE, Project, need

KAZAKH_LETTERS = set("ӘәҒғҚқҢңӨөҰұҮүҺһІі")
#: Russian words of the layouts and of the Russian edition's cover and dates (not the signs
#: all editions share, like '—' and '№').
RUSSIAN_LAYOUT = [v for k, v in strings_for("ru").items()
                  if "{" not in v and v != strings_for("kk")[k]] + [
    "года", "Отчёт о деятельности", "январь", "Фонд Первого", "Администрацию"]


#: Russian layout words that are Kazakh words too.
KAZAKH_WORDS = {"да"}


def pdftotext(pdf: Path, *options: str) -> str:
    return subprocess.run([need("pdftotext"), *options, "-enc", "UTF-8", str(pdf), "-"],
                          check=True, capture_output=True, text=True).stdout


def docx_text(path: Path) -> str:
    word = docx.Document(str(path))
    parts = [p.text for p in word.paragraphs]
    for table in word.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def flat(text: str) -> str:
    text = re.sub(r"-\n\s*(?=[a-zа-яёәғқңөұүһі])", "", text)
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    out = tmp_path_factory.mktemp("editions")
    result = build(SAMPLE, out, langs=("kk", "en"))
    return {lang: e.outputs for lang, e in result.editions.items()}


def test_output_names_carry_the_language(editions: dict[str, dict[str, Path]]) -> None:
    assert {p.name for outputs in editions.values() for p in outputs.values()} == {
        "report-2018-9m.kk.pdf", "report-2018-9m.kk.docx",
        "report-2018-9m.en.pdf", "report-2018-9m.en.docx"}


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_kazakh_edition_has_no_russian_layout_strings(editions: dict[str, dict[str, Path]],
                                                      fmt: str) -> None:
    path = editions["kk"][fmt]
    text = flat(pdftotext(path) if fmt == "pdf" else docx_text(path))
    # as a word: Kazakh 'қаласында' holds Russian 'да' ('yes'), and Kazakh writes the
    # particle 'да' ('also': 'басқа да') as a word of its own
    for word in set(RUSSIAN_LAYOUT) - KAZAKH_WORDS:
        assert not re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text), word
    for expected in ("Мазмұны", "Қызмет туралы есеп", "2018 жылғы қаңтар–қыркүйек",
                     "Қазақстан Республикасы Президентінің Әкімшілігіне ұсынылады",
                     "Алматы қаласы ҚХА ғылыми-сараптамалық тобы", "«Қоғамдық келісім» КММ"):
        assert expected in text, expected


def test_kazakh_letters_survive_pdftotext(editions: dict[str, dict[str, Path]]) -> None:
    source = (SAMPLE / "sections" / "about.kk.md").read_text(encoding="utf-8")
    # the layout words every edition shows (the tables' words are not in this one)
    shown = [strings_for("kk")[k] for k in ("contents", "addressee")]
    used = (set(source) | set("".join(shown))) & KAZAKH_LETTERS
    assert len(used) >= 12, used
    assert used <= set(pdftotext(editions["kk"]["pdf"]))


def test_kazakh_docx_is_marked_kazakh(editions: dict[str, dict[str, Path]]) -> None:
    word = docx.Document(str(editions["kk"]["docx"]))
    assert word.core_properties.language == "kk-KZ"
    with zipfile.ZipFile(editions["kk"]["docx"]) as zf:
        styles = zf.read("word/styles.xml").decode()
    assert 'w:lang w:val="kk-KZ"' in styles


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_english_edition_is_all_english_with_the_news_item(editions: dict[str, dict[str, Path]],
                                                           fmt: str) -> None:
    path = editions["en"][fmt]
    text = flat(pdftotext(path) if fmt == "pdf" else docx_text(path))
    assert not re.search(r"[а-яёА-ЯЁәғқңөұүһі]", text), re.search(r".{20}[а-яё].{20}", text)
    for expected in ("Contents", "Activity Report", "January–September 2018",
                     "Submitted to the Administration of the President",
                     "Publications in English", "Scientific and Expert Group",
                     "“Leadership. Stability. Progress”"):
        assert expected in text, expected


def test_no_break_thin_space_stays_in_the_text(sample_pdf: Path, tmp_path: Path) -> None:
    """'1 004' keeps its U+202F: the PDF maps a glyph to it (poppler's pdftotext prints every
    space character as U+0020, so the font's ToUnicode map is read instead), and the DOCX has it."""
    with pikepdf.open(sample_pdf) as pdf:
        maps = [font.ToUnicode.read_bytes() for page in pdf.pages
                for font in page.Resources.Font.values() if "/ToUnicode" in font]
    assert any(re.search(rb"<[0-9a-f]{4}> <202f>", cmap) for cmap in maps)
    assert "1 004" in flat(pdftotext(sample_pdf))
    ru = build(SAMPLE, tmp_path, formats=("docx",), langs=("ru",)).edition("ru").outputs["docx"]
    assert "1\u202f004" in docx_text(ru)


# ------------------------------------------------------------- bad editions

TWO = """\
title: {ru: Отчёт, kk: Есеп}
organization:
  name: {ru: Организация, kk: Ұйым}
language: ru
languages: [ru, kk]
date: 2018-10-05
periods:
  - id: p1
    start: 2018-01-01
    end: 2018-09-30
sections:
  - sections/a.md
"""
KK_SECTION = """\
---
title: Бөлім
---

Бөлімнің мәтіні.
"""


def problems(project: Project, **kwargs: object) -> list[str]:
    with pytest.raises(InputError) as info:
        build(project.root, project.root / "out", formats=("pdf",), **kwargs)  # type: ignore[arg-type]
    root = project.root.resolve()
    return [str(p).replace(f"{root}/", "") for p in info.value.problems]


BAD = [
    ("missing kk file", {}, {},
     ["report.yaml:12:5: error: section 'a' has no kk edition: 'sections/a.kk.md' not found; "
      "write it, or limit the section to some editions ({ru: sections/a.md, editions: [ru]}), "
      "or build with --draft"]),
    ("one title for two editions", {"title: {ru: Отчёт, kk: Есеп}": "title: Отчёт"}, KK_SECTION,
     ["report.yaml:1:8: error: title: the report has editions ru, kk; give this text for "
      "each ({ru: ..., kk: ...})"]),
    ("title without kk", {"title: {ru: Отчёт, kk: Есеп}": "title: {ru: Отчёт}"}, KK_SECTION,
     ["report.yaml:1:8: error: title: no kk text (the report's editions are ru, kk)"]),
    ("text in a language that is no edition",
     {"title: {ru: Отчёт, kk: Есеп}": "title: {ru: Отчёт, kk: Есеп, en: Report}"}, KK_SECTION,
     ["report.yaml:1:30: error: title: 'en' is not an edition of this report "
      "(languages: ru, kk)"]),
    ("language without catalog", {"languages: [ru, kk]": "languages: [ru, kk, de]",
                                  "kk: Есеп}": "kk: Есеп, de: Bericht}",
                                  "kk: Ұйым}": "kk: Ұйым, de: Organisation}"}, KK_SECTION,
     ["report.yaml:5:21: error: no message catalog for language 'de' (reportgen has: en, kk, ru)"]),
    ("main language not an edition", {"languages: [ru, kk]": "languages: [kk]",
                                      "{ru: Отчёт, kk: Есеп}": "{kk: Есеп}",
                                      "{ru: Организация, kk: Ұйым}": "{kk: Ұйым}"}, KK_SECTION,
     ["report.yaml:5:12: error: languages: the main language 'ru' (language:) must be one of "
      "the editions ['kk']"]),
    ("section entry with an unknown key",
     {"  - sections/a.md": "  - {ident: a, ru: sections/a.md, kk: sections/a.kk.md}"}, KK_SECTION,
     ["report.yaml:12:5: error: sections[0]: unknown key 'ident'; a section entry has 'id', "
      "'editions' and its file per language (ru: sections/about.md)"]),
    ("entry for an edition that does not exist",
     {"  - sections/a.md": "  - {ru: sections/a.md, kk: sections/a.kk.md, editions: [ru, en]}"},
     KK_SECTION,
     ["report.yaml:12:5: error: sections[0]: 'en' is not an edition of this report "
      "(languages: ru, kk)"]),
    ("a character the fonts lack, in a Kazakh footnote", {},
     KK_SECTION.replace("мәтіні.", "мәтіні[^1].\n\n[^1]: Ескерту ☃."),
     ["sections/a.kk.md:5: error: character '☃' (U+2603 SNOWMAN) is not in the bundled fonts; "
      "replace it or add a font that has it (docs/fonts.md; context: 'Ескерту ☃.')"]),
    ("a character the fonts lack, in a Kazakh text of report.yaml",
     {"kk: Есеп}": "kk: Есеп ✓}"}, KK_SECTION,
     ["report.yaml:1:24: error: character '✓' (U+2713 CHECK MARK) is not in the bundled fonts; "
      "replace it or add a font that has it (docs/fonts.md; context: 'Есеп ✓')"]),
    ("a character the fonts lack, in a Kazakh section", {},
     KK_SECTION.replace("мәтіні.", "мәтіні ☃."),
     ["sections/a.kk.md:5: error: character '☃' (U+2603 SNOWMAN) is not in the bundled fonts; "
      "replace it or add a font that has it (docs/fonts.md; context: 'Бөлімнің мәтіні ☃.')"]),
]


@pytest.mark.parametrize(("name", "changes", "kk_section", "expected"), BAD,
                         ids=[b[0] for b in BAD])
def test_bad_editions(project: Project, name: str, changes: dict[str, str],
                      kk_section: str | dict[str, str], expected: list[str]) -> None:
    text = TWO
    for old, new in changes.items():
        assert old in text, old
        text = text.replace(old, new)
    project.write("report.yaml", text)
    if kk_section:
        project.write("sections/a.kk.md", str(kk_section))
    assert problems(project) == expected


APPENDICES = """\
appendices:
  - {id: app-ru, ru: appendices/ru-only.md, editions: [ru]}
  - appendices/events.md
"""
KK_TABLE_SECTION = """\
---
title: Бөлім
---

Іс-шаралар {numref}`app-events` берілген; {numref}`tab-events`.

```{table}
data: events
columns: [n, date, city, participants]
caption: Іс-шаралар
id: tab-events
```
"""
APPENDIX = """\
---
title: {title}
id: {id}
---

{text}
"""


def test_appendices_and_tables_in_each_edition(project: Project) -> None:
    """Appendices are numbered within each edition; a Kazakh table and reference speak Kazakh."""
    from reportgen.text.formats import format_date

    project.write("report.yaml", TWO + APPENDICES)
    project.write("sections/a.kk.md", KK_TABLE_SECTION)
    project.write("appendices/ru-only.md", APPENDIX.format(title="Только по-русски",
                                                           id="app-ru", text="Текст."))
    project.write("appendices/events.md", APPENDIX.format(title="Мероприятия", id="app-events",
                                                          text="Текст."))
    project.write("appendices/events.kk.md", APPENDIX.format(title="Іс-шаралар",
                                                             id="app-events", text="Мәтін."))
    result = build(project.root, project.root / "out")
    ru, kk = result.edition("ru").document, result.edition("kk").document
    assert ru is not None and kk is not None
    assert [(s.id, s.appendix) for s in ru.sections] == [("a", None), ("app-ru", 1),
                                                         ("app-events", 2)]
    assert [(s.id, s.appendix) for s in kk.sections] == [("a", None), ("app-events", 1)]
    day = format_date(dt.date(2018, 5, 1), "kk")
    assert day == "2018\u00a0жылғы\u00a01\u00a0мамыр"
    for fmt in ("pdf", "docx"):
        path = result.edition("kk").outputs[fmt]
        text = flat(pdftotext(path) if fmt == "pdf" else docx_text(path))
        for word in RUSSIAN_LAYOUT + ["Таблица", "Приложение", "на с."]:
            assert not re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text), (fmt, word)
        assert "1-кесте." in text and "1-қосымша" in text, fmt  # the number first (issue 22)
        # the table is on the paragraph's page: the PDF says it is below (issue 22)
        here = "төмендегі 1-кесте" if fmt == "pdf" else r"(?:1-кесте, \d+-бет|төмендегі 1-кесте)"
        assert re.search(r"Іс-шаралар 1-қосымша, \d+-бет берілген; " + here, text), fmt
        assert all(title in text for title in ("Күні", "Қала", "Қатысушылар")), fmt
        assert " ".join(day.split()) in text, fmt
    # an appendix of every edition needs its Kazakh file, as a section does
    (project.root / "appendices" / "events.kk.md").unlink()
    assert problems(project) == [
        "report.yaml:15:5: error: appendix 'events' has no kk edition: "
        "'appendices/events.kk.md' not found; write it, or limit the appendix to some editions "
        "({ru: appendices/events.md, editions: [ru]}), or build with --draft"]


def test_unknown_edition_asked_for(project: Project) -> None:
    assert problems(project, langs=("kk",)) == [
        "report.yaml:5:11: error: no kk edition in this report (its languages: ru)"]


def test_a_character_missing_from_a_catalog_names_the_catalog_line(
        project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from reportgen.text import strings

    locales = tmp_path / "locales"
    shutil.copytree(strings.LOCALES, locales)
    po = locales / "ru.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "Содержание"',
                                                         'msgstr "Содержание ☞"'),
                  encoding="utf-8")
    monkeypatch.setattr(strings, "LOCALES", locales)
    found = problems(project)
    line = po.read_text(encoding="utf-8").splitlines().index('msgstr "Содержание ☞"') + 1
    assert found == [f"{po}:{line}: error: character '☞' (U+261E WHITE RIGHT POINTING INDEX) "
                     "is not in the bundled fonts; replace it or add a font that has it "
                     "(docs/fonts.md; context: 'Содержание ☞')"]


def test_draft_uses_the_main_text_marked(project: Project, caplog: pytest.LogCaptureFixture
                                         ) -> None:
    project.write("report.yaml", TWO)
    with caplog.at_level(logging.WARNING):
        result = build(project.root, project.root / "out", formats=("pdf", "docx"), draft=True)
    assert [r.getMessage() for r in caplog.records] == [
        f"{project.root.resolve()}/report.yaml:12:5: warning: section 'a' has no kk edition "
        "('sections/a.kk.md' not found); the draft uses the ru text, marked"]
    kk = result.edition("kk")
    marker = strings_for("kk")["draft_missing"]
    assert marker in flat(pdftotext(kk.outputs["pdf"]))
    assert marker in docx_text(kk.outputs["docx"])
    assert kk.document is not None and kk.document.sections[0].lang == "ru"
    assert marker not in flat(pdftotext(result.edition("ru").outputs["pdf"]))
    with pytest.raises(InputError):  # --strict makes the warning fatal
        build(project.root, project.root / "out2", formats=("pdf",), draft=True, strict=True)


def test_single_language_reports_keep_their_output_names(project: Project) -> None:
    result = build(project.root, project.root / "out", formats=("pdf",))
    assert list(result.editions) == ["ru"]
    assert result.edition().outputs["pdf"].name == "report-p1.pdf"


# ------------------------------------------------------------ hyphenation

LONG = {
    "ru": "сельскохозяйственный межгосударственных конфессиональных ",
    "kk": "ауылшаруашылығындағы мемлекетаралықтардың конфессияаралықтарымыздың ",
    "en": "internationalization responsibilities characteristically ",
}


def hyphenated_lines(lang: str, tmp_path: Path) -> int:
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from reportgen.render.htmlpage import font_face_css
    from reportgen.render.pdf.writer import _bundled_fonts_only

    with _bundled_fonts_only():
        config = FontConfiguration()
    css = weasyprint.CSS(string=font_face_css() + textwrap.dedent("""
        p { font-family: "Report Serif"; width: 32mm; text-align: justify; hyphens: auto;
            hyphenate-character: "-"; }"""), font_config=config)
    html = f'<html lang="{lang}"><p>{LONG[lang] * 6}</p></html>'
    pdf = tmp_path / f"{lang}.pdf"
    weasyprint.HTML(string=html).write_pdf(pdf, stylesheets=[css], font_config=config)
    # -layout: without it poppler joins hyphenated words back together
    return sum(line.rstrip().endswith("-") for line in pdftotext(pdf, "-layout").splitlines())


def test_russian_and_english_are_hyphenated_kazakh_is_not(tmp_path: Path) -> None:
    """pyphen has Russian and English patterns and none for Kazakh: a Kazakh text is never
    hyphenated with another language's patterns."""
    assert hyphenated_lines("ru", tmp_path) > 0
    assert hyphenated_lines("en", tmp_path) > 0
    assert hyphenated_lines("kk", tmp_path) == 0
