"""PDF writer, archival part: which PDF/A or PDF/UA variant WeasyPrint writes, and its claims.

Part of the render stage. A variant is one of WeasyPrint's own (``pdf/a-2b``,
``pdf/ua-1``, ...), ``none`` (a plain, untagged PDF), or a PDF/A variant
combined with PDF/UA-1 (``pdf/a-2a+ua-1``, the default): WeasyPrint writes
the PDF/A file with its structure tree, and the XMP metadata also claims
PDF/UA-1, with the extension schema that PDF/A requires for a property
outside its predefined schemas (ISO 19005-2, 6.6.2.3). Reads no files.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree as ET

#: The default: archival (PDF/A-2, level A: tagged, Unicode text) and accessible (PDF/UA-1).
DEFAULT_VARIANT = "pdf/a-2a+ua-1"
NONE = "none"
_UA = "ua-1"
#: PDF/A parts that PDF/UA-1 (ISO 14289-1, based on PDF 1.7) combines with.
_UA_BASES = ("pdf/a-2", "pdf/a-3")
#: WeasyPrint's variants (``weasyprint.pdf.VARIANTS`` but "debug") and whether each one is
#: tagged. Written out so that a build checks its options without importing WeasyPrint
#: (0.5 s): its workers import it while it reads the input. tests/test_pdf.py checks that
#: this is WeasyPrint's list.
WEASYPRINT_VARIANTS = {
    "pdf/a-1b": False, "pdf/a-2b": False, "pdf/a-3b": False, "pdf/a-2u": False,
    "pdf/a-3u": False, "pdf/a-4u": False, "pdf/a-1a": True, "pdf/a-2a": True,
    "pdf/a-3a": True, "pdf/a-4e": False, "pdf/a-4f": False, "pdf/ua-1": True,
    "pdf/ua-2": True, "pdf/x-1a": False, "pdf/x-3": False, "pdf/x-4": False,
    "pdf/x-5g": False,
}

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_PDFUAID = "http://www.aiim.org/pdfua/ns/id/"
_EXT = "http://www.aiim.org/pdfa/ns/extension/"
_SCHEMA = "http://www.aiim.org/pdfa/ns/schema#"
_PROPERTY = "http://www.aiim.org/pdfa/ns/property#"


@dataclass(frozen=True, slots=True)
class Variant:
    """What to ask WeasyPrint for: its ``pdf_variant``, tagging, and a PDF/UA-1 claim."""

    name: str
    weasyprint: str | None
    tags: bool
    ua_claim: bool

    @property
    def pdfa(self) -> str | None:
        """'2A' for PDF/A-2a (as pikepdf's ``pdfa_status`` says it), None if not PDF/A."""
        if self.weasyprint and self.weasyprint.startswith("pdf/a-"):
            return self.weasyprint.removeprefix("pdf/a-").upper()
        return None

    @property
    def ua(self) -> bool:
        return self.ua_claim or bool(self.weasyprint and self.weasyprint.startswith("pdf/ua-"))


def known_variants() -> list[str]:
    """Every variant name ``parse_variant`` accepts, for --help and error messages."""
    names = [NONE, *sorted(WEASYPRINT_VARIANTS)]
    names += [f"{v}+{_UA}" for v in sorted(WEASYPRINT_VARIANTS) if v.startswith(_UA_BASES)]
    return names


def parse_variant(name: str) -> Variant:
    """The variant called ``name``; ValueError (with the known names) for anything else."""
    if name == NONE:
        return Variant(name, None, False, False)
    base, plus, extra = name.partition("+")
    if base in WEASYPRINT_VARIANTS and (
        not plus or (extra == _UA and base.startswith(_UA_BASES))
    ):
        tags = bool(plus) or WEASYPRINT_VARIANTS[base]
        return Variant(name, base, tags, bool(plus))
    raise ValueError(f"unknown PDF variant '{name}'; known: {', '.join(known_variants())}")


def claim_ua(document: Any) -> None:
    """Make the XMP metadata WeasyPrint writes for ``document`` also claim PDF/UA-1."""
    from weasyprint.pdf.metadata import DocumentMetadata

    class WithUAClaim(DocumentMetadata):
        def generate_rdf_metadata(self, variant: str, version: int, conformance: Any) -> bytes:
            rdf = ET.fromstring(super().generate_rdf_metadata(variant, version, conformance))
            rdf.append(_ua_description())
            rdf.append(_ua_extension_schema())
            return bytes(ET.tostring(rdf, encoding="utf-8"))

    old = document.metadata
    document.metadata = WithUAClaim(
        title=old.title, authors=old.authors, description=old.description,
        keywords=old.keywords, generator=old.generator, created=old.created,
        modified=old.modified, attachments=old.attachments, lang=old.lang,
        custom=old.custom, xmp_metadata=old.xmp_metadata)


def repair_pdfa(pdf: Any) -> None:
    """Make what WeasyPrint 70 writes of a PDF/A variant meet PDF/A-2 where it does not:
    ``pdf`` is the ``pydyf.PDF`` about to be written (a finisher of ``write_pdf``).

    - ISO 19005-2, 6.2.8: an image's ``Interpolate`` shall be false. WeasyPrint writes true
      for every picture whose ``image-rendering`` is ``auto`` (its ``images.py``); the other
      values (``crisp-edges``, ``pixelated``) would ask for something else than smooth
      pictures.
    - 6.6.2.1: the document's XMP metadata stream shall not be filtered. WeasyPrint
      compresses it in every PDF/A but PDF/A-1 (its ``pdfa.py``).
    - 6.1.7.1: ``/Length`` counts the bytes before the end-of-line that precedes
      ``endstream``. Content that ends with CR, followed by the LF pydyf writes, reads as
      one CR LF end-of-line, a byte short (1 in 256 compressed streams: the last byte is
      that of the content's Adler-32 checksum, RFC 1950). Page contents and form XObjects
      get a newline more at their end when that happens (``_EndsClean``); pictures and fonts
      are written as they are, their content cannot grow (join.no_cr_before_endstream does
      the same for a joined PDF).
    """
    import pydyf

    objects = pdf.objects
    contents = {int(obj["Contents"].split()[0]) for obj in objects
                if isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/Page"
                and isinstance(obj.get("Contents"), bytes)}
    metadata = pdf.catalog.get("Metadata")
    ends_clean = _ends_clean_class()
    for obj in objects:
        if not isinstance(obj, pydyf.Stream):
            continue
        if obj.extra.get("Subtype") == "/Image" and obj.extra.get("Interpolate") == "true":
            obj.extra["Interpolate"] = "false"
        elif obj.number in contents or obj.extra.get("Subtype") == "/Form":
            obj.__class__ = ends_clean
    if isinstance(metadata, bytes):
        objects[int(metadata.split()[0])].compress = False


def _ends_clean_class() -> Any:
    import pydyf

    class _EndsClean(pydyf.Stream):
        """A content stream whose data, as written, does not end with CR (``repair_pdfa``):
        the one serialization of the stream, tried again only when it would."""

        @property
        def data(self) -> bytes:
            data: bytes = super().data
            while data.endswith(b"\r\nendstream"):
                self.stream.append(b"")  # pydyf joins the items with newlines: one more
                data = super().data
            return data

    return _EndsClean


def _el(tag: str, attrs: dict[str, str] | None = None, text: str | None = None,
        children: list[ET.Element] | None = None) -> ET.Element:
    node = ET.Element(tag, attrs or {})
    node.text = text
    node.extend(children or [])
    return node


def _ua_description() -> ET.Element:
    return _el(f"{{{_RDF}}}Description", {f"{{{_RDF}}}about": "", f"{{{_PDFUAID}}}part": "1"})


def _ua_extension_schema() -> ET.Element:
    """The pdfaExtension description of the pdfuaid schema, as PDF/A validators require."""
    resource = {f"{{{_RDF}}}parseType": "Resource"}
    prop = _el(f"{{{_RDF}}}li", resource, children=[
        _el(f"{{{_PROPERTY}}}name", text="part"),
        _el(f"{{{_PROPERTY}}}valueType", text="Integer"),
        _el(f"{{{_PROPERTY}}}category", text="internal"),
        _el(f"{{{_PROPERTY}}}description", text="Indicates, which part of ISO 14289 standard "
            "is followed"),
    ])
    schema = _el(f"{{{_RDF}}}li", resource, children=[
        _el(f"{{{_SCHEMA}}}schema", text="PDF/UA Universal Accessibility Schema"),
        _el(f"{{{_SCHEMA}}}namespaceURI", text=_PDFUAID),
        _el(f"{{{_SCHEMA}}}prefix", text="pdfuaid"),
        _el(f"{{{_SCHEMA}}}property", children=[_el(f"{{{_RDF}}}Seq", children=[prop])]),
    ])
    return _el(f"{{{_RDF}}}Description", {f"{{{_RDF}}}about": ""}, children=[
        _el(f"{{{_EXT}}}schemas", children=[_el(f"{{{_RDF}}}Bag", children=[schema])]),
    ])


for _prefix, _uri in (("pdfuaid", _PDFUAID), ("pdfaExtension", _EXT), ("pdfaSchema", _SCHEMA),
                      ("pdfaProperty", _PROPERTY)):
    ET.register_namespace(_prefix, _uri)
