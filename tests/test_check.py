"""`reportgen check`: every problem of a period's input at once, hand-typed numbers included.

A table of bad projects with the exact messages (locations included), the seed page checked
as it was written, the sample checked clean (but for the release gate's warnings:
tests/test_release_gate.py), the JSON output, exit codes and --strict.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from reportgen.build import build, check
from reportgen.cli import main
from reportgen.errors import InputError, Problem

from .conftest import DATA_YAML, REPORT_YAML, SAMPLE, SECTION_MD, Project, make_seed_project
from .test_release_gate import without_gate


def shown(problems: list[Problem], root: Path) -> list[str]:
    """Problems as the CLI prints them, with paths relative to ``root``."""
    prefix = str(root.resolve()) + "/"
    return [str(p).replace(prefix, "") for p in problems]


def check_lines(project: Project, strict: bool = False) -> list[str]:
    return shown(check(project.root, strict=strict).problems, project.root)


def section(text: str) -> tuple[str, str]:
    return "sections/a.md", SECTION_MD.replace("Текст раздела.", text)


def data(old: str, new: str) -> tuple[str, str]:
    assert old in DATA_YAML
    return "activity/p1.yaml", DATA_YAML.replace(old, new)


CASES: list[tuple[str, tuple[str, str], list[str]]] = [
    # ---- data: values, keys, YAML's implicit typing
    ("date where text was meant", data("title: Конференция", "title: 2018-05-01"),
     ["activity/p1.yaml:17:12: error: events[0].title: expected text, got the date 2018-05-01 "
      "(YAML reads the unquoted '2018-05-01' as the date 2018-05-01; quote it: \"2018-05-01\")"]),
    ("1.10 read as 1.1 where text was meant", data("label: публикаций", "label: 1.10"),
     ["activity/p1.yaml:10:12: error: breakdowns.media.label: expected text or its forms by "
      "plural category, got 1.1 (YAML reads the unquoted '1.10' as the number 1.1; "
      "quote it: \"1.10\")"]),
    ("free-form extra values changed by YAML",
     ("activity/p1.yaml", DATA_YAML + "extra:\n  version: 1.10\n  flag: no\n  year: 2018\n"
      "  when: 2018-05-01\n  octal: 010\n"),
     ["activity/p1.yaml:22:12: warning: extra.version: YAML reads the unquoted '1.10' as the "
      "number 1.1; quote it (\"1.10\") if it is meant as text",
      "activity/p1.yaml:23:9: warning: extra.flag: YAML reads the unquoted 'no' as false; "
      "quote it (\"no\") if it is meant as text",
      "activity/p1.yaml:26:10: warning: extra.octal: YAML reads the unquoted '010' as the "
      "number 8; quote it (\"010\") if it is meant as text"]),
    ("unknown key in an event", data("city: Астана", "cty: Астана"),
     ["activity/p1.yaml:19:5: error: events[0].cty: unknown key 'cty'; did you mean 'city'?"]),
    ("negative number of participants", data("participants: 60", "participants: -60"),
     ["activity/p1.yaml:20:19: error: events[0].participants: expected a number ≥ 0, got -60"]),
    ("duplicate key in the front matter",
     ("sections/a.md", SECTION_MD.replace("title: Раздел", "title: Раздел\ntitle: Другой")),
     ["sections/a.md:3:1: error: duplicate key 'title' (first defined at line 2); "
      "YAML would silently keep the last one"]),
    ("number where the front matter wants text",
     ("sections/a.md", SECTION_MD.replace("title: Раздел", "title: 2018")),
     ["sections/a.md:2:8: error: title: expected text, got 2018 (YAML reads the unquoted "
      "'2018' as the number 2018; quote it: \"2018\")"]),
    # ---- data: values against each other and the period
    ("the same event twice",
     ("activity/p1.yaml", DATA_YAML + "  - kind: conference\n    title: Конференция\n"
      "    date: 2018-05-01\n    city: Астана\n"),
     ["activity/p1.yaml:21:5: error: events[1] repeats events[0] (line 16): the same kind, "
      "title, dates and city; remove one, or tell them apart (e.g. by their dates)"]),
    ("the same memorandum twice",
     ("activity/p1.yaml", DATA_YAML + "memoranda:\n  - {partner: Фонд мира Гои}\n"
      "  - {partner: Фонд Мира Гои}\n"),
     ["activity/p1.yaml:23:5: error: memoranda[1] repeats memoranda[0] (line 22): the same "
      "partner, date and title; remove one, or tell them apart (e.g. by their dates)"]),
    ("event outside the period", data("date: 2018-05-01", "date: 2018-11-01"),
     ["activity/p1.yaml:18:11: warning: events[0].date: 2018-11-01 is outside the period 'p1' "
      "(2018-01-01 – 2018-09-30)"]),
    ("memorandum outside the period",
     ("activity/p1.yaml", DATA_YAML + "memoranda:\n  - {partner: X, date: 2019-01-01}\n"),
     ["activity/p1.yaml:22:24: warning: memoranda[0].date: 2019-01-01 is outside the period "
      "'p1' (2018-01-01 – 2018-09-30)"]),
    ("event ends before it starts", data("date: 2018-05-01", "date: 2018-05-01\n    end: 2018-04-30"),
     ["activity/p1.yaml:19:10: error: events[0]: ends (2018-04-30) before it starts (2018-05-01)"]),
    ("breakdown parts and total disagree", data("value: 7", "value: 8"),
     ["activity/p1.yaml:11:12: error: breakdowns.media: the parts add up to 11 "
      "(8 (domestic) + 3 (foreign)), but the total is 10"]),
    # ---- references
    ("missing activity data",
     ("report.yaml", REPORT_YAML.replace("label: январь–сентябрь 2018 года",
                                         "label: x\n    data: activity/none.yaml")),
     ["report.yaml:12:11: error: activity data for period 'p1' not found: activity/none.yaml"]),
    ("unknown indicator in a tiles block", section("```{indicators}\nmaterials\nmeda\n```"),
     ["sections/a.md:9: error: no indicator or breakdown 'meda' in the data of this period "
      "(known: materials, media)"]),
    ("undefined name and missing image together",
     ("sections/a.md", SECTION_MD.replace("Текст раздела.", "{{ indicators.material }}")
      .replace("pic.png", "pic.jpg")),
     ["sections/a.md:7:15: error: undefined name 'material'; did you mean "
      "'indicators.materials'? (known here: materials)",
      "sections/a.md:9: error: image '../img/pic.jpg' not found (looked for img/pic.jpg)"]),
    # ---- hand-typed numbers against the data
    ("typed number contradicts an indicator", section("Подготовлено 25 материалов."),
     ["sections/a.md:7:14: error: '25 материалов' contradicts the data: indicators.materials "
      "is 23 (activity/p1.yaml:3:12); write {{ indicators.materials }} instead of the typed "
      "number"]),
    ("typed numbers equal to the data", section("Подготовлено **23** материала и 10 публикаций."),
     ["sections/a.md:7:16: warning: '23 материала': the number is typed by hand; it equals "
      "the data (indicators.materials, activity/p1.yaml:3:12): write {{ indicators.materials }} "
      "so that it cannot go stale",
      "sections/a.md:7:33: warning: '10 публикаций': the number is typed by hand; it equals "
      "the data (breakdowns.media, activity/p1.yaml:11:12): write {{ breakdowns.media }} "
      "so that it cannot go stale"]),
    ("typed number in the front matter's cut",
     ("sections/a.md", SECTION_MD.replace("title: Раздел",
                                          "title: Раздел\ncut: \"Подготовлено 21 материал.\"")),
     ["sections/a.md:3:20: error: '21 материал' contradicts the data: indicators.materials is 23 "
      "(activity/p1.yaml:3:12); write {{ indicators.materials }} instead of the typed number"]),
    ("typed number before the data's own label",
     section("Подготовлено 22 {{ indicators.materials.label }}."),
     ["sections/a.md:7:14: error: '22 {{ indicators.materials.label }}' contradicts the data: "
      "indicators.materials is 23 (activity/p1.yaml:3:12); write {{ indicators.materials }} "
      "instead of the typed number"]),
    ("label, dash, number", section("Из них в зарубежных СМИ – 4."),
     ["sections/a.md:7:27: error: 'зарубежных СМИ – 4' contradicts the data: "
      "breakdowns.media.parts.foreign is 3 (activity/p1.yaml:14:24); "
      "write {{ breakdowns.media.parts.foreign }} instead of the typed number"]),
    ("a number inside an expression is not typed text",
     section("{{ 25 | plural('материал', 'материала', 'материалов') }} из плана."), []),
    ("numbers near other words are left alone",
     section("В 2018 году 5 конференций, 1-2 мая, 3.0 и 20-летие; 25 лет материалам; "
             "рост на 40% публикаций; 41 эксперт и 27 интервью с материалами."), []),
]


@pytest.mark.parametrize(("name", "change", "expected"), CASES, ids=[c[0] for c in CASES])
def test_check_reports(project: Project, name: str, change: tuple[str, str],
                       expected: list[str]) -> None:
    project.write(*change)
    assert check_lines(project) == expected


def test_everything_is_reported_at_once_in_source_order(project: Project) -> None:
    project.write("sections/a.md", SECTION_MD.replace("title: Раздел", "title: Раздел\ncut: 9 материалов")
                  .replace("Текст раздела.", "{{ nope }} и 7 материалов.\n\n<iframe></iframe>"))
    project.write("report.yaml", REPORT_YAML.replace("addressee:", "adressee:"))
    assert [line.split(": ")[0] for line in check_lines(project)] == [
        "report.yaml:4:1"]  # the project itself is wrong: nothing else can be checked
    project.write("report.yaml", REPORT_YAML)
    assert [line.split(": ")[0] for line in check_lines(project)] == [
        "sections/a.md:3:6", "sections/a.md:8:4", "sections/a.md:8:14", "sections/a.md:10"]


def test_sections_are_checked_even_when_the_data_is_invalid(project: Project) -> None:
    project.write(*data("city: Астана", "city: no"))
    project.write("sections/a.md", SECTION_MD.replace("pic.png", "nope.png")
                  .replace("Текст раздела.", "<iframe></iframe>"))
    assert [line.split(": ")[0] for line in check_lines(project)] == [
        "activity/p1.yaml:19:11", "sections/a.md:7", "sections/a.md:9"]


# ---------------------------------------------------------------- the seed page

SEED_9M = [
    # the summary ('cut') and the bold lead say 20 and 23 materials, 27 events; the data 30, 31
    "sections/analytics.md:6:79: error: '20 информационно-аналитических материалов на имя Главы "
    "государства' contradicts the data: indicators.analytical_materials is 30",
    "sections/analytics.md:6:184: error: '27 мероприятиях научно-экспертных структур' "
    "contradicts the data: indicators.expert_events is 31",
    "sections/analytics.md:9:75: error: '23 информационно-аналитических материала на имя Главы "
    "государства' contradicts the data: indicators.analytical_materials is 30",
    "sections/analytics.md:11:29: error: '27 мероприятиях научно-экспертных структур' "
    "contradicts the data: indicators.expert_events is 31",
    # the first half-year's figures further down: 846 publications, 82 abroad
    "sections/analytics.md:19:14: error: '846 интервью и комментариев экспертов Института в СМИ' "
    "contradicts the data: breakdowns.media_publications is 1004",
    "sections/analytics.md:19:118: error: 'зарубежных СМИ – 82' contradicts the data: "
    "breakdowns.media_publications.parts.foreign is 99",
    # the body's figures agree with the data, but are typed by hand
    "sections/analytics.md:23:75: warning: '30 информационно-аналитических материала на имя "
    "Главы государства': the number is typed by hand; it equals the data",
    "sections/analytics.md:25:16: warning: '1004 интервью и комментариев экспертов Института в "
    "СМИ': the number is typed by hand; it equals the data",
    "sections/analytics.md:25:109: warning: '99 в зарубежных СМИ': the number is typed by hand; "
    "it equals the data",
    "sections/analytics.md:27:40: warning: '31 мероприятии научно-экспертных структур': the "
    "number is typed by hand; it equals the data",
    "sections/analytics.md:37:15: warning: '8 круглых столов по внутренней политике и "
    "экономике': the number is typed by hand; it equals the data",
    "sections/cooperation.md:14:46: warning: '28 мероприятий': the number is typed by hand; it "
    "equals the data",
    "sections/cooperation.md:14:74: warning: '12 двусторонних встреч с Чрезвычайными и "
    "Полномочными Послами': the number is typed by hand; it equals the data",
]


@pytest.fixture(scope="module")
def seed_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_seed_project(tmp_path_factory.mktemp("seed"))


def test_seed_page_as_written_contradicts_the_data(seed_root: Path) -> None:
    result = check(seed_root, "2018-9m", langs=["ru"])  # the seed pages are Russian
    problems = without_gate(result.problems)  # its placeholders, estimates, the 2021 article
    # The seed's typing slip 'культурно- гуманитарной' is a typography warning; it puts
    # cooperation.md's problems first (files in the order they were met).
    slip = [f for f in shown(problems, seed_root) if "a hyphen with a space" in f]
    assert slip == ["sections/cooperation.md:51: warning: a hyphen with a space on one side "
                    "only: 'культурно- гуманитарной'" + slip[0].split("гуманитарной'", 1)[1]]
    problems = sorted((p for p in problems if "a hyphen with a space" not in p.message),
                      key=lambda p: p.loc is not None and p.loc.file.name != "analytics.md")
    found = shown(problems, seed_root)
    assert [f[:len(e)] for f, e in zip(found, SEED_9M, strict=False)] == SEED_9M
    assert len(found) == len(SEED_9M)
    # Both places are cited, and the expression to write instead is suggested.
    assert found[0].endswith("(activity/2018-9m.yaml:5:12); write {{ indicators.analytical_materials }} "
                             "instead of the typed number")
    assert problems[0].related[0].line == 5
    assert "(breakdowns.media_publications, activity/2018-9m.yaml:69:12): write " \
           "{{ breakdowns.media_publications }} so that it cannot go stale" in found[7]


def test_seed_page_against_the_first_half_year(seed_root: Path) -> None:
    """The lead's figures are the first half-year's: there they agree, the body's do not."""
    result = check(seed_root, "2018-h1", langs=["ru"])
    errors = {p.loc.line for p in without_gate(result.errors)
              if p.loc and p.loc.file.name == "analytics.md"}
    warnings = {p.loc.line for p in without_gate(result.warnings)
                if p.loc and p.loc.file.name == "analytics.md"}
    assert errors == {6, 23, 25, 27, 37}  # the cut's 20; the body's 30, 1004, 99, 31, 8
    assert warnings == {6, 9, 11, 19}  # the cut's and lead's 27 and 23; 846 and 82


def test_build_refuses_to_render_a_contradiction(seed_root: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        build(seed_root, tmp_path / "out", formats=("pdf",), langs=["ru"])
    assert len([p for p in info.value.problems if p.severity == "error"]) == 6
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- the sample


@pytest.mark.parametrize("period", ["2018-9m", "2018-h1"])
def test_sample_checks_clean_even_strict(period: str) -> None:
    """Clean but for the release gate's warnings: its stand-ins are marked as such."""
    result = check(SAMPLE, period, strict=True)
    assert [str(p) for p in without_gate(result.problems)] == []
    assert list(result.assemblies) == ["ru", "kk", "en"]  # every edition a build makes
    assert all(a.document is not None for a in result.assemblies.values())


# ---------------------------------------------------------------- CLI


def test_cli_text_output_and_exit_codes(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(project.root)]) == 0
    assert "0 error(s), 0 warning(s)" in capsys.readouterr().err
    project.write(*section("Подготовлено 23 материала."))
    assert main(["check", str(project.root)]) == 0  # a warning only
    out = capsys.readouterr()
    assert out.out.count("\n") == 1 and ":7:14: warning: '23 материала'" in out.out
    assert main(["check", str(project.root), "--strict"]) == 1
    assert ":7:14: error: '23 материала'" in capsys.readouterr().out
    project.write(*section("Подготовлено 24 материала."))
    assert main(["check", str(project.root)]) == 1
    assert main(["check", str(project.root), "--period", "p9"]) == 1
    assert "no period 'p9'" in capsys.readouterr().out
    with pytest.raises(SystemExit) as info:
        main(["check", str(project.root), "--format", "xml"])
    assert info.value.code == 2


def test_cli_json_output(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    project.write(*section("Подготовлено 24 материала и 10 публикаций."))
    assert main(["check", str(project.root), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert (report["period"], report["errors"], report["warnings"]) == ("p1", 1, 1)
    first, second = report["problems"]
    data_file = str((project.root / "activity" / "p1.yaml").resolve())
    assert first == {
        "file": str((project.root / "sections" / "a.md").resolve()), "line": 7, "column": 14,
        "severity": "error",
        "message": f"'24 материала' contradicts the data: indicators.materials is 23 "
                   f"({data_file}:3:12); write {{{{ indicators.materials }}}} instead of the "
                   "typed number",
        "related": [{"file": data_file, "line": 3, "column": 12}],
    }
    assert (second["severity"], second["column"]) == ("warning", 29)


def test_cli_json_output_when_the_project_cannot_be_read(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["period"] is None and report["errors"] == 1
    assert report["problems"][0]["message"].startswith("no report.yaml here")


def test_build_logs_warnings_and_builds(project: Project, capsys: pytest.CaptureFixture[str],
                                        caplog: pytest.LogCaptureFixture) -> None:
    project.write(*section("Подготовлено 23 материала."))
    out = project.root / "out"
    with caplog.at_level(logging.WARNING):
        assert main(["build", str(project.root), "-o", str(out), "--format", "pdf"]) == 0
    assert [r.getMessage().split(": warning: ")[0].endswith("/sections/a.md:7:14")
            for r in caplog.records] == [True]
    assert (out / "report-p1.pdf").is_file()
    assert main(["build", str(project.root), "-o", str(out / "strict"), "--format", "pdf",
                 "--strict"]) == 1
    assert ":7:14: error: '23 материала'" in capsys.readouterr().err
    assert not (out / "strict").exists()


def test_schema_comment_line_is_harmless(project: Project) -> None:
    project.write("activity/p1.yaml", "# yaml-language-server: $schema=../schema/activity.schema.json\n"
                  + DATA_YAML)
    project.write("report.yaml", "# yaml-language-server: $schema=schema/report.schema.json\n"
                  + REPORT_YAML)
    assert check_lines(project, strict=True) == []


def test_generated_large_project_checks_clean(tmp_path: Path) -> None:
    """tools/make_large_project.py (the benchmark's project) makes a valid report."""
    import importlib.util

    from .conftest import REPO

    spec = importlib.util.spec_from_file_location("mlp", REPO / "tools" / "make_large_project.py")
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    sections = tool.make_project(tmp_path / "big", pages=60)
    assert len(sections) == 5 * tool.rounds_for(60) == 15
    result = check(tmp_path / "big", strict=True)
    assert without_gate(result.problems) == []  # the sample's stand-ins, copied
    document = result.assemblies["ru"].document
    assert document is not None
    ids = [s.id for s in document.sections]
    assert len(set(ids)) == len(ids) and ids[5] == "international-cooperation-2"
    kk = result.assemblies["kk"].document
    # every edition is the whole report (the sample's kk and en editions are translated)
    assert kk is not None and [s.id for s in kk.sections] == ids
    # every round places its own copies of the charts
    assert "id: work-trend-3\n" in (tmp_path / "big" / "sections" / "analytics-003.md").read_text(
        encoding="utf-8")
