"""No traceback ever reaches a user without --debug: ``check`` and ``build`` over a generated
corpus of broken inputs (every file of a small project truncated, its types swapped, keys
deleted, random bytes, other encodings, deep nesting, ...), each case with a located message.

The corpus is deterministic (seeded by the file and the case's number) and bounded
(``CASES_PER_FILE`` for each of the project's six files). A case that breaks nothing must check
clean; one that breaks something must give problems, every one of them at a file of the
project, and ``reportgen build`` must stop with exit code 1 and print them, never a traceback.
"""

from __future__ import annotations

import random
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import xlsxwriter
from PIL import ImageFile

from reportgen.build import check
from reportgen.cli import main

from .conftest import REPORT_YAML, Project

CASES_PER_FILE = 25
CHARTS = """\
charts:
  by-city:
    type: bar
    title: По городам
    data: {list: events, group_by: city}
"""
DATA = """\
indicators:
  materials:
    value: 23
    label: {one: материал, few: материала, many: материалов}
breakdowns:
  media:
    label: публикаций
    total: 10
    parts:
      domestic: {value: 7, label: в казахстанских СМИ}
      foreign: {value: 3, label: в зарубежных СМИ}
events:
  - kind: conference
    title: "Конференция: Евразия"
    date: 2018-05-01
    city: Астана
    partners: [МИД]
    participants: 60
memoranda:
  from: ../lists/memoranda.csv
extra:
  visits: {from: ../lists/visits.xlsx, sheet: Визиты}
"""
SECTION = """\
---
title: Раздел
lead: Подготовлено {{ indicators.materials.text }}.
---

Текст раздела: {{ breakdowns.media }} публикаций, {{ memoranda | length }} меморандума.

![Подпись](../img/pic.png)

```{chart}
by-city
```

```{table}
data: events
columns: [n, title, date, city, participants]
caption: Мероприятия
```

```{table}
data: extra.visits
columns: [n, {field: guest, title: Гость}, date]
```
"""
MEMORANDA = "partner;country;date\nKorea Foundation;Республика Корея;2018-08-30\n" \
            "Институт «Евразия»;Казахстан;30.08.2018\n"
FILES = ["report.yaml", "activity/p1.yaml", "sections/a.md", "lists/memoranda.csv",
         "lists/visits.xlsx", "img/pic.png"]


def make_project(root: Path) -> Project:
    project = Project(root)
    project.write("report.yaml", REPORT_YAML + CHARTS)
    project.write("activity/p1.yaml", DATA)
    project.write("sections/a.md", SECTION)
    project.write("lists/memoranda.csv", MEMORANDA)
    book = xlsxwriter.Workbook(root / "lists" / "visits.xlsx")
    sheet = book.add_worksheet("Визиты")
    sheet.write_row(0, 0, ["guest", "date", "people"])
    sheet.write_row(1, 0, ["Посол Кореи", "2018-03-01", 4])
    sheet.write_row(2, 0, ["Делегация ₸ и ə", "2018-04-11", 7])
    book.close()
    return project


# ------------------------------------------------------------------ mutations

Mutation = Callable[[bytes, random.Random], bytes]


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def truncate(data: bytes, rnd: random.Random) -> bytes:
    return data[: rnd.randrange(len(data) + 1)]


def delete_line(data: bytes, rnd: random.Random) -> bytes:
    lines = _lines(data)
    del lines[rnd.randrange(len(lines))]
    return b"\n".join(lines)


def duplicate_line(data: bytes, rnd: random.Random) -> bytes:
    lines = _lines(data)
    i = rnd.randrange(len(lines))
    return b"\n".join([*lines[: i + 1], lines[i], *lines[i + 1:]])


def swap_type(data: bytes, rnd: random.Random) -> bytes:
    """A value of 'key: value' becomes a value of another type."""
    lines = _lines(data)
    keyed = [i for i, line in enumerate(lines) if b": " in line] or [0]
    i = rnd.choice(keyed)
    key = lines[i].split(b": ", 1)[0] if b": " in lines[i] else lines[i]
    value = rnd.choice([b"[1, 2]", b"{a: 1}", b"12", b"-3.5", b"true", b"~", b"2018-13-45",
                        b"no", b'"\\0"', b"!!python/object:os.system x", b"*nothing", b"''"])
    lines[i] = key + b": " + value
    return b"\n".join(lines)


def random_bytes(data: bytes, rnd: random.Random) -> bytes:
    at = rnd.randrange(len(data) + 1)
    return data[:at] + rnd.randbytes(rnd.randint(1, 40)) + data[at:]


def flip_bytes(data: bytes, rnd: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rnd.randint(1, 20)):
        if out:
            out[rnd.randrange(len(out))] = rnd.randrange(256)
    return bytes(out)


def encoding(data: bytes, rnd: random.Random) -> bytes:
    text = data.decode("utf-8", errors="replace")
    codec = rnd.choice(["cp1251", "utf-16", "utf-16-be", "koi8-r", "utf-32"])
    return text.encode(codec, errors="replace")


def deep_nesting(data: bytes, rnd: random.Random) -> bytes:
    depth = rnd.choice([70, 500, 5000])
    opening, closing = (b"[", b"]") if rnd.random() < 0.5 else (b"{a: ", b"}")
    nest = opening * depth + b"1" + closing * depth
    lines = _lines(data)
    i = rnd.randrange(len(lines))
    return b"\n".join([*lines[:i], b"deep: " + nest, *lines[i:]])


def control_chars(data: bytes, rnd: random.Random) -> bytes:
    at = rnd.randrange(len(data) + 1)
    return data[:at] + rnd.choice([b"\x00", b"\x07", b"\x1b[31m", b"\xef\xbf\xbe", b"\r"]) + data[at:]


def swap_lines(data: bytes, rnd: random.Random) -> bytes:
    lines = _lines(data)
    i, j = rnd.randrange(len(lines)), rnd.randrange(len(lines))
    lines[i], lines[j] = lines[j], lines[i]
    return b"\n".join(lines)


def markup(data: bytes, rnd: random.Random) -> bytes:
    """Constructs of the sections' Markdown and expressions, half-written."""
    junk = rnd.choice([b"{{ indicators.", b"{% if x %}", b"{{ ''.__class__ }}", b"```{table}\n",
                       b"```{chart}\nnothing\n```", b"<script>x</script>", b"[^9]", b"{{ 1/0 }}",
                       b"{{ range(10**9) | list }}", b"<div class=\"carousel\">", b"](../../x.png)",
                       b"\t- : : :", b"{numref}`nowhere`", b"\"unclosed: 'quote"])
    at = rnd.randrange(len(data) + 1)
    return data[:at] + junk + data[at:]


def zip_damage(data: bytes, rnd: random.Random) -> bytes:
    """An XLSX rewritten with one part damaged, removed or swapped for junk."""
    import io
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    victim = rnd.choice(names)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in names:
            part = source.read(name)
            if name == victim:
                kind = rnd.randrange(3)
                if kind == 0:
                    continue
                part = part[: len(part) // 2] if kind == 1 else rnd.randbytes(50)
            target.writestr(name, part)
    return out.getvalue()


TEXT: list[Mutation] = [truncate, delete_line, duplicate_line, swap_type, random_bytes, encoding,
                        deep_nesting, control_chars, swap_lines, markup, flip_bytes]
BINARY: list[Mutation] = [truncate, random_bytes, flip_bytes, zip_damage]


def corpus() -> list[tuple[str, int, str]]:
    cases = []
    for file in FILES:
        kinds = BINARY if file.endswith((".xlsx", ".png")) else TEXT
        if file.endswith(".png"):
            kinds = [k for k in kinds if k is not zip_damage]
        for n in range(CASES_PER_FILE):
            cases.append((file, n, kinds[n % len(kinds)].__name__))
    return cases


MUTATIONS = {m.__name__: m for m in [*TEXT, *BINARY]}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pristine") / "proj"
    make_project(root)
    assert check(root).problems == []  # the corpus starts from a clean project
    return root


def test_the_corpus_is_as_large_as_said() -> None:
    assert len(corpus()) == 150


@pytest.mark.parametrize(("file", "n", "kind"), corpus(),
                         ids=[f"{f}-{n}-{k}" for f, n, k in corpus()])
def test_no_traceback(pristine: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                      monkeypatch: pytest.MonkeyPatch, file: str, n: int, kind: str) -> None:
    # As in a process that imported WeasyPrint (a build with -j 1, the preview), every other case.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", n % 2 == 1)
    root = tmp_path / "proj"
    shutil.copytree(pristine, root)
    target = root / file
    rnd = random.Random(f"{file}:{n}")
    target.write_bytes(MUTATIONS[kind](target.read_bytes(), rnd))

    result = check(root)  # a library exception here would be a user's traceback
    for problem in result.problems:
        assert problem.loc is not None, problem
        assert Path(problem.loc.file).resolve().is_relative_to(root.resolve()), problem
    if not result.errors:
        return
    capsys.readouterr()
    code = main(["build", str(root), "-o", str(tmp_path / "out"), "-j", "1", "--format", "pdf",
                 "--progress", "never"])
    err = capsys.readouterr().err
    assert code == 1, err
    assert "Traceback" not in err and "internal error" not in err, err
    printed = [line for line in err.splitlines() if ": error: " in line]
    assert printed and all(str(root.name) in line or line.startswith(("report", "activity",
                                                                      "sections", "lists", "img"))
                           for line in printed), err


def test_a_bug_is_one_line_without_debug(monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    import reportgen.cli as cli

    def broken(args: object) -> int:
        raise KeyError("oops")

    monkeypatch.setitem(cli.COMMANDS, "check", broken)
    assert main(["check", "data"]) == 3
    err = capsys.readouterr().err
    assert err == ("reportgen: internal error: KeyError: 'oops' (a bug in reportgen, not in the "
                   "project; run again with --debug for the traceback and report it)\n")
    assert main(["--debug", "check", "data"]) == 3
    assert "Traceback" in capsys.readouterr().err
