"""A build killed with SIGKILL at any point leaves the previous outputs as they were."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from reportgen.build import build

from .conftest import REPO, Project

# The child builds, and at the chosen moment leaves a flag file and waits to be killed.
CHILD = textwrap.dedent("""\
    import os, sys, time
    from pathlib import Path
    import weasyprint
    from reportgen.build import build

    project, out, flag, moment = sys.argv[1:]

    def pause():
        Path(flag).write_text("now", encoding="utf-8")
        time.sleep(300)

    if moment == "render":  # WeasyPrint is laying out the pages
        def slow_render(self, *args, **kwargs):
            pause()
        weasyprint.HTML.render = slow_render
    elif moment == "written":  # both new files are complete on disk, not yet renamed
        # (counting only files in the output folder: the caches are written atomically too)
        fsync, calls = os.fsync, []
        def slow_fsync(fd):
            fsync(fd)
            if Path(os.readlink(f"/proc/self/fd/{fd}")).parent == Path(out):
                calls.append(fd)
            if len(calls) == 2:
                pause()
        os.fsync = slow_fsync
    elif moment == "rename":  # the first new file has its temporary name, about to be renamed
        replace = os.replace
        def slow_replace(src, dst):
            if Path(dst).parent == Path(out):
                pause()
            replace(src, dst)
        os.replace = slow_replace
    build(Path(project), Path(out))
""")


def _kill_build_at(project: Project, out: Path, moment: str, tmp_path: Path) -> None:
    flag = tmp_path / f"flag-{moment}"
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.Popen([sys.executable, str(script), str(project.root), str(out), str(flag),
                              moment], env=env, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not flag.exists():
        if child.poll() is not None:
            pytest.fail(f"the build ended before the moment '{moment}': "
                        f"{child.stderr.read().decode() if child.stderr else ''}")
        if time.monotonic() > deadline:
            child.kill()
            pytest.fail(f"the build never reached '{moment}'")
        time.sleep(0.02)
    workers = _children(child.pid)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    if child.stderr:
        child.stderr.close()
    # Its worker processes do not outlive it (the kernel ends them: PR_SET_PDEATHSIG).
    deadline = time.monotonic() + 30
    while (alive := [pid for pid in workers if _running(pid)]) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive, f"worker processes {alive} outlived the killed build"


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture
def previous(project: Project, tmp_path: Path) -> dict[str, bytes]:
    """Outputs of an earlier build, with a different text, in the output folder."""
    project.write("sections/a.md", (project.root / "sections/a.md").read_text(
        encoding="utf-8").replace("Текст раздела.", "Старый текст."))
    build(project.root, tmp_path / "out")
    project.write("sections/a.md", (project.root / "sections/a.md").read_text(
        encoding="utf-8").replace("Старый текст.", "Новый текст."))
    return {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()}


@pytest.mark.parametrize("moment", ["render", "written"])
def test_a_build_killed_midway_leaves_the_old_files_and_nothing_else(
        project: Project, tmp_path: Path, previous: dict[str, bytes], moment: str) -> None:
    out = tmp_path / "out"
    _kill_build_at(project, out, moment, tmp_path)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == previous


def test_a_build_killed_while_renaming_leaves_a_temp_file_that_the_next_build_removes(
        project: Project, tmp_path: Path, previous: dict[str, bytes]) -> None:
    out = tmp_path / "out"
    _kill_build_at(project, out, "rename", tmp_path)
    now = {p.name: p.read_bytes() for p in out.iterdir()}
    leftovers = sorted(name for name in now if name not in previous)
    assert len(leftovers) == 1 and leftovers[0].startswith(".report-p1.")
    assert leftovers[0].endswith(".part")
    assert {k: v for k, v in now.items() if k in previous} == previous
    build(project.root, out)
    assert sorted(p.name for p in out.iterdir()) == sorted(previous)
    assert all((out / name).read_bytes() != data for name, data in previous.items())


def test_a_failing_build_changes_nothing(project: Project, tmp_path: Path,
                                         previous: dict[str, bytes],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import reportgen.render.docx as docx_writer

    def broken(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("the DOCX writer failed after the PDF was rendered")

    monkeypatch.setattr(docx_writer, "render_docx", broken)
    with pytest.raises(RuntimeError):
        build(project.root, tmp_path / "out")
    assert {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()} == previous
