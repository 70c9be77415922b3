"""HTML writer, the page: the document's HTML in the layout's Jinja template, with the
bundled fonts' rules and the layout's stylesheets, cut into the parts of a split render.

Part of the render stage, beside ``html`` (the model's nodes as HTML), which it uses; the
template arranges (cover, contents, sections), the CSS does the look. The layout's files
are read only if no link leads out of the installation (``resources.installation_file``).
The page numbers of a split render are a parameter (``render_html(pages=...)``).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from pathlib import Path

import jinja2
from markupsafe import Markup

from reportgen.model import nodes as m
from reportgen.model import walk
from reportgen.render import rules
from reportgen.render.html import NONE, Adjustments, HtmlWriter
from reportgen.render.htmlmemo import SectionMemo
from reportgen.render.softhyphens import vocabulary
from reportgen.resources import font_faces, installation_file, installation_files, layout_dir

#: Marks where the HTML of a split render is cut into parts (``split_parts``).
PART_BREAK = "<!-- reportgen:part -->"


def font_face_css() -> str:
    """@font-face rules for the bundled fonts, under family names no system font has."""
    return "\n".join(
        f'@font-face {{ font-family: "{face.family}"; src: url("{face.path.as_uri()}"); '
        f"font-style: {face.style}; font-weight: {face.weight}; }}"
        for face in font_faces()
    )


def render_html(doc: m.Document, layout: str = "default",
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
    template = _environment(layout).get_template("report.html.j2")
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


def _environment(layout: str) -> jinja2.Environment:
    return _environment_in(layout_dir(layout))


@functools.lru_cache(maxsize=8)
def _environment_in(folder: Path) -> jinja2.Environment:
    """The Jinja environment of the layout in ``folder``, made once a process: its compiled
    templates are kept (compiling the report's template takes 50 ms, and a build makes an
    edition's HTML two or three times), and a template whose file changed since is read and
    compiled again (Jinja's ``auto_reload``: the preview sees a layout's edit)."""
    env = jinja2.Environment(
        loader=_InstalledLoader(folder),
        auto_reload=True,
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
    """The layout's stylesheets; a link leading out of the installation is refused (issue 23)."""
    return installation_files(layout_dir(layout), "*.css")


class _InstalledLoader(jinja2.FileSystemLoader):
    """The layout's templates, none of them a link leading out of the installation."""

    def get_source(self, environment: jinja2.Environment, template: str
                   ) -> tuple[str, str, Callable[[], bool]]:
        for folder in self.searchpath:
            path = Path(folder, *jinja2.loaders.split_template_path(template))
            if path.is_file():
                installation_file(path)
        return super().get_source(environment, template)
