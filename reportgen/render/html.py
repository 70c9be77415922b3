"""HTML writer: the document model as one HTML page, arranged by the layout's Jinja template.

Blocks become HTML here (escaped with markupsafe; a role becomes a CSS class);
the layout template only arranges the parts (cover, contents, sections) and
the layout's CSS does the look. What it must agree on with the DOCX writer (gallery
columns, the list of figures, appendix labels) it takes from ``rules``. This writer
reads no other writer's output and keeps no state between renders: the page numbers of
a split render are a parameter (``render_html(pages=...)``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from reportgen.model import nodes as m
from reportgen.model import walk
from reportgen.render import rules
from reportgen.resources import font_faces, layout_dir

#: Marks where the HTML of a split render is cut into parts (``split_parts``).
PART_BREAK = "<!-- reportgen:part -->"


@dataclass(frozen=True, slots=True)
class HtmlWriter:
    """The HTML of model nodes in one render: ``strings`` are the layout's words; ``pages``
    (element id -> page number, as text) are given to a split render only, else None."""

    strings: dict[str, str]
    pages: Mapping[str, str] | None = None

    def page_attr(self, target: str) -> Markup:
        """' data-page="12"' when page numbers are given, so the layout shows them as text."""
        if self.pages is None:
            return Markup("")
        return Markup(f' data-page="{escape(self.pages[target])}"')

    def inlines(self, nodes: tuple[m.Inline, ...]) -> Markup:
        out: list[str] = []
        for node in nodes:
            match node:
                case m.Text(text=t):
                    out.append(escape(t))
                case m.Strong(children=c):
                    out.append(f"<strong>{self.inlines(c)}</strong>")
                case m.Emph(children=c):
                    out.append(f"<em>{self.inlines(c)}</em>")
                case m.Code(text=t):
                    out.append(f"<code>{escape(t)}</code>")
                case m.Link(url=url, children=c):
                    out.append(f'<a href="{escape(url)}">{self.inlines(c)}</a>')
                case m.LineBreak():
                    out.append("<br>")
                case m.Span(children=c, role=role, lang=lang):
                    attrs = (f' class="{escape(role)}"' if role else "") + (
                        f' lang="{escape(lang)}"' if lang else "")
                    out.append(f"<span{attrs}>{self.inlines(c)}</span>")
                case m.Note(number=n, paragraphs=paragraphs):
                    # float: footnote moves it to the page's footnote area, leaving the call.
                    text = "<br>".join(self.inlines(p) for p in paragraphs)
                    out.append(f'<span class="footnote" data-n="{n}">{text}</span>')
                case m.PageRef(target=target):
                    # The layout's CSS puts target-counter(attr(data-target url), page) here.
                    out.append(f'<span class="pageref" data-target="#{escape(target)}"'
                               f"{self.page_attr(target)}></span>")
                case m.CrossRef(target=target, children=c, kind=kind):
                    out.append(f'<a class="xref {escape(kind)}" href="#{escape(target)}">'
                               f"{self.inlines(c)}</a>")
                case _:
                    raise TypeError(f"unknown inline node {node!r}")
        return Markup("".join(out))

    def caption(self, number: int, caption: tuple[m.Inline, ...]) -> str:
        text = f" {self.inlines(caption)}" if caption else ""
        return (f'<figcaption><span class="caption-label">{escape(self.strings["figure"])}'
                f"&nbsp;{number}.</span>{text}</figcaption>")

    def table(self, table: m.Table) -> str:
        """A data table: caption above, header rows in <thead> (repeated on every page)."""
        label = (f'<span class="caption-label">{escape(self.strings["table"])}'
                 f"&nbsp;{table.number}.</span>")
        caption = f"{label} {self.inlines(table.caption)}" if table.caption else label
        cols = "".join(f'<col style="width: {w * 100:.2f}%">' for w in table.widths)

        def row(r: m.Row, cell: str) -> str:
            if r.role == "group":
                return (f'<tr class="group"><td colspan="{len(table.widths)}">'
                        f"{self.inlines(r.cells[0].children)}</td></tr>")
            cells = "".join(f'<{cell} class="{a}">{self.inlines(c.children)}</{cell}>'
                            for c, a in zip(r.cells, table.align, strict=True))
            return f"<tr>{cells}</tr>"

        head = "".join(row(r, "th") for r in table.head)
        body = "".join(row(r, "td") for r in table.body)
        cls = f"data-table {table.role}" if table.role else "data-table"
        return (f'<div class="{cls}" id="{escape(table.id)}">'
                f'<p class="table-caption">{caption}</p>'
                f"<table><colgroup>{cols}</colgroup><thead>{head}</thead><tbody>{body}</tbody>"
                "</table></div>")

    def blocks(self, blocks: tuple[m.Block, ...]) -> Markup:
        return Markup("\n".join(self.block(block) for block in blocks))

    def block(self, block: m.Block) -> str:
        match block:
            case m.Heading(level=level, children=c, id=hid):
                return f'<h{level} id="{escape(hid)}">{self.inlines(c)}</h{level}>'
            case m.Paragraph(children=c, role=role):
                cls = f' class="{escape(role)}"' if role else ""
                return f"<p{cls}>{self.inlines(c)}</p>"
            case m.ListBlock(items=items, ordered=ordered, start=start):
                tag = "ol" if ordered else "ul"
                first = f' start="{start}"' if ordered and start != 1 else ""
                lis = "".join(f"<li>{self.blocks(item)}</li>" for item in items)
                return f"<{tag}{first}>{lis}</{tag}>"
            case m.Quote(blocks=b):
                return f"<blockquote>{self.blocks(b)}</blockquote>"
            case m.Figure() | m.Gallery() | m.Chart():
                return self.figure(block)
            case m.MetricGrid(metrics=metrics):
                tiles = "".join(
                    f'<div class="metric"><div class="metric-value">{escape(x.value)}</div>'
                    f'<div class="metric-label">{escape(x.label)}</div>'
                    + (f'<div class="metric-detail">{escape(x.detail)}</div>' if x.detail else "")
                    + "</div>"
                    for x in metrics
                )
                # The layout's CSS gives ``n<count>`` the columns of rules.metric_columns.
                return f'<div class="metrics n{len(metrics)}">{tiles}</div>'
            case m.Div(blocks=b, role=role, lang=lang):
                attrs = f' class="{escape(role)}"' if role else ""
                attrs += f' lang="{escape(lang)}"' if lang else ""
                return f"<div{attrs}>{self.blocks(b)}</div>"
            case m.ThematicBreak():
                return "<hr>"
            case m.Table():
                return self.table(block)
            case _:
                raise TypeError(f"unknown block {block!r}")

    def figure(self, block: m.Figure | m.Gallery | m.Chart) -> str:
        word = self.strings["figure"]
        match block:
            case m.Figure(image=image, caption=caption, number=n, id=fid, role=role):
                cls = f"figure {role}" if role else "figure"
                alt = m.figure_alt(block, word)
                return (f'<figure id="{escape(fid)}" class="{cls}">{_img(image, alt)}'
                        f"{self.caption(n, caption)}</figure>")
            case m.Gallery(images=images, caption=caption, number=n, id=gid):
                cells = "".join(f'<div class="cell">{_img(i, alt)}</div>'
                                for i, alt in zip(images, m.gallery_alts(block, word),
                                                  strict=True))
                return (f'<figure id="{escape(gid)}" class="gallery '
                        f'cols-{rules.gallery_columns(len(images))}">'
                        f'<div class="grid">{cells}</div>'
                        f"{self.caption(n, caption)}</figure>")
            case m.Chart(svg=svg, alt=alt, caption=caption, number=n, id=cid, kind=kind,
                         width_mm=w):
                return (f'<figure id="{escape(cid)}" class="figure chart chart-{kind}">'
                        f'<img src="{escape(svg.as_uri())}" alt="{escape(alt)}" '
                        f'style="width: {w:g}mm">'
                        f"{self.caption(n, caption)}</figure>")


def _img(image: m.Image, alt: str) -> str:
    # Every picture has a description (PDF/UA); the same one as in the DOCX.
    return (f'<img src="{escape(image.path.as_uri())}" alt="{escape(alt)}" '
            f'width="{image.width}" height="{image.height}">')


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

    Besides the model, the layout's template is given what the writers share
    (``rules``): each section's ``label`` and ``title``, the ``figures`` of the list of
    figures and its ``lof_place``, and the cover's ``place`` line.
    """
    writer = HtmlWriter(doc.meta.strings, pages)
    template = _environment(layout).get_template("report.html.j2")
    strings = doc.meta.strings
    sections = [
        {
            "section": s,
            "body": writer.blocks(s.blocks),
            "lead": writer.inlines(s.lead),
            "summary": writer.inlines(s.summary),
            "headings": walk.headings(s.blocks, level=2),
            "cover": s.cover.path.as_uri() if s.cover else None,
            "label": rules.appendix_label(s, strings),
            "title": rules.section_title(s, strings),
        }
        for s in doc.sections
    ]
    figures = [{"id": f.id, "number": f.number, "caption": writer.inlines(f.caption)}
               for f in rules.listed_figures(doc)]
    return template.render(
        meta=doc.meta,
        figures=figures,
        lof_place=rules.list_of_figures_place(doc),
        place=rules.cover_place(doc.meta),
        s=strings,
        sections=sections,
        has_summaries=doc.has_summaries,
        logo=doc.meta.logo.path.as_uri() if doc.meta.logo else None,
        created=w3c_datetime(doc.meta),
        inline=writer.inlines,
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


def _environment(layout: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(layout_dir(layout)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["plain"] = m.metadata_text
    return env


def w3c_datetime(meta: m.Meta) -> str | None:
    """The document's creation time as HTML metadata gives it (UTC): '2018-10-05T00:00:00Z'."""
    if meta.created is not None:
        return meta.created.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return meta.date.isoformat() if meta.date else None


def stylesheet_paths(layout: str = "default") -> list[Path]:
    return sorted(layout_dir(layout).glob("*.css"))
