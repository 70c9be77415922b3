"""Archival and accessible PDF: PDF/A-2a with a PDF/UA-1 claim, checked with what works offline.

pikepdf reads the XMP claims and the structure tree, qpdf checks the file's syntax
(tests/test_pdf.py); tests/test_pdfua.py validates the file with a PDF/UA-1 and PDF/A
checker. What none of them proves (a certified veraPDF validation) is said in
docs/project-format.md.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pikepdf
import pytest

from reportgen.assemble.document import assemble
from reportgen.build import build
from reportgen.load.project import load_project
from reportgen.model import nodes as m
from reportgen.model import walk
from reportgen.render.pdf.variant import known_variants, parse_variant

from .conftest import REPO, SAMPLE, Project


def struct_elements(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every structure element reachable from the root, in document order."""
    found: list[pikepdf.Dictionary] = []

    def walk(node: object) -> None:
        if isinstance(node, pikepdf.Array):
            for kid in node:
                walk(kid)
        elif isinstance(node, pikepdf.Dictionary) and node.get("/Type") == "/StructElem":
            found.append(node)
            walk(node.get("/K"))

    walk(pdf.Root.StructTreeRoot.K)
    return found


@pytest.fixture(scope="module")
def sample_model() -> m.Document:
    project = load_project(SAMPLE)
    return assemble(project, project.period(None))


def test_xmp_claims_pdfa_2a_and_pdfua_1_with_the_extension_schema(sample_pdf: Path) -> None:
    with pikepdf.open(sample_pdf) as pdf:
        xmp = pdf.open_metadata()
        assert xmp.pdfa_status == "2A"
        assert xmp["pdfuaid:part"] == "1"
        raw = pdf.Root.Metadata.read_bytes().decode()
        # PDF/A only admits properties of its predefined schemas or of declared extensions.
        assert "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>" in raw
        assert "<pdfaProperty:name>part</pdfaProperty:name>" in raw
        # Document information and XMP agree (ISO 19005-2, 6.6.3).
        assert xmp["dc:title"] == str(pdf.docinfo["/Title"])
        assert xmp["xmp:CreateDate"] == "2018-10-05T00:00:00Z"
        assert str(pdf.docinfo["/CreationDate"]) == "D:20181005000000Z"
        assert str(pdf.docinfo["/Producer"]) == xmp["pdf:Producer"]


def test_output_intent_is_srgb_with_an_embedded_profile(sample_pdf: Path) -> None:
    with pikepdf.open(sample_pdf) as pdf:
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFA1"
        profile = intent.DestOutputProfile
        assert profile.N == 3 and len(profile.read_bytes()) > 1000


def test_title_language_and_tagging_flags(sample_pdf: Path) -> None:
    with pikepdf.open(sample_pdf) as pdf:
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        assert pdf.Root.MarkInfo.Marked is True
        assert str(pdf.Root.Lang) == "ru"
        assert str(pdf.docinfo["/Title"]).startswith("Отчёт о деятельности")
        for page in pdf.pages:
            assert page.obj.Tabs == "/S"  # tab order follows the structure


def test_every_picture_is_a_figure_with_alt_text(sample_pdf: Path, sample_model: m.Document
                                                 ) -> None:
    pictures = 1 + sum(1 for s in sample_model.sections if s.cover)  # the logo and the covers
    for section in sample_model.sections:
        for block in _all_blocks(section.blocks):
            if isinstance(block, m.Figure | m.Chart):
                pictures += 1
            elif isinstance(block, m.Gallery):
                pictures += len(block.images)
    with pikepdf.open(sample_pdf) as pdf:
        figures = [e for e in struct_elements(pdf) if e.S == "/Figure"]
        assert len(figures) == pictures
        alts = [str(e.get("/Alt", "")) for e in figures]
        assert all(a.strip() for a in alts), alts
        # Gallery pictures without alt text of their own are described by the gallery.
        assert any(a.endswith("(1/6)") for a in alts), alts


def test_headings_are_in_the_structure_tree_in_order(sample_pdf: Path, sample_model: m.Document
                                                     ) -> None:
    with pikepdf.open(sample_pdf) as pdf:
        kinds = Counter(str(e.S) for e in struct_elements(pdf))
    chapters = len(sample_model.sections)
    # H1: the cover title, "Contents", the summary page, the list of figures, each chapter.
    summary = 1 if sample_model.has_summaries else 0
    figures = 1 if sample_model.meta.list_of_figures else 0
    assert kinds["/H1"] == 2 + summary + figures + chapters
    h2 = sum(len(walk.headings(s.blocks, 2)) for s in sample_model.sections)
    h3 = sum(len(walk.headings(s.blocks, 3)) for s in sample_model.sections)
    summaries = sum(1 for s in sample_model.sections if s.summary)  # one H2 per summary item
    assert kinds["/H2"] == h2 + summaries
    assert kinds["/H3"] == h3
    assert kinds["/P"] > 50 and kinds["/L"] > 0 and kinds["/LI"] > 0
    assert kinds["/Sect"] >= chapters


def _all_blocks(blocks: tuple[m.Block, ...]) -> list[m.Block]:
    out: list[m.Block] = []
    for block in blocks:
        out.append(block)
        if isinstance(block, m.Div | m.Quote):
            out.extend(_all_blocks(block.blocks))
        elif isinstance(block, m.ListBlock):
            for item in block.items:
                out.extend(_all_blocks(item))
    return out


@pytest.mark.parametrize(("variant", "pdfa", "ua", "tagged"), [
    ("none", "", False, False),
    ("pdf/a-2b", "2B", False, False),
    ("pdf/a-3u+ua-1", "3U", True, True),
    ("pdf/ua-1", "", True, True),
])
def test_other_variants(project: Project, tmp_path: Path, variant: str, pdfa: str, ua: bool,
                        tagged: bool) -> None:
    result = build(project.root, tmp_path, formats=("pdf",), pdf_variant=variant)
    with pikepdf.open(result.edition().outputs["pdf"]) as pdf:
        xmp = pdf.open_metadata()
        assert xmp.pdfa_status == pdfa
        assert (xmp.get("pdfuaid:part") == "1") is ua
        assert ("/StructTreeRoot" in pdf.Root) is tagged


@pytest.mark.parametrize("name", ["pdf/a-9z", "pdf/a-1b+ua-1", "pdf/ua-1+ua-1", "debug", ""])
def test_unknown_variants_are_refused_with_the_known_ones(name: str) -> None:
    with pytest.raises(ValueError, match=re.escape(f"unknown PDF variant '{name}'; known: none, ")):
        parse_variant(name)
    assert "pdf/a-2a+ua-1" in known_variants()


def test_the_variants_written_out_are_weasyprints() -> None:
    from weasyprint.pdf import VARIANTS

    from reportgen.render.pdf.variant import WEASYPRINT_VARIANTS

    theirs = {name: bool(options.get("pdf_tags"))
              for name, (_, options) in VARIANTS.items() if name != "debug"}
    assert theirs == WEASYPRINT_VARIANTS


def test_a_build_does_not_import_weasyprint_in_its_own_process(tmp_path: Path) -> None:
    # Its workers import it while it reads the input (parallel.workers, warm_up).
    code = ("import sys; from pathlib import Path; from reportgen.cli import main; "
            f"main(['build', {str(SAMPLE)!r}, '-o', {str(tmp_path)!r}, '--lang', 'kk', "
            "'-j', '2']); print(sorted(m for m in sys.modules if m.startswith('weasyprint')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert out.stdout.strip().splitlines()[-1] == "[]"
    assert (tmp_path / "report-2018-9m.kk.pdf").is_file()
