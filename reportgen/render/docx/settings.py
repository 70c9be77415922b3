"""The DOCX's document settings (``word/settings.xml``): the edition's language, its caption
labels, and what an editor's Word must not be asked on opening.

Part of the render stage. The reference document's settings are kept; these are set over
them for each edition:

- no ``w:updateFields``: the fields' results are written right (the contents' page numbers
  by the page-number pass, ``pagination``), so Word has nothing to ask on opening;
- the edition's language: ``w:themeFontLang``, the decimal symbol and list separator
  Word's fields use (CLDR's, by Babel: '.' and ',' in English, ',' and ';' in Russian and
  Kazakh);
- the caption labels (``w:captions``): the edition's words for figures and tables, the
  identifiers of the captions' SEQ fields, so that Word's Insert Caption offers them and
  continues their numbering.

Children are put in CT_Settings' order (ECMA-376 part 1, 17.15.1.78), which Word
enforces.
"""

from __future__ import annotations

from collections.abc import Sequence

from babel import Locale, UnknownLocaleError
from babel.numbers import get_decimal_symbol
from docx.oxml.ns import qn
from lxml import etree

from reportgen.render.docx.ooxml import el

#: CT_Settings' children in their schema order.
ORDER = (
    "w:writeProtection", "w:view", "w:zoom", "w:removePersonalInformation",
    "w:removeDateAndTime", "w:doNotDisplayPageBoundaries", "w:displayBackgroundShape",
    "w:printPostScriptOverText", "w:printFractionalCharacterWidth", "w:printFormsData",
    "w:embedTrueTypeFonts", "w:embedSystemFonts", "w:saveSubsetFonts", "w:saveFormsData",
    "w:mirrorMargins", "w:alignBordersAndEdges", "w:bordersDoNotSurroundHeader",
    "w:bordersDoNotSurroundFooter", "w:gutterAtTop", "w:hideSpellingErrors",
    "w:hideGrammaticalErrors", "w:activeWritingStyle", "w:proofState", "w:formsDesign",
    "w:attachedTemplate", "w:linkStyles", "w:stylePaneFormatFilter", "w:stylePaneSortMethod",
    "w:documentType", "w:mailMerge", "w:revisionView", "w:trackRevisions", "w:doNotTrackMoves",
    "w:doNotTrackFormatting", "w:documentProtection", "w:autoFormatOverride",
    "w:styleLockTheme", "w:styleLockQFSet", "w:defaultTabStop", "w:autoHyphenation",
    "w:consecutiveHyphenLimit", "w:hyphenationZone", "w:doNotHyphenateCaps", "w:showEnvelope",
    "w:summaryLength", "w:clickAndTypeStyle", "w:defaultTableStyle", "w:evenAndOddHeaders",
    "w:bookFoldRevPrinting", "w:bookFoldPrinting", "w:bookFoldPrintingSheets",
    "w:drawingGridHorizontalSpacing", "w:drawingGridVerticalSpacing",
    "w:displayHorizontalDrawingGridEvery", "w:displayVerticalDrawingGridEvery",
    "w:doNotUseMarginsForDrawingGridOrigin", "w:drawingGridHorizontalOrigin",
    "w:drawingGridVerticalOrigin", "w:doNotShadeFormData", "w:noPunctuationKerning",
    "w:characterSpacingControl", "w:printTwoOnOne", "w:strictFirstAndLastChars",
    "w:noLineBreaksAfter", "w:noLineBreaksBefore", "w:savePreviewPicture",
    "w:doNotValidateAgainstSchema", "w:saveInvalidXml", "w:ignoreMixedContent",
    "w:alwaysShowPlaceholderText", "w:doNotDemarcateInvalidXml", "w:saveXmlDataOnly",
    "w:useXSLTWhenSaving", "w:saveThroughXslt", "w:showXMLTags", "w:alwaysMergeEmptyNamespace",
    "w:updateFields", "w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat",
    "w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema", "w:themeFontLang",
    "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures",
    "w:forceUpgrade", "w:captions", "w:readModeInkLockDown", "w:smartTagType",
    "sl:schemaLibrary", "w:shapeDefaults", "w:doNotEmbedSmartTags", "w:decimalSymbol",
    "w:listSeparator",
)
_RANK = {tag: i for i, tag in enumerate(ORDER)}


def put(settings: etree._Element, node: etree._Element) -> etree._Element:
    """``node`` in ``settings`` in its schema place, replacing one of its kind."""
    tag = node.tag
    old = settings.find(tag)
    if old is not None:
        settings.replace(old, node)
        return node
    rank = _RANK.get(_prefixed(tag), len(ORDER))
    for child in settings:
        if _RANK.get(_prefixed(child.tag), len(ORDER)) > rank:
            child.addprevious(node)
            return node
    settings.append(node)
    return node


def _prefixed(clark: object) -> str:
    if not isinstance(clark, str):
        return ""  # a comment or processing instruction
    for tag in ORDER:
        if qn(tag) == clark:
            return tag
    return clark


def set_flag(settings: etree._Element, tag: str) -> None:
    """An on/off setting (``w:embedTrueTypeFonts``) switched on."""
    put(settings, el(tag))


def remove(settings: etree._Element, tag: str) -> None:
    for node in settings.findall(qn(tag)):
        settings.remove(node)


def separators(lang: str) -> tuple[str, str]:
    """The decimal symbol and the list separator of ``lang`` ('.' and ',' in English)."""
    try:
        decimal = get_decimal_symbol(Locale.parse(lang.replace("-", "_")))
    except (UnknownLocaleError, ValueError):
        decimal = "."
    return decimal, ("," if decimal == "." else ";")


def set_language(settings: etree._Element, lang: str, word_tag: str) -> None:
    """The edition's language: theme fonts' language, decimal symbol, list separator."""
    put(settings, el("w:themeFontLang", {"w:val": word_tag}))
    decimal, listing = separators(lang)
    put(settings, el("w:decimalSymbol", {"w:val": decimal}))
    put(settings, el("w:listSeparator", {"w:val": listing}))


def set_captions(settings: etree._Element, labels: Sequence[tuple[str, str]]) -> None:
    """Word's caption labels: (name, 'above' or 'below') each, e.g. ('Рисунок', 'below')."""
    node = el("w:captions", None, *(el("w:caption", {"w:name": name, "w:pos": pos,
                                                      "w:numFmt": "decimal"})
                                    for name, pos in labels))
    put(settings, node)


def prepare(settings: etree._Element, lang: str, word_tag: str,
            captions: Sequence[tuple[str, str]]) -> None:
    """The edition's settings over the reference's: no update on opening, its language
    and caption labels."""
    remove(settings, "w:updateFields")
    set_language(settings, lang, word_tag)
    set_captions(settings, captions)
