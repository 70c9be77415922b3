"""Render stage (PDF): the lines ``justify`` chose for a paragraph, remembered by all they
depend on.

A worker lays out the same paragraphs again and again: the preview's edited part after each
save (all its paragraphs but the edited one are as before), a split render's rounds. The
choice (``justify.plan_paragraph``) is a function of the paragraph as laid out and read back
(``paragraphs.Paragraph``: its text, where first fit ended its lines and on which pages, the
column's width, which characters the HTML wrote and which may not wrap) and of how its
characters measure: their styles' properties that WeasyPrint's text layout reads
(``STYLE_KEYS``), in the fonts of the layout engine's font configuration. So a plan is kept
under exactly those (at most ``MAX_PLANS``, the least recently used dropped), and all of them
are forgotten when an engine makes a new font configuration (``writer``: other font files
may stand behind the same names). Choosing the lines was about two thirds of laying out
the preview's edited part of the sample (65 of 100 ms).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from reportgen.render.pdf import justify
from reportgen.render.pdf.paragraphs import Measure, Paragraph

#: The computed style properties WeasyPrint's text layout reads (``weasyprint.text``): a
#: character's width depends on nothing else.
STYLE_KEYS = (
    "direction", "font_family", "font_feature_settings", "font_kerning",
    "font_language_override", "font_size", "font_stretch", "font_style",
    "font_variant_alternates", "font_variant_caps", "font_variant_east_asian",
    "font_variant_ligatures", "font_variant_numeric", "font_variant_position",
    "font_variation_settings", "font_weight", "hyphenate_character", "hyphenate_limit_chars",
    "hyphenate_limit_zone", "hyphens", "lang", "letter_spacing", "line_height",
    "overflow_wrap", "tab_size", "text_decoration_line", "white_space", "word_break",
    "word_spacing",
)
MAX_PLANS = 4096

_plans: OrderedDict[tuple[Any, ...], justify.Plan | None] = OrderedDict()


def forget() -> None:
    """Forget every plan (a new font configuration: ``writer.LayoutEngine``)."""
    _plans.clear()


def plan_of(par: Paragraph, cache: dict[Any, float]) -> justify.Plan | None:
    """``justify.plan_paragraph(par, Measure(par, cache))``, remembered. The plan returned
    is shared: read it, never change it."""
    key = _key(par)
    if key in _plans:
        _plans.move_to_end(key)
        return _plans[key]
    plan = _plans[key] = justify.plan_paragraph(par, Measure(par, cache))
    while len(_plans) > MAX_PLANS:
        _plans.popitem(last=False)
    return plan


def _key(par: Paragraph) -> tuple[Any, ...]:
    """All a paragraph's plan depends on (see the module's description)."""
    seen: dict[int, tuple[str, ...]] = {}
    runs: list[tuple[int, tuple[str, ...]]] = []
    last = None
    for i, style in enumerate(par.styles):
        if style is last:
            continue
        last = style
        found = seen.get(id(style))
        if found is None:
            found = seen[id(style)] = tuple(repr(style[k]) for k in STYLE_KEYS)
        if not runs or runs[-1][1] != found:
            runs.append((i, found))
    return (par.key, par.text, tuple(par.ends), tuple(par.pages), par.width,
            tuple(par.written), tuple(par.nowrap), tuple(runs))
