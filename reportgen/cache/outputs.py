"""Render-stage cache: an output whose inputs have not changed is not rendered again.

Used by the build orchestrator only. An output (the PDF or the DOCX of one
edition) is keyed by a hash of everything that affects its bytes: the whole
document model (its text, numbers, metadata and settings, through its ``repr``),
the content of every file the model refers to (pictures, drawn charts), the
layout's files, the bundled fonts, the reference DOCX, reportgen's own code and
the versions of the libraries that render. So an edition whose sections did not
change (the Kazakh edition when a Russian section is edited, or every edition of
a rebuild with nothing changed) is copied from the cache, and anything that does
change misses it: never a stale output. Entries live in the project's
``.reportgen-cache/outputs`` (safe to delete); one per output name is kept. ``PartCache`` does the same for the
parts of a split PDF render, so editing one section re-typesets that section only.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import urllib.parse
from pathlib import Path
from typing import Any

from reportgen.atomic import write_atomic
from reportgen.cache.root import CACHE_VERSION, cache_folder, code_digest, library_versions
from reportgen.model import nodes as m
from reportgen.model.walk import paths
from reportgen.resources import font_files, layout_dir


def _url2pathname(path: str) -> str:
    """urllib.request.url2pathname, without importing http, ssl and email for it."""
    if os.name == "nt":  # pragma: no cover
        from nturl2path import url2pathname

        return url2pathname(path)
    return urllib.parse.unquote(path)


_LIBRARIES = ("weasyprint", "pydyf", "fonttools", "python-docx", "lxml", "Pillow", "markupsafe")
#: What typesets a part: the PDF writer's package and the fonts' and layouts' locator.
_PART_CODE = ("render/pdf", "resources.py")
_PART_LIBRARIES = ("weasyprint", "pydyf", "fonttools", "pikepdf", "Pillow")


def cache_dir(project_root: Path) -> Path:
    return cache_folder(project_root, "outputs")


def output_key(fmt: str, doc: m.Document, layout: str, reference_docx: Path | None,
               pdf_variant: str) -> str:
    """The hash of everything the ``fmt`` output of ``doc`` depends on."""
    return output_keys((fmt,), doc, layout, reference_docx, pdf_variant)[fmt]


def output_keys(fmts: tuple[str, ...], doc: m.Document, layout: str,
                reference_docx: Path | None, pdf_variant: str) -> dict[str, str]:
    """``output_key`` of each format in ``fmts``, the document and files read once."""
    inputs = _inputs_digest(doc, layout, reference_docx)
    keys = {}
    for fmt in fmts:
        # The variant for the DOCX too: its page references come from the print layout.
        h = hashlib.sha256(f"reportgen-output {CACHE_VERSION} {fmt} {pdf_variant}\n".encode())
        h.update(inputs)
        keys[fmt] = h.hexdigest()
    return keys


def _inputs_digest(doc: m.Document, layout: str, reference_docx: Path | None) -> bytes:
    """The hash of the document and of every file and library its outputs depend on."""
    h = hashlib.sha256(repr(doc).encode("utf-8"))
    files = set(paths(doc))
    layout_files = sorted(p for p in layout_dir(layout).rglob("*") if p.is_file())
    named = [("model", p) for p in sorted(files)] + [("layout", p) for p in layout_files]
    named += [("font", p) for p in font_files()]
    if reference_docx is not None:
        named.append(("reference", reference_docx))
    for kind, path in named:
        h.update(f"\n{kind} {path}\n".encode())
        h.update(path.read_bytes() if path.is_file() else b"<missing>")
    # All of reportgen's code and catalogs: any module may change what an output holds.
    h.update(code_digest("", suffixes=(".py", ".po", ".mo")))
    h.update(library_versions(*_LIBRARIES))
    return h.digest()


def load(project_root: Path, name: str, key: str) -> tuple[bytes, int | None] | None:
    """The cached output ``name`` made from inputs with hash ``key``, with its page count."""
    folder = cache_dir(project_root)
    data, info = folder / f"{key}.out", folder / f"{key}.json"
    try:
        meta = json.loads(info.read_text(encoding="utf-8"))
        if meta.get("name") != name:
            return None
        return data.read_bytes(), meta.get("pages")
    except (OSError, ValueError):
        return None


def store(project_root: Path, name: str, key: str, data: bytes, pages: int | None) -> None:
    """Keep ``data`` as the output ``name`` for ``key``, replacing older entries of ``name``."""
    folder = cache_dir(project_root)
    folder.mkdir(parents=True, exist_ok=True)
    for info in folder.glob("*.json"):
        try:
            old = json.loads(info.read_text(encoding="utf-8")).get("name")
        except (OSError, ValueError):
            old = None
        if old == name or old is None:
            info.unlink(missing_ok=True)
            info.with_suffix(".out").unlink(missing_ok=True)
    # The data first, its description last: an entry without its .json is never read.
    write_atomic(folder / f"{key}.out", data)
    write_atomic(folder / f"{key}.json", json.dumps({"name": name, "pages": pages}).encode())




# ------------------------------------------------------------ parts of a split PDF

#: Parts and folio passes not used by a build are removed beyond this many entries.
KEEP_PARTS = 400
_FILE_URL = re.compile(r'file://[^"\')\s]+')


class PartCache:
    """Typeset parts of split PDF renders (``writers.pdfparts``), by a hash of their inputs.

    A part's key covers its HTML (its text, and the page numbers it shows), the content of
    every file the HTML names (pictures, charts), the layout's stylesheets, the fonts, the
    PDF variant, the code that typesets and the libraries' versions. Entries live in the
    project's ``.reportgen-cache/parts``; ``numbers`` keeps, per output, the page numbers of
    the last build, the first guess of the next one.
    """

    def __init__(self, project_root: Path, layout: str, variant: str) -> None:
        self.folder = cache_folder(project_root, "parts")
        self.variant = variant
        self.layout = layout
        self.used: set[str] = set()
        self._files: dict[str, bytes] = {}
        h = hashlib.sha256(f"reportgen-part {CACHE_VERSION} {variant}\n".encode())
        named = [("layout", p) for p in sorted(layout_dir(layout).rglob("*")) if p.is_file()]
        named += [("font", p) for p in font_files()]
        for kind, path in named:
            h.update(f"\n{kind} {path}\n".encode())
            h.update(path.read_bytes())
        h.update(code_digest(*_PART_CODE))
        h.update(library_versions(*_PART_LIBRARIES))
        self._base = h.digest()

    def _file_digest(self, url: str) -> bytes:
        if url not in self._files:
            path = Path(_url2pathname(urllib.parse.urlsplit(url).path))
            try:
                self._files[url] = hashlib.sha256(path.read_bytes()).digest()
            except OSError:
                self._files[url] = b"<missing>"
        return self._files[url]

    def key(self, kind: str, text: str) -> str:
        """The key of a part (``kind`` 'part', ``text`` its HTML) or a folio pass ('folios')."""
        h = hashlib.sha256(self._base)
        h.update(f"\n{kind}\n".encode())
        h.update(text.encode("utf-8"))
        for url in sorted(set(_FILE_URL.findall(text))):
            h.update(f"\nfile {url}\n".encode())
            h.update(self._file_digest(url))
        return h.hexdigest()

    def load(self, key: str) -> tuple[Path, dict[str, Any]] | None:
        """The file of the bytes stored under ``key``, and their description."""
        data = self.folder / f"{key}.pdf"
        try:
            info = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not data.is_file():
            return None
        self.used.add(key)
        return data, info

    def store(self, key: str, data: bytes, info: dict[str, Any]) -> Path:
        """Keep ``data`` and its description under ``key``; the file that holds the data."""
        self.folder.mkdir(parents=True, exist_ok=True)
        # The data first, its description last: an entry without its .json is never read.
        write_atomic(self.folder / f"{key}.pdf", data)
        write_atomic(self.folder / f"{key}.json", json.dumps(info).encode())
        self.used.add(key)
        return self.folder / f"{key}.pdf"

    def numbers(self, name: str) -> dict[str, str] | None:
        """The page numbers of the elements of output ``name`` at its last build."""
        try:
            found = json.loads((self.folder / f"numbers-{name}.json").read_text("utf-8"))
        except (OSError, ValueError):
            return None
        return found if isinstance(found, dict) else None

    def store_numbers(self, name: str, numbers: dict[str, str]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomic(self.folder / f"numbers-{name}.json", json.dumps(numbers).encode())

    def prune(self) -> None:
        """Remove the oldest entries this build did not use, beyond ``KEEP_PARTS``."""
        entries = [(p.stat().st_mtime, p) for p in self.folder.glob("*.json")
                   if not p.name.startswith("numbers-") and p.stem not in self.used]
        entries.sort(reverse=True)
        for _, info in entries[max(0, KEEP_PARTS - len(self.used)):]:
            info.unlink(missing_ok=True)
            info.with_suffix(".pdf").unlink(missing_ok=True)
