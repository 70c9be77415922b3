"""Assemble stage: resolve and validate the images a report uses.

A reference is resolved against the file that makes it (``../assets/x.jpg``
from a section) or against the project root (``/assets/x.jpg``, as on a
Jekyll site). It must stay inside the project, exist, and be an image that
Pillow can read; the result is a model ``Image`` shared by every writer.
"""

from __future__ import annotations

import urllib.parse
from pathlib import Path

from PIL import Image as PILImage

from .model import Image

ALLOWED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
#: Images with more pixels than this are refused (decompression bombs).
MAX_PIXELS = 80_000_000


class AssetError(ValueError):
    """A reference that cannot be used; the message says why."""


class Assets:
    """Resolves references for one project and caches what it has read."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
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
        target = self.root / rel.lstrip("/") if rel.startswith("/") else base / rel
        resolved = target.resolve()
        if not resolved.is_relative_to(self.root):
            raise AssetError(f"'{ref}' points outside the report project ({self.root})")
        return resolved

    def image(self, ref: str, base: Path, alt: str = "") -> Image:
        path = self.resolve(ref, base)
        if path not in self._cache:
            self._cache[path] = self._read(path, ref)
        img = self._cache[path]
        return Image(img.path, img.width, img.height, alt)

    def _read(self, path: Path, ref: str) -> Image:
        if not path.is_file():
            raise AssetError(f"image '{ref}' not found (looked for {path})")
        try:
            with PILImage.open(path) as im:
                fmt, (w, h) = im.format, im.size
        except (OSError, PILImage.DecompressionBombError) as exc:
            raise AssetError(f"image '{ref}' cannot be read: {exc}") from None
        if fmt not in ALLOWED_FORMATS:
            raise AssetError(
                f"image '{ref}' is {fmt}; use one of {', '.join(sorted(ALLOWED_FORMATS))}"
            )
        if w * h > MAX_PIXELS:
            raise AssetError(f"image '{ref}' has {w}×{h} pixels, more than {MAX_PIXELS:,}")
        return Image(path, w, h)

