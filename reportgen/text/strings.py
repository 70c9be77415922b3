"""The fixed words of the layouts, per language, from gettext catalogs (``reportgen/locales``).

Layouts and writers take every fixed string (contents, figure, the cover's
wording, date patterns, ...) from here, so no Russian word appears in an
edition in another language. The catalogs are ordinary ``.po`` files read
with Babel: ``msgctxt`` is the key the code uses, ``msgid`` the English text,
``msgstr`` the translation. ``reportgen.pot`` is the template every catalog
must match (tests/test_catalogs.py). Keys with a dot are used while
assembling: ``ref.*`` spell cross-references (``{kind}``, ``{number}``,
``{page}``, ``{title}``), ``field.*`` are the default column titles of data
tables. Nothing here formats or renders.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from reportgen.errors import SourceLoc
from reportgen.resources import locales_dir

LOCALES = locales_dir()
TEMPLATE = LOCALES / "reportgen.pot"


def languages() -> list[str]:
    """The languages reportgen has a catalog for."""
    return sorted(p.stem for p in LOCALES.glob("*.po"))


def catalog_file(lang: str) -> Path:
    return LOCALES / f"{lang}.po"


@cache
def _read(path: Path) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, abort_invalid=True)


def _keyed(catalog: Catalog) -> dict[str, Message]:
    return {str(msg.context): msg for msg in catalog if msg.id and msg.context}


def strings_for(lang: str) -> dict[str, str]:
    """The layout strings of ``lang`` by key; raises KeyError for a language without a catalog.

    An untranslated English message stands for itself (its msgid).
    """
    path = catalog_file(lang)
    if not path.is_file():
        raise KeyError(f"no message catalog for language '{lang}' "
                       f"(available: {', '.join(languages())})")
    out: dict[str, str] = {}
    for key, msg in _keyed(_read(path)).items():
        text = msg.string if isinstance(msg.string, str) else ""
        out[key] = text or (str(msg.id) if lang == "en" else "")
    return out


def string_locations(lang: str) -> dict[str, SourceLoc]:
    """Where each message of ``lang`` is written (its line in the .po file), for error messages."""
    path = catalog_file(lang)
    lines = path.read_text(encoding="utf-8").splitlines()

    def msgstr_line(first: int) -> int:
        # Babel knows where an entry starts (its msgctxt); the translation is its msgstr line.
        for n in range(first, len(lines) + 1):
            if lines[n - 1].startswith("msgstr"):
                return n
        return first

    return {key: SourceLoc(path, msgstr_line(msg.lineno or 1))
            for key, msg in _keyed(_read(path)).items()}


def template_keys() -> dict[str, Message]:
    """The messages every catalog must have, from the template."""
    return _keyed(_read(TEMPLATE))
