"""HTML writer: the document model as one HTML page, arranged by the layout's Jinja template.

Blocks become HTML here (escaped with markupsafe; a role becomes a CSS class);
the layout template only arranges the parts (cover, contents, sections) and
the layout's CSS does the look. This writer reads no other writer's output.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from contextvars import ContextVar
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from reportgen.model import nodes as m
from reportgen.model import walk
from reportgen.resources import font_faces, layout_dir

#: Marks where the HTML of a split render is cut into parts (``split_parts``).
PART_BREAK = "<!-- reportgen:part -->"

#: The page number of each anchor when the writer is told them (a split render), else None.
_PAGES: ContextVar[Mapping[str, str] | None] = ContextVar("pages", default=None)


def _page_attr(target: str) -> Markup:
    """' data-page="12"' when page numbers are given, so the layout shows them as text."""
    pages = _PAGES.get()
    if pages is None:
        return Markup("")
    return Markup(f' data-page="{escape(pages[target])}"')


def inlines_html(nodes: tuple[m.Inline, ...]) -> Markup:
    out: list[str] = []
    for node in nodes:
        match node:
            case m.Text(text=t):
                out.append(escape(t))
            case m.Strong(children=c):
                out.append(f"<strong>{inlines_html(c)}</strong>")
            case m.Emph(children=c):
                out.append(f"<em>{inlines_html(c)}</em>")
            case m.Code(text=t):
                out.append(f"<code>{escape(t)}</code>")
            case m.Link(url=url, children=c):
                out.append(f'<a href="{escape(url)}">{inlines_html(c)}</a>')
            case m.LineBreak():
                out.append("<br>")
            case m.Span(children=c, role=role, lang=lang):
                attrs = (f' class="{escape(role)}"' if role else "") + (
                    f' lang="{escape(lang)}"' if lang else "")
                out.append(f"<span{attrs}>{inlines_html(c)}</span>")
            case m.Note(number=n, paragraphs=paragraphs):
                # float: footnote moves it to the page's footnote area, leaving the call.
                text = "<br>".join(inlines_html(p) for p in paragraphs)
                out.append(f'<span class="footnote" data-n="{n}">{text}</span>')
            case m.PageRef(target=target):
                # The layout's CSS puts target-counter(attr(data-target url), page) here.
                out.append(f'<span class="pageref" data-target="#{escape(target)}"'
                           f"{_page_attr(target)}></span>")
            case m.CrossRef(target=target, children=c, kind=kind):
                out.append(f'<a class="xref {escape(kind)}" href="#{escape(target)}">'
                           f"{inlines_html(c)}</a>")
            case _:
                raise TypeError(f"unknown inline node {node!r}")
    return Markup("".join(out))


def _img(image: m.Image, alt: str) -> str:
    # Every picture has a description (PDF/UA); the same one as in the DOCX.
    return (f'<img src="{escape(image.path.as_uri())}" alt="{escape(alt)}" '
            f'width="{image.width}" height="{image.height}">')


def _caption(label: str, number: int, caption: tuple[m.Inline, ...]) -> str:
    text = f" {inlines_html(caption)}" if caption else ""
    return (f'<figcaption><span class="caption-label">{escape(label)}&nbsp;{number}.</span>'
            f"{text}</figcaption>")


def table_html(table: m.Table, strings: dict[str, str]) -> str:
    """A data table: caption above, header rows in <thead> (repeated on every page)."""
    label = (f'<span class="caption-label">{escape(strings["table"])}&nbsp;{table.number}.</span>')
    caption = f"{label} {inlines_html(table.caption)}" if table.caption else label
    cols = "".join(f'<col style="width: {w * 100:.2f}%">' for w in table.widths)

    def row(r: m.Row, cell: str) -> str:
        if r.role == "group":
            return (f'<tr class="group"><td colspan="{len(table.widths)}">'
                    f"{inlines_html(r.cells[0].children)}</td></tr>")
        cells = "".join(f'<{cell} class="{a}">{inlines_html(c.children)}</{cell}>'
                        for c, a in zip(r.cells, table.align, strict=True))
        return f"<tr>{cells}</tr>"

    head = "".join(row(r, "th") for r in table.head)
    body = "".join(row(r, "td") for r in table.body)
    cls = f"data-table {table.role}" if table.role else "data-table"
    return (f'<div class="{cls}" id="{escape(table.id)}">'
            f'<p class="table-caption">{caption}</p>'
            f"<table><colgroup>{cols}</colgroup><thead>{head}</thead><tbody>{body}</tbody>"
            "</table></div>")


def blocks_html(blocks: tuple[m.Block, ...], strings: dict[str, str]) -> Markup:
    out: list[str] = []
    for block in blocks:
        match block:
            case m.Heading(level=level, children=c, id=hid):
                out.append(f'<h{level} id="{escape(hid)}">{inlines_html(c)}</h{level}>')
            case m.Paragraph(children=c, role=role):
                cls = f' class="{escape(role)}"' if role else ""
                out.append(f"<p{cls}>{inlines_html(c)}</p>")
            case m.ListBlock(items=items, ordered=ordered, start=start):
                tag = "ol" if ordered else "ul"
                first = f' start="{start}"' if ordered and start != 1 else ""
                lis = "".join(f"<li>{blocks_html(item, strings)}</li>" for item in items)
                out.append(f"<{tag}{first}>{lis}</{tag}>")
            case m.Quote(blocks=b):
                out.append(f"<blockquote>{blocks_html(b, strings)}</blockquote>")
            case m.Figure(image=image, caption=caption, number=n, id=fid, role=role):
                cls = f"figure {role}" if role else "figure"
                alt = m.figure_alt(block, strings["figure"])
                out.append(f'<figure id="{escape(fid)}" class="{cls}">{_img(image, alt)}'
                           f"{_caption(strings['figure'], n, caption)}</figure>")
            case m.Gallery(images=images, caption=caption, number=n, id=gid):
                cols = 2 if len(images) in (2, 4) else 3
                cells = "".join(f'<div class="cell">{_img(i, alt)}</div>'
                                for i, alt in zip(images, m.gallery_alts(block, strings["figure"]),
                                                  strict=True))
                out.append(f'<figure id="{escape(gid)}" class="gallery cols-{cols}">'
                           f'<div class="grid">{cells}</div>'
                           f"{_caption(strings['figure'], n, caption)}</figure>")
            case m.Chart(svg=svg, alt=alt, caption=caption, number=n, id=cid, kind=kind,
                         width_mm=w):
                out.append(f'<figure id="{escape(cid)}" class="figure chart chart-{kind}">'
                           f'<img src="{escape(svg.as_uri())}" alt="{escape(alt)}" '
                           f'style="width: {w:g}mm">'
                           f"{_caption(strings['figure'], n, caption)}</figure>")
            case m.MetricGrid(metrics=metrics):
                tiles = "".join(
                    f'<div class="metric"><div class="metric-value">{escape(x.value)}</div>'
                    f'<div class="metric-label">{escape(x.label)}</div>'
                    + (f'<div class="metric-detail">{escape(x.detail)}</div>' if x.detail else "")
                    + "</div>"
                    for x in metrics
                )
                out.append(f'<div class="metrics n{len(metrics)}">{tiles}</div>')
            case m.Div(blocks=b, role=role, lang=lang):
                attrs = f' class="{escape(role)}"' if role else ""
                attrs += f' lang="{escape(lang)}"' if lang else ""
                out.append(f"<div{attrs}>{blocks_html(b, strings)}</div>")
            case m.ThematicBreak():
                out.append("<hr>")
            case m.Table():
                out.append(table_html(block, strings))
            case _:
                raise TypeError(f"unknown block {block!r}")
    return Markup("\n".join(out))


def font_face_css() -> str:
    """@font-face rules for the bundled fonts, under family names no system font has."""
    return "\n".join(
        f'@font-face {{ font-family: "{face.family}"; src: url("{face.path.as_uri()}"); '
        f"font-style: {face.style}; font-weight: {face.weight}; }}"
        for face in font_faces()
    )


def render_html(doc: m.Document, layout: str = "default",
                pages: Mapping[str, str] | None = None) -> str:
    """The whole report as an HTML page for the print layout ``layout``.

    With ``pages`` (element id -> page number, as text), the page numbers of the contents,
    the list of figures and page references are written into the HTML (``data-page``)
    instead of being left to the layout's ``target-counter()``: a split render lays out
    its parts separately, so no part can count the pages of another.
    """
    token = _PAGES.set(pages)
    try:
        return _render_html(doc, layout, pages is not None)
    finally:
        _PAGES.reset(token)


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


def _render_html(doc: m.Document, layout: str, split: bool) -> str:
    folder = layout_dir(layout)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["plain"] = m.metadata_text
    template = env.get_template("report.html.j2")
    sections = [
        {
            "section": s,
            "body": blocks_html(s.blocks, doc.meta.strings),
            "lead": inlines_html(s.lead),
            "summary": inlines_html(s.summary),
            "headings": walk.headings(s.blocks, level=2),
            "cover": s.cover.path.as_uri() if s.cover else None,
            "label": (f"{doc.meta.strings['appendix']} {s.appendix}"
                      if s.appendix is not None else None),
            "title": m.section_title(s, doc.meta.strings),
        }
        for s in doc.sections
    ]
    figures = [
        {"id": f.id, "number": f.number, "caption": inlines_html(f.caption)}
        for s in doc.sections for f in walk.figures(s.blocks)
    ]
    return template.render(
        meta=doc.meta,
        figures=figures,
        s=doc.meta.strings,
        sections=sections,
        has_summaries=doc.has_summaries,
        logo=doc.meta.logo.path.as_uri() if doc.meta.logo else None,
        created=w3c_datetime(doc.meta),
        inline=inlines_html,
        page_of=_page_attr,
        part_break=Markup(PART_BREAK) if split else "",
    )


def w3c_datetime(meta: m.Meta) -> str | None:
    """The document's creation time as HTML metadata gives it (UTC): '2018-10-05T00:00:00Z'."""
    if meta.created is not None:
        return meta.created.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return meta.date.isoformat() if meta.date else None


def stylesheet_paths(layout: str = "default") -> list[Path]:
    return sorted(layout_dir(layout).glob("*.css"))
