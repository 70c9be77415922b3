"""PDF/UA-1 and PDF/A-2a, validated offline by a checker made for them (issue 22).

The checker is page-validation (``import page``, the ``test`` extra): a validator of
PDF/UA-1 (the Matterhorn protocol's machine-checkable failure conditions, 104 rules) and of
PDF/A-1 to 3 (154 rules for PDF/A-2a) that passes veraPDF's test corpus, with no JVM.
docs/project-format.md ("Archival and accessible PDF") says what it found and what the
writer repairs. Every edition of the sample, split and laid out in one pass, must pass
both profiles with no failure; no rule is excused (``EXCUSED`` would list one, with its
reason). A small document shows what WeasyPrint alone writes failing the rules the writer
repairs, so that a checker that stops seeing them fails here too.
"""

from __future__ import annotations

import io
import re
import zlib
from pathlib import Path

import page
import pikepdf
import pydyf
import pytest
from PIL import Image

from reportgen.layout import Layout
from reportgen.render.pdf.join import no_cr_before_endstream
from reportgen.render.pdf.variant import DEFAULT_VARIANT, repair_pdfa
from reportgen.render.pdf.writer import lay_out, write

#: The two standards the default PDF claims: page-validation's profile names.
PROFILES = ("ua1", "2a")
#: Rules a checked PDF may fail, each with the reason it cannot be met: none.
EXCUSED: dict[str, str] = {}


def failures(pdf: Path | bytes, profile: str) -> dict[str, str]:
    """The rules ``pdf`` fails under ``profile``, each with the checker's first message;
    the checker must have run the whole profile."""
    report = (page.validate_pdf_bytes(pdf, profile=profile) if isinstance(pdf, bytes)
              else page.validate_pdf(pdf, profile=profile))
    assert report.rules.total > 100, (profile, report.rules.total)  # the profile, not a subset
    found = {f.rule_id: f.message for f in report.failures}
    assert bool(found) == (report.checks.failed > 0)
    return found


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_every_edition_of_the_sample_passes(sample_pdfs: dict[str, Path], lang: str,
                                            profile: str) -> None:
    found = failures(sample_pdfs[lang], profile)
    assert {rule: msg for rule, msg in found.items() if rule not in EXCUSED} == {}


@pytest.mark.parametrize("profile", PROFILES)
def test_a_single_pass_passes_too(sample_single_pass: Path, profile: str) -> None:
    """The sample laid out by one WeasyPrint pass: no join by pikepdf to tidy anything."""
    assert failures(sample_single_pass, profile) == {}


# ------------------------------------------------------- what the writer repairs

SMALL = """<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8"><title>Проба</title></head><body>
<h1 id="top">Проба</h1>
<ul><li><p>Первый пункт.</p><p>Его второй абзац.</p></li><li><p>Второй пункт.</p></li></ul>
<p>См. <a href="#top"><span>начало</span> отчёта</a>.</p>
<p><img src="square.png" alt="Синий квадрат"></p>
</body></html>
"""


@pytest.fixture(scope="module")
def small_pdfs(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, bytes]:
    """A loose list, a link around a span and a picture: written by WeasyPrint alone, and
    by the writer (its repairs), with the default variant (PDF/A-2a claiming PDF/UA-1)."""
    root = tmp_path_factory.mktemp("small")
    Image.new("RGB", (40, 40), "#1f4e79").save(root / "square.png")
    with lay_out(SMALL, root, Layout(), DEFAULT_VARIANT) as document:
        alone = document.write_pdf(pdf_variant="pdf/a-2a", pdf_tags=True, pdf_identifier=True)
        repaired = write(document, DEFAULT_VARIANT)
    return alone, repaired


def test_weasyprint_alone_fails_the_rules_the_writer_repairs(
        small_pdfs: tuple[bytes, bytes]) -> None:
    alone, _ = small_pdfs
    assert {"PDFUA1-LI-KIDS-001", "PDFUA1-LINK-LINK-TAG-001"} <= set(failures(alone, "ua1"))
    assert {"PDFA2A-IMAGE-INTERPOLATE-001", "PDFA2A-METADATA-FILTER-001"} <= set(
        failures(alone, "2a"))


@pytest.mark.parametrize("profile", PROFILES)
def test_the_writer_repairs_them(small_pdfs: tuple[bytes, bytes], profile: str) -> None:
    _, repaired = small_pdfs
    assert failures(repaired, profile) == {}


def _elements(pdf: pikepdf.Pdf, tag: str | None) -> list[pikepdf.Dictionary]:
    """The structure elements reachable from the root (``tag``'s only, unless None)."""
    found: list[pikepdf.Dictionary] = []
    stack = [pdf.Root.StructTreeRoot.K]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            if tag is None or str(node.S) == tag:
                found.append(node)
            stack.append(node.get("/K"))
    return found


def test_a_link_keeps_one_annotation_in_its_link_element(small_pdfs: tuple[bytes, bytes]
                                                         ) -> None:
    alone, repaired = (pikepdf.open(io.BytesIO(pdf)) for pdf in small_pdfs)
    with alone, repaired:
        assert len(alone.pages[0].Annots) == 2  # the <a>'s and its <span>'s
        (annot,) = repaired.pages[0].Annots
        assert str(annot.Dest) == "top"
        nums = list(repaired.Root.StructTreeRoot.ParentTree.Nums)
        element = dict(zip(nums[::2], nums[1::2], strict=True))[int(annot.StructParent)]
        assert element.S == "/Link"


def test_a_list_item_holds_its_paragraphs_in_an_lbody(small_pdfs: tuple[bytes, bytes]) -> None:
    alone, repaired = (pikepdf.open(io.BytesIO(pdf)) for pdf in small_pdfs)
    with alone, repaired:
        def kids(pdf: pikepdf.Pdf) -> list[list[str]]:
            return sorted([str(k.S) for k in li.K] for li in _elements(pdf, "/LI"))

        assert kids(alone) == [["/Lbl", "/P"], ["/Lbl", "/P", "/P"]]
        assert kids(repaired) == [["/Lbl", "/LBody"], ["/Lbl", "/LBody"]]
        bodies = _elements(repaired, "/LBody")
        assert sorted(len(b.K) for b in bodies) == [1, 2]
        assert all(p.P.objgen == body.objgen for body in bodies for p in body.K)


def test_every_link_element_holds_the_annotation_of_its_link(sample_pdf: Path) -> None:
    """One Link element per link annotation: not the contents' page numbers (the ``::after``
    of the link) as a second Link inside the first."""
    with pikepdf.open(sample_pdf) as pdf:
        links = _elements(pdf, "/Link")
        annotations = [a for page in pdf.pages for a in page.obj.get("/Annots", [])]
        assert len(links) == len(annotations) > 20
        for link in links:
            kids = link.K if isinstance(link.K, pikepdf.Array) else [link.K]
            assert any(isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"
                       for k in kids)


def test_running_heads_are_pagination_artifacts(sample_pdf: Path) -> None:
    """WeasyPrint tags the margin boxes' text with elements outside the tree; the writer
    makes it artifacts (a check the checker does not make: the text is marked)."""
    with pikepdf.open(sample_pdf) as pdf:
        in_tree = {e.objgen for e in _elements(pdf, None)}
        nums = list(pdf.Root.StructTreeRoot.ParentTree.Nums)
        leads_to = [e for refs in nums[1::2] if isinstance(refs, pikepdf.Array)
                    for e in refs if e is not None]
        assert leads_to and {e.objgen for e in leads_to} <= in_tree
        pagination = []
        for page in pdf.pages[1:]:  # the cover has neither heads nor a folio
            data = b"".join(s.read_bytes() for s in page.obj.Contents) if isinstance(
                page.obj.Contents, pikepdf.Array) else page.obj.Contents.read_bytes()
            pagination.append(len(re.findall(rb"/Artifact\s*<<\s*/Type /Pagination", data)))
        # the folio, and the report's title and the chapter's at the top of most pages
        assert min(pagination) >= 1 and sum(pagination) > 2 * len(pagination)


# -------------------------------------------- streams that would end with CR

def _content_ending_with_cr() -> bytes:
    """Page content whose Flate data ends with CR: its Adler-32 checksum ends with 0x0D."""
    for i in range(256):  # "!" is odd: each one more moves the checksum's last byte by 33
        content = b"q Q %" + b"!" * i
        if zlib.adler32(content) & 0xFF == 0x0D:
            return content
    raise AssertionError("no such content")


def test_weasyprint_content_gets_a_newline_rather_than_end_with_cr() -> None:
    pdf = pydyf.PDF()
    content = _content_ending_with_cr()
    stream = pydyf.Stream([content], compress=True)
    pdf.add_object(stream)
    pdf.add_object(pydyf.Dictionary({"Type": "/Page", "Contents": stream.reference}))
    assert stream.data.endswith(b"\r\nendstream")  # what WeasyPrint would write
    repair_pdfa(pdf)
    data = stream.data
    assert not data.endswith(b"\r\nendstream")
    raw = data.split(b"\nstream\n", 1)[1].removesuffix(b"\nendstream")
    assert zlib.decompress(raw).rstrip(b"\n") == content


def test_a_joined_pdf_content_stream_gets_a_newline_rather_than_end_with_cr() -> None:
    content = _content_ending_with_cr()
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.pages[0].obj.Contents = pdf.make_stream(zlib.compress(content))
    pdf.pages[0].obj.Contents.Filter = pikepdf.Name.FlateDecode
    plain = pdf.make_stream(b"q\n")
    pdf.pages[0].obj.Contents = pikepdf.Array([pdf.pages[0].obj.Contents, plain])
    assert pdf.pages[0].obj.Contents[0].read_raw_bytes().endswith(b"\r")
    assert no_cr_before_endstream(pdf) == 2  # the one ending with CR; the plain one compressed
    first, second = pdf.pages[0].obj.Contents
    assert not first.read_raw_bytes().endswith(b"\r")
    assert first.read_bytes().rstrip(b"\n") == content
    assert second.Filter == pikepdf.Name.FlateDecode and second.read_bytes() == b"q\n"
