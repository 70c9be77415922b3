"""Write stage: output files replaced atomically, all of a build's files together.

Every file is first written in full and flushed to disk, then all are
renamed over the old ones at the end, so a build that fails or is killed
while rendering or writing leaves the previous outputs as they were. On
Linux a file is written as an anonymous inode (``O_TMPFILE``): a build killed
while writing leaves nothing behind. It gets a name (``.<name>.<random>.part``
in the output folder) only for the rename itself; elsewhere such named temp
files are used throughout. Leftovers of a build killed in that instant are
removed by the next build (``remove_leftovers``).
"""

from __future__ import annotations

import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

#: Suffix of the temporary files outputs are written to before their rename.
PART_SUFFIX = ".part"


@dataclass
class _Staged:
    path: Path
    fd: int | None = None  # an anonymous file, not yet linked
    tmp: Path | None = None  # a named temporary file


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half."""
    write_all_atomic({path: data})


def write_all_atomic(files: dict[Path, bytes]) -> None:
    """Write every file in full first, then replace the old files: a failure before the end
    changes none of them."""
    staged: list[_Staged] = []
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            staged.append(_stage(path, data))
        for item in staged:
            _commit(item)
    finally:
        for item in staged:
            if item.fd is not None:
                os.close(item.fd)
            if item.tmp is not None:
                item.tmp.unlink(missing_ok=True)


def remove_leftovers(path: Path) -> list[Path]:
    """Delete the temporary files a killed build left next to output ``path``; returns them."""
    found = sorted(path.parent.glob(f".{_glob_escape(path.name)}.*{PART_SUFFIX}"))
    for leftover in found:
        leftover.unlink(missing_ok=True)
    return found


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


def _commit(item: _Staged) -> None:
    if item.fd is not None:
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
    assert item.tmp is not None
    os.replace(item.tmp, item.path)
    item.tmp = None


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


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def _glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)
