"""Load stage: the types every schema of the project format is made of (``schema``,
``blockspecs``): identifiers, counts, texts per edition, and the strict base model."""

from __future__ import annotations

from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
)

from reportgen.load.datatext import Lang, Text

Ident = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")]
Count = Annotated[int, Field(ge=0)]
#: A text of the report: one text, or one per edition ({ru: ..., kk: ..., en: ...}).
Localized = Text | dict[Lang, Text]


class Strict(BaseModel):
    """Unknown keys are errors and nothing is coerced (YAML's ``no`` is not text)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)
