"""Cache stage: drawn charts, kept in the project's ``.reportgen-cache/charts`` by a hash.

A chart's file names carry the digest of everything that draws it (what it shows, the
layout's chart style, the drawing and fitting code, matplotlib's version and the fonts), so a chart
is drawn again exactly when one of those changes (Sphinx's graphviz extension does the
same). Deciding what to draw and checking the files is the render stage's
(``render.chartfiles``); this module only names, writes and verifies them.

The cache is in the project, so a chart file there could have been crafted (a project
received with its ``.reportgen-cache``, a number changed in an SVG): each file is
written with a record of its digest signed with this user's key (``signed.Seal``, in
``.reportgen-cache/seals``), and ``verified`` tells whether a file still matches it.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path

from reportgen.atomic import write_atomic
from reportgen.cache.root import CACHE_DIR, cache_folder, code_digest, library_versions, read_cached
from reportgen.cache.signed import Seal, file_digest
from reportgen.errors import InputError, SourceLoc
from reportgen.layout import Layout
from reportgen.resources import OutsideWorld

__all__ = ["CACHE_DIR", "cache_dir", "chart_digest", "chart_environment", "store", "verified"]


def cache_dir(project_root: Path) -> Path:
    """Where a project's drawn charts are kept (ignored by git and by Jekyll: a dot folder)."""
    return cache_folder(project_root, "charts")


def chart_digest(drawing: Mapping[str, object], layout: Layout,
                 environment: bytes | None = None) -> str:
    """The digest a chart's files are named by; ``environment``: ``chart_environment(layout)``
    if the caller made it already (an edition's charts share it)."""
    h = hashlib.sha256()
    h.update(json.dumps(drawing, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    h.update(environment if environment is not None else chart_environment(layout))
    return h.hexdigest()


def chart_environment(layout: Layout) -> bytes:
    """What every chart drawn in ``layout`` also depends on: its chart style, the drawing code
    and matplotlib, every font it may use (the bundled ones and the project's, by content).
    A link out of where a file belongs is an error at the link."""
    h = hashlib.sha256()
    try:
        h.update(layout.chart_style().read_bytes())
        fonts = [face.path for face in layout.faces()]
    except OutsideWorld as exc:
        raise InputError.single(SourceLoc(Path(exc.path)), str(exc)) from None
    h.update(_drawing_code())
    for font in fonts:
        stat = font.stat()
        h.update(f"{font.name}:".encode() + _font_digest(font, stat.st_size, stat.st_mtime_ns))
    return h.digest()


@functools.cache
def _font_digest(path: Path, size: int, mtime_ns: int) -> bytes:
    """A font file's content hash, read once a process per version of the file."""
    return hashlib.sha256(path.read_bytes()).digest()


@functools.cache
def _drawing_code() -> bytes:
    """What draws the charts: a change in it (or in matplotlib) draws them again. Read once
    a process (asking for a package's version takes milliseconds, and every chart needs it)."""
    return (code_digest("render/chartdraw.py", "render/chartfit.py", "render/chartmeasure.py")
            + library_versions("matplotlib"))




def _seal_file(path: Path) -> Path:
    """Where the signed record of the chart file ``path`` is kept (beside the charts' folder)."""
    return path.parent.parent / "seals" / f"{path.name}.seal"


def store(path: Path, data: bytes) -> None:
    """Write a chart file atomically (a killed build never leaves half a picture behind), then
    its signed record (a file without one is never used)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    ignore = path.parent.parent / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# reportgen's cache of drawn charts: safe to delete.\n*\n", encoding="utf-8")
    write_atomic(path, data)
    signature = Seal.for_user().sign("chart", path.name, file_digest(data))
    if signature is not None:
        _seal_file(path).parent.mkdir(exist_ok=True)
        write_atomic(_seal_file(path), signature.encode())


def verified(path: Path) -> bool | None:
    """Whether the chart file ``path`` is one this user's builds drew, unchanged since (its
    bytes match its signed record); None when that cannot be told (no key to sign with)."""
    seal = Seal.for_user()
    if seal.key is None:
        return None
    data, record = read_cached(path), read_cached(_seal_file(path))
    return (data is not None and record is not None
            and seal.verifies(record.decode("ascii", "replace"), "chart", path.name, file_digest(data)))
