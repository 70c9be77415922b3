"""Text layer: the characters an input may hold, and reading a text file of the project.

Every character that comes from an input goes through one check (``bad_characters``):
the text of a file as it is read (``read_text``: sections, report.yaml, activity data),
a YAML string written with escapes (``"\\0"``, checked by ``load.yamlsrc``) and what an
expression prints (``assemble.sandbox``). A control character (C0 but tab, newline and
carriage return; DEL; C1), half of a surrogate pair or the noncharacters U+FFFE and
U+FFFF is an error named by its code, 'U+0000 NUL', where it is written; it is never
replaced (Markdown would make a NUL U+FFFD) nor passed on (the DOCX's XML cannot hold
it). ``read_text`` also locates a byte that is not UTF-8 by line and column, and drops
one byte order mark at the start of a file, in YAML and Markdown alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from reportgen.errors import InputError, Problem, SourceLoc

BOM = "\ufeff"
_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
#: The abbreviations of the control characters (ISO 6429), by code point.
_C0 = ("NUL SOH STX ETX EOT ENQ ACK BEL BS HT LF VT FF CR SO SI DLE DC1 DC2 DC3 DC4 NAK SYN "
       "ETB CAN EM SUB ESC FS GS RS US")
_C1 = ("PAD HOP BPH NBH IND NEL SSA ESA HTS HTJ VTS PLD PLU RI SS2 SS3 DCS PU1 PU2 STS CCH MW "
       "SPA EPA SOS SGCI SCI CSI ST OSC PM APC")
_NAMES = {**dict(enumerate(_C0.split())), 0x7F: "DEL", **dict(enumerate(_C1.split(), 0x80))}


def describe(ch: str) -> str:
    """'the control character U+0000 NUL', or what else ``ch`` is that text may not hold."""
    cp = ord(ch)
    if cp in _NAMES:
        return f"the control character U+{cp:04X} {_NAMES[cp]}"
    if 0xD800 <= cp <= 0xDFFF:
        return f"U+{cp:04X}, half of a surrogate pair (no character)"
    return f"the noncharacter U+{cp:04X}"


def bad_characters(text: str) -> Iterator[tuple[int, str]]:
    """Each character of ``text`` no input may hold, with its index."""
    for match in _BAD.finditer(text):
        yield match.start(), match.group()


def first_bad(text: str) -> str | None:
    """The first character of ``text`` no input may hold, or None."""
    match = _BAD.search(text)
    return match.group() if match else None


def message(ch: str, what: str = "") -> str:
    """The error for ``ch`` found in ``what`` (a field's dotted path, or '' for a file's text)."""
    return f"{what + ': ' if what else ''}expected text, got {describe(ch)}; remove it"


def character_problems(text: str, file: Path, first_line: int = 1) -> list[Problem]:
    """An error for each character of ``text`` (the text of ``file`` from line ``first_line``)
    that no input may hold, at its line and column."""
    problems = []
    for index, ch in bad_characters(text):
        line = text.count("\n", 0, index) + first_line
        col = index - (text.rfind("\n", 0, index) + 1) + 1
        problems.append(Problem(SourceLoc(file, line, col), message(ch)))
    return problems


def decode(data: bytes, file: Path) -> str:
    """``data`` (the bytes of ``file``) as text: UTF-8, without a byte order mark at the start,
    holding no character an input may not hold; ``InputError`` (located) otherwise."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        col = len(data[line_start:exc.start].decode("utf-8", errors="replace")) + 1
        raise InputError.single(
            SourceLoc(file, line, col),
            f"expected UTF-8 text, got the byte 0x{data[exc.start]:02X}: save the file as UTF-8"
        ) from None
    text = text.removeprefix(BOM)
    if problems := character_problems(text, file):
        raise InputError(problems)
    return text


def read_text(file: Path) -> str:
    """The text of ``file`` as every input file is read (``decode``); ``InputError`` if it is
    missing or unreadable."""
    try:
        if file.exists() and not file.is_file():  # a device or a pipe could never end
            raise InputError.single(SourceLoc(file), "expected a file, got a device, pipe or folder")
        data = file.read_bytes()
    except FileNotFoundError:
        raise InputError.single(SourceLoc(file), "file not found") from None
    except OSError as exc:
        raise InputError.single(SourceLoc(file), f"cannot be read: {exc.strerror or exc}") from None
    return decode(data, file)
