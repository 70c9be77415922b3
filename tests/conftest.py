"""Shared fixtures: a tiny valid project to break in many ways, and the built sample."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PIL import Image

from reportgen.build import build
from reportgen.errors import InputError

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "data"
#: Byte-for-byte copies of the seed pages shared/seeds/000_* and 001_*.
SEED_PAGES = Path(__file__).parent / "fixtures" / "jekyll"

REPORT_YAML = """\
title: Отчёт о деятельности
organization:
  name: Тестовая организация
addressee: Администрация Президента
language: ru
date: 2018-10-05
periods:
  - id: p1
    start: 2018-01-01
    end: 2018-09-30
    label: январь–сентябрь 2018 года
sections:
  - sections/a.md
"""

DATA_YAML = """\
indicators:
  materials:
    value: 23
    label:
      one: материал
      few: материала
      many: материалов
breakdowns:
  media:
    label: публикаций
    total: 10
    parts:
      domestic: {value: 7, label: в казахстанских СМИ}
      foreign: {value: 3, label: в зарубежных СМИ}
events:
  - kind: conference
    title: Конференция
    date: 2018-05-01
    city: Астана
    participants: 60
"""

SECTION_MD = """\
---
title: Раздел
---

**Подготовлено {{ indicators.materials.text }}.**

Текст раздела.

![Подпись](../img/pic.png)
"""


class Project:
    """A small valid report project in a temporary folder; tests overwrite its files."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.write("report.yaml", REPORT_YAML)
        self.write("activity/p1.yaml", DATA_YAML)
        self.write("sections/a.md", SECTION_MD)
        (root / "img").mkdir()
        Image.new("RGB", (40, 30), (200, 200, 200)).save(root / "img" / "pic.png")

    def write(self, rel: str, text: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path


def make_seed_project(root: Path) -> Path:
    """The sample project with the seed Jekyll pages, unchanged, as its only sections."""
    shutil.copytree(SAMPLE / "assets", root / "assets")
    shutil.copytree(SAMPLE / "activity", root / "activity")
    (root / "sections").mkdir()
    shutil.copy(SEED_PAGES / "analytics.md", root / "sections" / "analytics.md")
    shutil.copy(SEED_PAGES / "cooperation.md", root / "sections" / "cooperation.md")
    report = (SAMPLE / "report.yaml").read_text(encoding="utf-8")
    head = report.split("sections:\n")[0]
    (root / "report.yaml").write_text(
        head + "sections:\n  - sections/analytics.md\n  - sections/cooperation.md\n",
        encoding="utf-8")
    # The seed's own images do not exist: draw the placeholders the sample project uses.
    subprocess.run([sys.executable, str(REPO / "tools" / "make_placeholders.py"), str(root)],
                   check=True, capture_output=True)
    return root


@pytest.fixture(scope="session", autouse=True)
def _user_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Builds keep their signing key (``codecache``) in a folder of the session, not in the
    home folder of whoever runs the tests."""
    home = tmp_path_factory.mktemp("user-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(home))
        yield home


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path / "proj")


@pytest.fixture(scope="session")
def sample_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample project's default period, built once for the whole session."""
    out = tmp_path_factory.mktemp("sample")
    result = build(SAMPLE, out, formats=("pdf",), langs=("ru",))
    return result.edition("ru").outputs["pdf"]


@pytest.fixture(scope="session")
def sample_pdfs(sample_pdf: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample's default period in its three editions (ru is ``sample_pdf``), built once."""
    out = tmp_path_factory.mktemp("sample-editions")
    result = build(SAMPLE, out, formats=("pdf",), langs=("kk", "en"))
    return {"ru": sample_pdf, **{lang: result.edition(lang).outputs["pdf"]
                                 for lang in ("kk", "en")}}


@pytest.fixture(scope="session")
def sample_single_pass(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample's Russian edition laid out by one WeasyPrint pass (not split in parts)."""
    out = tmp_path_factory.mktemp("single")
    result = build(SAMPLE, out, formats=("pdf",), langs=("ru",), split=False, use_cache=False)
    assert result.parts["ru"] == (1, 1)
    return result.edition("ru").outputs["pdf"]


@pytest.fixture(scope="session")
def sample_pdf_h1(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample-h1")
    return build(SAMPLE, out, period_id="2018-h1", formats=("pdf",),
                 langs=("ru",)).edition("ru").outputs["pdf"]


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is not installed: run 'make test', which installs it")
    return path


def problems_of(project: Project, out: Path | None = None,
                formats: tuple[str, ...] | None = ("pdf",)) -> list[str]:
    """The problems a build of ``project`` stops with, as 'file:line:col: severity: message'
    with paths relative to the project (the form users read)."""
    with pytest.raises(InputError) as info:
        if formats is None:
            build(project.root, out or project.root / "out")
        else:
            build(project.root, out or project.root / "out", formats=formats)
    lines = []
    for p in info.value.problems:
        assert p.loc is not None, p
        rel = Path(p.loc.file).resolve().relative_to(project.root.resolve()).as_posix()
        where = ":".join(str(x) for x in (rel, p.loc.line, p.loc.col) if x is not None)
        lines.append(f"{where}: {p.severity}: {p.message}")
    return lines


class OpenedFiles:
    """The files this process opens while ``recording()`` (a Python audit hook; hooks cannot be
    removed, so one is installed for the whole session)."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.active = False

    def __call__(self, event: str, args: tuple[object, ...]) -> None:
        if event == "open" and self.active and isinstance(args[0], str | bytes | os.PathLike):
            self.paths.append(os.fsdecode(args[0]))

    @contextmanager
    def recording(self) -> Iterator[list[str]]:
        self.paths = []
        self.active = True
        try:
            yield self.paths
        finally:
            self.active = False


_OPENED = OpenedFiles()
sys.addaudithook(_OPENED)


@pytest.fixture
def opened_files() -> OpenedFiles:
    return _OPENED
