"""Reading an edited DOCX safely: its zip within limits, its XML without entities, what
reportgen carried inside it (the provenance part), its paragraphs and its footnotes' by
bookmark (``marks``), its comments.

Pull stage (above render, below cli). Reads one file the user names; writes nothing;
raises ``PullError`` with a sentence for every input it refuses (not a zip, too big,
macros, not made by reportgen, another format version).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from reportgen.errors import ReportgenError
from reportgen.pull.marks import paragraph_marks
from reportgen.render.docx import provenance as pv
from reportgen.render.docx import readback

W = readback.W
#: Limits of what an edited DOCX may expand to (the sample's is ~6 MB, 80 parts).
MAX_PARTS = 1000
MAX_TOTAL = 200 * 1024 * 1024  # uncompressed bytes in all
MAX_PART = 64 * 1024 * 1024  # one XML part
MAX_RATIO = 200  # uncompressed / compressed, for parts over 1 MB
CT_MACRO = "macroEnabled"


class PullError(ReportgenError):
    """An edited DOCX that cannot be read back (the CLI's bad-input exit)."""


@dataclass(frozen=True, slots=True)
class Block:
    """One block as the build wrote it (from the provenance part)."""

    id: int
    file: str
    kind: str  # heading, paragraph, item, heading1, generated, table, caption, note, ...
    markdown: str
    start: int = 0
    end: int = 0
    style: str = ""
    #: What else the build said of it: a caption's label and figure kind, a note's number.
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Comment:
    author: str
    text: str
    anchor: str
    block: int | None  # the bookmark of the paragraph it starts in


@dataclass(slots=True)
class Edited:
    """What the edited DOCX holds."""

    files: dict[str, str]  # section file -> the text the build read
    hashes: dict[str, str]
    blocks: dict[int, Block]
    meta: dict[str, str]
    styles: readback.Styles
    #: The body in reading order: (bookmark id or None for a paragraph without one,
    #: its Markdown, its paragraph style, its element's tag 'p' or 'tbl').
    body: list[tuple[int | None, str, str, str]] = field(default_factory=list)
    #: The footnotes' paragraphs in order: (bookmark id or None for a note the editor
    #: added, its Markdown, the bookmark of the body paragraph that calls it).
    notes: list[tuple[int | None, str, int | None]] = field(default_factory=list)
    footnotes_read: bool = False  # False: a DOCX of an earlier build, its footnotes unmarked
    comments: list[Comment] = field(default_factory=list)
    pictures: dict[str, str] = field(default_factory=dict)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False, remove_comments=True)


def _xml(data: bytes, name: str, path: Path) -> etree._Element:
    if b"<!ENTITY" in data[:4096] or b"<!DOCTYPE" in data[:4096]:
        raise PullError(f"{path}: {name} declares a DOCTYPE or entities, which Word never "
                        "writes: refused")
    try:
        return etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise PullError(f"{path}: {name} is not well-formed XML: {exc}") from exc


class SafeZip:
    """The parts of a DOCX, each read only within the limits."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if path.suffix.lower() in (".docm", ".dotm"):
            raise PullError(f"{path}: a macro-enabled document (.docm): reportgen reads "
                            "only .docx; save it as a Word Document without macros")
        try:
            self.zip = zipfile.ZipFile(path)
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise PullError(f"{path}: not a DOCX (not a readable zip: {exc})") from exc
        if len(infos) > MAX_PARTS:
            raise PullError(f"{path}: {len(infos)} parts in the zip, more than a DOCX has "
                            f"(at most {MAX_PARTS}): refused")
        total = sum(i.file_size for i in infos)
        if total > MAX_TOTAL:
            raise PullError(f"{path}: it expands to {total // 2**20} MB, more than "
                            f"{MAX_TOTAL // 2**20} MB: refused (a zip bomb?)")
        for info in infos:
            if info.file_size > 2**20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                ratio = info.file_size // max(info.compress_size, 1)
                raise PullError(f"{path}: {info.filename} expands {ratio} "
                                f"times (more than {MAX_RATIO}): refused (a zip bomb?)")
        self.names = {i.filename for i in infos}
        if any(n.lower().endswith("vbaproject.bin") for n in self.names):
            raise PullError(f"{path}: the document holds macros (vbaProject.bin): refused; "
                            "save it as a Word Document without macros")
        if "[Content_Types].xml" not in self.names or "word/document.xml" not in self.names:
            raise PullError(f"{path}: not a Word document (no word/document.xml)")
        types = self.read("[Content_Types].xml")
        if CT_MACRO.encode() in types:
            raise PullError(f"{path}: a macro-enabled document: refused; save it as a Word "
                            "Document without macros")

    def read(self, name: str) -> bytes:
        info = self.zip.getinfo(name)
        limit = min(MAX_PART, info.file_size)
        with self.zip.open(info) as f:
            data = f.read(limit + 1)
        if len(data) > limit:
            raise PullError(f"{self.path}: {name} is larger than the zip says: refused")
        return data

    def xml(self, name: str) -> etree._Element:
        return _xml(self.read(name), name, self.path)


def read_edited(path: Path, tracked: str = "accept") -> Edited:
    """The edited DOCX at ``path``: its provenance and its body as Markdown."""
    z = SafeZip(path)
    item = None
    for name in sorted(z.names):
        if name.startswith("customXml/item") and "Props" not in name and name.endswith(".xml"):
            root = z.xml(name)
            if root.tag == f"{{{pv.NS}}}provenance":
                item = root
                break
    if item is None:
        raise PullError(f"{path}: not made by reportgen, or by a version before 'pull' (it "
                        "carries no reportgen provenance part): nothing can be read back; "
                        "build the DOCX again and send that one to the editor")
    if item.get("version") != pv.VERSION:
        raise PullError(f"{path}: made by another version of reportgen (provenance format "
                        f"{item.get('version')!r}, this one reads {pv.VERSION!r}): build it again")
    styles = readback.Styles(frozenset((item.get("strong") or "").split()),
                       frozenset((item.get("emphasis") or "").split()))
    out = Edited(files={}, hashes={}, blocks={}, meta=dict(item.attrib), styles=styles)
    for node in item:
        name = etree.QName(node).localname
        if name == "file":
            out.files[node.get("path", "")] = node.text or ""
            out.hashes[node.get("path", "")] = node.get("sha256", "")
        elif name == "block":
            known = ("id", "file", "kind", "start", "end", "style")
            b = Block(int(node.get("id", "0")), node.get("file", ""), node.get("kind", ""),
                      node.text or "", int(node.get("start", "0")), int(node.get("end", "0")),
                      node.get("style", ""),
                      {k: v for k, v in node.attrib.items() if k not in known})
            out.blocks[b.id] = b
    document = z.xml("word/document.xml")
    body = document.find(f"{{{W}}}body")
    if body is None:
        raise PullError(f"{path}: word/document.xml has no body")
    marks = paragraph_marks(body)
    for child in body:
        tag = etree.QName(child).localname
        if tag == "sdt":  # an editor's content control around paragraphs: read inside
            content = child.find(f"{{{W}}}sdtContent")
            children = list(content) if content is not None else []
        else:
            children = [child]
        for node in children:
            tag = etree.QName(node).localname
            if tag == "p":
                out.body.append((marks.get(node), readback.markdown(node, styles, tracked),
                                 _style(node), "p"))
            elif tag == "tbl":
                first = node.find(f".//{{{W}}}p")
                mark = marks.get(first) if first is not None else None
                text = "\n".join(readback.markdown(p, styles, tracked)
                                 for p in node.iter(f"{{{W}}}p"))
                out.body.append((mark, text, "", "tbl"))
    out.footnotes_read = "footnotes" in out.meta.get("marked", "").split()
    if "word/footnotes.xml" in z.names and out.footnotes_read:
        out.notes = _notes(z.xml("word/footnotes.xml"), body, marks, styles, tracked)
    if "word/comments.xml" in z.names:
        out.comments = _comments(z.xml("word/comments.xml"), body, marks, styles)
    return out


def _notes(footnotes: etree._Element, body: etree._Element, marks: dict[etree._Element, int],
           styles: readback.Styles, tracked: str) -> list[tuple[int | None, str, int | None]]:
    """The paragraphs of the footnotes (not the separators), each with its mark and the
    mark of the paragraph that calls its note."""
    callers: dict[str, int | None] = {}
    for ref in body.iter(f"{{{W}}}footnoteReference"):
        p = next(ref.iterancestors(f"{{{W}}}p"), None)
        callers.setdefault(ref.get(f"{{{W}}}id", ""), marks.get(p) if p is not None else None)
    own = paragraph_marks(footnotes)
    out: list[tuple[int | None, str, int | None]] = []
    for note in footnotes.iter(f"{{{W}}}footnote"):
        if note.get(f"{{{W}}}type") in ("separator", "continuationSeparator",
                                         "continuationNotice"):
            continue
        caller = callers.get(note.get(f"{{{W}}}id", ""))
        for p in note.iter(f"{{{W}}}p"):
            out.append((own.get(p), readback.markdown(p, styles, tracked).strip(), caller))
    return out


def _style(p: etree._Element) -> str:
    node = p.find(f"{{{W}}}pPr/{{{W}}}pStyle")
    return node.get(f"{{{W}}}val", "") if node is not None else ""


def _comments(comments: etree._Element, body: etree._Element,
              marks: dict[etree._Element, int], styles: readback.Styles) -> list[Comment]:
    texts: dict[str, tuple[str, str]] = {}
    for c in comments.iter(f"{{{W}}}comment"):
        words = " ".join(readback.markdown(p, styles) for p in c.iter(f"{{{W}}}p")).strip()
        texts[c.get(f"{{{W}}}id", "")] = (c.get(f"{{{W}}}author", ""), words)
    out: list[Comment] = []
    for start in body.iter(f"{{{W}}}commentRangeStart"):
        cid = start.get(f"{{{W}}}id", "")
        if cid not in texts:
            continue
        p = next((a for a in start.iterancestors(f"{{{W}}}p")), None)
        anchor: list[str] = []
        on = False
        for node in body.iter():
            if node is start:
                on = True
            elif node.tag == f"{{{W}}}commentRangeEnd" and node.get(f"{{{W}}}id") == cid:
                break
            elif on and node.tag == f"{{{W}}}t":
                anchor.append(node.text or "")
        author, words = texts[cid]
        out.append(Comment(author, words, "".join(anchor), marks.get(p) if p is not None else None))
    return out
