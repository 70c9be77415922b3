"""A non-editable install carries the layouts and fonts and can build a report on its own."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import REPO, Project


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(out), str(REPO)],
        check=True, capture_output=True,
    )
    (found,) = out.glob("reportgen-*.whl")
    return found


def test_wheel_ships_layouts_fonts_and_catalogs(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "reportgen/layouts/default/report.html.j2" in names
    assert "reportgen/layouts/default/report.css" in names
    assert "reportgen/fonts/ReportSerif-Regular.ttf" in names
    assert "reportgen/fonts/LICENSE-ParaType.txt" in names
    for catalog in ("reportgen.pot", "ru.po", "kk.po", "en.po"):
        assert f"reportgen/locales/{catalog}" in names


def test_installed_wheel_builds_a_report(wheel: Path, project: Project, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target",
                    str(target), str(wheel)], check=True, capture_output=True)
    env = {**os.environ, "PYTHONPATH": str(target)}
    out = tmp_path / "out"
    # Run from an unrelated folder so that the checkout cannot be found by accident.
    result = subprocess.run(
        [sys.executable, "-c", "import reportgen, sys; print(reportgen.__file__); "
         "from reportgen.cli import main; sys.exit(main(sys.argv[1:]))",
         "build", str(project.root), "-o", str(out)],
        cwd=tmp_path, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith(str(target))
    assert (out / "report-p1.pdf").stat().st_size > 1000
