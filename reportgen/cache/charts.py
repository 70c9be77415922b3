"""Cache stage: drawn charts, kept in the project's ``.reportgen-cache/charts`` by a hash.

A chart's file names carry the digest of everything that draws it (what it shows, the
layout's chart style, the drawing code, matplotlib's version and the fonts), so a chart
is drawn again exactly when one of those changes (Sphinx's graphviz extension does the
same). Deciding what to draw and checking the files is the render stage's
(``render.chartfiles``); this module only names and writes them.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path

from reportgen.atomic import write_atomic
from reportgen.cache.root import CACHE_DIR, cache_folder, code_digest, library_versions
from reportgen.resources import font_files

__all__ = ["CACHE_DIR", "cache_dir", "chart_digest", "store"]


def cache_dir(project_root: Path) -> Path:
    """Where a project's drawn charts are kept (ignored by git and by Jekyll: a dot folder)."""
    return cache_folder(project_root, "charts")


def chart_digest(drawing: Mapping[str, object], style: Path) -> str:
    """The digest a chart's files are named by."""
    h = hashlib.sha256()
    h.update(json.dumps(drawing, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    h.update(style.read_bytes())
    h.update(_drawing_code())
    for font in font_files():
        h.update(f"{font.name}:{font.stat().st_size}".encode())
    return h.hexdigest()


@functools.cache
def _drawing_code() -> bytes:
    """What draws the charts: a change in it (or in matplotlib) draws them again. Read once
    a process (asking for a package's version takes milliseconds, and every chart needs it)."""
    return code_digest("render/chartdraw.py") + library_versions("matplotlib")




def store(path: Path, data: bytes) -> None:
    """Write a chart file atomically (a killed build never leaves half a picture behind)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    ignore = path.parent.parent / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# reportgen's cache of drawn charts: safe to delete.\n*\n", encoding="utf-8")
    write_atomic(path, data)
