"""Assemble stage: ``{{ ... }}`` expressions in the narrative, rendered in Jinja's sandbox.

The data of one period is exposed as read-only views (``dataviews``: ``indicators.x``,
``breakdowns.y.parts.z``, ``events``, ``memoranda``, ``extra``, ``period``).
An undefined name is an error with its file and line; every such error in a
text is collected before stopping. What an expression prints is a value (a
number, a text, a date, a list of them: ``sandbox``), never a Python object.
Numbers are formatted with Babel for the report's locale, and ``plural`` picks
a word form by the CLDR plural rules.
"""

from __future__ import annotations

import difflib
import re
import sys
from collections.abc import Mapping
from typing import Any

import jinja2

from reportgen.assemble.dataviews import (
    BreakdownView,
    Count,
    PeriodView,
    date_filter,
    number_filter,
    plural_filter,
    where_filter,
)
from reportgen.assemble.sandbox import LimitedSandbox
from reportgen.cache.signed import CodeCache
from reportgen.errors import Problems, SourceLoc
from reportgen.text.formats import NBSP

__all__ = ["Expressions", "mark_lines", "unmark_lines"]


# -------------------------------------------------------------- rendering


class _Render:
    """One rendering of one text: knows its location so undefined names can point at it."""

    def __init__(self, loc: SourceLoc, text: str, problems: Problems, template_name: str,
                 context: Mapping[str, Any] | None = None) -> None:
        self.loc = loc
        self.lines = text.splitlines()
        self.problems = problems
        self.name = template_name
        self.template: jinja2.Template | None = None
        self.context = context or {}  # the names, for suggestions

    def where(self, hint: str | None) -> SourceLoc:
        """The location of the innermost template frame on the stack."""
        frame = sys._getframe(1)
        line = None
        while frame is not None:
            if frame.f_code.co_filename == self.name and self.template is not None:
                line = self.template.get_corresponding_lineno(frame.f_lineno)
                break
            frame = frame.f_back  # type: ignore[assignment]
        return self.locate(line, hint)

    def where_tb(self, exc: BaseException) -> SourceLoc:
        """The template line where ``exc`` was raised, from its traceback."""
        tb = exc.__traceback__
        line = None
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == self.name:
                # Jinja rewrites template frames so that they carry the template's line.
                line = tb.tb_lineno
            tb = tb.tb_next
        return self.locate(line, None)

    def locate(self, line: int | None, hint: str | None) -> SourceLoc:
        col = None
        if hint:
            # Jinja's line mapping can be off inside multi-line texts; the name itself is not.
            pattern = re.compile(r"(?<![\w.])" + re.escape(hint) + r"\b|\." + re.escape(hint) + r"\b")
            candidates = [line] if line else []
            candidates += [n for n in range(1, len(self.lines) + 1) if n != line]
            for n in candidates:
                if 0 < n <= len(self.lines) and (m := pattern.search(self.lines[n - 1])):
                    line, col = n, m.start() + 1 + (m.group().startswith("."))
                    break
        if line is None:
            return self.loc
        if line == 1 and self.loc.col is not None:
            col = (col or 1) + self.loc.col - 1
        return SourceLoc(self.loc.file, (self.loc.line or 1) + line - 1, col)


def _make_undefined(render: _Render) -> type[jinja2.Undefined]:
    class Collecting(jinja2.StrictUndefined):
        """Records the use of an undefined name and lets rendering go on to find the next one."""

        def _record(self) -> None:
            name = self._undefined_name
            if self._undefined_hint:  # the sandbox refused an attribute
                render.problems.error(
                    render.where(str(name) if name else None),
                    f"expression not allowed: {self._undefined_hint}",
                )
                return
            if self._undefined_obj is not jinja2.utils.missing:
                target = type(self._undefined_obj).__name__
                if isinstance(self._undefined_obj, dict):
                    known = ", ".join(sorted(self._undefined_obj)) or "none"
                    hint = _key_suggestion(str(name), self._undefined_obj, render.context)
                    msg = f"undefined name '{name}'{hint} (known here: {known})"
                else:
                    msg = f"'{target}' value has no attribute '{name}'"
            else:
                msg = f"undefined name '{name}'{_suggestion(str(name), render.context)}"
            render.problems.error(render.where(str(name) if name else None), msg)

        def __str__(self) -> str:  # type: ignore[override]
            self._record()
            return f"⟦{self._undefined_name}⟧"

        def __bool__(self) -> bool:  # type: ignore[override]
            self._record()
            return False

        def __iter__(self) -> Any:
            self._record()
            return iter(())

        def __len__(self) -> int:  # type: ignore[override]
            self._record()
            return 0

        def __getattr__(self, name: str) -> Any:
            if name.startswith("__"):
                raise AttributeError(name)
            return self

        def __getitem__(self, key: Any) -> Any:
            return self  # report the first undefined name of a chain, once

    return Collecting


class Expressions:
    """Renders narrative texts against one period's data, collecting problems."""

    def __init__(self, context: dict[str, Any] | None, lang: str,
                 codes: CodeCache | None = None) -> None:
        """``context`` None: the data could not be read, and texts are left as they are.
        ``codes``: compiled texts kept between builds."""
        self.context = context
        self.lang = lang
        self.codes = codes
        self.env = LimitedSandbox(
            values=(Count, BreakdownView, PeriodView),  # print as their number or label
            autoescape=False,  # the output is Markdown source, escaped later by each writer
            keep_trailing_newline=True,
        )
        self.env.filters["number"] = lambda v: number_filter(v, self.lang)
        self.env.filters["plural"] = lambda v, *f, **kw: plural_filter(v, self.lang, *f, **kw)
        self.env.filters["form"] = lambda v, *f, **kw: plural_filter(v, self.lang, *f, **kw).split(
            NBSP, 1)[1]
        self.env.filters["where"] = where_filter
        self.env.filters["date"] = lambda d, end=None: date_filter(d, self.lang, end)

    def render(self, text: str, loc: SourceLoc, problems: Problems) -> str:
        """``text`` with its expressions evaluated; on problems, returns the text unchanged."""
        if self.context is None or "{{" not in text and "{%" not in text and "{#" not in text:
            return text
        name = f"<reportgen:{loc.file}:{loc.line}>"
        render = _Render(loc, text, problems, name, self.context)
        before = len(problems.items)
        self.env.undefined = _make_undefined(render)
        try:
            # Compiled under our own file name, so that frames (and so errors) can be mapped
            # back to the template line.
            code = (self.codes.compile(self.env, text, name) if self.codes else
                    self.env.compile(text, name=name, filename=name))
            template = self.env.template_class.from_code(self.env, code, self.env.make_globals(None))
            render.template = template
            out = self.env.render_limited(template, self.context)
        except jinja2.TemplateSyntaxError as exc:
            problems.error(render.locate(exc.lineno, None), f"expression syntax error: {exc.message}")
        except jinja2.UndefinedError as exc:
            if len(problems.items) == before:  # otherwise already recorded by the Undefined
                problems.error(render.where_tb(exc), f"expression failed: {exc}")
        except jinja2.exceptions.SecurityError as exc:
            problems.error(render.where_tb(exc), f"expression not allowed: {_said(exc)}")
        except MemoryError as exc:
            problems.error(render.where_tb(exc), "expression not allowed: it needs more memory "
                           "than there is (a value that grows without end?)")
        except Exception as exc:  # noqa: BLE001 - any failure of a user expression is input
            problems.error(render.where_tb(exc), f"expression failed: {_said(exc)}")
        if len(problems.items) == before:
            return out
        # One mistake seen by several operations (str(), a call, ...) is reported once.
        seen: set[str] = set()
        fresh = []
        for p in problems.items[before:]:
            key = p.message.removeprefix("expression failed: ")
            if key not in seen:
                seen.add(key)
                fresh.append(p)
        problems.items[before:] = fresh
        return text


def _suggestion(name: str, context: Mapping[str, Any]) -> str:
    """'; did you mean 'indicators.studies_published'?' for a name that is a key one level down
    (or close to one, or to a name of the context); '' when nothing is close."""
    paths: dict[str, str] = {}
    for top, value in context.items():
        if isinstance(value, Mapping):
            for key, item in value.items():
                paths.setdefault(str(key), f"{top}.{key}")
                parts = getattr(item, "parts", None)  # a breakdown's parts, two levels down
                if isinstance(parts, Mapping):
                    for part in parts:
                        paths.setdefault(str(part), f"{top}.{key}.parts.{part}")
    if name in paths:
        return f"; did you mean '{paths[name]}'?"
    close = difflib.get_close_matches(name, [*context, *paths], n=1, cutoff=0.6)
    return f"; did you mean '{paths.get(close[0], close[0])}'?" if close else ""


def _key_suggestion(name: str, mapping: Mapping[str, Any], context: Mapping[str, Any]) -> str:
    """'; did you mean 'indicators.materials'?' for a misspelt key of ``mapping``, named by its
    full path when ``mapping`` is a value of the context; '' when no key is close."""
    close = difflib.get_close_matches(name, [str(k) for k in mapping], n=1, cutoff=0.6)
    if not close:
        return ""
    top = next((key for key, value in context.items() if value is mapping), None)
    return f"; did you mean '{top}.{close[0]}'?" if top else f"; did you mean '{close[0]}'?"


_ADDRESS = re.compile(r"<([^<>]*?) at 0x[0-9a-fA-F]+>")


def _said(exc: BaseException) -> str:
    """What an exception says, for a message: never empty (its kind then), and without the
    memory addresses Python writes into an object's repr."""
    text = str(exc).strip() or type(exc).__name__
    return _ADDRESS.sub(r"<\1>", text)


# ------------------------------------------------------------ line mapping

_MARK, _END = "\ue000", "\ue001"
_TAGS = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}|\n")
_MARKER = re.compile(_MARK + r"(\d+)" + _END)


def mark_lines(text: str) -> str:
    """``text`` with a marker at the end of every line that is not inside a ``{{ }}``/``{% %}``.

    The markers survive rendering (a loop repeats them), so each output line can be traced
    back to the source line it came from; see ``unmark_lines``.
    """
    out: list[str] = []
    pos, line, inside = 0, 1, False
    for match in _TAGS.finditer(text):
        token = match.group()
        if token == "\n":
            out.append(text[pos:match.start()])
            if not inside:
                out.append(f"{_MARK}{line}{_END}")
            out.append("\n")
            pos = match.end()
            line += 1
        elif token in ("{{", "{%", "{#"):
            inside = True
        else:
            inside = False
    out.append(text[pos:])
    out.append(f"{_MARK}{line}{_END}")
    return "".join(out)


def unmark_lines(text: str) -> tuple[str, list[int]]:
    """The rendered text without markers, and for each of its lines the source line (1-based)."""
    lines = text.split("\n")
    numbers: list[int | None] = []
    clean: list[str] = []
    for line in lines:
        found = _MARKER.findall(line)
        numbers.append(int(found[-1]) if found else None)
        clean.append(_MARKER.sub("", line))
    result: list[int] = []
    nxt = None
    for n in reversed(numbers):  # a line without a marker belongs to the next marked one
        nxt = n if n is not None else nxt
        result.append(nxt if nxt is not None else 1)
    result.reverse()
    return "\n".join(clean), result
