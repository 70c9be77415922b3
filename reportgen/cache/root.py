"""Cache stage, shared part: where a project's caches live and what every key starts from.

Every cache of a build sits under one folder of the project, ``.reportgen-cache``
(``cache_folder``): ``outputs``, ``parts``, ``charts``, ``expressions``, ``checks``. It is
safe to delete. A key that depends on reportgen's own code hashes the package's files
through ``code_digest`` (found by ``resources.package_root``, never by a module's own
``__file__``, so that a moved module is still covered), and one that depends on
libraries hashes their versions through ``library_versions``. ``CACHE_VERSION`` is part
of every key: bumping it makes every old entry unusable at once.

Nothing here reads a project's input or decides what is cached; the modules beside it
(``outputs``, ``charts``, ``signed``) do. They read a cache file through ``read_cached``
only: the cache is in the project, so it could have been crafted, and a file there is
read only where it really is inside the project (``resources.World``) and a regular file
(a link to ``/dev/zero`` or out of the project is no cache entry).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
from pathlib import Path

from reportgen.resources import OutsideWorld, World, package_files, package_root

#: Part of every cache key; bumped when the package's layout or a key's meaning changes.
CACHE_VERSION = "2"
CACHE_DIR = ".reportgen-cache"


def cache_root(project_root: Path) -> Path:
    """The project's cache folder (safe to delete)."""
    return project_root / CACHE_DIR


def cache_folder(project_root: Path, name: str) -> Path:
    """One cache's folder inside the project's cache folder ('outputs', 'parts', ...)."""
    return cache_root(project_root) / name


def read_cached(path: Path) -> bytes | None:
    """The bytes of ``path``, a file of a project's cache (``cache_folder``), or None when it
    is missing, is not a regular file, or is not really inside its project."""
    real = cached_file(path)
    try:
        return real.read_bytes() if real is not None else None
    except OSError:
        return None


def cached_file(path: Path) -> Path | None:
    """``path``, a file of a project's cache (``cache_folder``), resolved; None when it is
    missing, is not a regular file, or is not really inside its project."""
    parts = path.parts
    if CACHE_DIR not in parts:
        raise ValueError(f"{path} is not in a project's {CACHE_DIR}")  # pragma: no cover - a bug
    project = Path(*parts[:len(parts) - 1 - parts[::-1].index(CACHE_DIR)])
    try:
        real = World.of(project).in_project(path)
        return real if real.is_file() else None
    except (OutsideWorld, OSError):
        return None


@functools.cache
def code_digest(*under: str, suffixes: tuple[str, ...] = (".py",)) -> bytes:
    """A hash of the package's files under each of ``under`` (folders or files, relative to
    the package; ``''`` is all of it), names included. Read once a process."""
    h = hashlib.sha256(f"reportgen-code {CACHE_VERSION}\n".encode())
    root = package_root()
    for part in under:
        for path in package_files(part, suffixes):
            h.update(f"\n{path.relative_to(root).as_posix()}\n".encode())
            h.update(path.read_bytes())
    return h.digest()


@functools.cache
def library_versions(*names: str) -> bytes:
    """The installed versions of the distributions ``names``, as bytes for a key ('-' for one
    that is not installed). Read once a process: asking for a version takes milliseconds."""
    out = []
    for name in names:
        try:
            out.append(f"\n{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            out.append(f"\n{name} -")
    return "".join(out).encode()


def library_version(name: str) -> str | None:
    """The installed version of one distribution, or None (for the release manifest)."""
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None
