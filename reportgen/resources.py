"""Where the package's files live: its modules, message catalogs, layouts and fonts.

Base of every stage. The one place that locates the package (``package_root``): no
other module uses its own ``__file__``, so a cache key or a release manifest built
from the package's files covers all of them wherever a module moves.

Installed from a wheel, layouts and fonts sit inside the package (``reportgen/layouts``,
``reportgen/fonts``); in a source checkout they are at the top of the
repository. Nothing here renders anything.
"""

from __future__ import annotations

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


def chart_style(layout: str) -> Path:
    """The layout's matplotlib style file for the charts."""
    return layout_dir(layout) / "chart.mplstyle"


def font_files() -> list[Path]:
    return sorted(data_dir("fonts").glob("*.ttf"))


@cache
def font_coverage() -> frozenset[int]:
    """Code points that every bundled font has a glyph for (so any style can set any text)."""
    sets = [set(TTFont(f, lazy=True).getBestCmap()) for f in font_files()]
    if not sets:
        raise FileNotFoundError("no bundled fonts found")
    return frozenset(set.intersection(*sets))


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
    (the PDF writer also hides system fonts from Fontconfig).
    """
    faces = []
    for path in font_files():
        names = TTFont(path, lazy=True)["name"]
        family = names.getDebugName(16) or names.getDebugName(1) or path.stem
        style = (names.getDebugName(17) or names.getDebugName(2) or "").lower()
        faces.append(FontFace(path, family, "italic" if "italic" in style else "normal",
                              700 if "bold" in style else 400))
    return faces
