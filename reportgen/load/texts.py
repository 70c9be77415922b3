"""Load stage: the texts of the data as one edition shows them, each with its language.

A text is written one of the ways ``datatext`` checks. For the edition being built,
``Texts`` makes each a ``Said`` (a text with its language and its key, the main
language's text, which is the same in every edition):

- one text is the main language's (a text of a section file: the section's language);
- a text per edition gives the edition's; a mapping without it is an error at its line
  that names the key to add (a draft build warns and shows the main language's text);
  a key that is no language reportgen knows is an error at the key;
- a text in a language of its own keeps it.

A label's plural forms become ``Forms`` in their language, and must give the form the
figure's own value takes (an error at the label's line, never a traceback later).
``localized`` is a period's activity data with every text resolved so; the stages after
load see only such data. Nothing here renders anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from reportgen.errors import Problems, SourceLoc
from reportgen.load.datatext import is_forms, is_own
from reportgen.load.schema import ActivityData
from reportgen.load.yamlsrc import Located, Path_, dotted
from reportgen.text.formats import Forms, Said, choose_form
from reportgen.text.strings import languages as catalog_languages


@dataclass(frozen=True, slots=True)
class Place:
    """Where a text is written: the located file and the path of the text in it."""

    doc: Located
    path: Path_

    def loc(self, *more: str | int, key: bool = False) -> SourceLoc:
        return self.doc.loc((*self.path, *more), key=key)

    def name(self, *more: str | int) -> str:
        return dotted((*self.path, *more))

    def __truediv__(self, part: str | int) -> Place:
        return Place(self.doc, (*self.path, part))


@dataclass(frozen=True, slots=True)
class Texts:
    """Resolves the texts of the data for the edition in ``lang``."""

    lang: str
    main: str  # the report's main language: that of a text given once
    problems: Problems
    draft: bool = False

    def text(self, value: str | Mapping[str, Any] | None, at: Place,
             own: str | None = None) -> Said | None:
        """``value`` (a text of the data, or None) as the edition shows it. ``own``: the
        language of a text given once, when it is not the main language (a section's)."""
        if value is None:
            return None
        entry, lang, key, _ = self._entry(value, at, own or self.main)
        return _said(entry, lang, key)

    def label(self, value: str | Mapping[str, Any], figure: float | int, at: Place,
              own: str | None = None) -> Said | Forms:
        """A label (one text, or its plural forms) as the edition shows it; its forms must
        give the form ``figure`` takes."""
        entry, lang, key, where = self._entry(value, at, own or self.main)
        if not is_forms(entry):
            return _said(entry, lang, key)
        forms = Forms({k: Said(v, lang, v) for k, v in entry.items()}, lang)
        try:
            choose_form(forms, figure, lang)
        except ValueError as exc:
            self.problems.error(where.loc(), f"{where.name()}: {exc}")
            # The first form stands in, so that the one mistake is told once, here.
            forms = Forms({**forms, "other": next(iter(forms.values()))}, lang)
        return forms

    # ------------------------------------------------------------------ helpers

    def _entry(self, value: str | Mapping[str, Any], at: Place, own: str
               ) -> tuple[Any, str, str, Place]:
        """The entry of ``value`` the edition shows, its language, the value's key and where
        the entry is written."""
        if isinstance(value, str) or is_own(value) or is_forms(value):
            return value, own, _key(value), at
        known = catalog_languages()
        for lang in value:
            if lang not in known:
                self.problems.error(at.loc(lang, key=True), f"{at.name()}: '{lang}' is not a "
                                    f"language reportgen knows ({', '.join(known)})")
        first = self.main if self.main in value else next(iter(value))
        key = _key(value[first])
        if self.lang in value:
            return value[self.lang], self.lang, key, at / self.lang
        message = (f"{at.name()}: no {self.lang} text for the {self.lang} edition; add "
                   f"'{self.lang}: …' beside {', '.join(value)}")
        if self.draft:
            self.problems.warning(at.loc(), f"{message}; the draft shows the {first} text")
        else:
            self.problems.error(at.loc(), message)
        return value[first], first, key, at / first


def _said(entry: Any, lang: str, key: str) -> Said:
    if is_own(entry):
        return Said(entry["text"], entry["lang"], key)
    return Said(str(entry), lang, key)


def _key(value: Any) -> str:
    """The key of a text written once or for one language: the text (its first form)."""
    if isinstance(value, str):
        return value
    if is_own(value):
        return str(value["text"])
    return str(next(iter(value.values())))  # a label's forms: its first form


def shown(value: str | Mapping[str, Any] | None) -> str | None:
    """A text of data that ``localized`` resolved (typed as written, it is a ``Said`` now)."""
    if value is not None and not isinstance(value, str):
        raise TypeError(f"a text of the data was not resolved for an edition: {value!r}")
    return value


def localized(data: ActivityData, doc: Located, texts: Texts) -> ActivityData:
    """``data`` with every text as the edition of ``texts`` shows it."""
    top = Place(doc, ())
    indicators = {}
    for name, ind in data.indicators.items():
        at = top / "indicators" / name
        indicators[name] = ind.model_copy(update={
            "label": texts.label(ind.label, ind.value, at / "label"),
            "unit": texts.text(ind.unit, at / "unit")})
    breakdowns = {}
    for name, b in data.breakdowns.items():
        at = top / "breakdowns" / name
        parts = {key: part.model_copy(update={
            "label": texts.label(part.label, part.value, at / "parts" / key / "label")})
            for key, part in b.parts.items()}
        breakdowns[name] = b.model_copy(update={
            "label": texts.label(b.label, b.total, at / "label"), "parts": parts})
    events = []
    for i, event in enumerate(data.events):
        at = top / "events" / i
        events.append(event.model_copy(update={
            "title": texts.text(event.title, at / "title"),
            "city": texts.text(event.city, at / "city"),
            "country": texts.text(event.country, at / "country"),
            "partners": [texts.text(p, at / "partners" / j) for j, p in enumerate(event.partners)],
        }))
    memoranda = []
    for i, memo in enumerate(data.memoranda):
        at = top / "memoranda" / i
        memoranda.append(memo.model_copy(update={
            "partner": texts.text(memo.partner, at / "partner"),
            "country": texts.text(memo.country, at / "country"),
            "title": texts.text(memo.title, at / "title")}))
    return data.model_copy(update={"indicators": indicators, "breakdowns": breakdowns,
                                   "events": events, "memoranda": memoranda})
