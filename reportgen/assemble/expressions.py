"""Assemble stage: ``{{ ... }}`` expressions in the narrative, rendered in Jinja's sandbox.

The data of one period is exposed as read-only views (``indicators.x``,
``breakdowns.y.parts.z``, ``events``, ``memoranda``, ``extra``, ``period``).
An undefined name is an error with its file and line; every such error in a
text is collected before stopping. What an expression prints is a value (a
number, a text, a date, a list of them: ``sandbox``), never a Python object.
Numbers are formatted with Babel for the report's locale, and ``plural`` picks
a word form by the CLDR plural rules.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import jinja2

from reportgen.assemble.sandbox import LimitedSandbox
from reportgen.cache.signed import CodeCache
from reportgen.errors import Problems, SourceLoc
from reportgen.load.editions import period_text
from reportgen.load.schema import ActivityData, Breakdown, Indicator, Part
from reportgen.text.formats import (
    NBSP,
    choose_form,
    format_date,
    format_date_range,
    format_number,
    plural_categories,
    same,
)


@dataclass(frozen=True, slots=True)
class Count:
    """A counted thing as the narrative sees it: ``{{ x }}`` prints the formatted number."""

    value: float | int
    forms: str | Mapping[str, str]
    lang: str
    unit: str | None = None

    def __str__(self) -> str:
        return format_number(self.value, self.lang) + (f"{NBSP}{self.unit}" if self.unit else "")

    def __int__(self) -> int:
        return int(self.value)

    def __float__(self) -> float:
        return float(self.value)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Count):
            return self.value == other.value
        return bool(self.value == other)

    def __hash__(self) -> int:
        return hash(self.value)

    @property
    def label(self) -> str:
        """The label in the form that agrees with the value."""
        return choose_form(self.forms, self.value, self.lang)

    @property
    def text(self) -> str:
        """Number and agreeing label: '23 информационно-аналитических материала'."""
        return f"{self}{NBSP}{self.label}"


@dataclass(frozen=True, slots=True)
class BreakdownView:
    total: Count
    parts: Mapping[str, Count]

    def __str__(self) -> str:
        return str(self.total)

    @property
    def value(self) -> float | int:
        return self.total.value

    @property
    def label(self) -> str:
        return self.total.label

    @property
    def text(self) -> str:
        return self.total.text


def indicator_view(ind: Indicator | Part, lang: str) -> Count:
    return Count(ind.value, ind.label, lang, getattr(ind, "unit", None))


def breakdown_view(b: Breakdown, lang: str) -> BreakdownView:
    return BreakdownView(
        Count(b.total, b.label, lang),
        {k: indicator_view(p, lang) for k, p in b.parts.items()},
    )


@dataclass(frozen=True, slots=True)
class PeriodView:
    """The period being built, as the narrative sees it (``{{ period.label }}``)."""

    id: str
    start: dt.date
    end: dt.date
    label: str  # in the edition's language, written or made from the dates

    def __str__(self) -> str:
        return self.label


def data_context(data: ActivityData, period: PeriodView, lang: str, report: Any) -> dict[str, Any]:
    """The names a narrative expression can use for one period."""
    periods = list(getattr(report, "periods", []))
    index = next((i for i, p in enumerate(periods) if p.id == period.id), 0)
    previous = None
    if index > 0:
        before = periods[index - 1]
        previous = PeriodView(before.id, before.start, before.end, period_text(before, lang))
    return {
        "indicators": {k: indicator_view(v, lang) for k, v in data.indicators.items()},
        "breakdowns": {k: breakdown_view(v, lang) for k, v in data.breakdowns.items()},
        "events": list(data.events),
        "memoranda": list(data.memoranda),
        "extra": dict(data.extra),
        "period": period,
        # The period before this one in report.yaml (None for the first): what
        # 'compare: previous' compares with, so a text can say so or leave it out.
        "previous_period": previous,
        "report": report,
    }


# ------------------------------------------------------------------ filters


def _number(value: Any, lang: str) -> str:
    if isinstance(value, Count | BreakdownView):
        return str(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"number: expected a number, got {value!r}")
    return format_number(value, lang)


def _plural(value: Any, lang: str, *forms: str, **by_category: str) -> str:
    """``{{ n | plural(one='материал', few='материала', many='материалов') }}`` → '23 материала'.

    Positional forms are taken in the order of the locale's categories (ru: one, few, many).
    """
    number = value.value if isinstance(value, Count | BreakdownView) else value
    if isinstance(number, bool) or not isinstance(number, int | float):
        raise ValueError(f"plural: expected a number, got {value!r}")
    table: dict[str, str] = dict(by_category)
    if len(forms) == 1 and not by_category:
        table["other"] = forms[0]  # one word for every number ('интервью')
    elif forms:
        table.update(zip(plural_categories(lang), forms, strict=False))
    return f"{_number(number, lang)}{NBSP}{choose_form(table, number, lang)}"


def _where(items: Iterable[Any], **conditions: Any) -> list[Any]:
    """``{{ events | where(kind='conference') | length }}``; a text of the data matches by its
    key too (``where(country='Казахстан')`` in every edition)."""
    return [i for i in items if all(same(getattr(i, k, None), v) for k, v in conditions.items())]


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
        self.env.filters["number"] = lambda v: _number(v, self.lang)
        self.env.filters["plural"] = lambda v, *f, **kw: _plural(v, self.lang, *f, **kw)
        self.env.filters["form"] = lambda v, *f, **kw: _plural(v, self.lang, *f, **kw).split(
            NBSP, 1)[1]
        self.env.filters["where"] = _where
        self.env.filters["date"] = lambda d, end=None: _date(d, self.lang, end)

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


def _date(value: Any, lang: str, end: Any = None) -> str:
    """``{{ e.date | date }}`` → '21 сентября 2018 года'; ``{{ e.date | date(e.end) }}`` → a range."""
    if not isinstance(value, dt.date):
        raise ValueError(f"date: expected a date, got {value!r}")
    if end is None:
        return format_date(value, lang)
    if not isinstance(end, dt.date):
        raise ValueError(f"date: expected an end date, got {end!r}")
    return format_date_range(value, end, lang)


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
