"""Load stage: the schema of a report project's YAML files (``report.yaml`` and activity data).

The classes here are the single source of the project format: validation,
error messages and (later) the JSON Schema and field documentation all come
from them. They hold input as the user wrote it; nothing here reads files or
formats text for output. The texts of the data (labels, titles, places, names)
are written in one of the ways ``datatext`` checks: one text, one per edition,
or one in a language of its own.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from reportgen.load.blockspecs import (  # noqa: F401 - part of the schema's names
    ChartData,
    ChartSpec,
    ChartType,
    Column,
    IndicatorRow,
    TableSpec,
)
from reportgen.load.datatext import DataText, Label, Lang, Text
from reportgen.load.fieldtypes import Count, Ident, Localized, Strict  # noqa: F401

# ---------------------------------------------------------------- report.yaml


class Organization(Strict):
    """The organization that reports."""

    name: Localized = Field(description="Full official name, as on the cover.")
    short_name: Localized | None = Field(None, description="Short name for running headers.")
    logo: Text | None = Field(None, description="Logo image, relative to the project folder.")


class Period(Strict):
    """A reporting period: its dates, its label and the file with its activity data."""

    id: Ident = Field(description="Identifier used on the command line (--period).")
    start: dt.date = Field(description="First day of the period (YYYY-MM-DD).")
    end: dt.date = Field(description="Last day of the period (YYYY-MM-DD).")
    label: Localized | None = Field(
        None, description="Human label; default: from the dates ('январь–сентябрь 2018 года')."
    )
    data: Text | None = Field(
        None, description="Activity data file; default 'activity/<id>.yaml'."
    )
    release: bool = Field(
        True, description="false: a period kept for its data only (trend charts); "
        "'reportgen release --all-periods' skips it."
    )

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError(f"the period ends ({self.end}) before it starts ({self.start})")
        return self


class SectionEntry(Strict):
    """A section with its file per language: ``{id: about, ru: sections/about.md, kk: ...}``."""

    model_config = ConfigDict(extra="allow", strict=True, frozen=True)

    id: Ident | None = Field(None, description="Section id; default: the main file's name.")
    editions: list[Lang] | None = Field(
        None, description="The editions the section appears in; default: all of the report's."
    )

    @model_validator(mode="after")
    def _files(self) -> SectionEntry:
        extra = self.model_extra or {}
        for key, value in extra.items():
            if not re.fullmatch(r"[a-z]{2}", key):
                raise ValueError(f"unknown key '{key}'; a section entry has 'id', 'editions' "
                                 "and its file per language (ru: sections/about.md)")
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"{key}: expected the path of the section's {key} file, "
                                 f"got {value!r}")
        if not extra:
            raise ValueError("expected the section's file per language, "
                             "e.g. {id: about, ru: sections/about.md, kk: sections/about.kk.md}")
        return self

    @property
    def files(self) -> dict[str, str]:
        return {k: str(v).strip() for k, v in (self.model_extra or {}).items()}


class LayoutFolder(Strict):
    """A layout of the project's own: a folder whose files override a package layout's."""

    base: Ident = Field("default", description="The package layout it starts from (under layouts/).")
    folder: str = Field(
        description="A folder of the project: its files replace the base's files of the same "
        "name, and its other files are added (stylesheets after the base's); its templates "
        "reach the base's as 'base/<name>'.")


class Report(Strict):
    """report.yaml: the report, its organization, periods and sections."""

    title: Localized = Field(description="Report title, e.g. 'Отчёт о деятельности'.")
    subtitle: Localized | None = Field(None, description="Optional line under the title.")
    organization: Organization = Field(description="Who reports: name, short name, logo.")
    addressee: Localized | None = Field(
        None, description="To whom the report is submitted (shown on the cover)."
    )
    language: Lang = Field("ru", description="Main language of the report (ru, kk, en).")
    languages: list[Lang] | None = Field(
        None, min_length=1,
        description="The editions, one per language (default: the main language only).",
    )
    city: Localized | None = Field(None, description="Place of publication for the cover.")
    date: dt.date | None = Field(
        None, description="Date of the report; also the fixed creation date of the files."
    )
    periods: list[Period] = Field(min_length=1, description="Reporting periods, one data set each.")
    default_period: Ident | None = Field(
        None, description="Period built when --period is not given; default: the last one."
    )
    layout: Ident | LayoutFolder = Field(
        "default", description="The print and Word layout: a package layout's name (under "
        "layouts/), or {base, folder} for a folder of the project that overrides and extends it.")
    fonts: list[str] = Field(
        default_factory=list, description="Font files of the project (.ttf, .otf), one face each; "
        "family, weight and style are read from the font, the layout's CSS names the family.")
    sections: list[Text | SectionEntry] = Field(
        min_length=1, description="Sections in report order: a file relative to the project "
        "(other editions: 'name.<lang>.md' next to it), or its files per language."
    )
    appendices: list[Text | SectionEntry] = Field(
        default_factory=list,
        description="Appendices (sections numbered «Приложение 1», ...), after the sections; "
        "each written like a section entry.",
    )
    charts: dict[Ident, ChartSpec] = Field(
        default_factory=dict, description="Charts drawn from the data, by id; a section places one "
        "with a ```{chart} block naming the id.")
    list_of_figures: Literal["after_contents", "end"] | None = Field(
        None, description="Print a list of figures (charts, photos) after the contents or at the end.")

    @property
    def editions(self) -> list[str]:
        """The languages of the report's editions, the main one first."""
        others = [lang for lang in self.languages or [] if lang != self.language]
        return [self.language, *dict.fromkeys(others)]

    @field_validator("periods")
    @classmethod
    def _unique_ids(cls, periods: list[Period]) -> list[Period]:
        ids = [p.id for p in periods]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"period ids must be unique; repeated: {', '.join(dupes)}")
        return periods

    @field_validator("layout", mode="before")
    @classmethod
    def _layout_name(cls, value: object) -> object:
        if isinstance(value, str) and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", value):
            raise ValueError(
                "expected the name of a package layout (latin letters, digits, '_' or '-'), or "
                f"'base:' and 'folder:' for a folder of the project, got {value!r}")
        return value

    @field_validator("default_period")
    @classmethod
    def _known_period(cls, value: str | None, info: ValidationInfo) -> str | None:
        periods = info.data.get("periods") or []
        ids = [p.id for p in periods]
        if value is not None and ids and value not in ids:
            raise ValueError(f"'{value}' is not one of the periods: {', '.join(ids)}")
        return value


# ------------------------------------------------------------- activity data

#: Whether a value may go into a release: 'estimate' marks a stand-in (a guessed or invented
#: value, to be replaced by the real one), which 'reportgen release' refuses.
Status = Literal["final", "estimate"]
_STATUS = ("'estimate' marks a stand-in, which a release refuses (see 'Release gate' in "
           "docs/project-format.md)")
#: An item's status: one for the whole item, or by field (``{date: estimate}``).
ItemStatus = Status | dict[Ident, Status]


def _item_status(cls: type[BaseModel], value: Any) -> Any:
    """An item's ``status``: a word, or a mapping of the item's fields to words."""
    words = get_args(Status)
    known = [f for f in cls.model_fields if f != "status"]
    for key, word in value.items() if isinstance(value, dict) else [(None, value)]:
        if key is not None and key not in known:
            raise ValueError(f"'{key}' is not a field of this item (its fields: "
                             f"{', '.join(known)})")
        if isinstance(word, str) and word not in words:
            raise ValueError("expected 'final' or 'estimate'" + (
                f", got {word!r} for {key}" if key else
                f" (or a mapping of fields to them), got {word!r}"))
    return value


class Indicator(Strict):
    """A named figure of the period: ``{{ indicators.<name> }}`` in the narrative."""

    value: Count | Annotated[float, Field(ge=0)] = Field(description="The figure, e.g. 23.")
    label: Label = Field(
        description="What is counted. Either one text, or its forms by plural category "
        "(one/few/many/other) so that the label agrees with any value; per edition too."
    )
    unit: DataText | None = Field(None, description="Unit shown after the value, e.g. '%'.")
    status: Status = Field("final", description="The value's status; " + _STATUS + ".")


class Part(Strict):
    """One part of a breakdown: ``{{ breakdowns.<name>.parts.<part> }}``."""

    value: Count = Field(description="This part's share of the total.")
    label: Label = Field(
        description="What this part counts, e.g. 'в зарубежных СМИ': one text or its plural "
        "forms; per edition too."
    )
    status: Status = Field("final", description="The part's status; " + _STATUS + ".")


class Breakdown(Strict):
    """A total and the parts it is made of: ``{{ breakdowns.<name> }}`` is the total."""

    label: Label = Field(
        description="What the total counts: one text or its plural forms; per edition too."
    )
    total: Count = Field(description="The total; the parts must add up to it.")
    parts: dict[Ident, Part] = Field(min_length=1, description="Parts that add up to the total.")
    status: Status = Field("final", description="The total's status; " + _STATUS + ".")


class Event(Strict):
    """An event held or attended in the period."""

    kind: Ident = Field(description="conference, round_table, forum, meeting, presentation, ...")
    title: DataText = Field(description="The event's name, as printed.")
    date: dt.date | None = Field(None, description="(First) day of the event.")
    end: dt.date | None = Field(None, description="Last day, for events of several days.")
    city: DataText | None = Field(None, description="Where it took place.")
    country: DataText | None = Field(None, description="Country of the city.")
    online: bool = Field(
        False, description="true: held online, in no city; tables show the edition's word for "
        "it («онлайн», 'online'), charts and tables by city leave it out of the cities.")
    partners: list[DataText] = Field(default_factory=list, description="Co-organizers.")
    participants: Count | None = Field(None, description="Number of participants.")
    participants_over: bool = Field(
        False, description="True when the number is a lower bound ('более 100')."
    )
    unit: Ident | None = Field(None, description="Which part of the organization held it.")
    status: ItemStatus = Field(
        "final", description="The event's status; " + _STATUS + ". Or by field: "
        "{date: estimate, city: estimate}.")

    _status = field_validator("status", mode="before")(_item_status)


class Memorandum(Strict):
    """A memorandum of cooperation signed in the period."""

    partner: DataText = Field(description="The other party, as printed.")
    country: DataText | None = Field(None, description="The partner's country.")
    date: dt.date | None = Field(None, description="Day of signing.")
    title: DataText | None = Field(None, description="The memorandum's title, if it has one.")
    unit: Ident | None = Field(None, description="Which part of the organization signed it.")
    status: ItemStatus = Field(
        "final", description="The memorandum's status; " + _STATUS + ". Or by field: "
        "{date: estimate}.")

    _status = field_validator("status", mode="before")(_item_status)


class ActivityData(Strict):
    """The activity data of one period (activity/<period>.yaml)."""

    indicators: dict[Ident, Indicator] = Field(
        default_factory=dict, description="Named figures, by a name of your choice."
    )
    breakdowns: dict[Ident, Breakdown] = Field(
        default_factory=dict, description="Totals with their parts, by a name of your choice."
    )
    events: list[Event] = Field(default_factory=list, description="Events of the period.")
    memoranda: list[Memorandum] = Field(
        default_factory=list, description="Memoranda signed in the period."
    )
    extra: dict[Ident, Any] = Field(
        default_factory=dict, description="Free-form values for the narrative."
    )
    status: Status = Field(
        "final", description="The status of every value in the file; " + _STATUS + ".")


# ---------------------------------------------------------- section front matter


class FrontMatter(Strict):
    """Front matter of a narrative section; Jekyll's own keys are accepted and ignored."""

    title: Text = Field(description="The section's title.")
    id: Ident | None = Field(None, description="Section id; default: the file name.")
    lead: Text | None = Field(None, description="Lead paragraph, if the body has no bold lead.")
    cut: Text | None = Field(None, description="Summary (Jekyll 'cut'), shown on the summary page.")
    cover: Text | None = Field(None, description="Cover image for the section opening.")
    order: int | None = Field(
        None, description="Jekyll's page order; ignored (report.yaml's 'sections' orders the report)."
    )
    lang: Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")] | None = Field(
        None, description="The section's language (ru, kk, en) if not the report's."
    )
    empty_ok: bool = Field(
        False, description="true: the section has no text on purpose (only its title and front "
        "matter), and no warning says so.")
    # Jekyll page keys that mean nothing in print.
    layout: str | None = Field(None, description="Jekyll page layout; ignored.")
    thumb: str | None = Field(None, description="Jekyll thumbnail; ignored.")
    permalink: str | None = Field(None, description="Jekyll permalink; ignored.")
    published: bool | None = Field(None, description="Jekyll's published flag; ignored.")
