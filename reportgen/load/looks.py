"""Load stage: the layout and the fonts report.yaml names, as one ``layout.Layout``.

``layout:`` is a package layout's name, or ``{base, folder}``: a folder of the project whose
files override the base's. ``fonts:`` names font files of the project. Each path must stay
inside the project once every link is followed (not ``..``, not absolute, not a link out),
and exist; each font must be one the outputs can embed (``layout.read_face``). Every
problem is located at its value in report.yaml. The files inside the folder are checked
when they are read (``Layout.files``) and by the build's layout check
(``assemble.assets.layout_problems``).
"""

from __future__ import annotations

from pathlib import Path

from reportgen.errors import Problems
from reportgen.layout import FontProblem, Layout, read_face
from reportgen.load.schema import LayoutFolder, Report
from reportgen.load.yamlsrc import Located
from reportgen.resources import FontFace, font_faces, layout_dir

#: Where a layout's templates start; a folder without it still overrides the base's files.
TEMPLATE = "report.html.j2"


def project_layout(root: Path, report: Report, doc: Located, problems: Problems) -> Layout:
    """The layout of the project at ``root`` (resolved) as ``report`` names it; what is wrong
    with it goes to ``problems`` (the layout returned then stands for the base alone)."""
    spec = report.layout
    base = spec.base if isinstance(spec, LayoutFolder) else spec
    where = ("layout", "base") if isinstance(spec, LayoutFolder) else ("layout",)
    try:
        base_dir = layout_dir(base)
    except FileNotFoundError as exc:
        problems.error(doc.loc(where), str(exc))
        return Layout(project=root)
    if not (base_dir / TEMPLATE).is_file():
        known = ", ".join(sorted(p.name for p in base_dir.parent.iterdir()
                                 if (p / TEMPLATE).is_file()))
        problems.error(doc.loc(where), f"layout: no layout '{base}' (known: {known})")
        return Layout(project=root)
    folder = None
    if isinstance(spec, LayoutFolder):
        folder = _project_path(root, spec.folder, doc, ("layout", "folder"), problems, "folder")
    fonts = _fonts(root, report.fonts, doc, problems)
    return Layout(base, folder, root, tuple(fonts))


def _project_path(root: Path, named: str, doc: Located, at: tuple[str | int, ...],
                  problems: Problems, kind: str) -> Path | None:
    """``named`` (relative to the project) resolved, if it is a ``kind`` ('folder' or 'file')
    inside the project; None with a located problem otherwise."""
    loc = doc.loc(at)
    what = "layout folder" if kind == "folder" else "font file"
    if not named.strip():
        problems.error(loc, f"expected a {what} of the project, got an empty text")
        return None
    path = Path(named)
    if path.is_absolute():
        problems.error(loc, f"{what} '{named}' is an absolute path; name it relative to the "
                       "report project (a project reads only its own files)")
        return None
    try:
        resolved = (root / path).resolve()
    except (OSError, RuntimeError, ValueError) as exc:
        problems.error(loc, f"{what} '{named}' names no file ({exc})")
        return None
    if not resolved.is_relative_to(root):
        how = "leads out of" if ".." not in path.parts else "is outside"
        problems.error(loc, f"{what} '{named}' {how} the report project (to {resolved}); "
                       "copy it into the project")
        return None
    if kind == "folder" and not resolved.is_dir():
        problems.error(loc, f"layout folder '{named}' not found in the report project"
                       if not resolved.exists() else f"layout folder '{named}' is not a folder")
        return None
    if kind == "file" and not resolved.is_file():
        problems.error(loc, f"font file '{named}' not found in the report project"
                       if not resolved.exists() else f"font file '{named}' is not a file")
        return None
    return resolved


def _fonts(root: Path, named: list[str], doc: Located, problems: Problems) -> list[FontFace]:
    if not named:
        return []
    bundled = {face.family for face in font_faces()}
    faces: list[FontFace] = []
    seen: dict[tuple[str, str, int], str] = {}
    for index, name in enumerate(named):
        at = ("fonts", index)
        path = _project_path(root, name, doc, at, problems, "file")
        if path is None:
            continue
        try:
            face = read_face(path)
        except FontProblem as exc:
            problems.error(doc.loc(at), f"font file '{name}': {exc}")
            continue
        if face.family in bundled:
            problems.error(doc.loc(at), f"font file '{name}': its family '{face.family}' is a "
                           "bundled font's; a project font needs a family name of its own")
            continue
        slot = (face.family, face.style, face.weight)
        if slot in seen:
            problems.error(doc.loc(at), f"font file '{name}': the same face ({face.family}, "
                           f"{face.style}, weight {face.weight}) as '{seen[slot]}'")
            continue
        seen[slot] = name
        faces.append(face)
    return faces
