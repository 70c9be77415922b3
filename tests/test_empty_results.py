"""Empty results are warned about at their line, and 'empty on purpose' is said in the input:
a table's or chart's ``empty:`` text prints instead, a section's ``empty_ok: true``."""

from __future__ import annotations

from pathlib import Path

from reportgen.build import check
from reportgen.model import nodes as m

from .conftest import REPORT_YAML, Project

CHARTS = """\
charts:
  by-country:
    type: bar
    title: По странам
    data: {list: memoranda, group_by: country}
"""
TABLE = "```{table}\ndata: events\nfilter: {kind: forum}\ncolumns: [n, title]\n"
CHART = "```{chart}\nby-country\n```\n"


def found(project: Project) -> tuple[list[str], list[type[m.Block]]]:
    result = check(project.root)
    problems = [str(p).split("proj/", 1)[1] for p in result.problems]
    doc = result.assemblies["ru"].document
    return problems, [type(b) for b in doc.sections[0].blocks] if doc else []


def test_warnings_at_the_blocks_and_the_section(project: Project) -> None:
    project.write("report.yaml", REPORT_YAML.replace("  - sections/a.md\n", "  - sections/a.md\n"
                                                     "  - sections/b.md\n") + CHARTS)
    project.write("sections/a.md", f"---\ntitle: Раздел\n---\n\n{TABLE}```\n\n{CHART}")
    project.write("sections/b.md", "---\ntitle: Пустой\n---\n")
    problems, blocks = found(project)
    assert problems == [
        "sections/a.md:6: warning: the table has no rows in this period (no item of events passes "
        "its filter): it prints as its header alone; write what to print instead, empty: \"...\" "
        "(e.g. empty: \"Мероприятий не было\"), or leave the table out",
        "sections/a.md:12: warning: the chart 'by-country' has no data in this period: it is left "
        "out; write what to print instead, empty: \"...\" (e.g. empty: \"Мероприятий не было\"), "
        "or leave the chart out",
        "sections/b.md:2:8: warning: the section has no text, only its front matter: it prints as "
        "an empty page listed in the contents; write its text, take it out of report.yaml, or say "
        "it is empty on purpose: empty_ok: true",
    ]
    assert blocks == [m.Table]


def test_empty_on_purpose(project: Project) -> None:
    project.write("report.yaml", REPORT_YAML.replace("  - sections/a.md\n", "  - sections/a.md\n"
                                                     "  - sections/b.md\n")
                  + CHARTS + "    empty: Меморандумов не подписано\n")
    project.write("sections/a.md", f"---\ntitle: Раздел\n---\n\n{TABLE}empty: Форумов не было\n"
                  f"```\n\n{CHART}")
    project.write("sections/b.md", "---\ntitle: Пустой\nempty_ok: true\n---\n")
    result = check(project.root)
    assert result.problems == []
    doc = result.assemblies["ru"].document
    assert doc is not None
    texts = [m.plain_text(b.children) for b in doc.sections[0].blocks
             if isinstance(b, m.Paragraph)]
    assert texts == ["Форумов не было", "Меморандумов не подписано"]


def test_a_table_with_rows_ignores_its_empty_text(project: Project, tmp_path: Path) -> None:
    project.write("sections/a.md", "---\ntitle: Раздел\n---\n\n```{table}\ndata: events\n"
                  "columns: [n, title]\nempty: Мероприятий не было\n```\n")
    problems, blocks = found(project)
    assert problems == [] and blocks == [m.Table]
