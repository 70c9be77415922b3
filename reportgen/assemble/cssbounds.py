"""Assemble stage: the bounds a layout's stylesheet, or a style an input writes, cannot exceed.

WeasyPrint typesets whatever a stylesheet says: ``@page { size: 1e9px 1e9px }`` asked for
23.8 GB before the OOM killer came, ``body { font-size: 1e9px }`` flooded Pango with
criticals and ended in a division by zero, ``h1 { font-size: 1e9px }`` built a PDF nobody
could read (issue 23). Here every length and count a stylesheet gives is measured before
anything is typeset, with tinycss2 (WeasyPrint's own parser), and one out of its range is
a problem at its line and column:

- a page (``@page { size }``) is 1 mm to 2000 mm a side;
- a font size (``font-size``, ``font``) is at most 200 pt, or 5 times the parent's (``em``,
  ``rem``, ``%``);
- any other length is at most 10 m either way, or 1000 of a relative unit (``em``, ``vw``, ...),
  or 1000 %;
- a number without a unit (a count, a line height, a factor in ``calc()``) is at most 10,000;
  the factors of a ``calc()`` multiply, so their product is measured too.

Called by ``assets.layout_problems`` (a layout's stylesheets) and ``htmlblocks`` (a ``style``
attribute of raw HTML). It reads nothing and never decides what a layout looks like.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import tinycss2
from tinycss2 import ast

#: Millimetres per unit of each absolute length unit (CSS Values 4, 6.2).
ABSOLUTE_MM = {"mm": 1.0, "cm": 10.0, "q": 0.25, "in": 25.4, "pt": 25.4 / 72, "pc": 25.4 / 6,
               "px": 25.4 / 96}
#: Relative length units (of a font, of the viewport, of a line).
RELATIVE = frozenset({"em", "rem", "ex", "rex", "ch", "rch", "cap", "rcap", "ic", "ric", "lh",
                      "rlh", "vw", "vh", "vi", "vb", "vmin", "vmax"})
PAGE_MIN_MM, PAGE_MAX_MM = 1.0, 2000.0
FONT_MAX_PT = 200.0
FONT_MAX_RELATIVE = 5.0  # em, rem; 500 %
LENGTH_MAX_MM = 10_000.0
RELATIVE_MAX = 1000.0  # of em, vw, ...; percentages: 1000 %
NUMBER_MAX = 10_000.0
_MATH = frozenset({"calc", "min", "max", "clamp", "-webkit-calc"})


@dataclass(frozen=True, slots=True)
class Excess:
    """A value out of its range: where it is written in the stylesheet, and why."""

    line: int
    col: int
    message: str


def stylesheet_excesses(css: str) -> list[Excess]:
    """Every value of the stylesheet ``css`` out of its range, in the order written."""
    found: list[Excess] = []
    _rules(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True), found,
           page=False)
    return found


def style_excesses(style: str) -> list[Excess]:
    """Every value of the declarations ``style`` (a ``style`` attribute) out of its range."""
    found: list[Excess] = []
    _declarations(tinycss2.parse_blocks_contents(style, skip_comments=True,
                                                 skip_whitespace=True), found, page=False)
    return found


def _rules(rules: Iterable[ast.Node], found: list[Excess], page: bool) -> None:
    for rule in rules:
        if isinstance(rule, ast.QualifiedRule):
            _declarations(tinycss2.parse_blocks_contents(rule.content, skip_comments=True,
                                                         skip_whitespace=True), found, page)
        elif isinstance(rule, ast.AtRule) and rule.content is not None:
            name = rule.lower_at_keyword
            if name in ("media", "supports", "layer", "container", "document"):
                _rules(tinycss2.parse_rule_list(rule.content, skip_comments=True,
                                                skip_whitespace=True), found, page)
            else:  # @page and its margin boxes, @font-face, ...
                _declarations(tinycss2.parse_blocks_contents(
                    rule.content, skip_comments=True, skip_whitespace=True), found,
                    page or name == "page")


def _declarations(items: Iterable[ast.Node], found: list[Excess], page: bool) -> None:
    for item in items:
        if isinstance(item, ast.Declaration):
            found.extend(_excesses(item.lower_name, item.value, page))
        elif isinstance(item, ast.QualifiedRule | ast.AtRule):  # nested rules
            _rules([item], found, page)


def _excesses(name: str, value: list[ast.Node], page: bool) -> Iterator[Excess]:
    if name in ("src", "unicode-range"):  # @font-face: URLs, formats, code points
        return
    for token in _flat(value):
        if isinstance(token, ast.FunctionBlock) and token.lower_name in _MATH:
            yield from _product(name, token)
        elif isinstance(token, ast.DimensionToken | ast.PercentageToken | ast.NumberToken) and (
                bad := _out_of_range(name, token, page)) is not None:
            yield Excess(token.source_line, token.source_column,
                             f"{name}: {token.serialize()} {bad}")


def _flat(tokens: Iterable[ast.Node]) -> Iterator[ast.Node]:
    """The tokens of a value, with those of its functions and blocks (not of calc(), which
    ``_product`` measures whole)."""
    for token in tokens:
        yield token
        if isinstance(token, ast.FunctionBlock) and token.lower_name not in _MATH:
            yield from _flat(token.arguments)
        elif isinstance(token, ast.ParenthesesBlock | ast.SquareBracketsBlock
                        | ast.CurlyBracketsBlock):
            yield from _flat(token.content)


def _out_of_range(name: str, token: ast.Node, page: bool) -> str | None:
    """Why ``token`` (a value of property ``name``) is out of range; None if it is not."""
    number = abs(token.value)
    if isinstance(token, ast.NumberToken):
        return f"is more than {NUMBER_MAX:,.0f}" if number > NUMBER_MAX else None
    font = name in ("font-size", "font")
    if isinstance(token, ast.PercentageToken):
        limit = FONT_MAX_RELATIVE * 100 if font else RELATIVE_MAX
        return f"is more than {limit:,.0f} %" if number > limit else None
    unit = token.lower_unit
    if unit in RELATIVE:
        limit = FONT_MAX_RELATIVE if font else RELATIVE_MAX
        return f"is more than {limit:,.0f}{unit}" if number > limit else None
    if unit not in ABSOLUTE_MM:  # an angle, a time, a resolution: a number like any other
        return f"is more than {NUMBER_MAX:,.0f}{unit}" if number > NUMBER_MAX else None
    mm = number * ABSOLUTE_MM[unit]
    if page and name == "size":
        if mm > PAGE_MAX_MM:
            return f"is more than {PAGE_MAX_MM:,.0f} mm (a page is at most {PAGE_MAX_MM:,.0f} mm a side)"
        if mm < PAGE_MIN_MM:
            return f"is less than {PAGE_MIN_MM:,.0f} mm (a page is at least {PAGE_MIN_MM:,.0f} mm a side)"
        return None
    if font and mm > FONT_MAX_PT * ABSOLUTE_MM["pt"]:
        return f"is larger than {FONT_MAX_PT:,.0f} pt (the largest text a layout may set)"
    if mm > LENGTH_MAX_MM:
        return f"is longer than {LENGTH_MAX_MM / 1000:,.0f} m (the longest length a layout may give)"
    return None


def _product(name: str, function: ast.FunctionBlock) -> Iterator[Excess]:
    """A ``calc()``: its factors multiply, so the product of every number in it (lengths in mm,
    percentages as fractions) is measured as one length."""
    product = 1.0
    for token in _all(function.arguments):
        if isinstance(token, ast.NumberToken):
            product *= max(1.0, abs(token.value))
        elif isinstance(token, ast.PercentageToken):
            product *= max(1.0, abs(token.value) / 100)
        elif isinstance(token, ast.DimensionToken):
            product *= max(1.0, abs(token.value) * ABSOLUTE_MM.get(token.lower_unit, 1.0))
    if product > LENGTH_MAX_MM:
        yield Excess(function.source_line, function.source_column,
                     f"{name}: {function.lower_name}() may give more than "
                     f"{LENGTH_MAX_MM / 1000:,.0f} m (its factors multiply)")


def _all(tokens: Iterable[ast.Node]) -> Iterator[ast.Node]:
    for token in tokens:
        yield token
        if isinstance(token, ast.FunctionBlock):
            yield from _all(token.arguments)
        elif isinstance(token, ast.ParenthesesBlock | ast.SquareBracketsBlock):
            yield from _all(token.content)
