"""Render-stage cache: an output whose inputs have not changed is not rendered again.

Used by the build orchestrator only. An output (the PDF or the DOCX of one
edition) is keyed by a hash of everything that affects its bytes: the whole
document model (its text, numbers, metadata and settings, through its ``repr``),
the content of every file the model refers to (pictures, drawn charts), the
layout's files (the project's layout folder's too), the fonts (the bundled ones and the
project's), the reference DOCX, reportgen's own code and
the versions of the libraries that render. So an edition whose sections did not
change (the Kazakh edition when a Russian section is edited, or every edition of
a rebuild with nothing changed) is copied from the cache, and anything that does
change misses it: never a stale output. Entries live in the project's
``.reportgen-cache/outputs`` (safe to delete); one per output name is kept. ``PartCache`` does the same for the
parts of a split PDF render, so editing one section re-typesets that section only.

The cache is in the project, so it could have been crafted (a project received with
its ``.reportgen-cache``): an entry is used only if its record (what it was made for,
and the digest of its bytes) carries this user's signature (``signed.Seal``) and its
bytes still match that digest; a signed entry whose bytes changed is made again, with
a warning. A key covers only files the document or the layout refers to: a string in
the text, ``file:///dev/zero`` or any other, is never a path that is read.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import json
import logging
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from markupsafe import escape

from reportgen.atomic import write_atomic
from reportgen.cache import stamped
from reportgen.cache.root import (
    CACHE_DIR,
    CACHE_VERSION,
    cache_folder,
    code_digest,
    library_versions,
    read_cached,
)
from reportgen.cache.signed import Seal, file_digest
from reportgen.cache.stamped import stamps as _stamps
from reportgen.errors import InputError, Problem, SourceLoc
from reportgen.layout import Layout
from reportgen.model import nodes as m
from reportgen.model.bynode import ByNode
from reportgen.model.walk import paths
from reportgen.resources import OutsideWorld, World

log = logging.getLogger(__name__)

_LIBRARIES = ("weasyprint", "pydyf", "fonttools", "python-docx", "lxml", "Pillow", "markupsafe",
              "XlsxWriter")  # the workbooks of the DOCX's native charts
#: What typesets a part: the PDF writer's package and the fonts' and layouts' locators.
_PART_CODE = ("render/pdf", "resources.py", "layout.py")
_PART_LIBRARIES = ("weasyprint", "pydyf", "fonttools", "pikepdf", "Pillow")


def cache_dir(project_root: Path) -> Path:
    return cache_folder(project_root, "outputs")


def installed_files(layout: Layout) -> list[tuple[str, Path]]:
    """The layout's files (the base's and the project folder's), the bundled fonts and the
    project's, as a key names them; a link among them that leads out of where it belongs is
    an error at the link (``Layout.files``)."""
    try:
        return layout.key_files()
    except OutsideWorld as exc:
        raise InputError.single(SourceLoc(Path(exc.path)), str(exc)) from None


def output_key(fmt: str, doc: m.Document, layout: Layout, reference_docx: Path | None,
               pdf_variant: str) -> str:
    """The hash of everything the ``fmt`` output of ``doc`` depends on."""
    return output_keys((fmt,), doc, layout, reference_docx, pdf_variant)[fmt]


def output_keys(fmts: tuple[str, ...], doc: m.Document, layout: Layout,
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


def _inputs_digest(doc: m.Document, layout: Layout, reference_docx: Path | None) -> bytes:
    """The hash of the document and of every file and library its outputs depend on."""
    h = hashlib.sha256(_model_digest(doc))
    # The model's own files: each was resolved and checked where the document names it.
    named = [("model", p) for p in sorted(_model_paths(doc))] + installed_files(layout)
    if reference_docx is not None:
        named.append(("reference", reference_docx))
    for kind, path in named:
        h.update(f"\n{kind} {path}\n".encode())
        h.update(_file_digest(path))
    # All of reportgen's code and catalogs: any module may change what an output holds.
    h.update(code_digest("", suffixes=(".py", ".po", ".mo")))
    h.update(library_versions(*_LIBRARIES))
    return h.digest()


def _section_digest(section: m.Section) -> bytes:
    return hashlib.sha256(repr(section).encode("utf-8")).digest()


def _section_paths(section: m.Section) -> tuple[Path, ...]:
    return tuple(paths(section))


#: A section's digest and files, by identity: a section that did not change is the same
#: object from one preview rebuild to the next (``model.bynode``), and its repr and its
#: paths, long walks, are made once.
_SECTION_DIGESTS = ByNode(_section_digest)
_SECTION_PATHS = ByNode(_section_paths)


def _model_digest(doc: m.Document) -> bytes:
    """The hash of ``repr`` of every field of ``doc``, each section's made once."""
    h = hashlib.sha256()
    for f in dataclasses.fields(doc):
        value = getattr(doc, f.name)
        if f.name != "sections":
            h.update(f"{f.name}={value!r}\n".encode())
            continue
        for section in value:
            h.update(_SECTION_DIGESTS(section))
    return h.digest()


def _model_paths(doc: m.Document) -> set[Path]:
    """Every file ``doc`` names (``walk.paths``), each section's found once."""
    found = {path for f in dataclasses.fields(doc) if f.name != "sections"
             for path in paths(getattr(doc, f.name))}
    for section in doc.sections:
        found.update(_SECTION_PATHS(section))
    return found


def _file_digest(path: Path) -> bytes:
    """The hash of ``path``'s bytes (or of '<missing>'), read again only when its stamp
    changed (``stamped``)."""
    found = stamped.digest(path)
    if found is None:  # missing, or not a regular file itself (read as a build reads it)
        return hashlib.sha256(path.read_bytes() if path.is_file() else b"<missing>").digest()
    return found


def _record(path: Path, seal: Seal, *made_for: str) -> dict[str, Any] | None:
    """The description ``path`` holds of a cached file, if this user's builds signed it for
    ``made_for`` (what it was made for, the key first); None otherwise."""
    raw = read_cached(path)
    try:
        info = json.loads(raw) if raw is not None else None
    except ValueError:
        return None
    if not isinstance(info, dict) or not seal.verifies(
            info.get("seal"), *made_for, str(info.get("sha256")), _canonical(info.get("info"))):
        return None
    return info


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _signed(seal: Seal, data: bytes, info: Any, *made_for: str) -> bytes:
    digest = file_digest(data)
    return json.dumps({"info": info, "sha256": digest,
                       "seal": seal.sign(*made_for, digest, _canonical(info))}).encode()


def _matching(path: Path, record: dict[str, Any]) -> bytes | None:
    """The bytes of the cached file ``path`` if they match its signed record; a warning and
    None if they do not (changed since this user's build made them)."""
    data = read_cached(path)
    if data is not None and file_digest(data) == record["sha256"]:
        return data
    log.warning("%s", Problem(SourceLoc(path), f"the file in {CACHE_DIR} does not match the "
                              "digest recorded when it was made (changed since?): made again",
                              "warning"))
    return None


def load(project_root: Path, name: str, key: str) -> tuple[bytes, int | None] | None:
    """The cached output ``name`` made from inputs with hash ``key``, with its page count."""
    folder = cache_dir(project_root)
    record = _record(folder / f"{key}.json", Seal.for_user(), "output", key)
    if record is None or not isinstance(record.get("info"), dict) or record["info"].get(
            "name") != name:
        return None
    data = _matching(folder / f"{key}.out", record)
    if data is None:
        return None
    pages = record["info"].get("pages")
    return data, pages if isinstance(pages, int) else None


def store(project_root: Path, name: str, key: str, data: bytes, pages: int | None) -> None:
    """Keep ``data`` as the output ``name`` for ``key``, replacing older entries of ``name``."""
    folder = cache_dir(project_root)
    seal = Seal.for_user()
    if seal.key is None:
        return  # nothing this build could sign would ever be used
    folder.mkdir(parents=True, exist_ok=True)
    for info in folder.glob("*.json"):
        raw = read_cached(info)
        try:
            old = json.loads(raw).get("info", {}).get("name") if raw is not None else None
        except (ValueError, AttributeError):
            old = None
        if old == name or old is None:
            info.unlink(missing_ok=True)
            info.with_suffix(".out").unlink(missing_ok=True)
    # The data first, its description last: an entry without its .json is never read.
    write_atomic(folder / f"{key}.out", data)
    write_atomic(folder / f"{key}.json",
                 _signed(seal, data, {"name": name, "pages": pages}, "output", key))


# ------------------------------------------------------------ parts of a split PDF

#: Parts and folio passes not used by a build are removed beyond this many entries.
KEEP_PARTS = 400
#: What the name of a part's layout kept without its PDF adds to the part's key.
LAYOUT = "-layout"
#: A picture's URL as the HTML writer puts it in an attribute (text it escapes never makes one).
_SRC = re.compile(r'\ssrc="(file:[^"]*)"')


class PartCache:
    """Typeset parts of split PDF renders (``writers.pdfparts``), by a hash of their inputs.

    A part's key covers its HTML (its text, and the page numbers it shows), the content of
    every file of ``files`` (the documents' own files: pictures, charts, covers, the logo)
    that the HTML shows, the layout's files, the fonts, the PDF variant, the code that
    typesets and the libraries' versions. Entries live in the project's
    ``.reportgen-cache/parts``; ``numbers`` keeps, per output, the page numbers of the
    last build, the first guess of the next one (a guess: the layout checks it).
    """

    def __init__(self, project_root: Path, layout: Layout, variant: str,
                 files: Iterable[Path] | None = None) -> None:
        self.folder = cache_folder(project_root, "parts")
        self.variant = variant
        self.layout = layout
        self.used: set[str] = set()
        self._seal = Seal.for_user()
        self._world = World.of(project_root)
        #: The files a part may show, by the URL the HTML writer gives them (None: not told).
        self._files = None if files is None else {str(escape(p.as_uri())): p for p in files}
        self._digests: dict[Path, bytes] = {}
        #: What a render keeps in memory of each output (by its name) for the next render
        #: that uses this cache, in the same process (the preview keeps the cache between
        #: rebuilds): the sections' HTML (``render.htmlmemo``). Never written anywhere.
        self.memory: dict[str, Any] = {}
        #: Entries verified in this process, with their files' stamps then (``load``).
        self._verified: dict[str, tuple[tuple[int, ...], dict[str, Any]]] = {}
        self._used_before: set[str] = set()  # the keys the build before used (``prune``)
        #: The files the URLs of parts' pictures name (``_shown``), resolved once.
        self._urls: dict[str, Path | None] = {}
        h = hashlib.sha256(f"reportgen-part {CACHE_VERSION} {variant}\n".encode())
        for kind, path in installed_files(layout):
            h.update(f"\n{kind} {path}\n".encode())
            h.update(path.read_bytes())
        h.update(code_digest(*_PART_CODE))
        h.update(library_versions(*_PART_LIBRARIES))
        self._base = h.digest()

    def _shown(self, text: str) -> list[tuple[str, Path]]:
        """The files the part ``text`` shows, by their URLs: those of ``files`` it names. Not
        told ``files``, the pictures of its ``src`` attributes that the world allows (the
        HTML writer's own: text it escapes never makes one). Nothing the text says is read."""
        if self._files is not None:
            return sorted((url, path) for url, path in self._files.items() if url in text)
        shown = []
        for url in sorted(set(_SRC.findall(text))):
            if url not in self._urls:
                try:
                    self._urls[url] = self._world.resolve_url(html.unescape(url))
                except OutsideWorld:
                    self._urls[url] = None  # never read: the writer refuses it too
            path = self._urls[url]
            if path is not None:
                shown.append((url, path))
        return shown

    def _file_digest(self, path: Path) -> bytes:
        if path not in self._digests:
            try:
                self._digests[path] = hashlib.sha256(path.read_bytes()).digest()
            except OSError:
                self._digests[path] = b"<missing>"
        return self._digests[path]

    def key(self, kind: str, text: str) -> str:
        """The key of a part (``kind`` 'part', ``text`` its HTML) or a folio pass ('folios')."""
        h = hashlib.sha256(self._base)
        h.update(f"\n{kind}\n".encode())
        h.update(text.encode("utf-8"))
        for url, path in self._shown(text):
            h.update(f"\nfile {url}\n".encode())
            h.update(self._file_digest(path))
        return h.hexdigest()

    def load(self, key: str) -> tuple[Path, dict[str, Any]] | None:
        """The file of the bytes stored under ``key``, and their description (``_info``)."""
        data = self.folder / f"{key}.pdf"
        info = self._info(key, (data, self.folder / f"{key}.json"), ("part", key), data)
        return None if info is None else (data, info)

    def _info(self, name: str, files: tuple[Path, ...], made_for: tuple[str, str],
              data: Path | None) -> dict[str, Any] | None:
        """The description of entry ``name`` if this user's builds signed it for
        ``made_for`` (and its ``data`` file still matches it).

        An entry read and verified before is not read again while its ``files`` keep their
        stamps (inode, size, modification and change times: ``st_ctime`` cannot be set
        back): a split render looks its parts up in every round, the preview after every
        save."""
        stamp = _stamps(*files)
        known = self._verified.get(name)
        if known is not None and stamp is not None and known[0] == stamp:
            self.used.add(name)
            return known[1]
        record = _record(self.folder / f"{name}.json", self._seal, *made_for)
        if record is None or not isinstance(record.get("info"), dict):
            return None
        if data is not None and _matching(data, record) is None:
            return None
        self.used.add(name)
        if stamp is not None:
            self._verified[name] = (stamp, record["info"])
        return record["info"]

    def store(self, key: str, data: bytes, info: dict[str, Any]) -> Path:
        """Keep ``data`` and its description under ``key``; the file that holds the data."""
        self.folder.mkdir(parents=True, exist_ok=True)
        # The data first, its description last: an entry without its .json is never read.
        write_atomic(self.folder / f"{key}.pdf", data)
        # Through JSON and back: the description as a later build will read it.
        info = json.loads(json.dumps(info))
        write_atomic(self.folder / f"{key}.json", _signed(self._seal, data, info, "part", key))
        self.used.add(key)
        return self.folder / f"{key}.pdf"

    def store_layout(self, key: str, info: dict[str, Any]) -> None:
        """Keep what laying out a part gave (its pages, anchors, page boxes, findings) when
        it was not written (``parts.part_of``: a layout the refinement will replace): a later
        render going through the same rounds takes it instead of laying the part out."""
        self.folder.mkdir(parents=True, exist_ok=True)
        info = json.loads(json.dumps(info))
        write_atomic(self.folder / f"{key}{LAYOUT}.json",
                     _signed(self._seal, b"", info, "layout", key))
        self.used.add(key + LAYOUT)

    def load_layout(self, key: str) -> dict[str, Any] | None:
        """What ``store_layout`` kept under ``key``, if this user's builds signed it."""
        path = self.folder / f"{key}{LAYOUT}.json"
        return self._info(key + LAYOUT, (path,), ("layout", key), None)

    def numbers(self, name: str) -> dict[str, str] | None:
        """The page numbers of the elements of output ``name`` at its last build."""
        raw = read_cached(self.folder / f"numbers-{name}.json")
        try:
            found = json.loads(raw) if raw is not None else None
        except ValueError:
            return None
        if not isinstance(found, dict):
            return None
        return {str(k): str(v) for k, v in found.items()}

    def store_numbers(self, name: str, numbers: dict[str, str]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomic(self.folder / f"numbers-{name}.json", json.dumps(numbers).encode())

    def prune(self) -> None:
        """Remove the oldest entries this build did not use, beyond ``KEEP_PARTS``; and
        forget the verification of the entries neither this build nor the one before used
        (the preview's: an edited part's older versions are not looked up again)."""
        entries = [(p.stat().st_mtime, p) for p in self.folder.glob("*.json")
                   if not p.name.startswith("numbers-") and p.stem not in self.used]
        entries.sort(reverse=True)
        for _, info in entries[max(0, KEEP_PARTS - len(self.used)):]:
            info.unlink(missing_ok=True)
            info.with_suffix(".pdf").unlink(missing_ok=True)
        recent = self.used | self._used_before
        self._verified = {k: v for k, v in self._verified.items() if k in recent}
        self._used_before = set(self.used)
