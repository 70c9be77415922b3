"""HTML writer: the document model as one HTML page, arranged by the layout's Jinja template.

Blocks become HTML here (escaped with markupsafe; a role becomes a CSS class);
the layout template only arranges the parts (cover, contents, sections) and
the layout's CSS does the look. This writer reads no other writer's output.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from .. import model as m
from ..resources import font_faces, layout_dir


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
            case _:
                raise TypeError(f"unknown inline node {node!r}")
    return Markup("".join(out))


def _img(image: m.Image, cls: str = "") -> str:
    attrs = f' class="{cls}"' if cls else ""
    return (f'<img{attrs} src="{escape(image.path.as_uri())}" alt="{escape(image.alt)}" '
            f'width="{image.width}" height="{image.height}">')


def _caption(label: str, number: int, caption: tuple[m.Inline, ...]) -> str:
    text = f" {inlines_html(caption)}" if caption else ""
    return (f'<figcaption><span class="caption-label">{escape(label)}&nbsp;{number}.</span>'
            f"{text}</figcaption>")


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
                out.append(f'<figure id="{escape(fid)}" class="{cls}">{_img(image)}'
                           f"{_caption(strings['figure'], n, caption)}</figure>")
            case m.Gallery(images=images, caption=caption, number=n, id=gid):
                cols = 2 if len(images) in (2, 4) else 3
                cells = "".join(f'<div class="cell">{_img(i)}</div>' for i in images)
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


def render_html(doc: m.Document, layout: str = "default") -> str:
    """The whole report as an HTML page for the print layout ``layout``."""
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
            "headings": m.headings(s.blocks, level=2),
            "cover": s.cover.path.as_uri() if s.cover else None,
        }
        for s in doc.sections
    ]
    figures = [
        {"id": f.id, "number": f.number, "caption": inlines_html(f.caption)}
        for s in doc.sections for f in m.figures(s.blocks)
    ]
    return template.render(
        meta=doc.meta,
        figures=figures,
        s=doc.meta.strings,
        sections=sections,
        has_summaries=doc.has_summaries,
        logo=doc.meta.logo.path.as_uri() if doc.meta.logo else None,
        inline=inlines_html,
    )


def stylesheet_paths(layout: str = "default") -> list[Path]:
    return sorted(layout_dir(layout).glob("*.css"))
