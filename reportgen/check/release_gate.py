"""Check stage: the release gate, what must not go out in a released report.

Four checks of a period's assembled editions, each a warning with its place,
so that a draft still builds and shows them, and an error under ``--strict``
and in ``reportgen release`` (which is strict), so that a release refuses them:

- pictures marked as placeholders (``placeholders``);
- data values marked ``status: estimate`` (``statuses``);
- dates in the narrative outside the period, beyond the margins (``dates``);
- one name written two ways in an edition (``names``).

Run by the build's check step (``build.check``) after every edition is
assembled, so ``check``, ``build`` and ``release`` apply it alike. Reads the
project's own files where the model says they are (never an output) and
never changes a document.
"""

from __future__ import annotations

from collections.abc import Iterable

from reportgen.assemble.document import Assembly
from reportgen.check.dates import check_dates
from reportgen.check.names import Stems, check_names
from reportgen.check.placeholders import check_placeholders
from reportgen.check.statuses import check_statuses
from reportgen.check.typed import typed
from reportgen.errors import Problems
from reportgen.load.project import Project
from reportgen.load.schema import Period


def check_release(project: Project, period: Period, assemblies: Iterable[Assembly],
                  problems: Problems) -> None:
    """What the release gate finds in the assembled editions of ``period``."""
    assemblies = list(assemblies)
    check_release_data(project, period, assemblies, problems)
    stems = Stems()  # shared by the editions
    for assembly in assemblies:
        check_release_edition(project, period, assembly, problems, stems)


def check_release_data(project: Project, period: Period, assemblies: Iterable[Assembly],
                       problems: Problems) -> None:
    """The gate's check of the period's data (one for every edition): estimates."""
    activity = next((a.activity for a in assemblies if a.activity is not None), None)
    if activity is not None:
        check_statuses(project, period, activity, problems)


def check_release_edition(project: Project, period: Period, assembly: Assembly,
                          problems: Problems, stems: Stems | None = None) -> None:
    """The gate's checks of one edition's document and texts: placeholders, dates, names
    (what it finds depends on that edition alone)."""
    doc = assembly.document
    if doc is None:
        return
    texts = [typed(section) for section in assembly.sections]
    covers = {s.file: s.front.value_locs[("cover",)] for s in assembly.sections
              if ("cover",) in s.front.value_locs}
    logo_at = project.source.loc(("organization", "logo"))
    check_placeholders(doc, project.root, logo_at, covers,
                       {s.file: s.text for s in assembly.sections}, problems)
    check_dates(texts, doc, period, problems)
    check_names(texts, problems, stems)
