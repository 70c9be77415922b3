"""Assemble stage: resolve and validate the images a report uses.

A reference is resolved against the file that makes it (``../assets/x.jpg``
from a section) or against the project root (``/assets/x.jpg``, as on a
Jekyll site). It must stay inside the project once symlinks are followed
(``resources.World``), exist, and be an image of an allowed format (the one
its extension says) that decodes completely and is not a decompression bomb.
Its pixels are re-encoded without metadata (``decoded``) into the project's
picture cache (``cache.pictures``, the one thing this stage writes, through
the cache stage); the result is a model ``Image`` pointing at that copy and
shared by every writer, so both outputs hold the same pixels and never the
file's own bytes. SVG (for charts) is checked by ``check_svg``: parsed without
DTDs or entities, no scripts and no reference to anything outside the file.
A layout's stylesheets are checked by ``layout_problems`` before anything is
typeset: every ``@import``, ``url()`` and ``@font-face src`` must name a file
a build may read, or it is an error at its file, line and column.
"""

from __future__ import annotations

import io
import re
import struct
import urllib.parse
from functools import lru_cache
from pathlib import Path

from PIL import Image as PILImage

from reportgen.assemble.cssbounds import Excess, stylesheet_excesses
from reportgen.cache import pictures
from reportgen.cache.root import CACHE_DIR
from reportgen.errors import Problem, SourceLoc
from reportgen.layout import Layout
from reportgen.model.nodes import Image
from reportgen.resources import OutsideWorld, World, data_dir, installation_files

ALLOWED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
#: Images with more pixels than this are refused (decompression bombs).
MAX_PIXELS = 80_000_000


class AssetError(ValueError):
    """A reference that cannot be used; the message says why."""


class Assets:
    """Resolves references for one project and caches what it has read. ``known``: what
    decoding each picture gave before (``pictures.Decoded``: the editions of a build share
    it, and builds keep it); none: every picture is decoded here."""

    def __init__(self, root: Path, known: pictures.Decoded | None = None) -> None:
        self.root = root.resolve()
        self.world = World.of(root)
        self.known = known
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
        return Image(img.path, img.width, img.height, alt, img.source)

    def _read(self, path: Path, ref: str) -> Image:
        if not path.is_file():
            raise AssetError(f"image '{ref}' not found (looked for {path})")
        if path.suffix.lower() == ".svg":
            raise AssetError(f"image '{ref}' is SVG; use one of "
                             f"{', '.join(sorted(ALLOWED_FORMATS))} (the DOCX cannot show SVG)")
        named = EXTENSIONS.get(path.suffix.lower())
        if named is None:
            raise AssetError(f"image '{ref}': a picture's name ends in one of "
                             f"{', '.join(sorted(EXTENSIONS))} (it says which format it is)")
        if self.known is not None:  # the file's digest, read only if it changed since
            known = self.known.copy(pictures.Decoded.file_digest(path, named))
            if known is not None:
                copy, w, h = known
                return Image(copy, w, h, source=path)
        try:
            raw = path.read_bytes()  # decoded from these bytes: the digest is of what was read
        except OSError as exc:
            raise AssetError(f"image '{ref}' cannot be read: {exc.strerror or exc}") from None
        digest = pictures.Decoded.digest(raw, named)
        known = self.known.copy(digest) if self.known is not None else None
        if known is not None:
            copy, w, h = known
            return Image(copy, w, h, source=path)
        data, ext, (w, h) = decoded(raw, ref, named)
        if CACHE_DIR in self.root.parts:  # reportgen's own chart, checked where it is drawn
            return Image(path, w, h)
        try:
            copy = pictures.store(self.root, data, ext)
        except OutsideWorld as exc:
            raise AssetError(f"the picture cache {exc.path} is a link leading out of the "
                             "project") from None
        if self.known is not None:
            self.known.keep(digest, copy, w, h)
        return Image(copy, w, h, source=path)


#: A picture's extension and the format its bytes must be in.
EXTENSIONS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".gif": "GIF", ".webp": "WEBP"}
#: The quality a JPEG is re-encoded with when its own tables cannot be kept (a turned photo).
JPEG_QUALITY = 95


def decoded(raw: bytes, ref: str, named: str) -> tuple[bytes, str, tuple[int, int]]:
    """The picture file ``raw`` (named ``ref``) decoded in full and re-encoded: its bytes,
    their extension and its size in pixels. What goes into an output is these pixels, never the file's bytes: a
    file that does not decode to its end (truncated, a bad checksum), whose bytes are not the
    format its name says, or with more than ``MAX_PIXELS``, is an ``AssetError`` naming it.

    A JPEG stays a JPEG (its own quantization tables and subsampling kept, so a photo loses
    nothing more), everything else becomes a PNG (lossless; GIF's and WebP's first frame).
    EXIF orientation is applied to the pixels, then no metadata is written: no EXIF, XMP,
    ICC profile, comment or text chunk. The bytes depend only on the pixels (and Pillow's
    version), so builds stay byte-identical."""
    # Registered by hand: asked for a format it has not loaded, Pillow imports all its
    # plugins (60 ms).
    from PIL import GifImagePlugin, ImageFile, JpegImagePlugin, PngImagePlugin, WebPImagePlugin  # noqa: F401

    allowed = ", ".join(sorted(ALLOWED_FORMATS))
    # WeasyPrint, once imported in this process (a build with -j 1, the preview), sets
    # LOAD_TRUNCATED_IMAGES: a cut file would then decode to grey. Not here.
    truncated_ok, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        # Only the allowed formats' parsers ever see the file (no EPS, PSD, ... plugins).
        with PILImage.open(io.BytesIO(raw), formats=sorted(ALLOWED_FORMATS)) as im:
            fmt, (w, h) = im.format, im.size
            if w * h > MAX_PIXELS:
                raise AssetError(f"image '{ref}' has {w}×{h} pixels, more than {MAX_PIXELS:,} "
                                 "(a decompression bomb?)")
            if fmt != named:
                raise AssetError(f"image '{ref}' is a {fmt} file, not {named} as its name "
                                 "says; give it the extension of its format")
            im.verify()  # a PNG's checksums, every chunk's to the end (nothing for a JPEG)
        with PILImage.open(io.BytesIO(raw), formats=[fmt]) as im:
            im.load()  # every pixel decoded: a truncated file fails here
            return _encoded(im)
    except AssetError:
        raise
    except PILImage.UnidentifiedImageError:
        raise AssetError(f"image '{ref}' is not a {allowed} image") from None
    except OSError as exc:
        if str(exc).startswith("image file is truncated"):
            raise AssetError(f"image '{ref}' is cut short: the file ends before its last "
                             "pixel") from None
        raise AssetError(f"image '{ref}' cannot be read: {exc or type(exc).__name__}") \
            from None
    except (SyntaxError, ValueError, IndexError, EOFError, struct.error,
            PILImage.DecompressionBombError) as exc:
        # IndexError: Pillow's PNG verify on some truncated files.
        raise AssetError(f"image '{ref}' cannot be read: {exc or type(exc).__name__}") \
            from None
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = truncated_ok


def _encoded(im: PILImage.Image) -> tuple[bytes, str, tuple[int, int]]:
    """``im``'s pixels (decoded) as new bytes, without any of its metadata (``decoded``)."""
    from PIL import ImageOps

    turn = im.getexif().get(0x0112, 1) not in (0, 1)  # EXIF Orientation: turn the pixels
    picture = ImageOps.exif_transpose(im) if turn else im
    out = io.BytesIO()
    # Pillow copies some of a file's metadata from im.info when not told (a JPEG's comment,
    # a PNG's ICC profile): none of it is kept.
    transparency = picture.info.get("transparency")
    picture.info = {}
    none: dict[str, object] = {"exif": b"", "icc_profile": None, "comment": b""}
    if im.format == "JPEG":
        ext = "jpg"
        if picture is im:
            im.save(out, "JPEG", quality="keep", optimize=True, **none)
        else:
            picture.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, **none)
    else:
        ext = "png"
        if picture.mode not in _PNG_MODES:
            picture = picture.convert("RGBA")
        elif transparency is not None and picture.mode in ("1", "L", "P", "RGB"):
            none["transparency"] = transparency  # pixels, not metadata
        picture.save(out, "PNG", optimize=False, compress_level=9, **none)
    return out.getvalue(), ext, picture.size


_PNG_MODES = {"1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"}


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


def layout_problems(layout: Layout, project_root: Path) -> list[Problem]:
    """What a build may not read among the files of ``layout`` and the fonts: a file that is
    a link leading out of the installation (a base layout's, a bundled font) or out of the
    project (the project's layout folder's), and each ``@import``, ``url()`` or
    ``@font-face src`` of a stylesheet that names something outside the world
    (``resources.World``), at its file, line and column, and every length or count out of
    its range (``cssbounds``: a page of 1 mm to 2000 mm a side, text of at most 200 pt, ...).
    Run before anything is typeset, so that WeasyPrint's fetcher never has to refuse and a
    page of a kilometre never reaches it."""
    world = World.of(project_root)
    try:
        layout.key_files()
        installation_files(data_dir("fonts"))
        sheets = layout.stylesheets()
    except OutsideWorld as exc:
        return [Problem(SourceLoc(Path(exc.path)), str(exc))]
    problems: list[Problem] = []
    for sheet in sheets:
        excesses, urls = _css_findings(sheet.read_text(encoding="utf-8"))
        problems.extend(Problem(SourceLoc(sheet, e.line, e.col), e.message) for e in excesses)
        for url, line, col in urls:
            try:
                world.resolve_url(urllib.parse.urljoin(sheet.as_uri(), url))
            except OutsideWorld as exc:
                problems.append(Problem(SourceLoc(sheet, line, col), f"url({url}) "
                                        f"is refused: {exc} (a layout may use the project's "
                                        "files, the package's layouts and the bundled "
                                        "fonts)"))
    return problems


@lru_cache(maxsize=64)
def _css_findings(css: str) -> tuple[tuple[Excess, ...], tuple[tuple[str, int, int], ...]]:
    """What ``stylesheet_excesses`` and ``stylesheet_urls`` find in ``css``: parsed once a
    process (the preview checks the layout on every save; each URL is still resolved in
    the world of the moment)."""
    return tuple(stylesheet_excesses(css)), tuple(stylesheet_urls(css))


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
