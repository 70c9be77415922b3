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

from reportgen.atomic import write_atomic
from reportgen.cache.root import cache_folder, read_cached
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
