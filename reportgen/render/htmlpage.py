"""HTML writer, the page: the document's HTML in the layout's Jinja template, with the
bundled fonts' rules and the layout's stylesheets, cut into the parts of a split render.

Part of the render stage, beside ``html`` (the model's nodes as HTML), which it uses; the
template arranges (cover, contents, sections), the CSS does the look. The layout's files
(``layout.Layout``: a package layout and the project's folder over it) are read only
where they really are: a base's inside the installation, a project's inside the project
(its templates: ``templates``).
The page numbers of a split render are a parameter (``render_html(pages=...)``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

from markupsafe import Markup

from reportgen.layout import DEFAULT, Layout
from reportgen.model import nodes as m
from reportgen.model import walk
from reportgen.render import rules
from reportgen.render.adjustments import NONE, Adjustments
from reportgen.render.html import HtmlWriter
from reportgen.render.htmlmemo import SectionMemo
from reportgen.render.softhyphens import vocabulary
from reportgen.render.templates import TEMPLATE, environment, located

#: Marks where the HTML of a split render is cut into parts (``split_parts``).
PART_BREAK = "<!-- reportgen:part -->"


def font_face_css(layout: Layout = DEFAULT) -> str:
    """@font-face rules for the bundled fonts, under family names no system font has, and for
    the project's fonts, under their own."""
    return "\n".join(
        f'@font-face {{ font-family: "{_css_string(face.family)}"; '
        f'src: url("{face.path.as_uri()}"); '
        f"font-style: {face.style}; font-weight: {face.weight}; }}"
        for face in layout.faces()
    )


def _css_string(text: str) -> str:
    """``text`` inside a CSS string in double quotes (a family name is the font's to say)."""
    return "".join(f"\\{ord(c):x} " if c in '"\\\n\r\f' or ord(c) < 0x20 else c for c in text)


def render_html(doc: m.Document, layout: Layout = DEFAULT,
                pages: Mapping[str, str] | None = None,
                adjustments: Adjustments = NONE, memo: SectionMemo | None = None) -> str:
    """The whole report as an HTML page for the print layout ``layout``.

    With ``pages`` (element id -> page number, as text), the page numbers of the contents,
    the list of figures and page references are written into the HTML (``data-page``)
    instead of being left to the layout's ``target-counter()``: a split render lays out
    its parts separately, so no part can count the pages of another. ``adjustments`` are
    what the last layout of this edition asked for (``pdf.refine``). ``memo``: the sections
    as this edition's last HTML wrote them (``htmlmemo``), rewritten only where needed.

    Besides the model, the layout's template is given what the writers share
    (``rules``): each section's ``label`` and ``title``, the ``figures`` of the list of
    figures (with their ``label``) and its ``lof_place``, and the cover's ``place`` line;
    ``addressee`` is what the catalog's ``addressee_line`` says before and after it.
    """
    words = memo.vocabulary(doc) if memo is not None else vocabulary(doc)
    writer = HtmlWriter(doc.meta.strings, pages, adjustments, words)
    strings = doc.meta.strings
    sections = []
    if memo is not None:
        memo.begin(strings, pages is not None)
    for i, s in enumerate(doc.sections):
        writer.begin(s.id, s.lang)

        def write(s: m.Section = s) -> tuple[Markup, Markup]:
            return writer.blocks(s.blocks), writer.plain(s.lead)

        body, lead = memo.section(writer, i, s, write) if memo is not None else write()
        sections.append({
            "section": s,
            "body": body,
            "lead": lead,
            "headings": walk.headings(s.blocks, level=2),
            "cover": s.cover.path.as_uri() if s.cover else None,
            "label": rules.appendix_label(s, strings),
            "title": rules.section_title(s, strings),
        })
    for item, s in zip(sections, doc.sections, strict=True):
        writer.begin("summary", s.lang)
        key, item["summary"] = writer.paragraph(s.summary)
        item["summary_key"], item["summary_attrs"] = key, writer.paragraph_attrs(key)
    writer.begin("", doc.meta.lang)
    figures = [{"id": f.id, "number": f.number, "caption": writer.plain(f.caption),
                "label": rules.caption_label("figure", f.number, strings)}
               for f in rules.listed_figures(doc)]
    with located(layout):  # a template's error: at its file and line
        return _page(layout, doc, writer, sections, figures, pages)


def _page(layout: Layout, doc: m.Document, writer: HtmlWriter,
          sections: list[dict[str, object]], figures: list[dict[str, object]],
          pages: Mapping[str, str] | None) -> str:
    template = environment(layout).get_template(TEMPLATE)
    strings = doc.meta.strings
    before, _, after = strings["addressee_line"].partition("{addressee}")
    return template.render(
        meta=doc.meta,
        addressee=(before, after),
        figures=figures,
        lof_place=rules.list_of_figures_place(doc),
        place=rules.cover_place(doc.meta),
        s=strings,
        sections=sections,
        has_summaries=doc.has_summaries,
        logo=doc.meta.logo.path.as_uri() if doc.meta.logo else None,
        created=w3c_datetime(doc.meta),
        inline=writer.plain,
        page_of=writer.page_attr,
        part_break=Markup(PART_BREAK) if pages is not None else "",
    )


def split_parts(html: str) -> list[str]:
    """The HTML of each part of ``html``: the head and ``<body>`` tag, then what lies between
    two ``PART_BREAK`` marks; the whole page when it has none."""
    pieces = html.split(PART_BREAK)
    head, sep, first = pieces[0].partition("<body")
    if not sep:
        raise ValueError("the layout's HTML has no <body>")
    tag, close, first = first.partition(">")
    start = head + sep + tag + close
    tail = "</body>\n</html>\n"
    bodies = [first, *pieces[1:]]
    last, sep, _ = bodies[-1].rpartition("</body>")
    if not sep:
        raise ValueError("the layout's HTML has no </body>")
    bodies[-1] = last
    return [start + body + tail for body in bodies]


def w3c_datetime(meta: m.Meta) -> str | None:
    """The document's creation time as HTML metadata gives it (UTC): '2018-10-05T00:00:00Z'."""
    if meta.created is not None:
        return meta.created.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return meta.date.isoformat() if meta.date else None


def stylesheet_paths(layout: Layout = DEFAULT) -> list[Path]:
    """The layout's stylesheets in the order they apply; a link leading out of the
    installation (or, for a project's, out of the project) is refused (issue 23)."""
    return layout.stylesheets()
