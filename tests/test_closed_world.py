"""Closed world below the narrative: WeasyPrint's URL fetcher and the SVG check (for charts)."""

from __future__ import annotations

from pathlib import Path

import pytest
from weasyprint.urls import FatalURLFetchingError

from reportgen.assemble.assets import AssetError, check_svg
from reportgen.render.pdf.writer import project_fetcher

from .conftest import Project


@pytest.fixture
def fetcher(project: Project, tmp_path: Path) -> object:
    (tmp_path / "outside.txt").write_text("secret", encoding="utf-8")
    (project.root / "img" / "out.png").symlink_to(tmp_path / "outside.txt")
    return project_fetcher(project.root)


@pytest.mark.parametrize(("url", "reason"), [
    ("http://example.org/x.png", "a http: URL (a report reads no URLs)"),
    ("https://example.org/x.css", "a https: URL (a report reads no URLs)"),
    ("data:image/svg+xml,<svg/>", "a data: URL (a report reads no URLs)"),
    ("ftp://example.org/x", "a ftp: URL (a report reads no URLs)"),
    ("file://server/share/x.png", "a file on another host (server)"),
    ("file:///etc/passwd", "outside the report project"),
    ("{root}/../outside.txt", "outside the report project"),
    ("{root}/img/out.png", "outside the report project"),  # a symlink leading out
    ("{root}/img/%2E%2E/%2E%2E/outside.txt", "outside the report project"),
])
def test_fetcher_refuses(fetcher: object, project: Project, url: str, reason: str) -> None:
    url = url.replace("{root}", project.root.as_uri())
    with pytest.raises(FatalURLFetchingError, match="refused to read .*: " + reason.replace(
            "(", r"\(").replace(")", r"\)")):
        fetcher(url)  # type: ignore[operator]
    assert fetcher.refused  # type: ignore[attr-defined]


def test_fetcher_serves_project_files(fetcher: object, project: Project) -> None:
    response = fetcher(project.root.as_uri() + "/img/pic.png")  # type: ignore[operator]
    try:
        assert response.read(8) == b"\x89PNG\r\n\x1a\n"
    finally:
        response.close()


SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" {}>{}</svg>'


@pytest.mark.parametrize(("attrs", "body", "message"), [
    ('width="10"', "", None),
    ('width="640pt" height="480pt"', '<defs><linearGradient id="g"/></defs>'
     '<rect fill="url(#g)" width="1" height="1"/><use href="#g"/>', None),
    ("", '<script>alert(1)</script>', "<script> is not allowed"),
    ('onload="alert(1)"', "", "event handler onload= is not allowed"),
    ("", '<image href="../../outside/secret.png"/>', "refers to something outside the file"),
    ("", '<image xlink:href="file:///etc/passwd"/>', "refers to something outside the file"),
    ("", '<image href="data:image/png;base64,AAAA"/>', "refers to something outside the file"),
    ("", '<use href="other.svg#x"/>', "refers to something outside the file"),
    ("", '<style>@import "http://example.org/x.css";</style>', "a style loads a URL"),
    ("", '<rect style="fill: url(http://example.org/p.svg#x)"/>', "a style loads a URL"),
    ("", '<foreignObject><p xmlns="http://www.w3.org/1999/xhtml">x</p></foreignObject>',
     "<foreignObject> is not allowed"),
])
def test_svg_check(tmp_path: Path, attrs: str, body: str, message: str | None) -> None:
    path = tmp_path / "chart.svg"
    path.write_text(SVG.format(attrs, body), encoding="utf-8")
    if message is None:
        width, height = check_svg(path)
        assert width > 0 and height > 0
    else:
        with pytest.raises(AssetError, match=f"SVG 'chart.svg': .*{message}"):
            check_svg(path)


@pytest.mark.parametrize(("text", "message"), [
    ('<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
     '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n<svg xmlns="http://www.w3.org/2000/svg"/>',
     "DTDForbidden"),
    ('<!DOCTYPE svg [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
     '<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>', "DTDForbidden"),
    ('<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
     '<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>', "DTDForbidden"),
    ('<html xmlns="http://www.w3.org/1999/xhtml"/>', "does not start with an <svg> element"),
    ("<svg", "not well-formed XML"),
])
def test_svg_without_doctype_or_entities(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "chart.svg"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AssetError, match=message):
        check_svg(path)


def test_svg_size_from_the_view_box(tmp_path: Path) -> None:
    path = tmp_path / "c.svg"
    path.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 460 345"/>',
                    encoding="utf-8")
    assert check_svg(path) == (460, 345)
