"""``reportgen pull``: an editor's Word edits carried back into the Markdown sources.

Pull stage: above render (it reads what the DOCX writer carried, ``render.docx.provenance``),
below cli. ``pull`` compares three versions of each section file: the text the DOCX was
built from (carried inside the DOCX), the edited DOCX and the current file, and gives
per file the new text and its unified diff (``edits`` finds the edits block by block),
and what cannot be carried back (numbers from the data, chart captions from report.yaml,
the cover, tables, charts, generated text, moved paragraphs, conflicts) as notes with
their file:line. ``apply`` writes the new texts atomically (all or none). Never prints.
See docs/pull.md.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from reportgen.atomic import write_all_atomic
from reportgen.pull import edits as found_edits
from reportgen.pull.data import DataFix, resolve
from reportgen.pull.edits import Edit, where
from reportgen.pull.reader import Edited, PullError, read_edited

__all__ = ["Outcome", "PullError", "apply", "pull"]

TRACKED = ("accept", "reject", "keep")


@dataclass(slots=True)
class Outcome:
    """What ``pull`` found: per section file its new text and diff, and the notes."""

    root: Path
    texts: dict[str, str] = field(default_factory=dict)  # file -> new text (changed only)
    diffs: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    data: list[DataFix] = field(default_factory=list)


def pull(docx: Path, project: Path, tracked: str = "accept") -> Outcome:
    """The edits of ``docx`` against the sources of ``project`` (nothing written)."""
    if tracked not in TRACKED:
        raise ValueError(f"tracked must be one of {TRACKED}")
    edited = read_edited(docx, tracked)
    root = project.resolve()
    _check_project(edited, root, docx)
    out = Outcome(root)
    found = found_edits.find(edited, root)
    edits, out.notes, out.data = found.edits, found.notes, found.data
    for c in edited.comments:
        at = where(edited.blocks.get(c.block)) if c.block else "?"
        out.notes.append(f"{at}: comment by {c.author or 'someone'} on «{c.anchor}»: {c.text}")
    for name in sorted({e.file for e in edits}):
        base = edited.files[name]
        current = (root / name).read_text(encoding="utf-8")
        new = _place(name, base, current, [e for e in edits if e.file == name], out)
        if new != current:
            out.texts[name] = new
            out.diffs[name] = "".join(difflib.unified_diff(
                current.splitlines(keepends=True), new.splitlines(keepends=True),
                f"a/{name}", f"b/{name}"))
    out.data, notes = resolve(out.data, root, edited.meta.get("period", ""))
    out.notes.extend(notes)
    return out


def apply(outcome: Outcome, data: bool = False) -> list[Path]:
    """Write the new texts (and, with ``data``, the data values) all at once."""
    files = {outcome.root / name: text.encode("utf-8") for name, text in outcome.texts.items()}
    if data:
        for fix in outcome.data:
            if fix.yaml is None or fix.line_in_yaml is None:
                continue
            path = outcome.root / fix.yaml
            text = files[path].decode("utf-8") if path in files else path.read_text(encoding="utf-8")
            files[path] = fix.applied(text).encode("utf-8")
    write_all_atomic(files)
    return sorted(files)


def _check_project(edited: Edited, root: Path, docx: Path) -> None:
    if not (root / "report.yaml").is_file():
        raise PullError(f"{root}: not a report project (no report.yaml)")
    missing = [name for name in edited.files if not (root / name).is_file()]
    if missing:
        raise PullError(f"{docx}: made from another project: {root} has no {missing[0]}")


def _place(name: str, base: str, current: str, edits: list[Edit], out: Outcome) -> str:
    """The current text with ``edits`` (made on ``base``) applied where the current text
    still has the base's lines; elsewhere a conflict, not applied."""
    b_lines, c_lines = base.split("\n"), current.split("\n")
    mapping: dict[int, int] = {}  # base line -> current line, 1-based, unchanged lines only
    for tag, b1, b2, c1, _c2 in SequenceMatcher(None, b_lines, c_lines, autojunk=False).get_opcodes():
        if tag == "equal":
            for i in range(b2 - b1):
                mapping[b1 + i + 1] = c1 + i + 1
    placed: list[tuple[int, int, tuple[str, ...]]] = []
    for e in edits:
        if e.start > e.end:  # insertion after line e.end
            anchor = mapping.get(e.end)
            if anchor is None:
                out.conflicts.append(_conflict(name, e, b_lines, c_lines, mapping))
                continue
            placed.append((anchor + 1, anchor, e.lines))
            continue
        found = [mapping.get(i) for i in range(e.start, e.end + 1)]
        first = found[0] or 0
        if any(x is None for x in found) or found != list(range(first, first + len(found))):
            out.conflicts.append(_conflict(name, e, b_lines, c_lines, mapping))
            continue
        start, end = first, found[-1] or 0
        if not e.lines and end < len(c_lines) and not c_lines[end].strip():
            end += 1  # a deleted paragraph takes its blank line with it
        placed.append((start, end, e.lines))
    kept: list[tuple[int, int, int, tuple[str, ...]]] = []
    for index, (start, end, lines) in enumerate(placed):
        other = next((k for k in kept if start <= k[1] and k[0] <= end and start <= end), None)
        if other is not None:  # one place edited twice (a title on the summary page too)
            if other[3] != lines:
                out.notes.append(f"{name}:{start}: edited in two places of the DOCX, "
                                 f"differently: {chr(10).join(other[3])!r} is applied, "
                                 f"{chr(10).join(lines)!r} is not")
            continue
        kept.append((start, end, index, lines))
    # from the end, so that earlier lines keep their numbers; insertions at one place in
    # their order in the DOCX
    for start, end, _index, lines in sorted(kept, key=lambda k: (k[0], k[2]), reverse=True):
        c_lines[start - 1:end] = list(lines)
    return "\n".join(c_lines)


def _conflict(name: str, e: Edit, base: list[str], current: list[str],
              mapping: dict[int, int]) -> str:
    ours = "\n".join(e.lines) if e.lines else "(deleted)"
    was = "\n".join(base[e.start - 1:e.end]) if e.start <= e.end else ""
    # The current lines around the place: from the last mapped line before to the next after.
    before = max((mapping[i] for i in range(1, e.start) if i in mapping), default=0)
    after = min((mapping[i] for i in range(e.end + 1, len(base) + 1) if i in mapping),
                default=len(current) + 1)
    now = "\n".join(current[before:after - 1])
    return (f"{name}:{e.start}: conflict: the source changed there since the DOCX was built, "
            f"and the editor changed it too; nothing applied there\n"
            f"<<<<<<< source now\n{now}\n||||||| built from\n{was}\n=======\n{ours}\n"
            f">>>>>>> DOCX\n")


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
