"""A long data table laid out in windows of rows (render/pdf/windows.py, longtable.py).

The windows must give the pages one document of the whole part gives: every row once,
the header on every page, the running headers, the text and pictures of every page,
the outline, links and structure. The thresholds are lowered here so that a table of
a few pages is cut into several windows (the real ones cut a table of 600 rows or more).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reportgen.build import build
from reportgen.render.pdf import longtable, windows

from .conftest import Project
from .pdfcompare import compare, page_texts

TABLE = """\
---
title: Реестр мероприятий
---

Перед таблицей: все мероприятия периода, по месяцам.

```{{table}}
data: events
group_by: month
sort: date
columns:
  - n
  - {{field: title, title: Тема}}
  - date
  - city
  - participants
caption: Реестр
id: tab-register
```

После таблицы: {{numref}}`таблица {{number}} <tab-register>` на с. {{page}}.
"""


def _events(count: int) -> str:
    lines = ["events:"]
    for i in range(count):
        month, day = 1 + i * 9 // count, 1 + i % 27
        title = "Семинар по налоговой политике и цифровой экономике региона" if i % 7 == 0 \
            else f"Лекция {i + 1}"
        lines += ["  - kind: seminar", f"    title: {title} ({i + 1})",
                  f"    date: 2018-{month:02d}-{day:02d}", "    city: Алматы",
                  f"    participants: {10 + i}"]
    return "\n".join(lines) + "\n"


def _project(project: Project, rows: int) -> None:
    project.write("activity/p1.yaml", _events(rows))
    project.write("sections/a.md", TABLE.format())


@pytest.fixture
def small_windows(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Windows of a few pages; the number of windows each windowed part was laid out in."""
    monkeypatch.setattr(longtable, "LONG_TABLE_ROWS", 60)
    monkeypatch.setattr(windows, "FIRST_WINDOW_ROWS", 45)
    monkeypatch.setattr(windows, "WINDOW_PAGES", 1)
    counts: list[int] = []
    real = windows._windows

    def counted(*args: object) -> object:
        pieces = real(*args)  # type: ignore[arg-type]
        counts.append(len(pieces) if pieces is not None else 0)
        return pieces

    monkeypatch.setattr(windows, "_windows", counted)
    return counts


def test_a_long_table_laid_out_in_windows_is_the_single_pass(
        project: Project, tmp_path: Path, small_windows: list[int]) -> None:
    _project(project, 240)
    split = build(project.root, tmp_path / "split", formats=("pdf",), jobs=1, use_cache=False)
    single = build(project.root, tmp_path / "single", formats=("pdf",), jobs=1,
                   use_cache=False, split=False)
    assert small_windows and min(small_windows) >= 4, small_windows
    a, b = split.edition("ru").outputs["pdf"], single.edition("ru").outputs["pdf"]
    assert compare(a, b, tmp_path / "pages") == {}
    texts = page_texts(a)
    body = [t for t in texts if "Реестр" in t and "Тема" in t]
    assert len(body) >= 8
    for text in body:  # the header row and the running header on every page of the table
        assert re.search(r"№\s+Тема\s+Дата", text), text[:300]
        assert "Реестр мероприятий" in text.splitlines()[0] or "Реестр мероприятий" in text
    numbers = [int(n) for t in body for n in re.findall(r"(?m)^\s*(\d{1,3})\s+(?:Семинар|Лекция)", t)]
    assert numbers == list(range(1, 241))  # every row once, in order


def test_a_short_table_is_left_whole() -> None:
    html = ('<!DOCTYPE html>\n<html><head></head><body><section class="chapter" id="s">'
            '<div class="data-table" id="t"><p class="table-caption">T</p><table><colgroup>'
            '</colgroup><thead><tr><th>№</th></tr></thead><tbody>'
            + "".join(f"<tr><td>{i}</td></tr>" for i in range(10))
            + "</tbody></table></div></section></body></html>\n")
    assert longtable.find(html) is None
    assert longtable.find(html, limit=5) is not None


def test_windows_of_a_table_hold_every_row_once_with_the_header() -> None:
    rows = [f'<tr><td class="right">{i}</td><td>Тема «{i}» &amp; co</td></tr>' for i in range(20)]
    html = ('<!DOCTYPE html>\n<html lang="ru"><head><title>x</title></head>'
            '<body data-report-title="R"><section class="chapter appendix" id="sec-a" lang="ru">'
            '<h1 class="chapter-title">A</h1><p>intro</p>'
            '<div class="data-table" id="tab-a"><p class="table-caption">Таблица 1. A</p>'
            '<table><colgroup><col style="width: 50%"><col style="width: 50%"></colgroup>'
            '<thead><tr><th>№</th><th>Тема</th></tr></thead><tbody>' + "".join(rows)
            + '</tbody></table></div>\n<p>after</p></section>\n</body>\n</html>\n')
    table = longtable.find(html, limit=10)
    assert table is not None and len(table.rows) == 20
    first = table.first(8)
    assert "Таблица 1. A" in first and 'id="tab-a"' in first and "intro" in first
    assert first.count("<tr>") == 9 and "after" not in first  # the header and rows 0-7
    middle = table.continuation(8, 15, {"chapter": 'Прил. "1" \\ A'})
    assert "Таблица 1. A" not in middle and "intro" not in middle
    assert "<p>after</p>" not in middle
    assert 'id="' not in middle.split("<body", 1)[1]  # no id twice in the joined part
    assert "<thead><tr><th>№</th><th>Тема</th></tr></thead>" in middle
    assert 'style="string-set: chapter &quot;Прил. \\22 1\\22  \\5c  A&quot;"' in middle
    assert 'class="data-table" style="margin-top: 0"' in middle
    # The row before the window, alone on a page the window drops.
    assert '<tr style="break-after: page"><td class="right">7</td>' in middle
    last = table.continuation(15, 20, {})
    assert last.endswith("</tbody></table></div>\n<p>after</p></section>\n</body>\n</html>\n")

    def shown(part: str) -> list[int]:
        return [int(n) for n in re.findall(r'<td class="right">(\d+)</td>', part)]

    assert shown(first) == list(range(8))
    assert shown(middle) == [7, *range(8, 15)] and shown(last) == [14, *range(15, 20)]
    assert longtable.MARK in first and longtable.MARK in middle


def _jobs_run_apart(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The job functions run in a process started for them (``workers._apart``), as they are."""
    from reportgen import workers

    apart: list[object] = []
    real = workers._apart

    def counted(fn: object, *args: object) -> object:
        apart.append(fn)
        return real(fn, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(workers, "_apart", counted)
    return apart


def test_a_long_report_joined_in_a_process_of_its_own_is_the_same_pdf(
        project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A report of JOIN_APART_PAGES pages or more is joined in a new process (whose memory
    goes back when it ends): the same bytes as a join in the build process."""
    from reportgen.render.pdf import plan

    _project(project, 80)
    here = build(project.root, tmp_path / "here", formats=("pdf",), jobs=1, use_cache=False)
    monkeypatch.setattr(plan, "JOIN_APART_PAGES", 1)
    apart = _jobs_run_apart(monkeypatch)
    there = build(project.root, tmp_path / "there", formats=("pdf",), jobs=1, use_cache=False)
    assert apart == [plan.join_job]
    a, b = here.edition("ru").outputs["pdf"], there.edition("ru").outputs["pdf"]
    assert a.read_bytes() == b.read_bytes()


def test_a_long_docx_made_in_a_process_of_its_own_is_the_same_docx(
        project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A DOCX of DOCX_APART_SIZE blocks and rows or more is written in a new process (the
    memory python-docx takes goes back when it ends): the same bytes as one written in the
    build process; the preview (``Settings.apart`` False) keeps it in its workers."""
    from reportgen import rendering, workers
    from reportgen.model import walk

    _project(project, 30)
    here = build(project.root, tmp_path / "here", formats=("docx",), jobs=1, use_cache=False)
    doc = here.edition("ru").doc
    monkeypatch.setattr(rendering, "DOCX_APART_SIZE", walk.size(doc))
    apart = _jobs_run_apart(monkeypatch)
    there = build(project.root, tmp_path / "there", formats=("docx",), jobs=1, use_cache=False)
    assert apart == [workers.render_docx_job]
    a, b = here.edition("ru").outputs["docx"], there.edition("ru").outputs["docx"]
    assert a.read_bytes() == b.read_bytes()
    monkeypatch.setattr(rendering, "DOCX_APART_SIZE", walk.size(doc) + 1)
    build(project.root, tmp_path / "again", formats=("docx",), jobs=1, use_cache=False)
    assert apart == [workers.render_docx_job]  # one shorter than the bound: made here
