"""Assemble stage: the Jinja sandbox narrative expressions run in, with limits against bombs.

Jinja's ``ImmutableSandboxedEnvironment`` already refuses Python internals
(``''.__class__``, ``cycler.__init__.__globals__``) and changes to the data.
What it lets through is work without end: ``'a' * 10**9``, ``10**10**10``,
nested ``range`` loops, ``'x'.center(10**9)``, ``'%999999999s' % 1``. Here
every such operation is measured before it runs, the globals are cut down
to ``range``, ``dict`` and ``namespace`` (no ``lipsum``, ``cycler``,
``joiner``), and a whole text may produce at most ``MAX_OUTPUT`` characters
within ``TIME_LIMIT`` seconds. A limit that is hit raises ``SecurityError``,
which the caller reports at the expression's location.

It also prints values, never objects: what ``{{ … }}`` shows, and whatever is made
text on the way (``~``, ``%``, ``str.format``, the ``string``, ``join``, ``replace``, ...
filters), must be a number, a text, a date or a list of them (``printed``); a
function (``''.format``, ``|attr('items')``), a mapping, a record or ``None`` is an
error, never ``<function str.format at 0x7f…>`` in the PDF. A printed text holds no
control character (``text.chars``), and a list prints as its items, separated by
commas.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import signal
import threading
import types
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.filters import make_attrgetter
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEscapeFormatter, SandboxedFormatter
from markupsafe import Markup

from reportgen.text.chars import describe, first_bad

#: Longest string or sequence an operation may build, and longest output of one text.
MAX_LENGTH = 100_000
MAX_OUTPUT = 2_000_000
#: Elements all ``range()`` calls of one text may produce together.
RANGE_BUDGET = 100_000
#: Largest integer (in bits) arithmetic may produce.
MAX_BITS = 4096
#: Seconds one text may take to render (enforced where signals can be used).
TIME_LIMIT = 5.0
_FORMAT_WIDTH = re.compile(r"%[-#0 +]*(\d+)|%[-#0 +]*\d*\.(\d+)|\{[^{}]*?(\d+)[^{}]*\}")
_SIZED_METHODS = {"center", "ljust", "rjust", "zfill", "expandtabs"}
#: Filters that make text of what they are given: each must be given values (``printed``).
_TEXT_FILTERS = frozenset({"string", "join", "replace", "upper", "lower", "capitalize", "title",
                           "trim", "truncate", "striptags", "wordcount", "urlencode", "escape",
                           "e", "forceescape", "safe"})
#: What a text may show, besides the types a caller adds (``LimitedSandbox(values=...)``).
VALUE_TYPES: tuple[type, ...] = (str, int, float, dt.date)
EXPECTED = "expected a number, a text, a date or a list of them"


class _ConcatChecked(CodeGenerator):
    """Jinja's code generator, with ``a ~ b`` made text by the sandbox (``join_text``): the
    operands must be values and the result is measured, like every other way to make text."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.join_text((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class LimitedSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox, with every operation that could exhaust memory or time measured,
    that shows values only. ``values``: the types of the data's own values (a counted number,
    the period) that print as text too."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})
    code_generator_class = _ConcatChecked

    def __init__(self, values: tuple[type, ...] = (), **options: Any) -> None:
        # No constant folding: folded at compile time, 'x' ~ ''.format would be made text by
        # Jinja's own str(), past every check here.
        super().__init__(**options, optimized=False)
        self.value_types = VALUE_TYPES + values
        self.finalize = self.printed
        self.globals = {"dict": dict, "namespace": self.globals["namespace"]}
        self.range_left = RANGE_BUDGET
        self.globals["range"] = self._range
        for name in ("center", "indent", "wordwrap", "format", "filesizeformat", "xmlattr",
                     "urlize", "pprint", "tojson"):
            self.filters.pop(name, None)
        self.filters["attr"] = self._attr
        for name in _TEXT_FILTERS & self.filters.keys():
            self.filters[name] = self._text_filter(name, self.filters[name])

    # ------------------------------------------------------------- values, not objects

    def check_value(self, value: Any) -> None:
        """Refuse (SecurityError) what is not a value a text may show: a number, a text, a
        date, a list of them, or an undefined name (reported when it is printed)."""
        if isinstance(value, list | tuple):
            for item in value:
                self.check_value(item)
        elif not (isinstance(value, jinja2.Undefined) or isinstance(value, self.value_types)
                  and not isinstance(value, bool)):
            raise SecurityError(f"{EXPECTED}, got {_kind(value)}")

    @jinja2.pass_eval_context  # so that Jinja never folds an output at compile time either
    def printed(self, eval_ctx: Any, value: Any) -> Any:
        """What ``{{ value }}`` shows (Jinja's ``finalize``): a value as text, a list as its
        items separated by commas; an error for anything else (see ``check_value``)."""
        return self.text(value)

    def text(self, value: Any) -> Any:
        """``value`` as a text shows it (see ``printed``)."""
        if isinstance(value, jinja2.Undefined):
            return value  # its str() records the undefined name
        self.check_value(value)
        text = ", ".join(map(str, map(self.text, value))) if isinstance(value, list | tuple) \
            else str(value)
        if ch := first_bad(text):
            raise SecurityError(f"the value printed holds {describe(ch)}")
        return text

    def join_text(self, values: Iterable[Any]) -> str:
        """``a ~ b ~ ...``: the values as text, end to end."""
        parts = [str(self.text(v)) for v in values]
        _check_length(sum(len(p) for p in parts), "joining texts")
        return "".join(parts)

    def _attr(self, obj: Any, name: str) -> Any:
        """``|attr(name)``: the attribute through the sandbox's own ``getattr``."""
        return jinja2.filters.do_attr(self, obj, name)

    def _text_filter(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        passes = hasattr(fn, "jinja_pass_arg")  # its first argument is Jinja's context

        @functools.wraps(fn)
        def checked(*args: Any, **kwargs: Any) -> Any:
            head, values = (args[:1], list(args[1:])) if passes else ((), list(args))
            if name == "join" and values:
                items = list(values[0])
                attribute = kwargs.pop("attribute", None)
                if attribute is not None:
                    items = list(map(make_attrgetter(self, attribute), items))
                values[0] = items
                self.check_value(items)
                sep = str(values[1]) if len(values) > 1 else str(kwargs.get("d", ""))
                _check_length(sum(len(str(i)) for i in items) + len(sep) * len(items),
                              "join")
            for value in (*values, *kwargs.values()):
                if value is not None:
                    self.check_value(value)
            if name == "replace" and len(values) >= 3:
                _check_replace(str(values[0]), str(values[1]), str(values[2]),
                               values[3] if len(values) > 3 else kwargs.get("count"))
            out = fn(*head, *values, **kwargs)
            if isinstance(out, str):
                _check_length(len(out), name)
            return out

        return checked

    def _range(self, *args: int) -> range:
        numbers = range(*args)
        if len(numbers) > self.range_left:
            raise SecurityError(f"range() of {len(numbers):,} numbers goes over the limit of "
                                f"{RANGE_BUDGET:,} per text")
        self.range_left -= len(numbers)
        return numbers

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any,
                   right: Any) -> Any:
        if operator == "*":
            _check_repeat(left, right)
            _check_repeat(right, left)
            if _is_int(left) and _is_int(right) and (
                    abs(left).bit_length() + abs(right).bit_length() > MAX_BITS):
                raise SecurityError(f"a product of more than {MAX_BITS} bits is not allowed")
        elif operator == "**":
            if _is_int(left) and _is_int(right) and abs(left) > 1 and (
                    right > MAX_BITS or abs(left).bit_length() * right > MAX_BITS):
                raise SecurityError(f"a power of more than {MAX_BITS} bits is not allowed")
        elif operator == "%" and isinstance(left, str):
            _check_format(left)
            if isinstance(right, Mapping):
                right = _CheckedMapping(self, right)
            else:
                self.check_value(right)
        elif operator == "+" and isinstance(left, str | list | tuple) and isinstance(
                right, str | list | tuple) and len(left) + len(right) > MAX_LENGTH:
            raise SecurityError(f"building a value longer than {MAX_LENGTH:,} is not allowed")
        result = super().call_binop(context, operator, left, right)
        if isinstance(result, str):
            _check_length(len(result), f"'{operator}'")
        return result

    def call(__self, __context: jinja2.runtime.Context, __obj: Any, *args: Any,  # noqa: N805
             **kwargs: Any) -> Any:
        owner = getattr(__obj, "__self__", None)
        name = getattr(__obj, "__name__", "")
        if isinstance(owner, str):
            if name in _SIZED_METHODS and any(_is_int(a) and a > MAX_LENGTH for a in args):
                raise SecurityError(f"str.{name}() wider than {MAX_LENGTH:,} is not allowed")
            if name == "replace" and len(args) >= 2 and isinstance(args[0], str) and isinstance(
                    args[1], str):
                _check_replace(owner, args[0], args[1], args[2] if len(args) > 2 else None)
            if name == "join" and args:
                items = list(args[0])
                _check_length(sum(len(i) for i in items if isinstance(i, str))
                              + len(owner) * len(items), "join")
                args = (items, *args[1:])
        result = super().call(__context, __obj, *args, **kwargs)
        if isinstance(result, str | list | tuple):
            _check_length(len(result), f"{name}()")
        return result

    def wrap_str_format(self, value: Any) -> Any:
        """``str.format`` and ``str.format_map`` as the sandbox hands them out (Jinja's own,
        with a formatter that formats values only, and a width limit)."""
        if not isinstance(value, types.MethodType | types.BuiltinMethodType) or (
                value.__name__ not in ("format", "format_map")):
            return None
        template = value.__self__
        if not isinstance(template, str):
            return None
        _check_format(template)
        formatter: SandboxedFormatter = (
            _ValueEscapeFormatter(self, escape=template.escape) if isinstance(template, Markup)
            else _ValueFormatter(self))
        is_map = value.__name__ == "format_map"

        def wrapper(*args: Any, **kwargs: Any) -> str:
            if is_map:
                if kwargs or len(args) != 1:
                    raise TypeError("format_map() takes exactly one argument")
                return type(template)(formatter.vformat(template, (), args[0]))
            return type(template)(formatter.vformat(template, args, kwargs))

        return functools.update_wrapper(wrapper, value)

    def render_limited(self, template: jinja2.Template, context: Mapping[str, Any]) -> str:
        """``template`` rendered with the output, range and time limits of one text."""
        self.range_left = RANGE_BUDGET
        out: list[str] = []
        size = 0
        with _time_limit(TIME_LIMIT):
            for chunk in template.generate(context):
                size += len(chunk)
                if size > MAX_OUTPUT:
                    raise SecurityError(f"the text renders to more than {MAX_OUTPUT:,} "
                                        "characters")
                out.append(chunk)
        return "".join(out)


class _FormatsValues:
    """A sandboxed ``str.format`` formatter that formats values only (``check_value``): every
    field goes through ``convert_field``, with or without a conversion."""

    _env: Any  # the LimitedSandbox

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        self._env.check_value(value)
        if conversion in ("r", "a"):
            raise SecurityError(f"the format conversion !{conversion} (how Python writes a "
                                "value) is not allowed")
        return super().convert_field(value, conversion)  # type: ignore[misc]


class _ValueFormatter(_FormatsValues, SandboxedFormatter):
    pass


class _ValueEscapeFormatter(_FormatsValues, SandboxedEscapeFormatter):
    pass


class _CheckedMapping(Mapping[str, Any]):
    """The mapping of ``'%(name)s' % mapping``: each value it gives must be a value."""

    def __init__(self, env: LimitedSandbox, data: Mapping[str, Any]) -> None:
        self._env, self._data = env, data

    def __getitem__(self, key: str) -> Any:
        value = self._data[key]
        self._env.check_value(value)
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


def _kind(value: Any) -> str:
    """What a value that is no value is, for a message ('a function (format)', 'None')."""
    if value is None:
        return "None (no value)"
    if isinstance(value, bool):
        return f"a yes/no value ({value})"
    if isinstance(value, type):
        return f"a type ({value.__name__})"
    if isinstance(value, Mapping):
        return "a mapping (print one of its values)"
    if isinstance(value, types.GeneratorType | map | filter) or (
            type(value).__name__.endswith("iterator")):
        return "a sequence not made into a list (add | list, or | join(', '))"
    if isinstance(value, types.FunctionType | types.MethodType | types.BuiltinFunctionType
                  | functools.partial) or type(value).__name__ == "method-wrapper":
        return f"a function ({getattr(value, '__name__', type(value).__name__).lstrip('_')})"
    return f"an object ({type(value).__name__})"


def _check_length(length: int, what: str) -> None:
    if length > MAX_LENGTH:
        raise SecurityError(f"{what} would build a text of more than {MAX_LENGTH:,} characters")


def _check_replace(text: str, old: str, new: str, count: Any) -> None:
    times = text.count(old) if old else len(text) + 1
    if isinstance(count, int) and count >= 0:
        times = min(times, count)
    _check_length(len(text) + times * (len(new) - len(old)), "replace()")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_repeat(seq: Any, times: Any) -> None:
    if isinstance(seq, str | list | tuple) and _is_int(times) and len(seq) * times > MAX_LENGTH:
        raise SecurityError(f"repeating a value to more than {MAX_LENGTH:,} items is not allowed")


def _check_format(text: str) -> None:
    for match in _FORMAT_WIDTH.finditer(text):
        for group in match.groups():
            if group and int(group) > 1000:
                raise SecurityError(f"a format width of {group} is not allowed")


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Stop the block with SecurityError after ``seconds`` (main thread on Unix; else no limit)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(
            signal, "SIGALRM"):
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise SecurityError(f"the expressions of this text took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
