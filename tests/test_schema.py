"""JSON Schemas and the field reference come from reportgen/schema.py and stay current."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from reportgen.cli import main
from reportgen.load.fields import SCHEMAS, field_reference, json_schemas

from .conftest import DATA_YAML, REPO, SAMPLE

DOCS = REPO / "docs"


def test_committed_schemas_and_reference_are_current() -> None:
    """Regenerate with `make schema` when this fails."""
    for name, text in json_schemas().items():
        assert (DOCS / "schema" / name).read_text(encoding="utf-8") == text, name
    assert (DOCS / "fields.md").read_text(encoding="utf-8") == field_reference()


def test_reference_documents_every_field() -> None:
    reference = field_reference()
    for _, model, _, _ in SCHEMAS:
        for name, field in model.model_fields.items():
            assert f"| `{name}` |" in reference, name
            assert field.description, f"{model.__name__}.{name} has no description"
    rows = [line for line in reference.splitlines() if line.startswith("| `")]
    assert [row for row in rows if row.endswith("|  |")] == []  # every field has a meaning


def as_json(value: Any) -> Any:
    """YAML as an editor's YAML 1.2 reading sees it: dates are text."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


def validator(name: str) -> jsonschema.protocols.Validator:
    schema = json.loads(json_schemas()[name])
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@pytest.mark.parametrize(("name", "path"), [
    ("report.schema.json", SAMPLE / "report.yaml"),
    *[("activity.schema.json", p) for p in sorted((SAMPLE / "activity").glob("*.yaml"))],
], ids=lambda v: v.name if isinstance(v, Path) else v)
def test_sample_files_are_valid(name: str, path: Path) -> None:
    data = as_json(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert list(validator(name).iter_errors(data)) == []
    up = "../" * len(path.relative_to(SAMPLE).parts)  # from the file's folder to the repository
    first_line = path.read_text(encoding="utf-8").splitlines()[0]
    assert first_line == f"# yaml-language-server: $schema={up}docs/schema/{name}"


def test_sample_front_matter_is_valid() -> None:
    check = validator("section.schema.json")
    for md in sorted((SAMPLE / "sections").glob("*.md")):
        front = md.read_text(encoding="utf-8").split("---\n")[1]
        assert list(check.iter_errors(as_json(yaml.safe_load(front)))) == [], md.name


@pytest.mark.parametrize(("change", "complaint"), [
    (("value: 23", "value: -1"), "-1 is less than the minimum of 0"),
    (("few: материала", "fewer: материала"), "'fewer' does not match any of the regexes"),
    (("city: Астана", "cty: Астана"), "Additional properties are not allowed ('cty' was unexpected)"),
    (("date: 2018-05-01", "date: 2018-13-01"), "'2018-13-01' is not a 'date'"),
    (("kind: conference", "kind: конференция"), "'конференция' does not match"),
])
def test_schema_rejects_what_validation_rejects(change: tuple[str, str], complaint: str) -> None:
    data = as_json(yaml.safe_load(DATA_YAML.replace(*change).replace("2018-13-01", "'2018-13-01'")))
    errors = list(validator("activity.schema.json").iter_errors(data))
    messages = [e.message for err in errors for e in [err, *all_context(err)]]
    assert any(complaint in m for m in messages), messages


def all_context(error: jsonschema.ValidationError) -> list[jsonschema.ValidationError]:
    """The errors of every branch of an anyOf, all the way down."""
    return [e for sub in error.context or [] for e in [sub, *all_context(sub)]]


def test_cli_writes_schemas_and_reference(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--out", str(tmp_path / "s"), "--markdown", str(tmp_path / "f.md")]) == 0
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == [
        "activity.schema.json", "report.schema.json", "section.schema.json"]
    assert (tmp_path / "f.md").read_text(encoding="utf-8") == field_reference()
    assert capsys.readouterr().out.count("wrote ") == 4
