"""HTML writer: the document model as one HTML page, arranged by the layout's Jinja template.

Blocks become HTML here (escaped with markupsafe; a role becomes a CSS class);
the layout template only arranges the parts (cover, contents, sections) and
the layout's CSS does the look. What it must agree on with the DOCX writer (gallery
columns, the list of figures, caption and appendix labels) it takes from ``rules``. This
writer reads no other writer's output and keeps no state between renders: the page numbers
of a split render are a parameter (``HtmlWriter(pages=...)``), and so is what the last
layout asked of this one (``Adjustments``, found by ``pdf.refine``). The whole page, in
the layout's template, is ``htmlpage``'s.

The HTML is for print: the running text carries soft hyphens wherever a word may break
(``softhyphens``; the layout's ``hyphens: manual`` breaks words there and nowhere else),
and each paragraph a key (``data-k``) by which the refinement names a word to keep whole,
to break at one place only or to glue to the next (``softhyphens.Breaks``); a paragraph
whose lines the refinement chose is marked ``data-j`` and may carry a ``tight-N`` class.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from reportgen.model import nodes as m
from reportgen.render import rules
from reportgen.render.adjustments import NONE, TIGHT_LEVELS, Adjustments
from reportgen.render.softhyphens import TextBlock


@dataclass
class HtmlWriter:
    """The HTML of model nodes in one render: ``strings`` are the layout's words; ``pages``
    (element id -> page number, as text) are given to a split render only, else None;
    ``adjustments`` what the last layout asked for; ``words`` the edition's small-letter
    words (the name rule of soft hyphens)."""

    strings: dict[str, str]
    pages: Mapping[str, str] | None = None
    adjustments: Adjustments = NONE
    words: frozenset[str] = frozenset()
    lang: str = ""
    #: The running text being written (its soft hyphens), None where none go (headings,
    #: captions, footnotes, the contents).
    text: TextBlock | None = None
    #: Where keys are counted: the section's id, a counter of its text blocks and of its
    #: page references, and the targets written so far (a reference says 'above' them).
    scope: str = ""
    counters: dict[str, int] = field(default_factory=dict)
    written: set[str] = field(default_factory=set)

    def page_attr(self, target: str) -> Markup:
        """' data-page="12"' when page numbers are given, so the layout shows them as text."""
        if self.pages is None:
            return Markup("")
        return Markup(f' data-page="{escape(self.pages[target])}"')

    def _next(self, kind: str) -> str:
        n = self.counters.get(kind, 0) + 1
        self.counters[kind] = n
        return f"{self.scope}.{n}"

    def begin(self, scope: str, lang: str) -> None:
        """Write what follows in ``lang``, its keys counted in ``scope`` (a section's id)."""
        if scope != self.scope:
            self.scope, self.counters = scope, {}
        self.lang = lang

    # ------------------------------------------------------------------ inlines
    def inlines(self, nodes: tuple[m.Inline, ...]) -> Markup:
        out: list[str] = []
        for node in nodes:
            match node:
                case m.Text(text=t):
                    out.append(self._text(t))
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
                    out.append(f"<span{attrs}>{self._spanned(c, role, lang)}</span>")
                case m.Note(number=n, paragraphs=paragraphs):
                    # float: footnote moves it to the page's footnote area, leaving the call.
                    # Its lines are ragged: no soft hyphens, and its words are not counted.
                    text, self.text = self.text, None
                    notes = "<br>".join(self.inlines(p) for p in paragraphs)
                    self.text = text
                    out.append(f'<span class="footnote" data-n="{n}">{notes}</span>')
                case m.PageRef(target=target):
                    # The layout's CSS puts target-counter(attr(data-target url), page) here.
                    out.append(f'<span class="pageref" data-target="#{escape(target)}"'
                               f"{self.page_attr(target)}></span>")
                case m.CrossRef():
                    out.append(self.crossref(node))
                case _:
                    raise TypeError(f"unknown inline node {node!r}")
        return Markup("".join(out))

    def _text(self, text: str) -> str:
        if self.text is None:
            return str(escape(text))
        return "".join(f'<span class="nobr">{escape(piece)}</span>' if whole else str(
            escape(piece)) for piece, whole in self.text.pieces(text, self.lang))

    def _spanned(self, children: tuple[m.Inline, ...], role: str | None,
                 lang: str | None) -> Markup:
        """A span's inlines in its language; a date or a period is never broken: no soft
        hyphens, and no break but at its ordinary spaces (the one after a range's dash), not
        after the dash of '21–22' nor anywhere a narrow column would break a word."""
        if role == "date" and all(isinstance(c, m.Text) for c in children):
            text = "".join(c.text for c in children if isinstance(c, m.Text))
            return Markup(" ").join(Markup('<span class="nobr">{}</span>').format(piece)
                                    for piece in text.split(" "))
        saved_lang, saved_text = self.lang, self.text
        self.lang = lang or self.lang
        if role == "date":
            self.text = None
        try:
            return self.inlines(children)
        finally:
            self.lang, self.text = saved_lang, saved_text

    def running(self, key: str | None = "") -> TextBlock:
        """A text block to write running text into (``key`` None: one whose lines are not
        refined; "": the next paragraph key of this section)."""
        if key == "":
            key = self._next("p")
        return TextBlock(key, self.words, self.adjustments.breaks)

    def plain(self, nodes: tuple[m.Inline, ...]) -> Markup:
        """Inlines without soft hyphens (headings, captions, the contents)."""
        text, self.text = self.text, None
        try:
            return self.inlines(nodes)
        finally:
            self.text = text

    def crossref(self, ref: m.CrossRef) -> str:
        """A resolved reference as a link; one that shows a page has an id, so that the
        layout can tell when it stands on its target's page, and then says where the target
        is instead ('таблица 1 ниже', ``here``)."""
        attrs = f'class="xref {escape(ref.kind)}" href="#{escape(ref.target)}"'
        if not any(isinstance(c, m.PageRef) for c in ref.children):
            return f"<a {attrs}>{self.inlines(ref.children)}</a>"
        rid = f"ref-{self._next('ref')}"
        children = ref.children
        if rid in self.adjustments.here:
            where = "above" if ref.target in self.written else "below"
            children = rules.reference_here(ref, self.strings, where)
        return f'<a id="{escape(rid)}" {attrs}>{self.inlines(children)}</a>'

    # ------------------------------------------------------------------ blocks
    def caption(self, number: int, caption: tuple[m.Inline, ...]) -> str:
        """A figure's caption: its label ('Рисунок 3.', '3-сурет.': ``rules``), its text."""
        label = rules.caption_label("figure", number, self.strings)
        text = f" {self.plain(caption)}" if caption else ""
        return f'<figcaption><span class="caption-label">{escape(label)}</span>{text}</figcaption>'

    def paragraph(self, nodes: tuple[m.Inline, ...]) -> tuple[str, Markup]:
        """The key and the HTML of a paragraph's running text."""
        text, self.text = self.text, self.running()
        key = self.text.key or ""
        try:
            return key, self.inlines(nodes)
        finally:
            self.text = text

    def paragraph_attrs(self, key: str, role: str | None = None) -> Markup:
        """The attributes of a paragraph's ``<p>``: its class (its role, a tightening), its
        key, and ``data-j`` once its lines were chosen (``pdf.justify``: not chosen again)."""
        roles = [role] if role else []
        roles += [f"tight-{n}" for n in range(1, TIGHT_LEVELS + 1)
                  if f"{key}={n}" in self.adjustments.tight][:1]
        cls = f' class="{escape(" ".join(roles))}"' if roles else ""
        planned = ' data-j="1"' if key in self.adjustments.planned else ""
        return Markup(f'{cls} data-k="{escape(key)}"{planned}')

    def table(self, table: m.Table) -> str:
        """A data table: caption above, header rows in <thead> (repeated on every page)."""
        label = rules.caption_label("table", table.number, self.strings)
        caption = f'<span class="caption-label">{escape(label)}</span>'
        if table.caption:
            caption += f" {self.plain(table.caption)}"
        cols = "".join(f'<col style="width: {w * 100:.2f}%">' for w in table.widths)

        def cell(children: tuple[m.Inline, ...]) -> Markup:
            text, self.text = self.text, self.running(None)
            try:
                return self.inlines(children)
            finally:
                self.text = text

        def row(r: m.Row, tag: str) -> str:
            if r.role == "group":
                return (f'<tr class="group"><td colspan="{len(table.widths)}">'
                        f"{cell(r.cells[0].children)}</td></tr>")
            cells = "".join(f'<{tag} class="{a}">{cell(c.children)}</{tag}>'
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
        """``blocks`` in order, but a figure the last layout asked to defer comes that many
        blocks later (never past a heading or the end of its container)."""
        out: list[str] = []
        held: list[_Held] = []

        def place(entry: _Held) -> None:
            out.append(entry.html)
            self.written.update(entry.ids)

        for block in blocks:
            if isinstance(block, m.Heading):
                for entry in held:
                    place(entry)
                held = []
            entry = _Held(0, self.block(block), _ids(block))
            if isinstance(block, m.Figure | m.Gallery | m.Chart):
                entry.wait = self.adjustments.deferral(block.id)
            if entry.wait:
                held.append(entry)
                continue
            place(entry)
            for entry in held:
                entry.wait -= 1
            for entry in [e for e in held if e.wait <= 0]:
                place(entry)
                held.remove(entry)
        for entry in held:
            place(entry)
        return Markup("\n".join(out))

    def block(self, block: m.Block) -> str:
        match block:
            case m.Heading(level=level, children=c, id=hid):
                return f'<h{level} id="{escape(hid)}">{self.plain(c)}</h{level}>'
            case m.Paragraph(children=c, role=role):
                key, body = self.paragraph(c)
                return f"<p{self.paragraph_attrs(key, role)}>{body}</p>"
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
                saved, self.lang = self.lang, lang or self.lang
                try:
                    return f"<div{attrs}>{self.blocks(b)}</div>"
                finally:
                    self.lang = saved
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
                compact = " compact" if gid in self.adjustments.compact else ""
                return (f'<figure id="{escape(gid)}" class="gallery{compact} '
                        f'cols-{rules.gallery_columns(len(images))}">'
                        f'<div class="grid">{cells}</div>'
                        f"{self.caption(n, caption)}</figure>")
            case m.Chart(svg=svg, alt=alt, caption=caption, number=n, id=cid, kind=kind,
                         width_mm=w):
                return (f'<figure id="{escape(cid)}" class="figure chart chart-{kind}">'
                        f'<img src="{escape(svg.as_uri())}" alt="{escape(alt)}" '
                        f'style="width: {w:g}mm">'
                        f"{self.caption(n, caption)}</figure>")


@dataclass
class _Held:
    """A block waiting to be placed: how many blocks it still waits for, its HTML, its ids."""

    wait: int
    html: str
    ids: list[str]


def _ids(block: m.Block) -> list[str]:
    """The ids a block gives the page: a figure's or table's (what references point at)."""
    match block:
        case m.Figure(id=i) | m.Gallery(id=i) | m.Chart(id=i) | m.Table(id=i) | m.Heading(id=i):
            return [i]
    return []


def _img(image: m.Image, alt: str) -> str:
    # Every picture has a description (PDF/UA); the same one as in the DOCX.
    return (f'<img src="{escape(image.path.as_uri())}" alt="{escape(alt)}" '
            f'width="{image.width}" height="{image.height}">')
