"""Assemble stage: resolve and validate the images a report uses.

A reference is resolved against the file that makes it (``../assets/x.jpg``
from a section) or against the project root (``/assets/x.jpg``, as on a
Jekyll site). It must stay inside the project once symlinks are followed
(``resources.World``), exist, and be an image of an allowed format that
decodes completely and is not a decompression bomb; the result is a model
``Image`` shared by every writer, so an image is validated once for the PDF
and the DOCX. SVG (for charts) is checked by ``check_svg``: parsed without
DTDs or entities, no scripts and no reference to anything outside the file.
A layout's stylesheets are checked by ``layout_problems`` before anything is
typeset: every ``@import``, ``url()`` and ``@font-face src`` must name a file
a build may read, or it is an error at its file, line and column.
"""

from __future__ import annotations

import re
import struct
import urllib.parse
from pathlib import Path

from PIL import Image as PILImage

from reportgen.errors import Problem, SourceLoc
from reportgen.model.nodes import Image
from reportgen.resources import OutsideWorld, World, data_dir, installation_files, layout_dir

ALLOWED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
#: Images with more pixels than this are refused (decompression bombs).
MAX_PIXELS = 80_000_000


class AssetError(ValueError):
    """A reference that cannot be used; the message says why."""


class Assets:
    """Resolves references for one project and caches what it has read."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.world = World.of(root)
        self._cache: dict[Path, Image] = {}

    def resolve(self, ref: str, base: Path) -> Path:
        """The file ``ref`` names, written in a file in folder ``base``."""
        parsed = urllib.parse.urlsplit(ref)
        if parsed.scheme or parsed.netloc or ref.startswith("\\\\"):
            raise AssetError(
                f"'{ref}' is not a file of the project (a report reads no URLs); "
                "put the file in the project and refer to it by a relative path"
            )
        rel = urllib.parse.unquote(parsed.path)
        if not rel:
            raise AssetError("empty file reference")
        if "\0" in rel or "\\" in rel:
            raise AssetError(f"'{ref}' is not a file name (it contains a NUL or a backslash)")
        target = self.root / rel.lstrip("/") if rel.startswith("/") else base / rel
        try:
            return self.world.in_project(target)
        except OutsideWorld:
            raise AssetError(f"'{ref}' points outside the report project ({self.root})") from None

    def image(self, ref: str, base: Path, alt: str = "") -> Image:
        path = self.resolve(ref, base)
        if path not in self._cache:
            self._cache[path] = self._read(path, ref)
        img = self._cache[path]
        return Image(img.path, img.width, img.height, alt)

    def _read(self, path: Path, ref: str) -> Image:
        if not path.is_file():
            raise AssetError(f"image '{ref}' not found (looked for {path})")
        if path.suffix.lower() == ".svg":
            raise AssetError(f"image '{ref}' is SVG; use one of "
                             f"{', '.join(sorted(ALLOWED_FORMATS))} (the DOCX cannot show SVG)")
        # Registered by hand: asked for a format it has not loaded, Pillow imports all its
        # plugins (60 ms).
        from PIL import GifImagePlugin, JpegImagePlugin, PngImagePlugin, WebPImagePlugin  # noqa: F401

        try:
            # Only the allowed formats' parsers ever see the file (no EPS, PSD, ... plugins).
            with PILImage.open(path, formats=sorted(ALLOWED_FORMATS)) as im:
                fmt, (w, h) = im.format, im.size
                if w * h <= MAX_PIXELS:
                    im.verify()  # the whole file is there and its checksums are right
        except PILImage.UnidentifiedImageError:
            raise AssetError(f"image '{ref}' is not a {', '.join(sorted(ALLOWED_FORMATS))} "
                             "image") from None
        except (OSError, SyntaxError, ValueError, IndexError, EOFError, struct.error,
                PILImage.DecompressionBombError) as exc:
            # IndexError: Pillow's PNG verify on a truncated file, once WeasyPrint (imported in
            # this process by a build with -j 1 or the preview) set LOAD_TRUNCATED_IMAGES.
            raise AssetError(f"image '{ref}' cannot be read: {exc or type(exc).__name__}") \
                from None
        if w * h > MAX_PIXELS:
            raise AssetError(f"image '{ref}' has {w}×{h} pixels, more than {MAX_PIXELS:,} "
                             "(a decompression bomb?)")
        assert fmt in ALLOWED_FORMATS
        return Image(path, w, h)


SVG_NS = "http://www.w3.org/2000/svg"
_SVG_FORBIDDEN = {"script", "foreignObject", "iframe", "object", "embed", "handler", "listener"}
_LENGTH = re.compile(r"\s*([0-9.]+)\s*(px|pt)?\s*$")


def check_svg(path: Path, max_bytes: int = 20_000_000) -> tuple[int, int]:
    """Check that the SVG file at ``path`` is self-contained and harmless; its size in px.

    Refused (AssetError, with the reason): a DOCTYPE or entity declarations (XML bombs,
    external entities), scripts and embedded documents, event handler attributes, and
    any reference that is not to an element of the same file (``href="#id"``,
    ``url(#id)``): no other file, URL or ``data:`` resource is ever loaded through it.
    """
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    if not path.is_file():  # a device or a pipe would never end
        raise AssetError(f"SVG '{path.name}' is not a file")
    if path.stat().st_size > max_bytes:
        raise AssetError(f"SVG '{path.name}' is larger than {max_bytes:,} bytes")
    data = path.read_bytes()
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise AssetError(f"SVG '{path.name}' is refused: {type(exc).__name__} "
                         "(no DOCTYPE or entity declarations in an SVG)") from None
    except Exception as exc:  # ParseError
        raise AssetError(f"SVG '{path.name}' is not well-formed XML: {exc}") from None
    if root.tag != f"{{{SVG_NS}}}svg":
        raise AssetError(f"SVG '{path.name}' does not start with an <svg> element")
    for node in root.iter():
        local = str(node.tag).rsplit("}", 1)[-1]
        if local in _SVG_FORBIDDEN:
            raise AssetError(f"SVG '{path.name}': <{local}> is not allowed")
        for name, value in node.attrib.items():
            attr = name.rsplit("}", 1)[-1]
            if attr.startswith("on"):
                raise AssetError(f"SVG '{path.name}': event handler {attr}= is not allowed")
            if attr == "href" and not value.strip().startswith("#"):
                raise AssetError(f"SVG '{path.name}': <{local} href='{value[:60]}'> refers to "
                                 "something outside the file")
            _check_css(path, value)
        if local == "style" and node.text:
            _check_css(path, node.text)
    return _svg_length(root.get("width"), root.get("viewBox"), 2), _svg_length(
        root.get("height"), root.get("viewBox"), 3)


def _check_css(path: Path, text: str) -> None:
    if "@import" in text or re.search(r"url\(\s*['\"]?\s*(?!#)", text):
        raise AssetError(f"SVG '{path.name}': a style loads a URL ({text.strip()[:60]})")


def _svg_length(value: str | None, view_box: str | None, index: int) -> int:
    if value and (match := _LENGTH.match(value)):
        number = float(match.group(1)) * (4 / 3 if match.group(2) == "pt" else 1)
        return max(1, round(number))
    parts = (view_box or "").replace(",", " ").split()
    if len(parts) == 4:
        return max(1, round(float(parts[index])))
    return 300 if index == 2 else 150  # CSS's default size of a replaced element


# ------------------------------------------------------------------ layouts


def layout_problems(layout: str, project_root: Path) -> list[Problem]:
    """What a build may not read among the files of ``layout`` and the bundled fonts: a file
    that is a link leading out of the installation, and each ``@import``, ``url()`` or
    ``@font-face src`` of a stylesheet that names something outside the world
    (``resources.World``), at its file, line and column. Run before anything is typeset, so
    that WeasyPrint's fetcher never has to refuse."""
    world = World.of(project_root)
    try:
        installation_files(layout_dir(layout), recursive=True)
        installation_files(data_dir("fonts"))
        sheets = installation_files(layout_dir(layout), "*.css")
    except OutsideWorld as exc:
        return [Problem(SourceLoc(Path(exc.path)), str(exc))]
    problems = []
    for sheet in sheets:
        for url, line, col in stylesheet_urls(sheet.read_text(encoding="utf-8")):
            try:
                world.resolve_url(urllib.parse.urljoin(sheet.as_uri(), url))
            except OutsideWorld as exc:
                problems.append(Problem(SourceLoc(sheet, line, col), f"url({url}) "
                                        f"is refused: {exc} (a layout may use its own files "
                                        "and the bundled fonts)"))
    return problems


def stylesheet_urls(css: str) -> list[tuple[str, int, int]]:
    """Every URL a stylesheet loads (``@import``, ``url()``, ``src``), with its line and column."""
    import tinycss2

    found: list[tuple[str, int, int]] = []

    def walk(tokens: object) -> None:
        for token in tokens or ():  # type: ignore[attr-defined]
            kind = getattr(token, "type", None)
            if kind == "url":
                found.append((token.value, token.source_line, token.source_column))
            elif kind == "function" and token.lower_name in ("url", "src"):
                for arg in token.arguments:
                    if arg.type == "string":
                        found.append((arg.value, token.source_line, token.source_column))
                walk(token.arguments)
            elif kind == "at-rule":
                if token.lower_at_keyword == "import":
                    found.extend((t.value, t.source_line, t.source_column)
                                 for t in token.prelude if t.type == "string")
                walk(token.prelude)
                walk(token.content)
            elif kind in ("qualified-rule",):
                walk(token.prelude)
                walk(token.content)
            elif kind in ("() block", "[] block", "{} block", "function"):
                walk(getattr(token, "content", None) or getattr(token, "arguments", None))

    walk(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True))
    return found
