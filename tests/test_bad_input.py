"""A table of bad inputs and the exact message each must give, line and column included."""

from __future__ import annotations

import pytest

from reportgen.build import build
from reportgen.cli import main
from reportgen.errors import InputError

from .conftest import DATA_YAML, REPORT_YAML, SECTION_MD, Project, problems_of

CASES = [
    (
        "yaml syntax error",
        "report.yaml", REPORT_YAML.replace("language: ru", "language: [ru"),
        ["report.yaml:6:5: error: YAML syntax error: while parsing a flow sequence, "
         "expected ',' or ']', but got ':'"],
    ),
    (
        "unknown key with suggestion",
        "report.yaml", REPORT_YAML.replace("addressee:", "adressee:"),
        ["report.yaml:4:1: error: adressee: unknown key 'adressee'; did you mean 'addressee'?"],
    ),
    (
        "missing required key",
        "report.yaml", REPORT_YAML.replace("title: Отчёт о деятельности\n", ""),
        ["report.yaml:1:1: error: title: missing required key 'title'"],
    ),
    (
        "wrong type: whole number expected",
        "activity/p1.yaml", DATA_YAML.replace("value: 23", "value: ten"),
        ["activity/p1.yaml:3:12: error: indicators.materials.value: "
         "expected a whole number or a number, got 'ten'"],
    ),
    (
        "negative count",
        "activity/p1.yaml", DATA_YAML.replace("value: 23", "value: -3"),
        ["activity/p1.yaml:3:12: error: indicators.materials.value: "
         "expected a number ≥ 0, got -3"],
    ),
    (
        "YAML's bare 'no' where text is expected",
        "activity/p1.yaml", DATA_YAML.replace("city: Астана", "city: no"),
        ["activity/p1.yaml:19:11: error: events[0].city: expected text, got false "
         "(YAML reads the unquoted 'no' as false; quote it: \"no\")"],
    ),
    (
        "duplicate key",
        "activity/p1.yaml", DATA_YAML.replace("breakdowns:", "  materials:\n    value: 1\n"
                                               "    label: x\nbreakdowns:"),
        ["activity/p1.yaml:8:3: error: duplicate key 'materials' (first defined at line 2); "
         "YAML would silently keep the last one"],
    ),
    (
        "breakdown parts do not add up",
        "activity/p1.yaml", DATA_YAML.replace("total: 10", "total: 12"),
        ["activity/p1.yaml:11:12: error: breakdowns.media: the parts add up to 10 "
         "(7 (domestic) + 3 (foreign)), but the total is 12"],
    ),
    (
        "bad date",
        "activity/p1.yaml", DATA_YAML.replace("date: 2018-05-01", "date: 2018-13-01"),
        ["activity/p1.yaml:18:11: error: events[0].date: '2018-13-01' is not a valid "
         "timestamp (month must be in 1..12)"],
    ),
    (
        "missing section file",
        "report.yaml", REPORT_YAML.replace("sections/a.md", "sections/missing.md"),
        ["report.yaml:13:5: error: section file 'sections/missing.md' not found"],
    ),
    (
        "undefined name in an expression",
        "sections/a.md", SECTION_MD.replace("Текст раздела.", "Всего {{ indicators.events }}."),
        ["sections/a.md:7:21: error: undefined name 'events' (known here: materials)"],
    ),
    (
        "undefined top-level name",
        "sections/a.md", SECTION_MD.replace("Текст раздела.", "Текст {{ site.baseurl }}."),
        ["sections/a.md:7:10: error: undefined name 'site'"],
    ),
    (
        "missing image",
        "sections/a.md", SECTION_MD.replace("pic.png", "nope.png"),
        ["sections/a.md:9: error: image '../img/nope.png' not found "
         "(looked for {root}/img/nope.png)"],
    ),
    (
        "image outside the project",
        "sections/a.md", SECTION_MD.replace("../img/pic.png", "../../secret.png"),
        ["sections/a.md:9: error: '../../secret.png' points outside the report project ({root})"],
    ),
    (
        "image from the network",
        "sections/a.md", SECTION_MD.replace("../img/pic.png", "https://example.org/a.png"),
        ["sections/a.md:9: error: 'https://example.org/a.png' is not a file of the project "
         "(a report reads no URLs); put the file in the project and refer to it by a "
         "relative path"],
    ),
    (
        "sandboxed expression",
        "sections/a.md", SECTION_MD.replace("Текст раздела.", "{{ ''.__class__.__mro__ }}"),
        ["sections/a.md:7:7: error: expression not allowed: access to attribute '__class__' "
         "of 'str' object is unsafe."],
    ),
    (
        "unknown front matter key",
        "sections/a.md", SECTION_MD.replace("title: Раздел", "title: Раздел\ntitel: x"),
        ["sections/a.md:3:1: error: titel: unknown key 'titel'; did you mean 'title'?"],
    ),
    (
        "unsupported raw HTML",
        "sections/a.md", SECTION_MD.replace("Текст раздела.", "<details>x</details>"),
        ["sections/a.md:7: error: unsupported HTML element <details> (a report accepts <div>, "
         "carousels, <video>, <img> and inline <span>, <b>, <i>, <a>, <br>)"],
    ),
    (
        "video without a poster frame",
        "sections/a.md", SECTION_MD.replace(
            "Текст раздела.", '<video controls>\n  <source src="../v/UN.mp4" type="video/mp4" />'
            "\n</video>"),
        ["sections/a.md:7: error: a video needs a poster frame for print: add poster=\"...\" "
         "to <video>, or put an image with the video's name next to it (../v/UN.mp4)"],
    ),
    (
        "character missing from the bundled fonts",
        "sections/a.md", SECTION_MD.replace("Текст раздела.", "Текст ☃ раздела."),
        ["sections/a.md:7: error: character '☃' (U+2603 SNOWMAN) is not in the bundled fonts; "
         "replace it or add a font that has it (docs/fonts.md; context: 'Текст ☃ раздела.')"],
    ),
    (
        "unknown layout",
        "report.yaml", REPORT_YAML + "layout: fancy\n",
        ["report.yaml:14:9: error: layout: no layout 'fancy' (known: default)"],
    ),
    (
        "unknown period default",
        "report.yaml", REPORT_YAML.replace("sections:\n", "default_period: p9\nsections:\n"),
        ["report.yaml:12:17: error: default_period: 'p9' is not one of the periods: p1"],
    ),
]


@pytest.mark.parametrize(("name", "file", "text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_message(project: Project, name: str, file: str, text: str,
                           expected: list[str]) -> None:
    project.write(file, text)
    root = str(project.root.resolve())
    assert problems_of(project) == [e.format(root=root) for e in expected]


def test_all_problems_are_reported_together(project: Project) -> None:
    project.write("activity/p1.yaml", DATA_YAML.replace("value: 23", "value: ten")
                  .replace("total: 10", "totl: 10"))
    project.write("sections/a.md", SECTION_MD.replace("pic.png", "nope.png"))
    found = problems_of(project)
    assert len(found) == 4, found  # value, missing total, unknown 'totl', and the section's image
    assert any("unknown key 'totl'; did you mean 'total'?" in f for f in found)
    assert found[-1].startswith("sections/a.md:9: error: image '../img/nope.png' not found")


def test_cli_exit_code_and_no_output_on_bad_input(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    project.write("sections/a.md", SECTION_MD.replace("pic.png", "nope.png"))
    out = project.root / "out"
    code = main(["build", str(project.root), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 1
    assert "sections/a.md:9: error: image '../img/nope.png' not found" in err
    assert "nothing was written" in err
    assert not out.exists() or not any(out.iterdir())


def test_failed_build_leaves_previous_output_intact(project: Project) -> None:
    out = project.root / "out"
    first = build(project.root, out, formats=("pdf",)).edition().outputs["pdf"]
    before = first.read_bytes()
    project.write("sections/a.md", SECTION_MD.replace("Текст раздела.", "{{ nope }}"))
    with pytest.raises(InputError):
        build(project.root, out, formats=("pdf",))
    assert first.read_bytes() == before
    assert [p.name for p in out.iterdir()] == [first.name]  # no temporary file left behind


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["build", "--no-such-flag"])
    assert info.value.code == 2
    assert main([]) == 2


def test_unknown_period_is_input_error(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", str(project.root), "--period", "2030", "-o",
                 str(project.root / "o")]) == 1
    assert "no period '2030' in this report; its periods are: p1" in capsys.readouterr().err


def test_outputs_get_normal_file_permissions(project: Project) -> None:
    import os

    umask = os.umask(0o022)
    try:
        pdf = build(project.root, project.root / "out", formats=("pdf",)).edition().outputs["pdf"]
    finally:
        os.umask(umask)
    assert pdf.stat().st_mode & 0o777 == 0o644
