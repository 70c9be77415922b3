"""The closed world of a project's own layout (issue 21): its stylesheets (``url()``,
``@import``, ``@font-face src``) and templates (``extends``, ``include``, ``import``) reach
the project's files and the package's only; a file of its folder that is a link out is
refused; its templates run sandboxed. Each refusal is an error at the file and line that
asks, before anything is rendered (or, for what only rendering shows, when it is)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from reportgen.build import build, check
from reportgen.errors import InputError
from tests.ownlayout import make_ownlayout

REFUSED = "(a layout may use the project's files, the package's layouts and the bundled fonts)"


@pytest.fixture
def own(tmp_path: Path) -> Path:
    root = make_ownlayout(tmp_path / "proj")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.css").write_text("body { color: red }", encoding="utf-8")
    (outside / "secret.html").write_text("<p>secret</p>", encoding="utf-8")
    return root


def _messages(root: Path, problems: list[object]) -> list[str]:
    outside = str((root.parent / "outside").resolve())
    return [str(p).replace(str(root) + "/", "").replace(outside, "{outside}") for p in problems]


def _css(rule: str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        css = root / "layout" / "institute.css"
        text = rule.replace("{outside}", str(root.parent / "outside"))
        css.write_text(text + "\n" + css.read_text(encoding="utf-8"), encoding="utf-8")
    return make


def _template(text: str, name: str = "report.html.j2") -> Callable[[Path], None]:
    def make(root: Path) -> None:
        (root / "layout" / name).write_text(
            text.replace("{outside}", str(root.parent / "outside")), encoding="utf-8")
    return make


def _link(name: str, target: str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        (root / "layout" / name).unlink(missing_ok=True)
        (root / "layout" / name).symlink_to(root.parent / "outside" / target)
    return make


def _extends(line: str) -> str:
    return '{% extends "base/report.html.j2" %}\n{% block cover_main %}\n' + line + \
        "\n{% endblock %}\n"


BEFORE_RENDERING = [
    ("@import climbing out", _css('@import url("../../outside/secret.css");'),
     "layout/institute.css:1:9: error: url(../../outside/secret.css) is refused: outside the "
     f"report project {REFUSED}"),
    ("@import by an absolute path", _css('@import "{outside}/secret.css";'),
     "layout/institute.css:1:9: error: url({outside}/secret.css) is refused: outside the "
     f"report project {REFUSED}"),
    ("a file: URL", _css("p { background: url(file:///etc/hostname) }"),
     "layout/institute.css:1:17: error: url(file:///etc/hostname) is refused: outside the "
     f"report project {REFUSED}"),
    ("a percent-encoded climb", _css("p { background: url(%2e%2e/%2e%2e/outside/x.png) }"),
     "layout/institute.css:1:17: error: url(%2e%2e/%2e%2e/outside/x.png) is refused: outside "
     f"the report project {REFUSED}"),
    ("@font-face src climbing out",
     _css('@font-face { font-family: X; src: url("../../outside/x.ttf"); }'),
     "layout/institute.css:1:35: error: url(../../outside/x.ttf) is refused: outside the "
     f"report project {REFUSED}"),
    ("a web address", _css('@import "https://example.org/x.css";'),
     "layout/institute.css:1:9: error: url(https://example.org/x.css) is refused: a https: URL "
     f"(a report reads no URLs) {REFUSED}"),
    ("a stylesheet that is a link out", _link("zz.css", "secret.css"),
     "layout/zz.css: error: 'zz.css' is a link to {outside}/secret.css, outside the report "
     "project; copy the file into the project instead"),
    ("a template that is a link out", _link("report.html.j2", "secret.html"),
     "layout/report.html.j2: error: 'report.html.j2' is a link to {outside}/secret.html, "
     "outside the report project; copy the file into the project instead"),
    ("an include climbing out", _template(_extends('{% include "../../outside/secret.html" %}')),
     "layout/report.html.j2:3: error: template '../../outside/secret.html' not found in the "
     "layout (a template reaches the project's layout folder and, as 'base/<name>', the base "
     "layout's)"),
    ("an include by an absolute path", _template(_extends('{% include "{outside}/secret.html" %}')),
     "layout/report.html.j2:3: error: template '{outside}/secret.html' not found in the layout "
     "(a template reaches the project's layout folder and, as 'base/<name>', the base "
     "layout's)"),
    ("an import of a link out", lambda root: (_link("macros.html", "secret.html")(root),
                                              _template(_extends('{% import "macros.html" as x %}'))(root)),
     "layout/macros.html: error: 'macros.html' is a link to {outside}/secret.html, outside the "
     "report project; copy the file into the project instead"),
    ("a template that extends itself", _template('{% extends "report.html.j2" %}'),
     "layout/report.html.j2:1: error: template 'report.html.j2' names itself; the base's is "
     "'base/report.html.j2'"),
    ("a syntax error", _template(_extends("{% if meta.title %}no end")),
     "layout/report.html.j2:4: error: template: Encountered unknown tag 'endblock'. You "
     "probably made a nesting mistake. Jinja is expecting this tag, but currently looking for "
     "'elif' or 'else' or 'endif'. The innermost block that needs to be closed is 'if'."),
]


@pytest.mark.parametrize(("name", "setup", "expected"), BEFORE_RENDERING,
                         ids=[c[0] for c in BEFORE_RENDERING])
def test_the_layout_check_refuses_what_leads_out(own: Path, name: str,
                                                 setup: Callable[[Path], None],
                                                 expected: str) -> None:
    setup(own)
    assert _messages(own, check(own).problems) == [expected]
    with pytest.raises(InputError) as info:  # and a build stops there, writing nothing
        build(own, own / "out", jobs=1)
    assert _messages(own, info.value.problems) == [expected]
    assert not (own / "out").exists() or not any((own / "out").iterdir())


def test_the_project_and_the_package_files_may_be_used(own: Path) -> None:
    fonts = sorted((Path(__file__).parent.parent / "fonts").glob("*.ttf"))
    _css('.cover { background: url("../img/logo.png") no-repeat; }\n'
         f'@font-face {{ font-family: "Again"; src: url("{fonts[0].as_uri()}"); }}')(own)
    (own / "img").mkdir()
    Image.new("RGB", (8, 8), (10, 20, 30)).save(own / "img" / "logo.png")
    _template(_extends('{% include "badge.html" %}'))(own)
    _template("<p class=\"cover-badge\">{{ meta.organization_short }}</p>", "badge.html")(own)
    assert check(own).problems == []
    result = build(own, own / "out", jobs=1, formats=("pdf",), langs=["ru"])
    assert result.edition("ru").pages["pdf"] == 3


@pytest.mark.parametrize(("line", "message"), [
    ("{{ meta.__class__.__mro__ }}", "access to attribute '__class__' of 'Meta' object is unsafe."),
    ("{{ meta.title.__class__.__base__.__subclasses__() }}",
     "access to attribute '__class__' of 'str' object is unsafe."),
    ("{{ no_such_name }}", "'no_such_name' is undefined"),
])
def test_a_template_runs_sandboxed_and_its_errors_are_located(own: Path, line: str,
                                                               message: str) -> None:
    _template(_extends(line))(own)
    assert check(own).problems == []  # rendering shows these
    with pytest.raises(InputError) as info:
        build(own, own / "out", jobs=1, formats=("pdf",), langs=["ru"])
    assert _messages(own, info.value.problems) == [f"layout/report.html.j2:3: error: template: "
                                                   f"{message}"]
