"""The look of one report: a package layout, the project's own layout folder and fonts.

Base of every stage (beside ``resources``, which it uses). A ``Layout`` is a value (it goes
to the worker processes as it is): the package layout it starts from (``base``, a folder
of ``layouts/``), the project's layout folder (``folder``: its files override the base's
files of the same name and add new ones) and the project's font files (``fonts``), besides
the bundled fonts. Every reader of a layout's file asks it (the Jinja loader, the
stylesheets, the chart style, the reference DOCX, the cache keys, the release manifest),
so a project's file counts wherever the base's would.

A project's file is read only where it really is inside the project (every link followed:
``OutsideWorld`` otherwise), a base's only inside the installation
(``resources.installation_file``). Reading a project font (``read_face``) checks what the
outputs need of it: an sfnt (TrueType or OpenType outlines), one face, and an OS/2
``fsType`` that allows embedding it (the PDF and the DOCX embed it). Nothing here renders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont, TTLibError

from reportgen.resources import (
    FontFace,
    OutsideWorld,
    font_faces,
    installation_file,
    installation_files,
    layout_dir,
)

#: The prefix under which a project's template reaches the base layout's templates
#: (``{% extends "base/report.html.j2" %}``).
BASE_PREFIX = "base/"
#: What a project font file may be: TrueType or OpenType (CFF) outlines, one face.
FONT_SUFFIXES = (".ttf", ".otf")
_SFNT = {b"\x00\x01\x00\x00": "TrueType", b"true": "TrueType", b"OTTO": "OpenType (CFF)"}


@dataclass(frozen=True, slots=True)
class Layout:
    """What a report looks like: ``base`` (a package layout's name), the project's layout
    ``folder`` (resolved, inside ``project``; None: the base alone) and the project's
    ``fonts`` (their faces, read by ``read_face`` when the project is loaded)."""

    base: str = "default"
    folder: Path | None = None
    project: Path | None = None
    fonts: tuple[FontFace, ...] = field(default=())

    # ------------------------------------------------------------------ files

    def base_dir(self) -> Path:
        return layout_dir(self.base)

    def files(self, pattern: str = "*", recursive: bool = False) -> list[Path]:
        """The layout's files whose names match ``pattern``: the base's, each replaced by the
        project folder's file of the same relative path, then the project folder's other
        files, each part sorted (the order stylesheets are applied in). A link leading out of
        the installation (a base's file) or out of the project (a project's) is refused:
        ``OutsideWorld``."""
        base = {p.relative_to(self.base_dir()).as_posix(): p
                for p in installation_files(self.base_dir(), pattern, recursive)}
        own = {p.relative_to(self.folder).as_posix(): p
               for p in self._own_files(pattern, recursive) if self.folder}
        return ([own.get(name, path) for name, path in base.items()]
                + [path for name, path in own.items() if name not in base])

    def _own_files(self, pattern: str, recursive: bool) -> list[Path]:
        if self.folder is None:
            return []
        found = self.folder.rglob(pattern) if recursive else self.folder.glob(pattern)
        return sorted(self.project_file(p) for p in found if p.is_file())

    def file(self, name: str) -> Path:
        """The layout's file ``name`` (a path inside it): the project folder's if it has one,
        else the base's (which may not exist: the caller says what is missing)."""
        if self.folder is not None and (self.folder / name).is_file():
            return self.project_file(self.folder / name)
        return installation_file(self.base_dir() / name)

    def project_file(self, path: Path) -> Path:
        """``path``, a file of the project's layout or fonts, refused (``OutsideWorld``) unless
        it really is in the project (every link followed)."""
        assert self.project is not None
        try:
            resolved = path.resolve()
        except (OSError, RuntimeError, ValueError) as exc:
            raise OutsideWorld(path, f"'{path}' names no file ({exc})") from None
        if not resolved.is_relative_to(self.project):
            raise OutsideWorld(path, f"'{path.name}' is a link to {resolved}, outside the report "
                               "project; copy the file into the project instead")
        return path

    def template_dirs(self) -> tuple[Path, ...]:
        """Where templates are looked for, in order: the project folder, then the base."""
        return (*((self.folder,) if self.folder else ()), self.base_dir())

    def stylesheets(self) -> list[Path]:
        """The stylesheets, in the order they apply: the base's (each replaced by the project's
        of the same name), then the project folder's new ones, by name."""
        return self.files("*.css")

    def chart_style(self) -> Path:
        """The matplotlib style of the charts (``chart.mplstyle``)."""
        return self.file("chart.mplstyle")

    def reference_docx(self) -> Path:
        """The reference document of the DOCX (``reference.docx``)."""
        return self.file("reference.docx")

    def key_files(self) -> list[tuple[str, Path]]:
        """Every file the layout reads, as a cache key or a manifest names them: the layout's
        files (the base's and the project's) and every font (bundled and the project's)."""
        return ([("layout", p) for p in self.files(recursive=True)]
                + [("font", f.path) for f in self.faces()])

    # ------------------------------------------------------------------ fonts

    def faces(self) -> list[FontFace]:
        """The bundled faces, then the project's."""
        return [*font_faces(), *self.fonts]

    def families(self) -> dict[str, list[FontFace]]:
        """Every face by its family name."""
        found: dict[str, list[FontFace]] = {}
        for face in self.faces():
            found.setdefault(face.family, []).append(face)
        return found

    def coverage(self, families: set[str] | None = None) -> frozenset[int]:
        """The code points that every face of ``families`` (None: of all) has a glyph for."""
        faces = [f for f in self.faces() if families is None or f.family in families]
        if not faces:
            return frozenset()
        return frozenset(set.intersection(*(set(face_cmap(f.path)) for f in faces)))


#: The package's own layout, without anything of a project's.
DEFAULT = Layout()


def face_cmap(path: Path) -> frozenset[int]:
    """The code points a font file has glyphs for (read once a process per version of the
    file: a preview sees a project font change)."""
    stat = path.stat()
    return _cmap(path, stat.st_size, stat.st_mtime_ns)


@cache
def _cmap(path: Path, size: int, mtime_ns: int) -> frozenset[int]:
    return frozenset(TTFont(path, lazy=True).getBestCmap())


class FontProblem(ValueError):
    """A project font that cannot be used; the message says why."""


def read_face(path: Path) -> FontFace:
    """The face a project font file holds, its family, style and weight read from the font
    (name table: typographic family, else family; OS/2: weight class, italic bit); a
    ``FontProblem`` if the outputs cannot use it."""
    if path.suffix.lower() not in FONT_SUFFIXES:
        raise FontProblem(f"'{path.name}' is not a .ttf or .otf font file (a WOFF or WOFF2 "
                          "font can be unpacked with fontTools: fonttools ttLib.woff2 "
                          "decompress FILE)")
    try:
        with path.open("rb") as stream:
            magic = stream.read(4)
        if magic not in _SFNT:
            raise FontProblem(f"'{path.name}' is not a TrueType or OpenType font"
                              + (" (a collection: give one face's file)" if magic == b"ttcf"
                                 else ""))
        font = TTFont(path, lazy=True)
        names, os2 = font["name"], font.get("OS/2")
        font.getBestCmap()
    except FontProblem:
        raise
    except (OSError, TTLibError, KeyError, ValueError, AssertionError) as exc:
        raise FontProblem(f"'{path.name}' cannot be read as a font ({exc})") from None
    if os2 is None:
        raise FontProblem(f"'{path.name}' has no OS/2 table (its licence for embedding is "
                          "unknown)")
    fs_type = os2.fsType
    if fs_type & 0x0002 and not fs_type & 0x000C:
        raise FontProblem(f"'{path.name}' may not be embedded: its OS/2 fsType is {fs_type:#06x} "
                          "(restricted licence embedding), and the PDF and the DOCX embed it; "
                          "use a font whose licence allows embedding")
    if fs_type & 0x0200:
        raise FontProblem(f"'{path.name}' allows embedding its bitmaps only (OS/2 fsType "
                          f"{fs_type:#06x}), and the outputs embed outlines")
    family = names.getDebugName(16) or names.getDebugName(1)
    if not family:
        raise FontProblem(f"'{path.name}' names no family (name table IDs 16 and 1)")
    italic = bool(os2.fsSelection & 0x0001) or "italic" in (
        names.getDebugName(17) or names.getDebugName(2) or "").lower()
    weight = max(100, min(900, round(os2.usWeightClass / 100) * 100 or 400))
    return FontFace(path, family, "italic" if italic else "normal", weight)
