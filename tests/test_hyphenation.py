"""Where words may break: the shipped Kazakh patterns, their syllable filter, ru/en, names, numbers.

The Kazakh tables give each word's syllables as Kazakh syllabification has them (a
consonant between vowels opens the next syllable, two consonants are split, a native
syllable starts with one consonant at most, у is a vowel after a consonant and a
consonant after a vowel); the expected breaks are the syllable boundaries that leave two
letters on either side (the patterns' hyphenmins 2/2). docs/hyphenation.md explains them.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pyphen
import pytest

from reportgen.resources import font_faces, package_root
from reportgen.text import hyphenation as h

from .conftest import REPO

SHY = h.SOFT_HYPHEN
SOURCE = Path("/work/shared/hyphenation")


def shown(text: str) -> str:
    return text.replace(SHY, "-")


def expected(syllables: str, left: int = 2, right: int = 2) -> str:
    """The syllable boundaries of 'ғы-лы-ми' at least ``left``/``right`` letters from the ends."""
    word, out = syllables.replace("-", ""), []
    at = 0
    for part in syllables.split("-"):
        if out and left <= at <= len(word) - right:
            out.append("-")
        out.append(part)
        at += len(part)
    return "".join(out)


def raw_patterns(word: str) -> str:
    """The shipped patterns as plain pyphen reads them, without reportgen's syllable filter."""
    return pyphen.Pyphen(filename=str(h.kazakh_dictionary()), left=2, right=2, cache=False).inserted(word)


# ------------------------------------------------------------------ Kazakh

#: Every syllable boundary (within the minimums) is found, and nothing else.
KAZAKH = [
    "қа-зақ-стан-дық",  # the cluster of Russian loans' '-стан' opens the syllable
    "мем-ле-кет-тік",
    "ақ-па-рат-тық",
    "бір-лес-тік-те-рі-нің",
    "эт-но-са-ра-лық",
    "зерт-теу-ле-рі-нің",
    "ә-леу-мет-та-ну-шы-ла-ры",  # у after е: a consonant ('леу'); after н: a vowel ('ну')
    "же-тіл-ді-ру-де-гі",
    "ұ-йым-дас-ты-ры-лып",
    "айт-ты",  # a native syllable may end in two consonants, never start with two
    "сту-дент-тер",
    "о-қу-шы",
    "ау-да-ны",
    "та-уы",
    "уа-қыт",
    "құ-рал-да-ры",
    "дөң-ге-лек",
    "жү-йе-сі",
    "сөй-лей-ді",
    "тұ-рақ-ты",
    "жо-ға-ры",
    "кі-тап-тар",
    "қа-ты-су-шы-лар",
    "қа-ру-ға",
    "сырт-қы",
    "цифр-лық",
    "ә-зір-леу",
    "мақ-са-тын-да",
    "ме-кен-жа-йы",
    "қыр-кү-йек-те",
    "ас-сам-бле-я",  # the last syllable is one letter: no break before it
]


@pytest.mark.parametrize("syllables", KAZAKH)
def test_kazakh_breaks_at_its_syllables(syllables: str) -> None:
    word = syllables.replace("-", "")
    assert shown(h.soft_hyphens(word, "kk")) == expected(syllables)
    kazakh = h.hyphenator("kk")
    assert kazakh is not None and kazakh.inserted(word) == expected(syllables)


#: Breaks the syllables allow but the patterns never propose: the patterns know neither
#: и nor э as vowels, and never break between two vowels. What is found is still right.
KAZAKH_MISSED = [
    ("ғы-лы-ми", "ғы-лыми"),
    ("мә-де-ни-ет", "мә-дениет"),
    ("ка-пи-тал", "капитал"),
    ("са-я-си", "саяси"),
    ("ин-сти-тут", "ин-ститут"),
    ("ми-нистр-лі-гі", "министр-лі-гі"),
    ("ти-іс-ті", "тиіс-ті"),
    ("кон-суль-та-тив-тік", "кон-сультатив-тік"),
    ("жал-пы-ұлт-тық", "жал-пыұлт-тық"),
    ("ас-сам-бле-я-сы-ның", "ас-сам-блея-сы-ның"),
]


@pytest.mark.parametrize(("syllables", "found"), KAZAKH_MISSED)
def test_kazakh_breaks_the_patterns_miss(syllables: str, found: str) -> None:
    word = syllables.replace("-", "")
    assert shown(h.soft_hyphens(word, "kk")) == found
    allowed = _points(expected(syllables))
    assert _points(found) < allowed  # fewer, none wrong


#: Words the patterns alone break wrongly, and what the syllable filter leaves of them.
KAZAKH_PATTERN_ERRORS = [
    # both sides of a three-consonant cluster: a lone consonant between two breaks
    ("қазақстандық", "қа-зақ-с-тан-дық", "қа-зақ-стан-дық"),
    ("ассамблея", "ас-сам-б-лея", "ас-сам-блея"),
    ("айтты", "ай-т-ты", "айт-ты"),
    ("зерттеу", "зер-т-теу", "зерт-теу"),
    ("студенттер", "ст-у-ден-т-тер", "сту-дент-тер"),
    # у taken for a consonant after a consonant: a break before the vowel
    ("оқушы", "оқ-у-шы", "оқу-шы"),
    ("жетілдірудегі", "же-тіл-ді-р-у-де-гі", "же-тіл-ді-ру-де-гі"),
    ("қатысушылар", "қа-ты-с-у-шы-лар", "қа-ты-су-шы-лар"),
    ("консультативтік", "кон-с-у-льтатив-тік", "кон-сультатив-тік"),
    # a part with no vowel at the end of a word or inside it
    ("текст", "тек-ст", "текст"),
    ("пункт", "пу-н-кт", "пункт"),
    ("министрлігі", "минис-тр-лі-гі", "министр-лі-гі"),
]


@pytest.mark.parametrize(("word", "patterns", "filtered"), KAZAKH_PATTERN_ERRORS)
def test_kazakh_pattern_errors_are_filtered(word: str, patterns: str, filtered: str) -> None:
    # If this first assertion fails, the patterns changed: see docs/hyphenation.md.
    assert raw_patterns(word) == patterns
    assert shown(h.soft_hyphens(word, "kk")) == filtered
    assert _points(filtered) <= _points(patterns)  # the filter only removes breaks


def _points(hyphenated: str) -> set[int]:
    points, at = set(), 0
    for part in hyphenated.split("-")[:-1]:
        at += len(part)
        points.add(at)
    return points


def test_the_filter_keeps_the_first_of_two_breaks_around_a_lone_consonant() -> None:
    assert h.kazakh_breaks("қазақстан", [2, 5, 6]) == [2, 5]
    assert h.kazakh_breaks("айтты", [2, 3]) == [3]  # 'тт' cannot start a syllable


# ------------------------------------------------------------------ Russian, English


@pytest.mark.parametrize("syllables", [
    "го-су-дар-ствен-ный", "со-труд-ни-че-ство", "ми-ни-стер-ство", "рес-пуб-ли-ка",
    "де-я-тель-ность", "подъ-езд", "ас-сам-блея",
])
def test_russian(syllables: str) -> None:
    assert shown(h.soft_hyphens(syllables.replace("-", ""), "ru")) == syllables


@pytest.mark.parametrize("syllables", [
    "de-vel-op-ment", "in-ter-na-tional", "com-mit-tee", "as-sess-ment", "pub-lished",
])
def test_english(syllables: str) -> None:
    assert shown(h.soft_hyphens(syllables.replace("-", ""), "en")) == syllables


def test_minimums() -> None:
    minimums = {lang: (d.left, d.right) for lang in h.LANGUAGES if (d := h.hyphenator(lang))}
    assert minimums == {"ru": (2, 2), "kk": (2, 2), "en": (2, 3)}
    assert h.dictionary_minimums(h.kazakh_dictionary()) == (2, 2)


def test_languages_without_patterns_and_regions() -> None:
    assert h.hyphenator("tt") is None
    assert shown(h.soft_hyphens("мемлекеттік", "tt")) == "мемлекеттік"
    assert shown(h.soft_hyphens("мемлекеттік", "kk-KZ")) == "мем-ле-кет-тік"
    assert shown(h.soft_hyphens("organization", "en-US")) == "or-ga-ni-za-tion"
    assert shown(h.soft_hyphens("organization", "en")) == "or-gan-iz-a-tion"  # pyphen's 'en': en_GB


# ------------------------------------------------------------------ names, numbers


@pytest.mark.parametrize(("word", "at_start", "name"), [
    ("Алматы", False, True),
    ("Алматы", True, False),  # a sentence's first word may be any word
    ("ҚХА", True, True),
    ("ҒСТ", False, True),
    ("ҚазҰУ", True, True),
    ("Сейд-Әлиұлы", True, True),
    ("БАҚ-та", True, True),
    ("Мемлекеттік", True, False),
    ("мемлекеттік", False, False),
    ("Kazakhstan", False, True),
    ("McKinsey", True, True),
    ("2018", False, False),
])
def test_is_proper_name(word: str, at_start: bool, name: bool) -> None:
    assert h.is_proper_name(word, at_start) is name


@pytest.mark.parametrize(("word", "lang"), [
    ("Қазақстандық", "kk"), ("Ассамблеясының", "kk"), ("ҚХА", "kk"), ("Сейд-Әлиұлы", "kk"),
    ("Казахстан", "ru"), ("Kazakhstan", "en"), ("UNESCO", "en"),
])
def test_proper_names_are_not_hyphenated(word: str, lang: str) -> None:
    assert h.soft_hyphens(word, lang) == word


def test_a_capitalized_word_at_a_sentence_start_is_hyphenated() -> None:
    assert shown(h.soft_hyphens("Мемлекеттік", "kk", at_sentence_start=True)) == "Мем-ле-кет-тік"
    assert h.soft_hyphens("ҚХА-ның", "kk", at_sentence_start=True) == "ҚХА-ның"


@pytest.mark.parametrize("word", [
    "2018", "18-ден", "5-бет", "2018-2019", "21.09.2018", "COVID-19", "1\u202f004", "1990-жылдары",
    "ф2", "data_file", "мемле\u00adкеттік",
])
def test_numbers_dates_and_words_with_digits_are_untouched(word: str) -> None:
    assert h.soft_hyphens(word, "kk") == word


def test_compounds_are_hyphenated_part_by_part() -> None:
    assert shown(h.soft_hyphens("ғылыми-сараптамалық", "kk")) == "ғы-лыми-са-рап-та-ма-лық"
    assert shown(h.soft_hyphens("әлеуметтік-экономикалық", "kk")) == "әлеу-мет-тік-эко-номика-лық"


def test_running_text() -> None:
    text = ("Алматы қаласы ҚХА ғылыми-сараптамалық тобы 2012 жылғы наурызда құрылды. "
            "Мемлекеттік органдар Алматы қаласында, «Қоғамдық келісім» www.example.kz сайтында.")
    assert shown(h.soft_hyphens_text(text, "kk")) == (
        "Ал-ма-ты қа-ла-сы ҚХА ғы-лыми-са-рап-та-ма-лық то-бы 2012 жыл-ғы нау-рыз-да құ-рыл-ды. "
        "Мем-ле-кет-тік ор-ган-дар Алматы қа-ла-сын-да, «Қоғамдық ке-лі-сім» www.example.kz сай-тын-да.")
    assert h.soft_hyphens_text(text, "kk").replace(SHY, "") == text


# ------------------------------------------------------------------ the shipped file


def test_the_dictionary_ships_inside_the_package() -> None:
    path = h.kazakh_dictionary()
    assert path == package_root() / "text" / "hyphenation" / "hyph_kk_KZ.dic"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[:3] == ["UTF-8", "LEFTHYPHENMIN 2", "RIGHTHYPHENMIN 2"]
    patterns = [line for line in lines[3:] if not line.startswith("%")]
    assert len(patterns) == 5766 and patterns[0] == "1-4"
    readme = (path.parent / "README_hyph_kk_KZ.txt").read_text(encoding="utf-8")
    assert "Public domain" in readme and "hyph-utf8" in readme


@pytest.mark.skipif(not SOURCE.is_dir(), reason="the source patterns are not on this machine")
def test_the_shipped_dictionary_is_the_converted_source() -> None:
    result = subprocess.run([sys.executable, str(REPO / "tools" / "make_hyphenation.py"), "--check",
                             str(SOURCE)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_converter_rejects_a_damaged_source(tmp_path: Path) -> None:
    (tmp_path / "hyph-kk.header.txt").write_text("% hyphenmins:\n%     typesetting:\n"
                                                 "%         left: 2\n%         right: 2\n", encoding="utf-8")
    (tmp_path / "hyph-kk.pat.txt").write_text("а1ба\nабв\nа1ба\nq1x\n", encoding="utf-8")
    result = subprocess.run([sys.executable, str(REPO / "tools" / "make_hyphenation.py"), str(tmp_path),
                             str(tmp_path / "out")], capture_output=True, text=True)
    assert result.returncode == 1
    assert [re.sub(r"^.*?:(\d+): ", r"\1: ", line) for line in result.stderr.splitlines()] == [
        "2: not a Liang pattern: 'абв'",
        "3: duplicate pattern 'а1ба'",
        "4: letters outside the Kazakh alphabet: 'q1x'",
    ]
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------------------ pyphen and WeasyPrint


@pytest.fixture
def clean_pyphen(monkeypatch: pytest.MonkeyPatch) -> None:
    """pyphen's tables as installed, without any Kazakh entry; restored after the test."""
    monkeypatch.setattr(pyphen, "LANGUAGES", {k: v for k, v in pyphen.LANGUAGES.items()
                                              if not k.lower().startswith("kk")})
    monkeypatch.setattr(pyphen, "LANGUAGES_LOWERCASE", {k: v for k, v in pyphen.LANGUAGES_LOWERCASE.items()
                                                        if not k.startswith("kk")})
    monkeypatch.setattr(pyphen, "hdcache", {})


@pytest.mark.usefixtures("clean_pyphen")
def test_register_kazakh_makes_pyphen_use_the_filtered_patterns() -> None:
    assert pyphen.language_fallback("kk") is None
    path = h.register_kazakh()
    assert h.register_kazakh() == path == h.kazakh_dictionary()
    # What WeasyPrint does for lang="kk-KZ" (text/line_break.py).
    name = pyphen.language_fallback("kk-KZ")
    assert name == "kk_KZ"
    assert pyphen.Pyphen(lang=name, left=2, right=2).inserted("қазақстандық") == "қа-зақ-стан-дық"


WORDS = ("мемлекеттік ақпараттық бірлестіктерінің зерттеулерінің әлеуметтанушылары "
         "жетілдірудегі ұйымдастырылып қатысушылар конференциялар мақсатында тұрақты "
         "құралдарының ықпалдастығын мемлекеттік бағдарламаларының ")


def _render(tmp_path: Path, text: str = WORDS * 2, hyphens: str = "auto") -> list[str]:
    import weasyprint

    faces = "\n".join(f'@font-face {{ font-family: "{f.family}"; src: url("{f.path.as_uri()}"); '
                      f"font-style: {f.style}; font-weight: {f.weight}; }}" for f in font_faces())
    html = (f'<html lang="kk"><head><style>{faces} @page {{ size: A5; margin: 10mm }} '
            'p { font: 11pt "Report Serif"; hyphenate-character: "-" }</style></head><body>'
            f'<p style="hyphens: {hyphens}; width: 30mm; text-align: justify">{text}</p></body></html>')
    pdf = tmp_path / "hyph.pdf"
    pdf.write_bytes(weasyprint.HTML(string=html).write_pdf())
    # -raw: pdftotext's default reading order joins a line ending in a hyphen to the next
    out = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    assert SHY not in out  # soft hyphens are not drawn, nor copied with the text
    return [line.strip() for line in out.splitlines() if line.strip()]


def _check_breaks(after: list[str], before: list[str]) -> None:
    ends = [i for i, line in enumerate(after[:-1]) if line.endswith("-")]
    assert len(ends) >= 3
    words = set(WORDS.split())
    kazakh = h.hyphenator("kk")
    assert kazakh is not None
    for i in ends:
        head, tail = after[i].split()[-1][:-1], after[i + 1].split()[0]
        assert head + tail in words
        # WeasyPrint broke where the filtered patterns allow, and nowhere else.
        assert len(head) in kazakh.positions(head + tail)
    assert " ".join(after).replace("- ", "").split() == " ".join(before).split()


@pytest.mark.usefixtures("clean_pyphen")
def test_weasyprint_hyphenates_kazakh_once_registered(tmp_path: Path) -> None:
    before = _render(tmp_path)
    assert not any(line.endswith("-") for line in before)
    h.register_kazakh()
    _check_breaks(_render(tmp_path), before)


@pytest.mark.usefixtures("clean_pyphen")
def test_weasyprint_breaks_at_soft_hyphens_without_registering(tmp_path: Path) -> None:
    before = _render(tmp_path)
    _check_breaks(_render(tmp_path, h.soft_hyphens_text(WORDS * 2, "kk"), "manual"), before)
