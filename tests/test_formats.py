"""Numbers, dates and count agreement per edition language (Babel's CLDR data, corrected)."""

from __future__ import annotations

import datetime as dt

import pytest
from babel.dates import get_month_names

from reportgen.text.formats import (
    choose_form,
    format_date,
    format_date_range,
    format_number,
    period_label,
    plural_category,
)

NB, NN = "\u00a0", "\u202f"
D = dt.date

# One noun in each language, its forms by CLDR category. Kazakh gives only the singular:
# nouns stay singular after numerals.
NOUNS = {
    "ru": {"one": "материал", "few": "материала", "many": "материалов", "other": "материала"},
    "kk": {"one": "материал"},
    "en": {"one": "event", "other": "events"},
}
NUMBERS = [0, 1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111, 1.5]
PLURALS = {
    # n:  ru category, ru form,        en form
    0: ("many", "материалов", "events"),
    1: ("one", "материал", "event"),
    2: ("few", "материала", "events"),
    4: ("few", "материала", "events"),
    5: ("many", "материалов", "events"),
    11: ("many", "материалов", "events"),
    12: ("many", "материалов", "events"),
    14: ("many", "материалов", "events"),
    21: ("one", "материал", "events"),
    22: ("few", "материала", "events"),
    25: ("many", "материалов", "events"),
    101: ("one", "материал", "events"),
    111: ("many", "материалов", "events"),
    1.5: ("other", "материала", "events"),
}


@pytest.mark.parametrize("n", NUMBERS)
@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_plural_forms(lang: str, n: float) -> None:
    ru_category, ru_form, en_form = PLURALS[n]
    expected = {"ru": ru_form, "kk": "материал", "en": en_form}[lang]
    assert choose_form(NOUNS[lang], n, lang) == expected
    if lang == "ru":
        assert plural_category(n, "ru") == ru_category


def test_kazakh_categories_are_cldrs_but_the_singular_serves_them_all() -> None:
    assert plural_category(5, "kk") == "other" and plural_category(1, "kk") == "one"
    assert choose_form({"one": "іс-шара", "other": "іс-шаралар"}, 5, "kk") == "іс-шаралар"


@pytest.mark.parametrize(("forms", "n", "lang", "message"), [
    ({"one": "материал", "few": "материала", "many": "материалов"}, 1.5, "ru",
     "no ru form for 1.5 (plural category 'other'): add other: … (given: one, few, many)"),
    ({"one": "event"}, 2, "en",
     "no en form for 2 (plural category 'other'): add other: … (given: one)"),
    ({"one": "материал", "many": "материалов"}, 3, "ru",
     "no ru form for 3 (plural category 'few'): add few: … or other: … (given: one, many)"),
])
def test_a_missing_form_is_an_error_not_a_guess(forms: dict[str, str], n: float, lang: str,
                                                message: str) -> None:
    with pytest.raises(ValueError) as info:
        choose_form(forms, n, lang)
    assert str(info.value) == message


@pytest.mark.parametrize(("value", "lang", "expected"), [
    (1004, "ru", f"1{NN}004"), (1004, "kk", f"1{NN}004"), (1004, "en", "1,004"),
    (905, "ru", "905"), (1234567, "kk", f"1{NN}234{NN}567"), (2.5, "ru", "2,5"),
    (2.5, "kk", "2,5"), (2.5, "en", "2.5"), (1234567.25, "en", "1,234,567.25"),
])
def test_numbers(value: float, lang: str, expected: str) -> None:
    assert format_number(value, lang) == expected


@pytest.mark.parametrize(("start", "end", "lang", "expected"), [
    (D(2018, 9, 21), D(2018, 9, 22), "ru", f"21–22{NB}сентября{NB}2018{NB}года"),
    (D(2018, 9, 21), D(2018, 9, 22), "kk", f"2018{NB}жылғы{NB}21–22{NB}қыркүйек"),
    (D(2018, 9, 21), D(2018, 9, 22), "en", f"21–22{NB}September{NB}2018"),
    (D(2018, 9, 21), D(2018, 9, 21), "ru", f"21{NB}сентября{NB}2018{NB}года"),
    (D(2018, 9, 21), D(2018, 9, 21), "kk", f"2018{NB}жылғы{NB}21{NB}қыркүйек"),
    (D(2018, 9, 21), D(2018, 9, 21), "en", f"21{NB}September{NB}2018"),
    # across months and years: a line may break after the dash, between the two dates
    (D(2018, 8, 30), D(2018, 9, 2), "ru", f"30{NB}августа{NB}— 2{NB}сентября{NB}2018{NB}года"),
    (D(2018, 8, 30), D(2018, 9, 2), "kk", f"2018{NB}жылғы{NB}30{NB}тамыз{NB}— 2{NB}қыркүйек"),
    (D(2018, 8, 30), D(2018, 9, 2), "en", f"30{NB}August{NB}– 2{NB}September{NB}2018"),
    (D(2017, 12, 30), D(2018, 1, 2), "ru",
     f"30{NB}декабря{NB}2017{NB}года{NB}— 2{NB}января{NB}2018{NB}года"),
])
def test_dates_and_ranges(start: dt.date, end: dt.date, lang: str, expected: str) -> None:
    assert format_date_range(start, end, lang) == expected


@pytest.mark.parametrize(("start", "end", "lang", "expected"), [
    (D(2018, 1, 1), D(2018, 9, 30), "ru", f"январь–сентябрь{NB}2018{NB}года"),
    (D(2018, 1, 1), D(2018, 9, 30), "kk", f"2018{NB}жылғы қаңтар–қыркүйек"),
    (D(2018, 1, 1), D(2018, 9, 30), "en", f"January–September{NB}2018"),
    (D(2018, 1, 1), D(2018, 6, 30), "kk", f"2018{NB}жылғы қаңтар–маусым"),
    (D(2018, 9, 1), D(2018, 9, 30), "ru", f"сентябрь{NB}2018{NB}года"),
    (D(2018, 9, 1), D(2018, 9, 30), "kk", f"2018{NB}жылғы қыркүйек"),
    (D(2018, 1, 1), D(2018, 12, 31), "ru", f"2018{NB}год"),
    (D(2018, 1, 1), D(2018, 12, 31), "kk", f"2018{NB}жыл"),
    (D(2018, 1, 1), D(2018, 12, 31), "en", "2018"),
    (D(2017, 9, 1), D(2018, 2, 28), "ru", f"сентябрь{NB}2017{NB}года{NB}— февраль{NB}2018{NB}года"),
    (D(2018, 1, 15), D(2018, 3, 31), "en", f"15{NB}January{NB}– 31{NB}March{NB}2018"),
])
def test_period_labels_from_dates(start: dt.date, end: dt.date, lang: str, expected: str) -> None:
    assert period_label(start, end, lang) == expected


def test_kazakh_corrections_of_cldr() -> None:
    """CLDR capitalizes Kazakh stand-alone months and abbreviates 'ж.'; Kazakh text does not."""
    assert get_month_names("wide", "stand-alone", locale="kk")[9] == "Қыркүйек"
    assert period_label(D(2018, 9, 1), D(2018, 9, 30), "kk") == f"2018{NB}жылғы қыркүйек"
    assert "ж." not in format_date(D(2018, 9, 21), "kk")
    assert format_date(D(2018, 9, 21), "ru").endswith("года")  # CLDR: '2018 г.'
