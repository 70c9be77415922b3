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
"""

from __future__ import annotations

import re
import signal
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

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


class LimitedSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox, with every operation that could exhaust memory or time measured."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.globals = {"dict": dict, "namespace": self.globals["namespace"]}
        self.range_left = RANGE_BUDGET
        self.globals["range"] = self._range
        for name in ("center", "indent", "wordwrap", "format", "filesizeformat", "xmlattr",
                     "urlize", "pprint", "tojson"):
            self.filters.pop(name, None)

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
        elif operator == "+" and isinstance(left, str | list | tuple) and isinstance(
                right, str | list | tuple) and len(left) + len(right) > MAX_LENGTH:
            raise SecurityError(f"building a value longer than {MAX_LENGTH:,} is not allowed")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: jinja2.runtime.Context, __obj: Any, *args: Any,  # noqa: N805
             **kwargs: Any) -> Any:
        owner = getattr(__obj, "__self__", None)
        name = getattr(__obj, "__name__", "")
        if isinstance(owner, str):
            if name in _SIZED_METHODS and any(_is_int(a) and a > MAX_LENGTH for a in args):
                raise SecurityError(f"str.{name}() wider than {MAX_LENGTH:,} is not allowed")
            if name == "replace" and len(args) >= 2 and isinstance(args[1], str) and (
                    len(owner) * max(1, len(args[1])) > MAX_LENGTH):
                raise SecurityError(f"str.replace() could build more than {MAX_LENGTH:,} "
                                    "characters")
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value: Any) -> Any:
        # The sandbox hands out str.format and str.format_map through here.
        wrapper = super().wrap_str_format(value)
        if wrapper is not None:
            _check_format(value.__self__)
        return wrapper

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
