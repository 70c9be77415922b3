"""The DOCX package around the body: metadata and reproducible zip bytes.

Part of the render stage. Core properties come from the report's metadata
with dates fixed to the report's date, and the zip entries get fixed dates
too, so that the same input gives the same bytes. Reads and writes no files.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from docx.document import Document as DocxDocument

from reportgen.model import nodes as m
from reportgen.render.docx.ooxml import lang_tag

#: The date used when the report has none (core properties and zip entries).
FALLBACK_DATE = dt.date(2000, 1, 1)

def set_properties(document: DocxDocument, meta: m.Meta) -> None:
    """Title, author, subject, language and fixed dates, mirroring the PDF's metadata."""
    props = document.core_properties
    title = meta.title + (f". {meta.subtitle}" if meta.subtitle else "")
    props.title = m.metadata_text(f"{title} — {meta.period_label}")
    props.author = m.metadata_text(meta.organization)
    props.last_modified_by = meta.organization
    subject = f"{meta.strings['period']}: {meta.period_label}"
    if meta.addressee:  # the catalog's sentence, as the PDF's description says it
        pattern = meta.strings.get("addressee_line") or f"{meta.strings['addressee']}: {{addressee}}"
        subject += ". " + pattern.replace("{addressee}", meta.addressee)
    props.subject = m.metadata_text(subject)
    props.keywords = m.metadata_text(f"{meta.organization_short}, {meta.period_id}")
    props.language = lang_tag(meta.lang)
    props.revision = 1
    stamp = timestamp(meta)
    props.created = stamp
    props.modified = stamp


def timestamp(meta: m.Meta) -> dt.datetime:
    """When the document says it was made, in UTC without tzinfo (as python-docx and zip want):
    the build's time (SOURCE_DATE_EPOCH or the report's date), never the clock."""
    if meta.created is not None:
        return meta.created.astimezone(dt.UTC).replace(tzinfo=None)
    date = meta.date or FALLBACK_DATE
    return dt.datetime(date.year, date.month, date.day)


def reproducible_zip(data: bytes, when: dt.datetime) -> bytes:
    """``data`` (a zip) rewritten with fixed entry dates and attributes, entries in order."""
    # Zip dates start in 1980 and count seconds in steps of two.
    stamp = (1980, 1, 1, 0, 0, 0) if when.year < 1980 else (
        when.year, when.month, when.day, when.hour, when.minute, when.second // 2 * 2)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for entry in src.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=stamp)
            info.create_system = 0
            info.external_attr = 0
            # Pictures and the charts' workbooks are compressed already; deflating them
            # again only costs time.
            media = entry.filename.startswith("word/media/") or entry.filename.endswith(".xlsx")
            info.compress_type = zipfile.ZIP_STORED if media else zipfile.ZIP_DEFLATED
            # The embedded fonts (2.7 MB) deflate fastest: level 1 is a fifth of level 6's
            # time, and about as small.
            level = 1 if entry.filename.endswith(".odttf") else None
            dst.writestr(info, src.read(entry.filename), compresslevel=level)
    return out.getvalue()

