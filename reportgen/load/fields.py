"""The project format, published: JSON Schemas and the field reference, from ``schema.py``.

``schema.py`` is the single source: validation uses its classes, and this
module turns the same classes into JSON Schema files (for editors: VS Code's
YAML extension validates and completes with them) and into the Markdown field
reference (docs/fields.md). Reads and writes no files; the CLI does.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from reportgen.load.schema import ActivityData, FrontMatter, Report
from reportgen.load.spreadsheets import LISTS, ListSource

#: (file name, schema class, title, what it describes), in the order of the reference.
SCHEMAS: tuple[tuple[str, type[BaseModel], str, str], ...] = (
    ("report.schema.json", Report, "report.yaml", "The report project's `report.yaml`."),
    ("activity.schema.json", ActivityData, "Activity data",
     "One period's activity data: `activity/<period>.yaml` (or the period's `data` file)."),
    ("section.schema.json", FrontMatter, "Section front matter",
     "The YAML front matter between `---` lines at the top of a narrative section."),
)
_IDENT = r"^[A-Za-z0-9][A-Za-z0-9_-]*$"
_LANGUAGE = "^[a-z]{2}$"
_PLURAL = "^(zero|one|two|few|many|other)$"
_DRAFT = "https://json-schema.org/draft/2020-12/schema"


def json_schema(model: type[BaseModel], title: str) -> dict[str, Any]:
    """The JSON Schema of ``model``; mappings with key patterns allow no other keys."""
    schema = model.model_json_schema()
    if model is ActivityData:
        _spreadsheet_lists(schema)
    _close_patterns(schema)
    return {"$schema": _DRAFT, **schema, "title": title}


def _spreadsheet_lists(schema: dict[str, Any]) -> None:
    """The lists an activity file may take from a spreadsheet instead (``spreadsheets``: read
    before validation, so that the schema classes never see the reference) may be either."""
    source = ListSource.model_json_schema(by_alias=True)
    schema.setdefault("$defs", {})["ListSource"] = source
    for name in LISTS:
        prop = schema["properties"][name]
        description = prop.pop("description", None)
        default = prop.pop("default", None)
        schema["properties"][name] = {
            "anyOf": [prop, {"$ref": "#/$defs/ListSource"}],
            **({"default": default} if default is not None else {}),
            **({"description": description + " Or a spreadsheet: {from: lists/x.xlsx}."}
               if description else {}),
        }


def json_schemas() -> dict[str, str]:
    """File name -> JSON text, for every schema of the project format."""
    return {name: json.dumps(json_schema(model, title), ensure_ascii=False, indent=2) + "\n"
            for name, model, title, _ in SCHEMAS}


def _close_patterns(node: Any) -> None:
    if isinstance(node, dict):
        if "patternProperties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False  # as validation does: a key must match
        if isinstance(node.get("description"), str):
            node["description"] = node["description"].replace("``", "`")
        for value in node.values():
            _close_patterns(value)
    elif isinstance(node, list):
        for item in node:
            _close_patterns(item)


# ---------------------------------------------------------------- reference


def field_reference() -> str:
    """docs/fields.md: every key of every YAML file of a project, with type and meaning."""
    out = [
        "# Field reference",
        "",
        "<!-- Generated from reportgen/schema.py by `make schema` "
        "(reportgen schema --out docs/schema --markdown docs/fields.md): do not edit. -->",
        "",
        "Every key a report project's YAML may hold. Unknown keys are errors. The same "
        "definitions are published as JSON Schema in [docs/schema/](schema/) for editors "
        "(see [the user guide](project-format.md#checking-a-project)).",
    ]
    for file_name, model, title, what in SCHEMAS:
        schema = json_schema(model, title)
        defs = schema.get("$defs", {})
        out += ["", f"## {title}", "", f"{what} JSON Schema: "
                f"[`{file_name}`](schema/{file_name}).", ""]
        out += _table(schema, defs)
        for name in _referenced(schema, defs):
            node = defs[name]
            out += ["", f"### {name}", ""]
            if node.get("description"):
                out += [node["description"], ""]
            out += _table(node, defs)
    return "\n".join(out) + "\n"


def _referenced(schema: dict[str, Any], defs: dict[str, Any]) -> list[str]:
    """Names of the definitions reachable from ``schema``, in order of first mention."""
    seen: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                name = ref.rsplit("/", 1)[-1]
                if name not in seen:
                    seen.append(name)
                    walk(defs[name])
            for key, value in node.items():
                if key != "$defs":
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(schema)
    return seen


def _table(node: dict[str, Any], defs: dict[str, Any]) -> list[str]:
    required = set(node.get("required", []))
    rows = ["| key | type | required | default | meaning |", "| --- | --- | --- | --- | --- |"]
    for key, prop in node.get("properties", {}).items():
        default = "" if "default" not in prop or prop["default"] is None else \
            f"`{json.dumps(prop['default'], ensure_ascii=False)}`"
        meaning = prop.get("description", "").replace("|", "\\|")
        rows.append(f"| `{key}` | {_type(prop)} | {'yes' if key in required else ''} "
                    f"| {default} | {meaning} |")
    return rows


def _data_text(options: list[dict[str, Any]]) -> str | None:
    """A text of the data (``datatext``), in words: what its union of shapes allows."""
    refs = {n.get("$ref", "").rsplit("/", 1)[-1] for n in options}
    patterns = [p for n in options for p in n.get("patternProperties", {})]
    if "TextIn" not in refs or _LANGUAGE not in patterns:
        return None
    forms = " or plural forms" if _PLURAL in patterns else ""
    return f"text{forms}: one, per edition (ru: …, kk: …) or [TextIn](#textin)"


def _type(node: dict[str, Any]) -> str:
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{name.lower()})"
    if "anyOf" in node:
        return _data_text(node["anyOf"]) or " or ".join(
            _type(n) for n in node["anyOf"] if n.get("type") != "null")
    kind = node.get("type")
    if "enum" in node:
        return "one of " + ", ".join(f"`{v}`" for v in node["enum"])
    if kind == "string":
        if node.get("format") == "date":
            return "date (YYYY-MM-DD)"
        if node.get("pattern") == _IDENT:
            return "identifier"
        if node.get("pattern") == _LANGUAGE:
            return "language code (ru, kk, en)"
        if node.get("pattern"):
            return f"text matching `{node['pattern']}`"
        return "text"
    if kind in ("integer", "number"):
        word = "whole number" if kind == "integer" else "number"
        return f"{word} ≥ {node['minimum']}" if "minimum" in node else word
    if kind == "boolean":
        return "true or false"
    if kind == "array":
        return f"list of {_type(node.get('items', {}))}"
    if kind == "object":
        patterns = node.get("patternProperties", {})
        if _PLURAL in patterns:
            return f"{_type(patterns[_PLURAL])} by plural category (one, few, many, other, …)"
        if _IDENT in patterns:
            return f"mapping of identifier → {_type(patterns[_IDENT])}"
        if _LANGUAGE in patterns:
            return f"per edition: language → {_type(patterns[_LANGUAGE])}"
        return "mapping"
    return "any value"
