"""The message catalogs: every language has every message of the template, translated."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reportgen.text.strings import catalog_file, languages, string_locations, strings_for, template_keys

FIELD = re.compile(r"\{(\w+)\}")


def test_the_three_report_languages_have_catalogs() -> None:
    assert languages() == ["en", "kk", "ru"]


@pytest.mark.parametrize("lang", ["en", "kk", "ru"])
def test_every_catalog_has_every_message_translated(lang: str) -> None:
    strings = strings_for(lang)
    template = template_keys()
    assert set(strings) == set(template), f"{catalog_file(lang)}: keys differ from the template"
    for key, msg in template.items():
        assert strings[key].strip(), f"{catalog_file(lang)}: '{key}' is not translated"
        # the fields reportgen fills in are all there, and nothing else
        assert sorted(FIELD.findall(strings[key])) == sorted(FIELD.findall(str(msg.id))), key


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_no_message_is_fuzzy_or_left_in_english(lang: str) -> None:
    from babel.messages.pofile import read_po

    with catalog_file(lang).open("rb") as fh:
        catalog = read_po(fh)
    for msg in catalog:
        if msg.id:
            assert not msg.fuzzy, msg.context
            # a message with fields, or without a letter ('—'), may stay as it is
            if not FIELD.search(str(msg.id)) and re.search(r"[^\W\d_]", str(msg.id)):
                assert msg.string != msg.id, f"'{msg.context}' is still English"


#: Words Kazakh shares with Russian (Kazakh Office too says "График", "диаграмма").
SHARED = {"kk": {"График", "диаграмма", "онлайн"}, "en": set()}


@pytest.mark.parametrize("lang", ["kk", "en"])
def test_no_russian_word_in_other_catalogs(lang: str) -> None:
    russian = strings_for("ru")
    for key, text in strings_for(lang).items():
        words = set(re.findall(r"[^\W\d_]+", FIELD.sub("", russian[key]))) - SHARED[lang]
        assert not words & set(re.findall(r"[^\W\d_]+", FIELD.sub("", text))), (key, text)


def test_locations_point_at_the_translation() -> None:
    loc = string_locations("kk")["contents"]
    line = catalog_file("kk").read_text(encoding="utf-8").splitlines()[loc.line - 1]  # type: ignore[operator]
    assert line == 'msgstr "Мазмұны"'
    assert Path(loc.file).name == "kk.po"


def test_a_language_without_catalog_is_named() -> None:
    with pytest.raises(KeyError, match="no message catalog for language 'de' "
                                       r"\(available: en, kk, ru\)"):
        strings_for("de")
