"""``reportgen new``: a minimal commented project that checks clean and builds at once, in the
languages asked for; an existing non-empty folder is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.build import build, check
from reportgen.cli import main
from reportgen.cli.new import new_project


def test_one_language_checks_clean_with_a_chart_and_a_table(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]
                                                            ) -> None:
    folder = tmp_path / "report"
    assert main(["new", str(folder)]) == 0
    out = capsys.readouterr()
    assert "wrote" in out.out and "reportgen build" in out.err
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) \
        == [f"activity/{next(folder.glob('activity/*.yaml')).stem}.yaml", "report.yaml",
            "sections/overview.md"]
    assert "# " in (folder / "report.yaml").read_text(encoding="utf-8")  # commented
    result = check(folder)
    assert result.problems == []
    doc = result.assemblies["ru"].document
    assert doc is not None
    kinds = {type(b).__name__ for s in doc.sections for b in s.blocks}
    assert {"Chart", "Table", "Paragraph"} <= kinds


def test_three_languages_build_at_once(tmp_path: Path) -> None:
    folder = tmp_path / "report"
    new_project(folder, ["kk", "ru", "en"], year=2025)
    result = build(folder, tmp_path / "out")
    assert set(result.editions) == {"kk", "ru", "en"}
    assert all(e.pages["pdf"] >= 3 for e in result.editions.values())
    assert (tmp_path / "out" / "report-2025.kk.docx").is_file()
    assert (folder / "sections" / "overview.en.md").read_text(encoding="utf-8").startswith(
        '---\ntitle: "Main results"')


@pytest.mark.parametrize(("args", "message"), [
    (["--languages", "ru,de"], "--languages: no catalog for de (reportgen's languages: en, kk, ru)"),
    (["--languages", "ru,ru"], "--languages: a language is named twice"),
])
def test_bad_languages(tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str],
                       message: str) -> None:
    assert main(["new", str(tmp_path / "r"), *args]) == 1
    assert f"error: {message}" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()


def test_an_existing_folder_is_never_changed(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["new", str(tmp_path)]) == 1
    assert ("error: expected a new or empty folder: reportgen new writes a whole project and "
            "never changes an existing one") in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    empty = tmp_path / "empty"
    empty.mkdir()
    new_project(empty, ["en"])
    assert (empty / "report.yaml").is_file()
