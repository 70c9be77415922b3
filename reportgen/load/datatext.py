"""Load stage: how a text of the data is written, checked (the types ``schema`` uses for it).

A text of the activity data, of a chart or of a table block is written in one of three
ways::

    title: Конференция                         # one text
    title: {ru: Конференция, kk: Конференция, en: Conference}    # one per edition
    title: {text: «Мәңгілік ел», lang: kk}     # a text in a language of its own

One text is, in a report of several languages, the main language's (a section file's
text: the section's), and is shown as it is in every edition; a text per edition must
name each edition built (``texts`` says which one lacks it); a text in a language of its
own is shown as it is in every edition, hyphenated and spell-checked as that language.
A label may give its forms by plural category, on its own or per edition::

    label: {one: материал, few: материала, many: материалов}
    label: {ru: {one: материал, few: материала, many: материалов}, kk: материал,
            en: {one: paper, other: papers}}

Validation keeps each text as it was written (a text, or a mapping), its shape checked
with a message that says which way was meant and where; which text an edition shows is
``texts``'. Nothing here knows the report's editions.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, StringConstraints
from pydantic_core import PydanticCustomError

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Lang = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")]
Category = Annotated[str, StringConstraints(pattern="^(zero|one|two|few|many|other)$")]
PluralForms = dict[Category, Text]

#: CLDR's plural categories, in their order.
CATEGORIES = ("zero", "one", "two", "few", "many", "other")
#: The keys of a text in a language of its own.
OWN = ("text", "lang")
#: The error type validation reports with its own path and message (``validate``).
ERROR = "data_text"
_LANG = re.compile(r"[a-z]{2}")
_WAYS = "a text, one per edition ({ru: ..., kk: ...}) or {text: ..., lang: kk}"


class TextIn(BaseModel):
    """A text in a language of its own, shown as it is in every edition: a Kazakh name in the
    Russian edition, `{text: «Мәңгілік ел», lang: kk}`."""

    model_config = ConfigDict(extra="forbid")

    text: Text = Field(description="The text.")
    lang: Lang = Field(description="The language it is written in (ru, kk, en): the one it "
                       "is hyphenated and spell-checked as.")


class Bad(Exception):
    """A text of the wrong shape: the path under it, what was expected, the value that came."""

    def __init__(self, path: tuple[str | int, ...], message: str, value: Any = ...) -> None:
        super().__init__(message)
        self.path = path
        self.message = message
        self.value = value


def is_own(value: Any) -> bool:
    """Whether a checked text is one in a language of its own ({text: ..., lang: ...})."""
    return isinstance(value, dict) and "text" in value and "lang" in value


def is_forms(value: Any) -> bool:
    """Whether a checked text is a label's plural forms ({one: ..., few: ..., many: ...})."""
    return isinstance(value, dict) and bool(value) and all(k in CATEGORIES for k in value)


def checked(value: Any, forms: bool) -> str | dict[str, Any]:
    """``value`` as a text of the data (``forms``: a label, which may give plural forms),
    stripped; ``Bad`` when it has none of the shapes a text may have."""
    return _checked(value, (), forms, per_edition=True)


def _checked(value: Any, path: tuple[str | int, ...], forms: bool,
             per_edition: bool) -> str | dict[str, Any]:
    if isinstance(value, str):
        if not value.strip():
            raise Bad(path, "expected non-empty text")
        return value.strip()
    if not isinstance(value, dict):
        raise Bad(path, "expected text or its forms by plural category" if forms
                  else "expected text", value)
    if not value:
        raise Bad(path, f"expected {_WAYS}, got an empty mapping")
    keys = list(value)
    odd = next((k for k in keys if not isinstance(k, str)), None)
    if odd is not None:
        raise Bad(path, f"expected {_WAYS}; a key is {_key(odd)}")
    if any(k in OWN for k in keys):
        return _own(value, path)
    if all(k in CATEGORIES for k in keys):
        if not forms:
            raise Bad(path, "plural forms are for labels; give one text, or one per edition "
                      "({ru: ..., kk: ...})")
        return {k: _checked(v, (*path, k), False, per_edition=False) for k, v in value.items()}
    if all(_LANG.fullmatch(k) for k in keys):
        if not per_edition:
            raise Bad(path, "a text of one edition is a text, " + ("its plural forms " if forms
                      else "") + "or {text: ..., lang: ...}, not another mapping of languages")
        return {k: _checked(v, (*path, k), forms, per_edition=False) for k, v in value.items()}
    known = [k for k in keys if _LANG.fullmatch(k) or forms and k in CATEGORIES]
    if len(known) == len(keys):  # a label's forms and languages side by side
        raise Bad(path, "plural forms and languages mixed; give the forms per language: "
                  "{ru: {one: ..., few: ..., many: ...}, en: {one: ..., other: ...}}")
    unknown = next(k for k in keys if k not in known)
    wanted = "a language (ru, kk, en)" + (", a plural category (one, few, many, other)"
                                          if forms else "") + " or text and lang"
    raise Bad((*path, unknown), f"unknown key '{unknown}'; expected {wanted}")


def _own(value: dict[str, Any], path: tuple[str | int, ...]) -> dict[str, Any]:
    for key in value:
        if key not in OWN:
            raise Bad((*path, key), f"unknown key '{key}'; a text in a language of its own is "
                      "{text: ..., lang: kk}")
    for key in OWN:
        if key not in value:
            raise Bad(path, f"missing required key '{key}' (a text in a language of its own is "
                      "{text: ..., lang: kk})")
    text = _checked(value["text"], (*path, "text"), False, per_edition=False)
    if not isinstance(text, str):
        raise Bad((*path, "text"), "expected text", value["text"])
    lang = value["lang"]
    if not isinstance(lang, str) or not _LANG.fullmatch(lang):
        raise Bad((*path, "lang"), "expected a language code (ru, kk, en)", lang)
    return {"text": text, "lang": lang}


def _key(key: Any) -> str:
    if isinstance(key, bool):
        return f"{str(key).lower()} (YAML reads an unquoted yes/no/on/off as true or false)"
    return repr(key)


def _validator(forms: bool) -> Any:
    def validate(value: Any) -> str | dict[str, Any]:
        try:
            return checked(value, forms)
        except Bad as bad:
            ctx: dict[str, Any] = {"message": bad.message, "path": bad.path}
            if bad.value is not ...:
                ctx["value"] = bad.value
            raise PydanticCustomError(ERROR, "{message}", ctx) from None
    return validate


#: A text of the data: one text, one per edition, or one in a language of its own.
DataText = Annotated[str | dict[str, Any], PlainValidator(
    _validator(forms=False), json_schema_input_type=Text | TextIn | dict[Lang, Text | TextIn])]
#: What a figure counts: a text as ``DataText``, or its forms by plural category, per edition too.
Label = Annotated[str | dict[str, Any], PlainValidator(
    _validator(forms=True),
    json_schema_input_type=Text | TextIn | PluralForms | dict[Lang, Text | TextIn | PluralForms])]
