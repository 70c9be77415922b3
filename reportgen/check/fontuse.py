"""Check stage: which font families a layout sets text in (what the glyph check covers).

A family counts when a layout's file names it: a ``font-family`` or ``font`` declaration of
a stylesheet (the base's and the project folder's, ``layout.Layout.stylesheets``), the chart
style's ``font.family``, or a style of the reference DOCX (its ``w:rFonts``). Only the
families the layout has fonts for count (the bundled ones and the project's): a name no
font has is left to the system of whoever opens a DOCX, and the PDF never uses it. A
family that no file names is not checked, so a project font that replaces the bundled
ones in every rule lets a text that only it covers build.
"""

from __future__ import annotations

import re
import zipfile
from functools import cache
from pathlib import Path
from typing import Any

from reportgen.layout import Layout

_RFONTS = re.compile(rb'<w:rFonts\b[^>]*>')
_FONT_ATTR = re.compile(rb'w:(?:ascii|hAnsi|cs|eastAsia)="([^"]*)"')


def used_families(layout: Layout) -> set[str]:
    """The families of ``layout``'s fonts that its files name (all of them if none does);
    found once a process per version of the files (each edition asks)."""
    files = (*layout.stylesheets(), layout.chart_style(), layout.reference_docx())
    stamps = tuple((p, p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    return set(_used(layout, stamps))


@cache
def _used(layout: Layout, stamps: tuple[tuple[Path, int, int], ...]) -> frozenset[str]:
    *sheets, chart, reference = (path for path, _, _ in stamps)
    known = set(layout.families())
    named: set[str] = set()
    for sheet in sheets:
        named |= stylesheet_families(sheet.read_text(encoding="utf-8"))
    named |= _chart_families(chart)
    named |= _docx_families(reference)
    used = named & known
    return frozenset(used or known)


def stylesheet_families(css: str) -> set[str]:
    """The family names of a stylesheet's ``font-family`` and ``font`` declarations (quoted,
    or unquoted words), in any rule (``@page`` margin boxes included); the ``@font-face``
    rules' are definitions, not uses."""
    import tinycss2

    found: set[str] = set()

    def declarations(content: list[Any] | None) -> None:
        for item in tinycss2.parse_blocks_contents(content or [], skip_comments=True,
                                                   skip_whitespace=True):
            if item.type == "declaration" and item.lower_name in ("font-family", "font"):
                found.update(_names(item.value))
            elif _has_uses(item):
                declarations(item.content)

    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if _has_uses(rule):
            declarations(rule.content)
    return found


def _has_uses(rule: Any) -> bool:
    """Whether ``rule`` has declarations that use fonts (a rule with a block, not @font-face)."""
    return (rule.type in ("qualified-rule", "at-rule") and rule.content is not None
            and getattr(rule, "lower_at_keyword", None) != "font-face")


def _names(tokens: list[Any]) -> set[str]:
    """Each comma-separated item of a value: a quoted name, or its words joined by spaces
    (for ``font``, the words before the family are sizes and keywords: never a known font)."""
    names: set[str] = set()
    words: list[str] = []
    for token in [*tokens, None]:
        kind = getattr(token, "type", None)
        if kind == "string":
            names.add(token.value)
            words = []
        elif kind == "ident":
            words.append(token.value)
        elif token is None or (kind == "literal" and token.value == ","):
            if words:
                names.update(" ".join(words[i:]) for i in range(len(words)))
            words = []
        elif kind != "whitespace":
            words = []
    return names


def _chart_families(path: Path) -> frozenset[str]:
    """The families a matplotlib style file's ``font.family`` names."""
    for line in path.read_text(encoding="utf-8").splitlines():
        key, sep, value = line.partition("#")[0].partition(":")
        if sep and key.strip() == "font.family":
            return frozenset(v.strip().strip("'\"") for v in value.split(",") if v.strip())
    return frozenset()


def _docx_families(path: Path) -> set[str]:
    """The families the styles (and the theme's defaults) of a reference DOCX name."""
    try:
        with zipfile.ZipFile(path) as package:
            styles = package.read("word/styles.xml")
    except (OSError, KeyError, zipfile.BadZipFile):
        return set()  # the DOCX writer says what is wrong with it
    return {name.decode("utf-8") for tag in _RFONTS.findall(styles)
            for name in _FONT_ATTR.findall(tag)}
