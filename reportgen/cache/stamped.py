"""Cache layer: a file's digest, read again only when the file changed, in this process.

What tells a file's versions apart without reading it is its stamp: inode, size and the
modification and change times (the change time cannot be set back by a user: a file
rewritten in place with its old modification time still has a new one). The preview
reads every picture of a report, and every file its outputs depend on, after each save;
with the stamp unchanged, the digest of the last read is the digest. Nothing here is kept
on disk.
"""

from __future__ import annotations

import hashlib
import stat
import time
from pathlib import Path

#: Digests kept (all of them dropped past this: a memo, not a store).
MAX_FILES = 4096
#: A file changed less than this long ago (ns) is read again next time: file times advance
#: by the kernel's clock tick, so two writes of the same size within one tick leave the same
#: stamp (what Git calls a racily clean file).
RACY_NS = 2_000_000_000

_digests: dict[tuple[Path, bytes], tuple[tuple[int, ...], bytes]] = {}


def stamps(*paths: Path) -> tuple[int, ...] | None:
    """What tells the versions of ``paths`` apart; None if one is missing or not a regular
    file itself (a link, a folder)."""
    out: list[int] = []
    for path in paths:
        try:
            st = path.lstat()
        except OSError:
            return None
        if not stat.S_ISREG(st.st_mode):
            return None
        out += [st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]
    return tuple(out)


def digest(path: Path, prefix: bytes = b"") -> bytes | None:
    """SHA-256 of ``prefix`` and ``path``'s bytes; None if it is not a regular file or cannot
    be read. Read again only when its stamp changed."""
    stamp = stamps(path)
    if stamp is None:
        return None
    key = (path, prefix)
    found = _digests.get(key)
    if found is not None and found[0] == stamp:
        return found[1]
    try:
        data = path.read_bytes()
    except OSError:
        return None
    value = hashlib.sha256(prefix + data).digest()
    if stamps(path) != stamp or time.time_ns() - max(stamp[2], stamp[3]) < RACY_NS:
        return value  # changed while read, or so lately that a change may keep its stamp
    if len(_digests) >= MAX_FILES:
        _digests.clear()
    _digests[key] = (stamp, value)
    return value
