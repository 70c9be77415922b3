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
    data_checked = False
    stems = Stems()  # shared by the editions
    for assembly in assemblies:
        if assembly.activity is not None and not data_checked:  # one period's data for all
            check_statuses(project, period, assembly.activity, problems)
            data_checked = True
        doc = assembly.document
        if doc is None:
            continue
        texts = [typed(section) for section in assembly.sections]
        covers = {s.file: s.front.value_locs[("cover",)] for s in assembly.sections
                  if ("cover",) in s.front.value_locs}
        logo_at = project.source.loc(("organization", "logo"))
        check_placeholders(doc, project.root, logo_at, covers,
                           {s.file: s.text for s in assembly.sections}, problems)
        check_dates(texts, doc, period, problems)
        check_names(texts, problems, stems)
