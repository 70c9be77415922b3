"""PDF writer, accessibility part: repairs of WeasyPrint's tagged PDF for PDF/UA-1.

Part of the render stage. WeasyPrint 70 tags a PDF (``weasyprint/pdf/tags.py``) well
enough for most of ISO 14289-1, but the PDF/UA-1 checker of the tests
(``tests/test_pdfua.py``, page-validation) finds two faults in the sample, both repaired
here while the PDF is written (``writer.write``):

- **Links** (Matterhorn 28-011, ISO 14289-1 7.18.5: a link annotation is nested in a
  ``Link`` element). WeasyPrint gives every box inside a link a link annotation of its own
  (its ``gather_anchors``: "'link' is inherited"), and tags it under that box's element:
  the ``<span>`` of a contents entry gets a second annotation, in a ``Span`` inside the
  ``Link``. ``drop_inner_links`` drops, before the PDF is written, the link of a box that
  lies inside a box with the same link on the same page: the outer box's annotation
  covers it, and is the one in the ``Link`` element.
- **List items** (ISO 32000-1 14.8.4.3.3, table 336: the children of ``LI`` are ``Lbl``
  and ``LBody``). WeasyPrint makes an ``LBody`` of the anonymous box that holds a list
  item's text, but puts a block inside the item, such as the paragraph of a loose list
  (``<li><p>``), directly under ``LI``. ``wrap_list_bodies``, a finisher of WeasyPrint's
  ``write_pdf``, wraps each run of such children in an ``LBody``.

Two more, which the checker does not ask for: the ``Link`` elements left with no
annotation by the first repair become ``Span`` elements
(``links_without_annotations_as_spans``), and the running heads, tagged by WeasyPrint
outside the structure tree, become pagination artifacts (``running_heads_as_artifacts``).

None reads a file; each changes only the PDF objects it names.
"""

from __future__ import annotations

from typing import Any

#: What a list item's children may be (ISO 32000-1, table 336).
_LI_KIDS = ("/Lbl", "/LBody")


def drop_inner_links(document: Any, page_box: Any) -> int:
    """Drop from each page of a laid-out ``document`` the links whose box lies inside a box
    with the same link (``page_box(page)`` gives a page's box tree); how many were dropped.

    ``Page.links`` is WeasyPrint's public list of ``(type, target, rectangle, box)``; the
    annotations are made from it when the PDF is written.
    """
    dropped = 0
    for page in document.pages:
        if not page.links:
            continue
        links = {id(box): (kind, target) for kind, target, _, box in page.links}
        inner: set[int] = set()
        stack: list[tuple[Any, frozenset[tuple[str, str]]]] = [(page_box(page), frozenset())]
        while stack:
            box, around = stack.pop()
            link = links.get(id(box))
            if link is not None:
                if link in around:
                    inner.add(id(box))
                else:
                    around = around | {link}
            # The walk of WeasyPrint's gather_anchors, which made the links.
            stack.extend((child, around) for child in box.all_children())
        if inner:
            page.links = [link for link in page.links if id(link[3]) not in inner]
            dropped += len(inner)
    return dropped


def wrap_list_bodies(pdf: Any) -> int:
    """Wrap each run of a list item's children that are neither ``Lbl`` nor ``LBody`` in a
    new ``LBody``, in the structure tree of ``pdf`` (a ``pydyf.PDF`` about to be written);
    how many ``LBody`` elements were made.

    Only structure elements move: a marked-content id or an annotation directly under an
    ``LI`` (WeasyPrint writes none) would need the parent tree changed too, and stays.
    """
    import pydyf

    made = 0
    for item in list(pdf.objects):  # a copy: the new elements are appended
        if (isinstance(item, pydyf.Dictionary) and item.get("Type") == "/StructElem"
                and item.get("S") == "/LI"):
            made += _wrap_kids(pdf, item)
    return made


def _element(pdf: Any, kid: Any) -> Any:
    """The structure element ``kid`` refers to (b"12 0 R": pydyf numbers objects by their
    place in ``pdf.objects``), else None."""
    import pydyf

    if isinstance(kid, bytes) and kid.endswith(b" R"):
        target = pdf.objects[int(kid.split()[0])]
        if isinstance(target, pydyf.Dictionary) and "S" in target:
            return target
    return None


def _wrap_kids(pdf: Any, item: Any) -> int:
    import pydyf

    kids: list[Any] = []
    run: list[Any] = []
    made = 0
    for kid in [*item["K"], None]:  # None: the end, which closes the last run
        child = _element(pdf, kid) if kid is not None else None
        if child is not None and child["S"] not in _LI_KIDS:
            run.append(kid)
            continue
        if run:
            body = pydyf.Dictionary({"Type": "/StructElem", "S": "/LBody",
                                     "K": pydyf.Array(run), "P": item.reference})
            if "Pg" in item:
                body["Pg"] = item["Pg"]
            pdf.add_object(body)
            for moved in run:
                _element(pdf, moved)["P"] = body.reference
            kids.append(body.reference)
            run = []
            made += 1
        if kid is not None:
            kids.append(kid)
    if made:
        item["K"] = pydyf.Array(kids)
    return made


def running_heads_as_artifacts(pdf: Any) -> int:
    """Mark as pagination artifacts the running heads of ``pdf`` (a ``pydyf.PDF`` about to
    be written); how many marked-content sequences became artifacts.

    WeasyPrint 70 tags the text of the page-margin boxes like any other, with structure
    elements it then leaves out of the tree ("it could be included in tree as Artifact,
    but that's only allowed in PDF 2.0", its ``tags.py``): content a reader's assistive
    technology never reaches, yet not an artifact either (ISO 14289-1, 7.1: content is
    either real content in the tree or an artifact; 7.8: running heads are artifacts).
    Every marked content of a page's stream whose element is not reachable from the root
    becomes ``/Artifact <</Type /Pagination>>``, and leaves the parent tree.
    """
    import pydyf

    objects = pdf.objects

    def number(ref: Any) -> int | None:
        return int(ref.split()[0]) if isinstance(ref, bytes) and ref.endswith(b" R") else None

    root_number = number(pdf.catalog.get("StructTreeRoot"))
    if root_number is None:
        return 0
    root = objects[root_number]
    in_tree: set[int] = set()
    stack = list(root["K"])
    while stack:
        n = number(stack.pop())
        if n is not None and n not in in_tree and isinstance(objects[n], pydyf.Dictionary) \
                and "S" in objects[n]:
            in_tree.add(n)
            stack.extend(objects[n]["K"])
    nums = objects[number(root["ParentTree"])]["Nums"]
    pages = pdf.page_references
    changed = 0
    for key, refs in zip(nums[::2], nums[1::2], strict=True):
        if not isinstance(refs, pydyf.Array):
            continue  # an annotation's entry
        # WeasyPrint numbers a page's marked content 0, 1, ...: the index is the MCID.
        outside = {mcid for mcid, ref in enumerate(refs) if number(ref) not in in_tree}
        if not outside:
            continue
        items = objects[number(objects[number(pages[key])]["Contents"])].stream
        for i, item in enumerate(items[1:-1], 1):
            if (isinstance(item, pydyf.Dictionary) and item.get("MCID") in outside
                    and isinstance(items[i - 1], str) and items[i + 1] == b"BDC"):
                refs[item["MCID"]] = "null"
                items[i - 1] = "/Artifact"
                items[i] = pydyf.Dictionary({"Type": "/Pagination"})
                changed += 1
    return changed


def links_without_annotations_as_spans(pdf: Any) -> int:
    """Make each ``Link`` element of ``pdf`` (a ``pydyf.PDF`` about to be written) that holds
    no link annotation a ``Span``; how many there were.

    WeasyPrint tags every box of an ``<a>`` element as a ``Link``, its ``::after`` too (the
    contents' leader and page number): once ``drop_inner_links`` has left the link's
    annotation to the outer box, the inner one is a ``Link`` inside the ``Link`` that leads
    nowhere, which a screen reader would announce as a second link.
    """
    import pydyf

    def is_annotation(kid: Any) -> bool:
        if not (isinstance(kid, bytes) and kid.endswith(b" R")):
            return False
        target = pdf.objects[int(kid.split()[0])]
        return isinstance(target, pydyf.Dictionary) and target.get("Type") == "/OBJR"

    changed = 0
    for obj in pdf.objects:
        if (isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/StructElem"
                and obj.get("S") == "/Link" and not any(map(is_annotation, obj["K"]))):
            obj["S"] = "/Span"
            changed += 1
    return changed
