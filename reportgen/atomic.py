"""Write stage: output files replaced atomically, all of a build's files together.

One file (``write_atomic``) is written in full, flushed to disk, and renamed over the old
one: readers see the old file or the new one. Several files (``write_all_atomic``, a
build's outputs) are all or nothing, through a journal:

1. every file is written in full and flushed to disk. On Linux as an anonymous inode
   (``O_TMPFILE``): a build killed while writing leaves nothing behind;
2. each gets a hidden name beside its target, ``.<name>.<8 characters>.part``, and the
   folder is flushed;
3. the journal, ``.reportgen-journal`` in the folder of the first file, lists every rename
   (written to a temporary file, flushed, renamed: it is there whole or not at all). From
   this moment the new files are the build's result;
4. the renames; then the journal is deleted.

``recover(folder)`` finishes what a killed build left: with a journal, the renames not yet
done are done (the new files are all complete, step 1), then the journal goes; without
one, the hidden ``.part`` files are deleted (the old outputs were never touched). Either
way the folder holds exactly the old set of outputs or exactly the new one. A build runs
it on its output folder before anything else (``build.build``), and ``write_all_atomic``
runs it first too. Writers of one folder take turns (``flock`` on the folder), so that a
recovery never takes another build's files for leftovers.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import secrets
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

#: Suffix of the temporary files outputs are written to before their rename.
PART_SUFFIX = ".part"
#: The journal of the renames that make a set of outputs the new one.
JOURNAL = ".reportgen-journal"
#: A temporary file of this module: ``.<name>.<8 characters>.part`` (``secrets`` or
#: ``tempfile`` made the 8).
_PART = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.part$")


@dataclass
class _Staged:
    path: Path
    fd: int | None = None  # an anonymous file, not yet linked
    tmp: Path | None = None  # a named temporary file


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    item = _stage(path, data)
    try:
        _name(item)
        assert item.tmp is not None
        os.replace(item.tmp, item.path)
        item.tmp = None
    finally:
        _discard([item])


def write_all_atomic(files: dict[Path, bytes]) -> None:
    """Write every file in full first, then make them the new files all together (the
    journal): a failure or a kill before the journal is written changes none of them, one
    after it is finished by ``recover``."""
    if not files:
        return
    folders = {path.parent for path in files}
    if len(folders) != 1:
        raise ValueError(f"files of one set are in one folder, not {sorted(folders)}")
    (folder,) = folders
    folder.mkdir(parents=True, exist_ok=True)
    staged: list[_Staged] = []
    try:
        for path, data in files.items():
            staged.append(_stage(path, data))
        with _turn(folder):
            _recover(folder)
            for item in staged:
                _name(item)
            _sync_folder(folder)
            renames = [(item.tmp.name, item.path.name) for item in staged if item.tmp]
            _write_journal(folder, renames)
            for item in staged:  # the journal's now: a failure from here on is finished later
                item.tmp = None
            _finish(folder, renames)
    finally:
        _discard(staged)


def recover(folder: Path) -> list[Path]:
    """Finish what a killed build left in ``folder``: the renames of its journal, or, without
    one, the deletion of its hidden temporary files; returns the files deleted."""
    if not folder.is_dir():
        return []
    with _turn(folder):
        return _recover(folder)


def remove_leftovers(path: Path) -> list[Path]:
    """``recover`` the folder of output ``path``; returns the temporary files deleted."""
    return recover(path.parent)


# ------------------------------------------------------------------ the journal


def _recover(folder: Path) -> list[Path]:
    journal = folder / JOURNAL
    with contextlib.suppress(FileNotFoundError):
        renames = _read_journal(journal)
        if renames is not None:  # else not ours (ours is renamed into place whole): not followed
            _finish(folder, renames)
    found = sorted(p for p in folder.iterdir() if _PART.match(p.name) and p.is_file()
                   and not p.is_symlink())
    for leftover in found:
        leftover.unlink(missing_ok=True)
    return found


def _read_journal(journal: Path) -> list[tuple[str, str]] | None:
    """The renames of ``journal``: names in its folder, each a temporary file of this module
    and its target (anything else is no journal of ours: nothing is renamed by it)."""
    with journal.open("rb") as f:
        raw = f.read(1_000_000)
    try:
        entries = [(str(a), str(b)) for a, b in json.loads(raw)["renames"]]
    except (ValueError, KeyError, TypeError):
        return None
    if not all(_PART.match(tmp) and tmp.startswith(f".{target}.") and "/" not in tmp + target
               and target not in ("", ".", "..") for tmp, target in entries):
        return None
    return entries


def _write_journal(folder: Path, renames: list[tuple[str, str]]) -> None:
    data = json.dumps({"renames": renames}, ensure_ascii=False).encode("utf-8")
    item = _stage_named(folder / JOURNAL, data)
    assert item.tmp is not None
    os.replace(item.tmp, folder / JOURNAL)
    _sync_folder(folder)


def _finish(folder: Path, renames: list[tuple[str, str]]) -> None:
    """Do the renames of a journal not yet done (a temporary file gone was renamed), then
    delete the journal."""
    for tmp, target in renames:
        with contextlib.suppress(FileNotFoundError):
            os.replace(folder / tmp, folder / target)
    _sync_folder(folder)
    (folder / JOURNAL).unlink(missing_ok=True)
    _sync_folder(folder)


@contextlib.contextmanager
def _turn(folder: Path) -> Iterator[None]:
    """This process's turn to change ``folder`` (``flock`` on the folder itself)."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


# ------------------------------------------------------------------ the files


def _stage(path: Path, data: bytes) -> _Staged:
    fd = _anonymous_file(path.parent)
    if fd is not None:
        try:
            _write(fd, data)
        except BaseException:
            os.close(fd)
            raise
        return _Staged(path, fd=fd)
    return _stage_named(path, data)


def _stage_named(path: Path, data: bytes) -> _Staged:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=PART_SUFFIX, dir=path.parent)
    staged = _Staged(path, tmp=Path(tmp))
    try:
        _write(fd, data)
    finally:
        os.close(fd)
    # mkstemp makes the file private (0600); give it the permissions of a normal new file.
    os.chmod(tmp, 0o666 & ~_umask())
    return staged


def _name(item: _Staged) -> None:
    """Give an anonymous staged file its hidden name beside its target."""
    if item.fd is None:
        return
    fd, item.fd = item.fd, None
    name = f".{item.path.name}.{secrets.token_hex(4)}{PART_SUFFIX}"
    folder = os.open(item.path.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        # linkat(AT_SYMLINK_FOLLOW) on /proc/self/fd gives the anonymous file a name
        # (open(2), O_TMPFILE); a dir_fd makes Python call linkat rather than link.
        os.link(f"/proc/self/fd/{fd}", name, dst_dir_fd=folder, follow_symlinks=True)
        item.tmp = item.path.parent / name
    except OSError:  # linking refused: write it again under a name
        item.tmp = _stage_named(item.path, os.pread(fd, os.fstat(fd).st_size, 0)).tmp
    finally:
        os.close(folder)
        os.close(fd)


def _discard(staged: list[_Staged]) -> None:
    for item in staged:
        if item.fd is not None:
            os.close(item.fd)
        if item.tmp is not None:
            item.tmp.unlink(missing_ok=True)


def _anonymous_file(folder: Path) -> int | None:
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None or not Path("/proc/self/fd").is_dir():
        return None
    try:
        return os.open(folder, flag | os.O_RDWR, 0o666)  # the umask applies, as for any file
    except OSError:  # a file system without O_TMPFILE
        return None


def _write(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
    os.fsync(fd)


def _sync_folder(folder: Path) -> None:
    """Flush ``folder``'s entries (new names, renames) to disk."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask
