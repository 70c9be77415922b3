"""The release command: strict builds per period with a manifest, and checking a folder against it."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pytest
import yaml

from reportgen.cli import main
from reportgen.errors import InputError
from reportgen.release import MANIFEST, release, verify

from .conftest import REPO, REPORT_YAML, OpenedFiles, Project, need

TWO_PERIODS = REPORT_YAML.replace("sections:\n", """\
  - id: p2
    start: 2018-01-01
    end: 2018-12-31
    label: 2018 год
    data: activity/p1.yaml
sections:
""")



def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_release_of_all_periods_in_parallel(project: Project, tmp_path: Path) -> None:
    project.write("report.yaml", TWO_PERIODS)
    out = tmp_path / "release"
    manifests = release(project.root, out, None, jobs=2)
    assert [m["period"]["id"] for m in manifests] == ["p1", "p2"]
    for manifest in manifests:
        folder = out / manifest["period"]["id"]
        assert sorted(p.name for p in folder.iterdir()) == sorted(
            [MANIFEST, f"report-{manifest['period']['id']}.pdf",
             f"report-{manifest['period']['id']}.docx"])
        assert json.loads((folder / MANIFEST).read_text(encoding="utf-8")) == manifest
        for output in manifest["outputs"]:
            path = folder / output["file"]
            assert output["sha256"] == sha256(path) and output["bytes"] == path.stat().st_size
        pdf = next(o for o in manifest["outputs"] if o["format"] == "pdf")
        info = subprocess.run([need("pdfinfo"), str(folder / pdf["file"])], capture_output=True,
                              text=True, check=True).stdout
        assert f"Pages:           {pdf['pages']}" in info
        assert manifest["languages"] == ["ru"]
        assert {o["language"] for o in manifest["outputs"]} == {"ru"}
        assert manifest["pdf_variant"] == "pdf/a-2a+ua-1"
        assert manifest["tool"]["name"] == "reportgen" and manifest["tool"]["version"]
        assert manifest["packages"]["weasyprint"] and manifest["packages"]["python-docx"]
        assert verify(folder, project.root) == []
    # Both periods read the same files; their dates come from report.yaml.
    assert manifests[0]["inputs"] == manifests[1]["inputs"]
    assert manifests[0]["source_date"] == "2018-10-05T00:00:00Z"
    assert manifests[0]["source_date_from"] == "report.yaml date"
    names = {e["file"] for e in manifests[0]["inputs"]}
    assert names == {"report.yaml", "activity/p1.yaml", "sections/a.md", "img/pic.png"}
    package = {e["file"] for e in manifests[0]["package_files"]}
    assert {"layouts/default/report.css", "layouts/default/report.html.j2",
            "layouts/default/reference.docx"} <= package
    assert any(name.startswith("fonts/") and name.endswith(".ttf") for name in package)


def test_the_manifest_lists_every_project_file_the_build_opens(
        project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        opened_files: OpenedFiles) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1538697600")
    with opened_files.recording() as paths:
        (manifest,) = release(project.root, tmp_path / "r", ["p1"])
    root = project.root.resolve()
    opened = {Path(p).resolve() for p in paths}
    read = {p.relative_to(root).as_posix() for p in opened if p.is_relative_to(root) and p.is_file()}
    assert read == {e["file"] for e in manifest["inputs"] + manifest["cache_files"]}
    assert manifest["source_date_from"] == "SOURCE_DATE_EPOCH"
    assert manifest["source_date_epoch"] == 1538697600


def test_release_is_strict(project: Project, tmp_path: Path) -> None:
    project.write("activity/p1.yaml", (project.root / "activity/p1.yaml").read_text(
        encoding="utf-8").replace("date: 2018-05-01", "date: 2019-05-01"))
    with pytest.raises(InputError) as info:
        release(project.root, tmp_path / "r", ["p1"])
    assert [p.severity for p in info.value.problems] == ["error"]  # a warning, made fatal
    assert "outside the period 'p1'" in info.value.problems[0].message
    assert not (tmp_path / "r" / "p1" / MANIFEST).exists()


def test_problems_of_every_period_are_reported_together(project: Project, tmp_path: Path) -> None:
    project.write("report.yaml", TWO_PERIODS.replace("data: activity/p1.yaml", "data: activity/p2.yaml"))
    project.write("activity/p1.yaml", "indicators: 5\n")
    project.write("activity/p2.yaml", "events: 5\n")
    with pytest.raises(InputError) as info:
        release(project.root, tmp_path / "r", None, jobs=2)
    files = [Path(p.loc.file).name for p in info.value.problems if p.loc]
    assert "p1.yaml" in files and "p2.yaml" in files


def test_verify_finds_changed_missing_and_extra_files(project: Project, tmp_path: Path) -> None:
    release(project.root, tmp_path, ["p1"], pdf_variant="none")
    folder = tmp_path / "p1"
    pdf = folder / "report-p1.pdf"
    data = bytearray(pdf.read_bytes())
    data[len(data) // 2] ^= 1
    pdf.write_bytes(bytes(data))
    (folder / "report-p1.docx").unlink()
    (folder / "notes.txt").write_text("x", encoding="utf-8")
    project.write("sections/a.md", "changed")
    problems = verify(folder, project.root)
    assert len(problems) == 4
    assert problems[0] == f"{folder / 'report-p1.docx'}: missing"
    assert problems[1].startswith(f"{pdf}: differs from the manifest (sha256 ")
    assert problems[2].startswith(f"{project.root / 'sections/a.md'}: differs from the manifest")
    assert problems[3] == f"{folder / 'notes.txt'}: not in the manifest"
    assert verify(tmp_path / "nowhere") == [f"{tmp_path / 'nowhere' / MANIFEST}: no manifest"]


def test_cli_release_and_verify(project: Project, tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "rel"
    assert main(["release", str(project.root), "--period", "p1", "-o", str(out),
                 "--pdf-variant", "pdf/a-2b"]) == 0
    assert "manifest.json (4 inputs)" in capsys.readouterr().out
    assert main(["verify-manifest", str(out / "p1"), "--project", str(project.root)]) == 0
    (out / "p1" / "report-p1.pdf").write_bytes(b"%PDF-1.7 forged")
    assert main(["verify-manifest", str(out / "p1")]) == 1
    assert "differs from the manifest" in capsys.readouterr().err
    assert main(["release", str(project.root), "--period", "nope", "-o", str(out)]) == 1
    assert "no period 'nope' in this report" in capsys.readouterr().err


def test_example_ci_workflow_is_valid_yaml_with_a_matrix_and_a_manifest_check() -> None:
    workflow = yaml.safe_load((REPO / ".github/workflows/report.yml").read_text(encoding="utf-8"))
    job = workflow["jobs"]["release"]
    assert job["strategy"]["matrix"]["period"] == "${{ fromJSON(needs.periods.outputs.ids) }}"
    runs = "\n".join(step.get("run", "") for step in job["steps"])
    assert "reportgen release" in runs and "reportgen verify-manifest" in runs
    assert "SOURCE_DATE_EPOCH" in runs and "libpango" in runs
    assert any(step.get("uses", "").startswith("actions/upload-artifact") for step in job["steps"])


def test_periods_kept_for_their_data_only_are_not_released(project: Project, tmp_path: Path) -> None:
    project.write("report.yaml", TWO_PERIODS.replace("    data: activity/p1.yaml\n",
                                                     "    data: activity/p1.yaml\n    release: false\n"))
    out = tmp_path / "release"
    manifests = release(project.root, out, None)
    assert [m["period"]["id"] for m in manifests] == ["p1"]
    assert sorted(p.name for p in out.iterdir()) == ["p1"]
    assert release(project.root, out, ["p2"])[0]["period"]["id"] == "p2"  # when named
