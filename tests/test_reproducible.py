"""Reproducible builds: the same input gives the same bytes, whatever the clock and time zone say."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pikepdf
import pytest

from reportgen.build import build, source_date
from reportgen.errors import InputError

from .conftest import REPO, SAMPLE, Project


def _start_build(out: Path, tz: str, epoch: str | None = None) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env["TZ"] = tz
    env["PYTHONPATH"] = str(REPO)
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = epoch
    return subprocess.Popen([sys.executable, "-m", "reportgen", "build", str(SAMPLE), "-o", str(out)],
                            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _wait(proc: subprocess.Popen[bytes]) -> None:
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, (out + err).decode()


def test_sample_builds_are_byte_identical_across_time_zones(tmp_path: Path) -> None:
    # Two processes at once, on opposite sides of the date line (UTC+14 and UTC).
    first = _start_build(tmp_path / "a", "Pacific/Kiritimati")
    second = _start_build(tmp_path / "b", "UTC")
    _wait(first)
    _wait(second)
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b").iterdir())
    assert "report-2018-9m.ru.pdf" in names and "report-2018-9m.kk.docx" in names
    for name in names:  # every edition, both formats
        a, b = (tmp_path / d / name for d in ("a", "b"))
        assert a.read_bytes() == b.read_bytes(), name
    pdf = pikepdf.open(tmp_path / "a" / "report-2018-9m.ru.pdf")
    # A fixed file identifier, a hash of the content, and the report's date as creation date.
    ids = [bytes(x) for x in pdf.trailer.ID]
    assert ids[0] == ids[1] and len(ids[0]) == 32  # an MD5 in hex
    assert str(pdf.docinfo["/CreationDate"]) == "D:20181005000000Z"
    with zipfile.ZipFile(tmp_path / "a" / "report-2018-9m.ru.docx") as z:
        assert {i.date_time for i in z.infolist()} == {(2018, 10, 5, 0, 0, 0)}


def test_source_date_epoch_sets_every_timestamp(project: Project, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14T22:13:20Z
    result = build(project.root, tmp_path, pdf_variant="pdf/a-2b")
    pdf = pikepdf.open(result.edition().outputs["pdf"])
    assert str(pdf.docinfo["/CreationDate"]) == "D:20231114221320Z"
    assert str(pdf.docinfo["/ModDate"]) == "D:20231114221320Z"
    with pdf.open_metadata() as xmp:
        assert xmp["xmp:CreateDate"] == "2023-11-14T22:13:20Z"
    props = docx.Document(str(result.edition().outputs["docx"])).core_properties
    assert props.created == props.modified == dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.UTC)
    with zipfile.ZipFile(result.edition().outputs["docx"]) as z:
        assert {i.date_time for i in z.infolist()} == {(2023, 11, 14, 22, 13, 20)}
    # The visible date is still the report's own.
    assert source_date(dt.date(2018, 10, 5), {}) == dt.datetime(2018, 10, 5, tzinfo=dt.UTC)


@pytest.mark.parametrize("value", ["yesterday", "-5", "1.5", "99999999999999"])
def test_a_bad_source_date_epoch_is_refused(value: str) -> None:
    with pytest.raises(InputError) as info:
        source_date(None, {"SOURCE_DATE_EPOCH": value})
    assert str(info.value) == ("error: SOURCE_DATE_EPOCH: expected a whole number of seconds "
                               f"since 1970-01-01 UTC, got {value!r}")


def test_dates_before_1980_fit_in_the_zip(project: Project, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    result = build(project.root, tmp_path, formats=("docx",))
    with zipfile.ZipFile(result.edition().outputs["docx"]) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
