"""Where the package's files live: its modules, message catalogs, layouts and fonts.

Base of every stage. The one place that locates the package (``package_root``): no
other module uses its own ``__file__``, so a cache key or a release manifest built
from the package's files covers all of them wherever a module moves.

Installed from a wheel, layouts and fonts sit inside the package (``reportgen/layouts``,
``reportgen/fonts``); in a source checkout they are at the top of the
repository. Nothing here renders anything.

It is also the one definition of what a build may read (``World``): the report
project's files once every symlink is resolved (its ``.reportgen-cache`` among
them), the installation's layouts and fonts, and the files the person running the
build named on the command line; besides, only the user's signing key is read, from
``user_cache_dir``. Every reader asks it (the project loader, the pictures, the
caches, the chart drawing, WeasyPrint's URL fetcher); nothing else decides. See
docs/security.md.
"""

from __future__ import annotations

import os
import urllib.parse
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont

_PACKAGE = Path(__file__).resolve().parent


def package_root() -> Path:
    """The folder of the ``reportgen`` package (its ``__init__.py``)."""
    return _PACKAGE


def package_file(relative: str) -> Path:
    """A file of the package by its path inside it (``'render/chartdraw.py'``); it must exist."""
    path = _PACKAGE / relative
    if not path.is_file():
        raise FileNotFoundError(f"reportgen's '{relative}' is missing from the installation")
    return path


def package_files(under: str = "", suffixes: tuple[str, ...] | None = (".py",)) -> list[Path]:
    """The package's files under ``under`` (a folder or a file inside it) with those suffixes
    (None: every file), sorted; compiled bytecode and its caches are never among them."""
    top = _PACKAGE / under
    found = [top] if top.is_file() else top.rglob("*")
    return sorted(p for p in found if p.is_file() and "__pycache__" not in p.relative_to(_PACKAGE).parts
                  and p.suffix != ".pyc" and (suffixes is None or p.suffix in suffixes))


def locales_dir() -> Path:
    """The message catalogs of the layout words (``reportgen/locales``)."""
    return _PACKAGE / "locales"


def data_dir(name: str) -> Path:
    """The folder ``name`` ('layouts' or 'fonts'), inside the package or the checkout."""
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"reportgen's '{name}' folder is missing from the installation")


def layout_dir(name: str) -> Path:
    return data_dir("layouts") / name


def font_files() -> list[Path]:
    """The bundled fonts (a link leading out of the installation is refused: ``OutsideWorld``)."""
    return installation_files(data_dir("fonts"), "*.ttf")


@dataclass(frozen=True, slots=True)
class FontFace:
    """One bundled font file under the family name the layouts use for it."""

    path: Path
    family: str  # "Report Serif" or "Report Sans"
    style: str  # "normal" or "italic"
    weight: int  # 400 or 700


def font_faces() -> list[FontFace]:
    """The bundled fonts as the layouts and the charts know them, from their name tables.

    Family names no system font has ("Report Serif", "Report Sans": see
    tools/derive_fonts.py), so that nothing but the bundled files can ever be picked
    (the PDF writer also hides system fonts from Fontconfig). Read once a process per
    version of the files (a layout asks for them for every key, rule and check).
    """
    return list(_faces(tuple((p, p.stat().st_mtime_ns, p.stat().st_size)
                             for p in font_files())))


@cache
def _faces(files: tuple[tuple[Path, int, int], ...]) -> tuple[FontFace, ...]:
    faces = []
    for path, _, _ in files:
        names = TTFont(path, lazy=True)["name"]
        family = names.getDebugName(16) or names.getDebugName(1) or path.stem
        style = (names.getDebugName(17) or names.getDebugName(2) or "").lower()
        faces.append(FontFace(path, family, "italic" if "italic" in style else "normal",
                              700 if "bold" in style else 400))
    return tuple(faces)


# ------------------------------------------------------------ what a build may read


class OutsideWorld(ValueError):
    """A file or URL a build may not read; the message says why. The reader that asked turns
    it into an error located where the reference is written."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path, self.reason = path, reason
        super().__init__(reason)


def user_cache_dir() -> Path:
    """reportgen's folder in the user's cache (``$XDG_CACHE_HOME/reportgen``): the signing key
    (``cache.signed``), read by no one else."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "reportgen"


def installation_dirs() -> tuple[Path, ...]:
    """The installation's folders a build reads: the layouts and the fonts, resolved (each
    folder once a process: the installation is reportgen's own; every file in them is
    still resolved each time it is asked for, ``installation_file``)."""
    return _resolved_dirs(data_dir("layouts"), data_dir("fonts"))


@cache
def _resolved_dirs(*folders: Path) -> tuple[Path, ...]:
    return tuple(folder.resolve() for folder in folders)


def installation_file(path: Path) -> Path:
    """``path`` (a layout's or a font's file), refused if it is a link leading out of the
    installation's layouts and fonts: a layout folder is data, and what it holds is all that
    may reach an output (a link to a file elsewhere would put that file's content into it)."""
    resolved = _resolved(path)
    if not any(resolved.is_relative_to(d) for d in installation_dirs()):
        raise OutsideWorld(path, f"'{path.name}' is a link to {resolved}, outside reportgen's "
                           "layouts and fonts; copy the file into the layout instead")
    return path


def installation_files(folder: Path, pattern: str = "*", recursive: bool = False) -> list[Path]:
    """The files of ``folder`` (a layout or the fonts) whose names match ``pattern``, sorted;
    ``OutsideWorld`` for the first that is a link leading out of the installation."""
    found = folder.rglob(pattern) if recursive else folder.glob(pattern)
    return sorted(installation_file(p) for p in found if p.is_file())


#: The reasons a URL is refused, as the PDF writer's fetcher and the layout check say them.
NO_URLS = "a report reads no URLs"


@dataclass(frozen=True, slots=True)
class World:
    """What one build may read: files under ``roots`` once every symlink is resolved.

    ``roots`` are the report project (its ``.reportgen-cache`` included), the installation's
    layouts and fonts, and ``named``: files the person running the build gave on the command
    line (a reference DOCX). Made by ``of``. (The user's signing key, the one other file a
    build reads, is read by ``cache.signed.user_key`` from ``user_cache_dir`` only.)
    """

    project: Path
    roots: tuple[Path, ...]

    @classmethod
    def of(cls, project_root: Path, named: tuple[Path, ...] = ()) -> World:
        project = project_root.resolve()
        return cls(project, (project, *installation_dirs(), *(p.resolve() for p in named)))

    def allows(self, path: Path) -> bool:
        """Whether the file ``path`` may be read (``path`` absolute; symlinks are followed)."""
        try:
            self.resolve(path)
        except OutsideWorld:
            return False
        return True

    def resolve(self, path: Path) -> Path:
        """``path`` resolved (``..`` and symlinks followed): where the file really is; refused
        (``OutsideWorld``, 'outside the report project') unless that is under a root."""
        resolved = _resolved(path)
        if not any(resolved.is_relative_to(root) for root in self.roots):
            raise OutsideWorld(path, "outside the report project")
        return resolved

    def in_project(self, path: Path) -> Path:
        """``path`` resolved, refused unless it is a file of the report project itself (what
        a report.yaml or a section may name: not the installation, not the user's cache)."""
        resolved = _resolved(path)
        if not resolved.is_relative_to(self.project):
            raise OutsideWorld(path, "outside the report project")
        return resolved

    def resolve_url(self, url: str) -> Path:
        """The file a ``file:`` URL names, if it may be read; ``OutsideWorld`` with the reason
        otherwise (another scheme, another host, a file outside the roots)."""
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme != "file":
            raise OutsideWorld(url, f"a {parsed.scheme or 'relative'}: URL ({NO_URLS})")
        if parsed.netloc not in ("", "localhost"):
            raise OutsideWorld(url, f"a file on another host ({parsed.netloc})")
        return self.resolve(Path(url_path(parsed.path)))


def _resolved(path: Path) -> Path:
    """Where ``path`` really is (every symlink followed); ``OutsideWorld`` for what names no
    place (a NUL in the name, a loop of links)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError, ValueError) as exc:  # RuntimeError: a symlink loop (3.11)
        raise OutsideWorld(path, f"'{path}' names no file ({exc})") from None


def url_path(path: str) -> str:
    """The file system path of a ``file:`` URL's path (``urllib.request.url2pathname``, without
    importing http, ssl and email for it)."""
    if os.name == "nt":  # pragma: no cover
        from nturl2path import url2pathname

        return url2pathname(path)
    return urllib.parse.unquote(path)
