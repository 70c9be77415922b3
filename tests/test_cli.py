"""The command line: options shared by the commands, and --debug wherever it is given."""

from __future__ import annotations

import pytest

from reportgen.cli import main
from reportgen.cli.parser import parser

from .conftest import DATA_YAML, Project


@pytest.mark.parametrize("argv", [
    ["--debug", "build", "{root}", "-o", "{root}/out"],
    ["build", "{root}", "-o", "{root}/out", "--debug"],
    ["--debug", "check", "{root}"],
    ["--debug", "release", "{root}", "--all-periods", "-o", "{root}/out"],
])
def test_debug_before_or_after_the_command_shows_the_traceback(
        argv: list[str], project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    project.write("activity/p1.yaml", DATA_YAML.replace("value: 23", "value: ten"))
    code = main([a.format(root=project.root) for a in argv])
    out, err = capsys.readouterr()
    assert code == 1
    assert "expected a whole number or a number, got 'ten'" in out + err
    if argv[1] != "check":  # check reports problems as its result, not as an exception
        assert "Traceback (most recent call last)" in err


def test_without_debug_no_traceback(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    project.write("activity/p1.yaml", DATA_YAML.replace("value: 23", "value: ten"))
    assert main(["build", str(project.root), "-o", str(project.root / "out")]) == 1
    err = capsys.readouterr().err
    assert "got 'ten'" in err and "Traceback" not in err


@pytest.mark.parametrize("command", ["build", "check"])
def test_shared_options_parse_alike(command: str) -> None:
    args = parser().parse_args([command, "proj", "--period", "p1", "--lang", "ru,kk", "--strict"])
    assert (str(args.project), args.period, args.lang, args.strict) == ("proj", "p1", "ru,kk", True)
    assert parser().parse_args([command]).debug is False
    assert parser().parse_args(["--debug", command]).debug is True
    assert parser().parse_args([command, "--debug"]).debug is True


def test_release_jobs_must_be_positive(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        parser().parse_args(["release", "--all-periods", "--jobs", "0"])
    assert exc.value.code == 2
    assert "expected a whole number of at least 1, got '0'" in capsys.readouterr().err


def test_a_build_with_many_warnings_shows_the_first_and_says_how_many(
        project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    """Warnings are printed as check prints them (file:line:col: warning: …), the first
    ``logs.SHOWN`` of them; a last line gives the count and points to check, which lists
    every one; --debug prints them all."""
    from reportgen.cli import logs

    # A chart declared but placed nowhere is a warning each: more of them than are shown.
    charts = "".join(f"  unused{i}:\n    type: bar\n    title: Т{i}\n    data: {{breakdown: media}}\n"
                     for i in range(logs.SHOWN + 3))
    project.write("report.yaml", (project.root / "report.yaml").read_text(encoding="utf-8")
                  + "charts:\n" + charts)
    assert main(["build", str(project.root), "-o", str(project.root / "out"),
                 "--format", "pdf"]) == 0
    err = capsys.readouterr().err.splitlines()
    shown = [line for line in err if ": warning: " in line]
    assert len(shown) == logs.SHOWN
    assert all(line.startswith(str(project.root / "report.yaml")) or
               line.startswith("report.yaml") for line in shown), shown[:2]
    assert not any(line.startswith("WARNING") for line in err)
    assert err[-1] == (f"reportgen: {logs.SHOWN + 3} warnings, the first {logs.SHOWN} shown; "
                       f"'reportgen check {project.root}' lists every one")
    assert main(["check", str(project.root)]) == 0
    captured = capsys.readouterr()
    listed = [line for line in (captured.out + captured.err).splitlines() if ": warning: " in line]
    assert len(listed) == logs.SHOWN + 3
    assert main(["--debug", "build", str(project.root), "-o", str(project.root / "out"),
                 "--format", "pdf"]) == 0
    assert len([line for line in capsys.readouterr().err.splitlines()
                if ": warning: " in line]) == logs.SHOWN + 3
