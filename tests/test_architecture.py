"""The package's architecture holds: stages import one way, one package root, caches cover the code.

docs/architecture.md describes the rules; these tests keep them.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reportgen import resources
from reportgen.build import build
from reportgen.cache import outputs as outcache
from reportgen.cache import root as cacheroot
from reportgen.layout import DEFAULT as DEFAULT_LAYOUT
from reportgen.model.nodes import Document
from reportgen.release import release
from reportgen.render.pdf.variant import DEFAULT_VARIANT

from .conftest import REPO, Project

PACKAGE = REPO / "reportgen"


def test_stages_import_one_way_and_no_package_has_a_cycle() -> None:
    """import-linter's contracts in pyproject.toml (also run by make lint)."""
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_only_resources_locates_the_package_by_its_own_file() -> None:
    users = []
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(isinstance(n, ast.Name) and n.id == "__file__" for n in ast.walk(tree)):
            users.append(path.relative_to(PACKAGE).as_posix())
    assert users == ["resources.py"]


def test_no_private_name_is_imported_from_another_module() -> None:
    found = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("reportgen"):
                found += [f"{path.name}: {node.module}.{a.name}" for a in node.names
                          if a.name.startswith("_") and not a.name.startswith("__")]
    assert found == []


@pytest.fixture
def package_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the installed package (code, catalogs, layouts, fonts) that resources points
    at, so that a test may edit any of its files."""
    top = tmp_path / "installed"
    shutil.copytree(PACKAGE, top / "reportgen", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("layouts", "fonts"):
        shutil.copytree(resources.data_dir(name), top / name)
    monkeypatch.setattr(resources, "_PACKAGE", top / "reportgen")
    cacheroot.code_digest.cache_clear()
    yield top / "reportgen"
    cacheroot.code_digest.cache_clear()


def _touch(path: Path) -> None:
    path.write_bytes(path.read_bytes() + b"\n# edited\n")
    cacheroot.code_digest.cache_clear()


def test_editing_any_module_of_a_writer_misses_the_output_and_part_caches(
        project: Project, package_copy: Path) -> None:
    result = build(project.root, project.root / "out", jobs=1, formats=("pdf",))
    doc = result.edition().document
    assert isinstance(doc, Document)
    html = "<p>part</p>"

    def keys() -> tuple[str, str, str]:
        parts = outcache.PartCache(project.root, DEFAULT_LAYOUT, DEFAULT_VARIANT)
        return (outcache.output_key("pdf", doc, DEFAULT_LAYOUT, None, DEFAULT_VARIANT),
                outcache.output_key("docx", doc, DEFAULT_LAYOUT, None, DEFAULT_VARIANT),
                parts.key("part", html))

    writers = sorted((package_copy / "render").rglob("*.py"))
    assert len(writers) > 15  # html, charts, pdf/, docx/
    for module in writers:
        before = keys()
        _touch(module)
        after = keys()
        assert after[0] != before[0] and after[1] != before[1], module
        if module.parent.name == "pdf":  # what typesets a part
            assert after[2] != before[2], module


def test_the_release_manifest_lists_every_file_of_the_package(project: Project,
                                                              tmp_path: Path) -> None:
    (manifest,) = release(project.root, tmp_path / "release", None, jobs=1)
    listed = {entry["file"] for entry in manifest["package_files"]}
    expected = {p.relative_to(PACKAGE.parent).as_posix() for p in PACKAGE.rglob("*")
                if p.is_file() and "__pycache__" not in p.parts}
    assert expected <= listed
    assert "reportgen/render/pdf/writer.py" in listed and "reportgen/locales/kk.po" in listed
    assert {"layouts/default/report.css", "fonts/ReportSerif-Regular.ttf"} <= listed
