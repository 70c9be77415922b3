"""A build killed with SIGKILL at any point leaves the previous outputs as they were."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from reportgen.atomic import JOURNAL
from reportgen.build import build
from reportgen.errors import InputError

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
    elif moment == "rename":  # the journal is written, the first new file about to be renamed
        replace = os.replace
        def slow_replace(src, dst):
            if Path(dst).parent == Path(out) and Path(dst).name != ".reportgen-journal":
                pause()
            replace(src, dst)
        os.replace = slow_replace
    elif moment.startswith("step "):  # SIGKILL before the n-th change of the output folder
        import signal
        steps, last = [0], int(moment.split()[1])
        def killing(change):
            def changed(*args, **kwargs):
                if "dst_dir_fd" in kwargs or any(
                        isinstance(a, (str, os.PathLike)) and Path(a).parent == Path(out)
                        for a in args):
                    steps[0] += 1
                    if steps[0] == last:
                        os.kill(os.getpid(), signal.SIGKILL)
                return change(*args, **kwargs)
            return changed
        os.replace, os.link, os.unlink = map(killing, (os.replace, os.link, os.unlink))
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


def test_a_build_killed_while_renaming_is_finished_by_the_next(
        project: Project, tmp_path: Path, previous: dict[str, bytes]) -> None:
    """Killed between the journal and the renames: the old files, the new ones under hidden
    names and the journal. The next build finishes the renames first (``atomic.recover``):
    the new set, and nothing else."""
    out = tmp_path / "out"
    _kill_build_at(project, out, "rename", tmp_path)
    now = {p.name: p.read_bytes() for p in out.iterdir()}
    assert {k: v for k, v in now.items() if k in previous} == previous
    hidden = sorted(name for name in now if name not in previous and name != JOURNAL)
    assert JOURNAL in now and len(hidden) == 2
    assert all(name.startswith(".report-p1.") and name.endswith(".part") for name in hidden)
    new = _after_the_next_build_starts(project, out)
    assert sorted(new) == sorted(previous)
    assert all(new[name] != data for name, data in previous.items())
    build(project.root, out)  # and builds on from there, leaving nothing else
    assert sorted(p.name for p in out.iterdir()) == sorted(previous)


def _after_the_next_build_starts(project: Project, out: Path) -> dict[str, bytes]:
    """What the output folder holds once the next build has started, even one that fails at
    once (its first step is ``atomic.recover``)."""
    with pytest.raises(InputError):
        build(project.root, out, period_id="no-such-period")
    return {p.name: p.read_bytes() for p in out.iterdir()}


def test_a_build_killed_at_any_step_leaves_the_old_set_or_the_new_one(
        project: Project, tmp_path: Path, previous: dict[str, bytes]) -> None:
    """SIGKILL before each change the build makes to its output folder (naming the new files,
    the journal, each rename, the journal's removal), then a build that did not change: the
    folder holds exactly the old set or exactly the new one, never a mix, never a leftover."""
    out = tmp_path / "out"
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    new: dict[str, bytes] | None = None
    seen = []
    for step in range(1, 12):
        shutil.rmtree(out)
        out.mkdir()
        for name, data in previous.items():
            (out / name).write_bytes(data)
        child = subprocess.run([sys.executable, str(script), str(project.root), str(out),
                                str(tmp_path / "flag"), f"step {step}"], env=env,
                               capture_output=True, timeout=300)
        after = _after_the_next_build_starts(project, out)
        assert sorted(after) == sorted(previous), f"step {step}: {sorted(after)}"
        if child.returncode == 0:  # no step left to kill at: the build finished
            assert child.stderr.decode().count("Traceback") == 0
            new = after
            break
        assert child.returncode == -signal.SIGKILL, child.stderr.decode()
        seen.append("old" if after == previous else "new")
        if seen[-1] == "new":
            assert new in (None, after)
            new = after
    assert new is not None and new != previous
    assert "old" in seen and "new" in seen and seen == sorted(seen, key=("old", "new").index)
    assert len(seen) >= 5  # two names, the journal, two renames, its removal


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
