"""HTML writer, the templates: the layout's Jinja templates, loaded, sandboxed and checked.

Part of the render stage, used by ``htmlpage``. The templates of a layout are the project
folder's, then the base layout's (``layout.Layout.template_dirs``); a project's template
reaches the base's of the same name as ``base/<name>`` (``{% extends "base/report.html.j2"
%}``). What a template may reach is the closed world's: a name with ``..`` or an absolute
one is no template (Jinja's own rule), and a file that is a link out of the project (or,
the base's, out of the installation) is refused. A project's template is the project's
input, so it runs in Jinja's ``ImmutableSandboxedEnvironment``, which refuses Python's
internals (``meta.__class__``) and changes to what it is given. Its errors (syntax, an
undefined name, a missing template, a refused one) are errors at the template's file and
line (``located``, at render time; ``template_problems``, before anything is rendered).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import jinja2
from jinja2 import nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

from reportgen.errors import InputError, Problem, SourceLoc
from reportgen.layout import BASE_PREFIX, Layout
from reportgen.model import nodes as m
from reportgen.resources import OutsideWorld, installation_file

#: The template a layout starts from.
TEMPLATE = "report.html.j2"
#: The files of a layout folder read as templates (by ``template_problems``).
TEMPLATE_SUFFIXES = (".j2", ".html", ".jinja")


@functools.lru_cache(maxsize=8)
def environment(layout: Layout) -> jinja2.Environment:
    """The Jinja environment of ``layout``'s templates (sandboxed, autoescaped, strict), made
    once a process: its compiled templates are kept (compiling the report's template takes
    50 ms, and a build makes an edition's HTML two or three times), and a template whose file
    changed since is read and compiled again (Jinja's ``auto_reload``: the preview sees a
    layout's edit)."""
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.ChoiceLoader([
            jinja2.PrefixLoader({BASE_PREFIX.rstrip("/"): _LayoutLoader(layout, base=True)}),
            _LayoutLoader(layout, base=False)]),
        auto_reload=True,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["plain"] = m.metadata_text
    return env


class _LayoutLoader(jinja2.FileSystemLoader):
    """The layout's templates: the project folder's, then the base's (``base``: the base's
    only). None of them may be a link leading out of where it belongs."""

    def __init__(self, layout: Layout, base: bool) -> None:
        self.layout = layout
        super().__init__(layout.base_dir() if base else layout.template_dirs())

    def get_source(self, environment: jinja2.Environment, template: str
                   ) -> tuple[str, str, Callable[[], bool]]:
        for folder in self.searchpath:
            path = Path(folder, *jinja2.loaders.split_template_path(template))
            if path.is_file():
                if Path(folder) == self.layout.folder:
                    self.layout.project_file(path)  # OutsideWorld: a link out of the project
                else:
                    installation_file(path)
                break
        return super().get_source(environment, template)


@contextmanager
def located(layout: Layout) -> Iterator[None]:
    """Turn an error of ``layout``'s templates inside the block into an ``InputError`` at the
    template's file and line (the innermost template frame of the traceback)."""
    try:
        yield
    except (jinja2.TemplateError, OutsideWorld) as exc:
        raise InputError([_problem(exc, layout)]) from None


def _problem(exc: Exception, layout: Layout) -> Problem:
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        return Problem(SourceLoc(Path(exc.filename), exc.lineno), f"template: {exc.message}")
    file, line = _template_frame(exc, layout)
    if isinstance(exc, jinja2.TemplateNotFound):
        message = (f"template '{exc.name}' not found in the layout (a template reaches the "
                   f"project's layout folder and, as '{BASE_PREFIX}<name>', the base layout's)")
    elif isinstance(exc, OutsideWorld):
        message = f"template refused: {exc}"
    else:
        message = f"template: {exc}"
    return Problem(SourceLoc(file, line) if file else None, message)


def _template_frame(exc: Exception, layout: Layout) -> tuple[Path | None, int | None]:
    """The innermost frame of ``exc``'s traceback that runs a template file of ``layout``."""
    folders = [d.resolve() for d in layout.template_dirs()]
    found: tuple[Path | None, int | None] = (None, None)
    tb = exc.__traceback__ or sys.exc_info()[2]
    while tb is not None:
        name = Path(tb.tb_frame.f_code.co_filename)
        if name.is_absolute() and any(name.resolve().is_relative_to(d) for d in folders):
            found = (name, tb.tb_lineno)
        tb = tb.tb_next
    return found


def template_problems(layout: Layout) -> list[Problem]:
    """What is wrong with the templates of the project's layout folder, before anything is
    rendered: a syntax error, and an ``extends``, ``include``, ``import`` or ``from`` that
    names a template the layout does not have or may not read, each at its file and line."""
    if layout.folder is None:
        return []
    env = environment.__wrapped__(layout)  # a fresh one: every file parsed as it is now
    problems: list[Problem] = []
    try:
        files = layout.files(recursive=True)
    except OutsideWorld:
        return []  # a link out: the layout check says where (assemble.assets.layout_problems)
    for path in files:
        if not path.is_relative_to(layout.folder) or path.suffix not in TEMPLATE_SUFFIXES:
            continue
        name = path.relative_to(layout.folder).as_posix()
        try:
            source = path.read_text(encoding="utf-8")
            tree = env.parse(source, name, str(path))
        except jinja2.TemplateSyntaxError as exc:
            problems.append(Problem(SourceLoc(path, exc.lineno), f"template: {exc.message}"))
            continue
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(SourceLoc(path), f"template cannot be read: {exc}"))
            continue
        for node in tree.find_all((nodes.Extends, nodes.Include, nodes.Import,
                                   nodes.FromImport)):
            target = getattr(node, "template", None)
            if not isinstance(target, nodes.Const) or not isinstance(target.value, str):
                continue  # a name made at render time: the loader checks it then
            if target.value == name:
                problems.append(Problem(SourceLoc(path, node.lineno), f"template '{name}' "
                                        f"names itself; the base's is '{BASE_PREFIX}{name}'"))
                continue
            try:
                env.get_template(target.value)
            except jinja2.TemplateSyntaxError:
                continue  # reported at its own file
            except (jinja2.TemplateError, OutsideWorld) as exc:
                shown = exc if isinstance(exc, OutsideWorld) else None
                problems.append(Problem(SourceLoc(path, node.lineno), (
                    f"template '{target.value}' is refused: {shown}" if shown else
                    f"template '{target.value}' not found in the layout (a template reaches "
                    f"the project's layout folder and, as '{BASE_PREFIX}<name>', the base "
                    "layout's)")))
    return problems
