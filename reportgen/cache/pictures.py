"""Cache stage: the re-encoded copies of a project's pictures, the only picture bytes an
output holds.

``assemble.assets`` decodes every picture a report shows and re-encodes its pixels
(``encode`` there); the bytes go here, to ``.reportgen-cache/pictures/<digest>.<ext>``,
named by their own SHA-256, and the model's ``Image`` points at that file, so both writers
read the same pixels and never the project's file (whatever its file held besides the
pixels, a trailing HTML page or ZIP, EXIF or comments, stays out of every output).

A copy is rewritten whenever its bytes are not exactly what this build made: a cache
received with a project, or a file changed there, is never used (no signature is needed:
the name is the digest of what this build made, and the bytes are compared). Written
atomically, so a killed build never leaves half a picture. It decides nothing about a
picture: it keeps bytes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from reportgen.atomic import write_atomic
from reportgen.cache import stamped
from reportgen.cache.root import (
    cache_folder,
    cached_file,
    code_digest,
    library_versions,
    read_cached,
)
from reportgen.cache.signed import SignedStore, user_key
from reportgen.resources import World

FOLDER = "pictures"


def store(project_root: Path, data: bytes, ext: str) -> Path:
    """The file of the project's picture cache that holds ``data`` (written if it does not
    hold exactly these bytes yet); ``ext``: the file's extension, without the dot.
    ``OutsideWorld`` if the cache's folder is a link leading out of the project (nothing is
    written through it)."""
    folder = cache_folder(project_root, FOLDER)
    World.of(project_root).in_project(folder)
    path = folder / f"{hashlib.sha256(data).hexdigest()[:40]}.{ext}"
    if read_cached(path) != data:
        folder.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)  # a link or a crafted file: replaced, never written through
        write_atomic(path, data)
    return path


def _prefix(named: str) -> bytes:
    return named.encode() + b"\0"


class Decoded(SignedStore):
    """What decoding each picture file gave (``assets.decoded``): by the digest of the file's
    bytes and the format its name says, the copy's file name in this cache and its size in
    pixels. Decoding and re-encoding is the slowest part of assembling a report (the sample's
    50 pictures: 0.4 s an edition; a PNG is written at compression level 9), and its result
    depends only on those bytes and on the code and Pillow that made it (the store's
    environment), so an edition, a build or a preview's rebuild after the first takes it
    from here. The file is signed with this user's key like the compiled expressions: an
    entry says a file decoded cleanly, so a forged one could let a broken or hostile picture
    through. A copy is used only while its bytes still have the digest its name gives.
    Without a key (or with ``persistent=False``) it is kept for the process only."""

    def __init__(self, project_root: Path, persistent: bool = True) -> None:
        super().__init__(cache_folder(project_root, "decoded"), user_key() if persistent else None,
                         code_digest("assemble/assets.py", "cache/pictures.py")
                         + library_versions("pillow"))
        self.root = project_root

    def _valid(self, value: Any) -> bool:
        return (isinstance(value, tuple) and len(value) == 3 and isinstance(value[0], str)
                and all(isinstance(v, int) for v in value[1:]))

    @staticmethod
    def digest(data: bytes, named: str) -> bytes:
        return hashlib.sha256(_prefix(named) + data).digest()

    @staticmethod
    def file_digest(path: Path, named: str) -> bytes:
        """``digest`` of ``path``'s bytes, read again only when the file changed (``stamped``);
        of nothing if it cannot be read (no copy is known for that)."""
        return stamped.digest(path, _prefix(named)) or b""

    def copy(self, digest: bytes) -> tuple[Path, int, int] | None:
        """The copy made from the file of ``digest``, and its size; None if unknown or if the
        copy is gone or changed."""
        value = self.get(digest)
        if value is None:
            return None
        name, width, height = value
        path = cache_folder(self.root, FOLDER) / name
        real = cached_file(path)  # in the project's cache, not a link out of it
        found = stamped.digest(real) if real is not None else None  # read when it changed
        if found is None or f"{found.hex()[:40]}{path.suffix}" != name:
            return None
        return path, width, height

    def keep(self, digest: bytes, copy: Path, width: int, height: int) -> None:
        self.put(digest, (copy.name, width, height))
