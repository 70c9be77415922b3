"""The DOCX's own pagination, from LibreOffice: where each bookmark of a written DOCX falls.

Part of the render stage: the page-number pass of ``render_docx``. A DOCX is paginated by
whoever opens it, not by its writer; to write the contents' and the list of figures'
page numbers (and the page references' cached results) right for the DOCX itself, its
bytes are laid out by LibreOffice headless, converted to PDF with the document's
bookmarks exported as named destinations, and each destination's page is read back
(pikepdf). The page of a bookmark is its page's position in the PDF: the footer's PAGE
numbering starts at 1 on the cover and never restarts.

LibreOffice runs on a copy in a temporary folder of its own (the DOCX, a fresh user
profile, ``HOME``), so that parallel builds do not share a profile and nothing outside
it is read or written; it opens no network connection for a conversion. A run that takes
longer than ``TIMEOUT`` seconds is stopped with its process group. Nothing here decides
what to do without LibreOffice: ``find_soffice`` says whether it is there and
``lay_out`` raises ``LayoutError``; the writer leaves the numbers out then.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import tempfile
import zipfile
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree

#: Seconds a conversion may take (a 250-page report takes about half a minute).
TIMEOUT = 300
#: The environment variable naming the soffice program, where it is not on PATH.
SOFFICE_ENV = "REPORTGEN_SOFFICE"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: LibreOffice's PDF export, with the document's bookmarks as named destinations.
_FILTER = "pdf:writer_pdf_Export:" + json.dumps(
    {"ExportBookmarksToPDFDestination": {"type": "boolean", "value": "true"}})


class LayoutError(Exception):
    """LibreOffice could not lay the DOCX out (missing, failed, too slow)."""


def find_soffice() -> Path | None:
    """LibreOffice's ``soffice`` (``$REPORTGEN_SOFFICE``, else on PATH), None without it."""
    named = os.environ.get(SOFFICE_ENV)
    if named:
        return Path(named) if Path(named).is_file() else None
    found = shutil.which("soffice") or shutil.which("libreoffice")
    return Path(found) if found else None


@cache
def engine_version(soffice: Path | None = None) -> str:
    """What lays the DOCX out, for cache keys: LibreOffice's version file next to its
    program ('' without LibreOffice): another version may paginate differently."""
    program = soffice or find_soffice()
    if program is None:
        return ""
    real = program.resolve()
    for name in ("versionrc", "version.ini"):
        info = real.parent / name
        if info.is_file():
            return info.read_text(encoding="utf-8", errors="replace")
    return str(real)


def lay_out(data: bytes, soffice: Path | None = None, timeout: float = TIMEOUT) -> dict[str, int]:
    """The page (1 = the cover) of each bookmark of the DOCX ``data``, as LibreOffice lays
    it out."""
    program = soffice or find_soffice()
    if program is None:
        raise LayoutError("LibreOffice (soffice) is not installed")
    names = bookmark_names(data)
    with tempfile.TemporaryDirectory(prefix="reportgen-docx-") as tmp:
        folder = Path(tmp)
        source = folder / "report.docx"
        source.write_bytes(data)
        pdf = convert(program, source, folder, timeout)
        pages = destinations(pdf.read_bytes())
    encoded = {destination_name(name): name for name in names}
    return {encoded[key]: page for key, page in pages.items() if key in encoded}


def convert(soffice: Path, source: Path, folder: Path, timeout: float = TIMEOUT,
            env: dict[str, str] | None = None) -> Path:
    """``source`` converted to PDF in ``folder`` by LibreOffice headless, with a profile of
    its own there; the PDF's path."""
    home = folder / "home"
    home.mkdir(exist_ok=True)
    command = [str(soffice), f"-env:UserInstallation={(folder / 'profile').as_uri()}",
               "--headless", "--norestore", "--nologo", "--nolockcheck", "--nodefault",
               "--convert-to", _FILTER, "--outdir", str(folder / "out"), str(source)]
    environment = dict(env if env is not None else os.environ, HOME=str(home))
    # A process group of its own: soffice starts soffice.bin, which a timeout must stop too.
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=environment, cwd=folder, start_new_session=True)
    try:
        _out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise LayoutError(f"LibreOffice took longer than {timeout:.0f} s") from None
    pdf = folder / "out" / (source.stem + ".pdf")
    if proc.returncode != 0 or not pdf.is_file():
        detail = err.decode("utf-8", "replace").strip().splitlines()
        raise LayoutError("LibreOffice could not convert the DOCX"
                          + (f": {detail[-1]}" if detail else f" (exit status {proc.returncode})"))
    return pdf


def bookmark_names(data: bytes) -> list[str]:
    """The names of the bookmarks in the DOCX's body."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    return [b.get(f"{_W}name") for b in root.iter(f"{_W}bookmarkStart")]


def destination_name(name: str) -> str:
    """A bookmark's name as LibreOffice's PDF export writes it as a destination: ASCII
    letters, digits and '-' as they are, every other character as its hex code (its
    appendDestinationName)."""
    out = []
    for char in name:
        if char.isascii() and (char.isalnum() or char == "-"):
            out.append(char)
        else:
            code = ord(char)
            out.append((f"{code >> 8:02X}" if code >> 8 else "") + f"{code & 255:02X}")
    return "".join(out)


def destinations(pdf: bytes) -> dict[str, int]:
    """The page (1-based) of each named destination of the PDF ``pdf``."""
    import pikepdf

    out: dict[str, int] = {}
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        index: dict[tuple[int, int], int] = {
            page.obj.objgen: i + 1 for i, page in enumerate(doc.pages)}

        def take(name: str, dest: Any) -> None:
            if isinstance(dest, pikepdf.Dictionary) and "/D" in dest:
                dest = dest["/D"]
            if isinstance(dest, pikepdf.Array) and len(dest) and \
                    isinstance(dest[0], pikepdf.Dictionary):
                page = index.get(dest[0].objgen)
                if page is not None:
                    out[name] = page

        old: Any = doc.Root.get("/Dests")
        if isinstance(old, pikepdf.Dictionary):
            for key in old.keys():  # noqa: SIM118 - a pikepdf Dictionary's keys are names
                take(str(key)[1:], old[str(key)])
        names: Any = doc.Root.get("/Names")
        if isinstance(names, pikepdf.Dictionary) and "/Dests" in names:
            for name, dest in pikepdf.NameTree(names["/Dests"]).items():
                take(str(name), dest)
    return out
