"""Assemble stage: raw HTML in narrative Markdown, as events, and the allowlist for it and for links.

A report reads raw HTML only to understand the Jekyll constructs of the
organization's site (``div``, carousels, ``video``, ``img`` and a few inline
tags; see ``narrative``). Everything that could run code, load something
from outside the project or change how other resources are found is refused
here, with a reason, before the narrative reader looks at the element:
script-like and embedding elements, ``<base>``/``<link>``/``<meta>``/
``<style>``, event handler attributes, ``style`` attributes that load a URL,
``javascript:``/``data:`` URLs, and what asks for a file to be attached
(``<a rel="attachment">``, ``download``), which no output could hold.
``html_events`` splits raw HTML into the start tags, end tags and text the
readers walk. Nothing here renders or reads files.
"""

from __future__ import annotations

import re
import urllib.parse
from html.parser import HTMLParser

from reportgen.assemble.cssbounds import style_excesses
from reportgen.errors import Problems, SourceLoc

#: Elements never allowed, with what they would do.
FORBIDDEN_ELEMENTS: dict[str, str] = {
    **dict.fromkeys(("script", "noscript", "template"), "would run code in a browser"),
    **dict.fromkeys(("iframe", "frame", "frameset", "object", "embed", "applet", "portal"),
                    "would embed another document"),
    "base": "would change where every link and image is looked for",
    "link": "would load a stylesheet or attach a file",
    "meta": "would change the document's metadata or behaviour",
    "style": "would restyle the layout (change the look in the layout's CSS)",
    **dict.fromkeys(("form", "input", "button", "select", "textarea"),
                    "is an interactive form"),
    **dict.fromkeys(("svg", "math"), "is inline markup of its own (put an SVG in a file)"),
    "audio": "cannot be printed",
}

#: Attributes whose value is a URL.
URL_ATTRIBUTES = frozenset({"href", "src", "poster", "srcset", "action", "formaction", "data",
                            "background", "cite", "longdesc", "xlink:href", "ping", "manifest"})
#: Schemes a link in the report may point to (it is only shown, never read).
LINK_SCHEMES = ("http", "https", "mailto")
#: Elements without an end tag.
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                  "source", "track", "wbr"})
_CSS_URL = re.compile(r"url\s*\(|@import|expression\s*\(|image-set\s*\(", re.I)
_CONTROL = re.compile(r"[\x00-\x20]+")


def element_problems(tag: str, attrs: dict[str, str], style_url_allowed: bool = False
                     ) -> list[str]:
    """Why the start tag ``<tag attrs>`` is refused (nothing when it passes the allowlist).

    ``style_url_allowed``: the caller reads and checks the style's url() itself (a
    carousel slide's background image, which becomes a project file like any image).
    """
    problems = []
    if tag in FORBIDDEN_ELEMENTS:
        problems.append(f"<{tag}> is not allowed in a report: it {FORBIDDEN_ELEMENTS[tag]}")
    for name, value in attrs.items():
        if name.startswith("on"):
            problems.append(f"<{tag} {name}=...>: event handler attributes are not allowed "
                            "(a report runs no code)")
        elif name == "style" and _CSS_URL.search(value) and not style_url_allowed:
            problems.append(f"<{tag} style=...>: a style that loads a URL is not allowed "
                            f"({_short(value)})")
        elif name == "style" and (excess := style_excesses(value)):  # issue 23: bounds
            problems.append(f"<{tag} style=...>: {excess[0].message}")
        elif tag not in FORBIDDEN_ELEMENTS and (
                name == "download" or name == "rel" and "attachment" in value.lower().split()):
            problems.append(f"<{tag} {name}=...>: a report attaches no files (neither the PDF "
                            "nor the DOCX would hold it); link to the file's https:// address")
        elif (name in URL_ATTRIBUTES and not (tag == "a" and name == "href")  # see link_problem
              and (scheme := _scheme(value)) in ("javascript", "vbscript", "data")):
            problems.append(f"<{tag} {name}=...>: {scheme}: URLs are not allowed "
                            f"({_short(value)})")
    return problems


def check_element(tag: str, attrs: dict[str, str], loc: SourceLoc, problems: Problems,
                  slide: bool = False) -> bool:
    """Record at ``loc`` what the allowlist refuses in the start tag ``<tag attrs>``; True if
    the element itself is refused. ``slide``: a carousel slide, whose style's url() is read as
    its image (see ``element_problems``)."""
    for message in element_problems(tag, attrs, style_url_allowed=slide):
        problems.error(loc, message)
    if tag == "a" and (problem := link_problem(attrs.get("href", ""))):
        problems.error(loc, problem)
    return tag in FORBIDDEN_ELEMENTS


def link_problem(url: str) -> str | None:
    """Why a link target (``<a href>``, ``[text](url)``) is refused: links may go to the web,
    to e-mail, or inside the report."""
    if url.startswith("#"):
        return None
    scheme = _scheme(url)
    if scheme in LINK_SCHEMES:
        return None
    if not scheme:
        return (f"link to '{_short(url)}': a relative link has no target in a printed report; "
                "write the full https:// address")
    return (f"link to '{_short(url)}': {scheme}: links are not allowed "
            f"(use {', '.join(s + ':' for s in LINK_SCHEMES)})")


def _scheme(url: str) -> str:
    # Browsers ignore control characters and spaces inside a scheme ('java\tscript:').
    cleaned = _CONTROL.sub("", url)
    if re.match(r"^[A-Za-z]:[\\/]", cleaned):
        return "file"  # a Windows drive path
    if cleaned.startswith(("\\\\", "//")):
        return "file"  # \\server\share or a network path
    return urllib.parse.urlsplit(cleaned).scheme.lower()


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


#: One piece of raw HTML: ("start" | "end" | "data", tag, attributes, text).
Event = tuple[str, str, dict[str, str], str]


class _Events(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[Event] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("start", tag, {k: v or "" for k, v in attrs}, ""))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("start", tag, {k: v or "" for k, v in attrs}, ""))
        if tag not in VOID:
            self.events.append(("end", tag, {}, ""))

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("end", tag, {}, ""))

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.events.append(("data", "", {}, data))


def html_events(text: str) -> list[Event]:
    """The start tags, end tags and (non-blank) text of a piece of raw HTML, in order."""
    parser = _Events()
    parser.feed(text)
    parser.close()
    return parser.events
