"""Where the package's data lives: layouts and bundled fonts.

Installed from a wheel they sit inside the package (``reportgen/layouts``,
``reportgen/fonts``); in a source checkout they are at the top of the
repository. Nothing here renders anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The folder ``name`` ('layouts' or 'fonts'), inside the package or the checkout."""
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"reportgen's '{name}' folder is missing from the installation")


def layout_dir(name: str) -> Path:
    return data_dir("layouts") / name


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
    path: Path
    family: str  # "Report Serif"
    italic: bool
    bold: bool


def font_faces() -> list[FontFace]:
    """The bundled fonts with the family and style their name tables declare."""
    faces = []
    for f in font_files():
        names = TTFont(f, lazy=True)["name"]
        family = names.getDebugName(16) or names.getDebugName(1) or f.stem
        style = (names.getDebugName(17) or names.getDebugName(2) or "").lower()
        faces.append(FontFace(f, family, "italic" in style, "bold" in style))
    return faces
