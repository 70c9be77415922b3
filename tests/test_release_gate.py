"""The release gate (issue 22): placeholder pictures, values marked 'status: estimate', dates
outside the period and one name written two ways are warnings of `check` and `build`, and
errors of `check --strict` and `release`, each at its place; the sample builds with them."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from reportgen.build import check
from reportgen.check.dates import find_dates
from reportgen.check.names import _one_edit
from reportgen.check.placeholders import is_placeholder
from reportgen.cli import main
from reportgen.errors import InputError, Problem
from reportgen.load.schema import Event
from reportgen.release import MANIFEST, release

from .conftest import DATA_YAML, REPO, REPORT_YAML, SAMPLE, SECTION_MD, Project

#: What each check's messages say, to tell the gate's problems from the others'.
KINDS = {
    "placeholder": re.compile(r"is a placeholder \(its metadata says reportgen:placeholder\)"),
    "estimate": re.compile(r"is marked 'status: estimate'"),
    "date": re.compile(r"is (after|more than a year before) the period, which"),
    "name": re.compile(r"may be one name written two ways"),
}


def gate_kind(problem: Problem) -> str | None:
    """Which of the release gate's checks gave ``problem`` (None: another check)."""
    return next((kind for kind, rx in KINDS.items() if rx.search(problem.message)), None)


def without_gate(problems: list[Problem]) -> list[Problem]:
    """``problems`` but the release gate's (for tests of other checks on the sample's files)."""
    return [p for p in problems if gate_kind(p) is None]


def lines(project: Project, strict: bool = False, period: str | None = None) -> list[str]:
    prefix = str(project.root.resolve()) + "/"
    return [str(p).replace(prefix, "") for p in check(project.root, period, strict).problems]


def released(project: Project, out: Path) -> list[str]:
    """The problems ``reportgen release`` stops with, paths relative to the project."""
    prefix = str(project.root.resolve()) + "/"
    with pytest.raises(InputError) as info:
        release(project.root, out, ["p1"])
    assert not (out / "p1" / MANIFEST).exists()
    return [str(p).replace(prefix, "") for p in info.value.problems]


def section(body: str) -> str:
    return SECTION_MD.replace("Текст раздела.", body)


# ---------------------------------------------------------------- the sample


@pytest.mark.parametrize(("period", "counts"), [
    ("2018-9m", {"placeholder": 133, "estimate": 28, "date": 1}),
    ("2018-h1", {"placeholder": 133, "estimate": 26, "date": 7}),
])
def test_the_sample_checks_with_the_gates_warnings_only(period: str, counts: dict[str, int]) -> None:
    result = check(SAMPLE, period)
    assert result.errors == []
    kinds = [gate_kind(p) for p in result.warnings]
    assert None not in kinds  # no other warning
    assert {k: kinds.count(k) for k in set(kinds)} == counts  # no name written two ways
    assert list(result.assemblies) == ["ru", "kk", "en"]
    assert all(a.document is not None for a in result.assemblies.values())
    strict = check(SAMPLE, period, strict=True)
    assert len(strict.errors) == sum(counts.values()) and strict.warnings == []


def test_the_sample_builds_with_them(sample_pdf: Path) -> None:
    assert sample_pdf.stat().st_size > 100_000


def test_the_samples_pictures_are_marked_placeholders() -> None:
    pictures = sorted(p for p in (SAMPLE / "assets").rglob("*") if p.suffix in (".jpg", ".png"))
    assert len(pictures) == 47 and all(is_placeholder(p) for p in pictures)


def test_the_samples_2021_article_and_the_h1_editions_later_events() -> None:
    found = [str(p).split(": warning: ")[0].split("data/")[-1] + " " + p.message.split("'")[1]
             for p in check(SAMPLE, "2018-h1").warnings if gate_kind(p) == "date"]
    assert found == [
        "sections/international-cooperation.md:107:1 21-22 сентября 2018",
        "sections/international-cooperation.md:231:1 4 июля 2018",
        "sections/press-en.md:9:4 December 10, 2021",
        "sections/international-cooperation.kk.md:105:1 2018 жылғы 21–22 қыркүйекте",
        "sections/international-cooperation.kk.md:230:1 2018 жылғы 4 шілдеде",
        "sections/international-cooperation.en.md:107:4 21–22 September 2018",
        "sections/international-cooperation.en.md:231:4 4 July 2018",
    ]


# ---------------------------------------------------------------- each refusal, located


def mark_png(path: Path, after_pixels: bool = False) -> None:
    """Save a picture marked as a placeholder (the text chunk before or after the pixels)."""
    info = PngInfo()
    info.add_text("Comment", "reportgen:placeholder", zip=after_pixels)
    Image.new("RGB", (40, 30), (200, 200, 200)).save(path, pnginfo=info)
    if after_pixels:  # move the (compressed) chunk behind IDAT, where exiftool may put it
        data = path.read_bytes()
        start = data.index(b"zTXt") - 4
        end = start + 12 + int.from_bytes(data[start:start + 4], "big")
        chunk, data = data[start:end], data[:start] + data[end:]
        iend = data.index(b"IEND") - 4
        path.write_bytes(data[:iend] + chunk + data[iend:])


PLACEHOLDER = ("error: picture 'img/pic.png' is a placeholder (its metadata says "
               "reportgen:placeholder): put the real picture in its place before the release")


def test_a_placeholder_picture(project: Project, tmp_path: Path) -> None:
    mark_png(project.root / "img" / "pic.png")
    assert lines(project) == [f"sections/a.md:9: {PLACEHOLDER.replace('error', 'warning', 1)}"]
    assert lines(project, strict=True) == [f"sections/a.md:9: {PLACEHOLDER}"]
    assert released(project, tmp_path / "r") == [f"sections/a.md:9: {PLACEHOLDER}"]
    assert main(["check", str(project.root)]) == 0
    assert main(["check", str(project.root), "--strict"]) == 1


@pytest.mark.parametrize("how", ["png text after the pixels", "jpeg comment", "exif description",
                                 "make_placeholders --mark", "make_placeholders draws"])
def test_ways_to_mark_a_placeholder(how: str, tmp_path: Path) -> None:
    pic = tmp_path / ("pic.png" if "png" in how else "pic.jpg")
    plain = Image.new("RGB", (40, 30), (200, 200, 200))
    if how == "png text after the pixels":
        mark_png(pic, after_pixels=True)
        with Image.open(pic) as im:
            assert "Comment" not in im.info  # not before the pixels: Pillow alone misses it
    elif how == "jpeg comment":
        plain.save(pic, comment="reportgen:placeholder, until the photographer sends hers")
    elif how == "exif description":
        exif = Image.Exif()
        exif[0x010E] = "reportgen:placeholder"  # ImageDescription
        plain.save(pic, exif=exif)
    elif how == "make_placeholders --mark":
        plain.save(pic)
        assert not is_placeholder(pic)
        subprocess.run([sys.executable, str(REPO / "tools" / "make_placeholders.py"), "--mark",
                        str(pic)], check=True, capture_output=True)
        with Image.open(pic) as im:
            assert im.tobytes() == plain.tobytes()  # the pixels are untouched
    else:
        for folder in ("sections", "assets"):
            (tmp_path / folder).mkdir()
        (tmp_path / "sections" / "s.md").write_text("![x](../pic.jpg)\n", encoding="utf-8")
        subprocess.run([sys.executable, str(REPO / "tools" / "make_placeholders.py"),
                        str(tmp_path)], check=True, capture_output=True)
        assert is_placeholder(tmp_path / "assets" / "logo.png")
    assert is_placeholder(pic)


def test_a_picture_with_other_metadata_is_not_a_placeholder(tmp_path: Path) -> None:
    pic = tmp_path / "pic.png"
    info = PngInfo()
    info.add_text("Title", "placeholder of the 2018 forum")  # the word alone is no mark
    Image.new("RGB", (40, 30)).save(pic, pnginfo=info)
    assert not is_placeholder(pic)


def test_placeholders_as_logo_cover_gallery_slide_and_poster(project: Project) -> None:
    for name in ("logo.png", "cover.png", "s1.png", "s2.png", "UN.png"):
        mark_png(project.root / "img" / name)
    Image.new("RGB", (40, 30)).save(project.root / "img" / "real.png")
    project.write("report.yaml", REPORT_YAML.replace(
        "  name: Тестовая организация\n", "  name: Тестовая организация\n  logo: img/logo.png\n"))
    project.write("sections/a.md", section("""\
### Галерея

<div class="carousel">
<div class="swiper-slide" style="background-image: url(../img/real.png)"></div>
<div class="swiper-slide" style="background-image: url(../img/s1.png)"></div>
<div class="swiper-slide" style="background-image: url(../img/s2.png)"></div>
</div>

<video controls>
  <source src="../img/UN.mp4" type="video/mp4" />
</video>
""").replace("title: Раздел\n", "title: Раздел\ncover: ../img/cover.png\n"))
    assert [line.split(" is a placeholder")[0] for line in lines(project, strict=True)] == [
        "report.yaml:4:9: error: the logo 'img/logo.png'",
        "sections/a.md:3:8: error: the cover 'img/cover.png'",  # the front matter's line
        "sections/a.md:12:59: error: picture 'img/s1.png'",  # each slide's line
        "sections/a.md:13:59: error: picture 'img/s2.png'",
        "sections/a.md:16: error: the video's poster 'img/UN.png'",
    ]


# ---------------------------------------------------------------- values marked as estimates


ESTIMATES = """\
status: estimate
indicators:
  materials:
    value: 23
    status: estimate
    label: материалов
breakdowns:
  media:
    label: публикаций
    total: 10
    status: estimate
    parts:
      domestic: {value: 7, label: в казахстанских СМИ, status: estimate}
      foreign: {value: 3, label: в зарубежных СМИ, status: final}
events:
  - kind: conference
    title: Конференция
    date: 2018-05-01
    city: Астана
    status: {date: estimate, city: estimate}
  - kind: forum
    title: Форум
    status: estimate
memoranda:
  - {partner: Фонд мира Гои, date: 2018-09-11, status: {date: estimate}}
"""

FIX = "put the real value in its place and remove the mark before the release"


def test_values_marked_as_estimates(project: Project, tmp_path: Path) -> None:
    project.write("activity/p1.yaml", ESTIMATES)
    expected = [
        "activity/p1.yaml:1:9: error: the data of period 'p1' is marked 'status: estimate': "
        "every value of the file is a stand-in; put the real values in and remove the mark "
        "before the release",
        f"activity/p1.yaml:5:13: error: indicators.materials: the value 23 is marked 'status: "
        f"estimate' (a stand-in); {FIX}",
        f"activity/p1.yaml:11:13: error: breakdowns.media: the total 10 is marked 'status: "
        f"estimate' (a stand-in); {FIX}",
        f"activity/p1.yaml:13:64: error: breakdowns.media.parts.domestic: the value 7 is marked "
        f"'status: estimate' (a stand-in); {FIX}",
        f"activity/p1.yaml:20:20: error: events[0] ('Конференция'): date 2018-05-01 is marked "
        f"'status: estimate' (a stand-in); {FIX}",
        f"activity/p1.yaml:20:36: error: events[0] ('Конференция'): city Астана is marked "
        f"'status: estimate' (a stand-in); {FIX}",
        "activity/p1.yaml:23:13: error: events[1] ('Форум') is marked 'status: estimate': the "
        "item is a stand-in; put the real one in its place and remove the mark before the release",
        f"activity/p1.yaml:25:63: error: memoranda[0] ('Фонд мира Гои'): date 2018-09-11 is "
        f"marked 'status: estimate' (a stand-in); {FIX}",
    ]
    assert lines(project, strict=True) == expected
    assert lines(project) == [e.replace(": error: ", ": warning: ", 1) for e in expected]
    assert released(project, tmp_path / "r") == expected


def test_estimates_of_the_periods_a_report_can_show(project: Project) -> None:
    """Earlier periods (trend charts, comparisons): the file's mark and its figures' count,
    not its events; a later period's data is never shown, so its marks do not."""
    project.write("report.yaml", REPORT_YAML.replace("periods:\n", """\
periods:
  - id: p0
    start: 2017-01-01
    end: 2017-12-31
  - id: p9
    start: 2018-01-01
    end: 2018-12-31
"""))
    project.write("activity/p0.yaml", "status: estimate\n" + ESTIMATES.split("memoranda:")[0]
                  .replace("status: estimate\n", "", 1).replace("2018-05-01", "2017-05-01"))
    project.write("activity/p9.yaml", ESTIMATES)
    found = [line.split(" is marked")[0] for line in lines(project, period="p1")]
    assert found == [
        "activity/p0.yaml:1:9: warning: the data of period 'p0'",
        "activity/p0.yaml:5:13: warning: indicators.materials: the value 23",
        "activity/p0.yaml:11:13: warning: breakdowns.media: the total 10",
        "activity/p0.yaml:13:64: warning: breakdowns.media.parts.domestic: the value 7",
    ]
    assert "this report can show them (trend charts, comparisons with period 'p0')" in \
        check(project.root, "p1").warnings[0].message


@pytest.mark.parametrize(("status", "message"), [
    ("status: guess", "events[0].status: expected 'final' or 'estimate' (or a mapping of fields "
                      "to them), got 'guess'"),
    ("status: {dat: estimate}", "events[0].status: 'dat' is not a field of this item (its "
                                f"fields: {', '.join(f for f in Event.model_fields if f != 'status')})"),
    ("status: {date: guess}", "events[0].status: expected 'final' or 'estimate', got 'guess' "
                              "for date"),
    ("status: final", None),
])
def test_the_status_field(project: Project, status: str, message: str | None) -> None:
    project.write("activity/p1.yaml", DATA_YAML + f"    {status}\n")
    assert lines(project) == ([f"activity/p1.yaml:21:13: error: {message}"] if message else [])


# ---------------------------------------------------------------- dates outside the period


AFTER = ("is after the period, which ends on 2018-09-30: is this text about another period? "
         "(if the date is right here, put {# reportgen: dates-ok #} in its paragraph)")
BEFORE = ("is more than a year before the period, which starts on 2018-01-01: is this text about "
          "another period? (if the date is right here, put {# reportgen: dates-ok #} in its "
          "paragraph)")


@pytest.mark.parametrize(("text", "expected"), [
    # after the period's last day (2018-09-30): a day, a month or a year
    ("10 декабря 2021 года в Нур-Султане прошла конференция.",
     [f"7:1: warning: '10 декабря 2021' {AFTER}"]),
    ("Прошла 1 октября 2018 г.", [f"7:8: warning: '1 октября 2018' {AFTER}"]),
    ("В 2019 году планируется форум.", [f"7:3: warning: '2019 году' {AFTER}"]),
    ("В октябре 2018 года.", [f"7:3: warning: 'октябре 2018' {AFTER}"]),
    ("On December 10, 2021, Nur-Sultan hosted it.", [f"7:4: warning: 'December 10, 2021' {AFTER}"]),
    ("In 2021 it was held.", [f"7:1: warning: 'In 2021' {AFTER}"]),
    ("2021 жылғы 10 желтоқсанда өтті.", [f"7:1: warning: '2021 жылғы 10 желтоқсанда' {AFTER}"]),
    ("2021 жылы өтті.", [f"7:1: warning: '2021 жылы' {AFTER}"]),
    ("Дата: 2021-12-10, или 10.12.2021.",
     [f"7:7: warning: '2021-12-10' {AFTER}", f"7:23: warning: '10.12.2021' {AFTER}"]),
    # a day more than a year before its first day (2018-01-01)
    ("Меморандум подписан 15 декабря 2016 года.", [f"7:21: warning: '15 декабря 2016' {BEFORE}"]),
    # within the margins
    ("21–22 сентября 2018 года и 4 июля 2018 г.", []),
    ("Меморандум подписан 15 марта 2017 года.", []),  # within a year before the start
    ("Институт образован в марте 2012 года, в 2008 году и в 1993 году.", []),  # context
    ("По сравнению с 2017 годом, за 2016–2019 годы.", []),
    ("Награда «Молодой юрист – 2021» и 2021 участник.", []),  # no year word: not a date
    # not typed prose: expressions, file names, addresses, a part this period leaves out
    ("{{ '10 декабря 2021 года' }} и [фото](https://x.kz/2021-12-10.png), https://x.kz/2021-12-10"
     "\n\n![Фото](../img/2021-12-10.png)", []),
    ("{% if period.end.year > 2020 %}10 декабря 2021 года{% endif %}", []),
    # said so on purpose: anywhere in the paragraph
    ("Через год, 10 декабря 2021 года, будет форум. {# reportgen: dates-ok #}", []),
])
def test_dates_outside_the_period(project: Project, text: str, expected: list[str]) -> None:
    project.write("sections/a.md", section(text).replace("![Подпись](../img/pic.png)", ""))
    (project.root / "img" / "2021-12-10.png").write_bytes((project.root / "img" / "pic.png")
                                                           .read_bytes())
    assert lines(project) == [f"sections/a.md:{e}" for e in expected]


def test_the_margin_is_a_year_before_the_start_for_a_day_and_nothing_after_the_end() -> None:
    found = [(f.first.isoformat(), f.last.isoformat(), f.precision) for f in find_dates(
        "с 30 июня по 2 июля 2018 года, в июне 2018 года, 2016–2018 годы, 2018 ж., 31 июня "
        "2018 года")]
    assert found == [("2018-07-02", "2018-07-02", "day"), ("2018-06-01", "2018-06-30", "month"),
                     ("2018-06-01", "2018-06-30", "month"), ("2016-01-01", "2018-12-31", "year"),
                     ("2018-01-01", "2018-12-31", "year")]


def test_a_date_in_the_front_matter_and_the_marker_on_another_paragraph(project: Project) -> None:
    project.write("sections/a.md", section(
        "Первый абзац, 10 декабря 2021 года.\n\nВторой. {# reportgen: dates-ok #}")
        .replace("title: Раздел\n", "title: Раздел\ncut: Итоги 2019 года\n"))
    assert lines(project) == [f"sections/a.md:3:12: warning: '2019 года' {AFTER}",
                              f"sections/a.md:8:15: warning: '10 декабря 2021' {AFTER}"]


def test_release_refuses_a_date_outside_the_period(project: Project, tmp_path: Path) -> None:
    project.write("sections/a.md", section("10 декабря 2021 года прошла конференция."))
    assert released(project, tmp_path / "r") == [
        f"sections/a.md:7:1: error: '10 декабря 2021' {AFTER}"]


# ---------------------------------------------------------------- one name written two ways


def names_text(body: str, lang: str = "ru") -> str:
    """A section with ``body``: the fixture's (Russian), or a bare one in ``lang``."""
    return section(body) if lang == "ru" else f"---\ntitle: Раздел\nlang: {lang}\n---\n\n{body}\n"


@pytest.mark.parametrize(("text", "expected"), [
    # a letter changed: the rarer spelling is the likelier typo, both places named
    ("Секретарь Гульшара Абдыкаликова.\n\nСнова Абдыкаликова.\n\nЗатем Абдикаликова.",
     ["sections/a.md:11:7: warning: 'Абдикаликова' (sections/a.md:11:7) and 'Абдыкаликова' "
      "(sections/a.md:7:20, sections/a.md:9:7) may be one name written two ways; write it one "
      "way, or say they are different names: {# reportgen: names-ok Абдикаликова "
      "Абдыкаликова #}"]),
    # a letter added, two swapped; English and Kazakh
    ("Министр Абдрахманов и министр Абдурахманов.", ["'Абдурахманов'"]),
    ("en: Secretary Abdykalikova met Abdyaklikova.", ["'Abdyaklikova'"]),
    ("kk: Хатшы Әбдіқалықова және Әбдікалықова.", ["'Әбдікалықова'"]),
    # forms of one word, ordinary words opening a sentence, short names: not reported
    ("Абдыкаликова, Абдыкаликовой, Абдыкаликову; Назарбаев и Назарбаева.", []),
    ("kk: Әбдіқалықова, Әбдіқалықованың, Әбдіқалықоваға; Астанада, Астанаға.", []),
    ("Данная встреча. Джанни Буккикио. А данная — нет.", []),
    ("Кайрат Мами и Мама.", []),
    ("Работа МФЦА и МФЦР.", []),
    # said so on purpose, anywhere in the edition
    ("Министр Абдрахманов и министр Абдурахманов. {# reportgen: names-ok Абдрахманов "
     "Абдурахманов #}", []),
])
def test_one_name_written_two_ways(project: Project, text: str, expected: list[str]) -> None:
    lang, _, body = text.partition(": ") if text[:4] in ("kk: ", "en: ") else ("ru", "", text)
    project.write("sections/a.md", names_text(body, lang))
    found = lines(project)
    if expected and expected[0].startswith("'"):
        found = ["'" + line.split(": warning: '")[1].split("'")[0] + "'" for line in found]
    assert found == expected


def test_names_in_two_sections_and_strict(project: Project, tmp_path: Path) -> None:
    project.write("report.yaml", REPORT_YAML.replace("  - sections/a.md\n",
                                                     "  - sections/a.md\n  - sections/b.md\n"))
    project.write("sections/a.md", names_text("Гульшара Абдыкаликова."))
    project.write("sections/b.md", "---\ntitle: Второй\n---\n\nГульшара Абдикаликова.\n")
    message = ("'Абдикаликова' (sections/b.md:5:10) and 'Абдыкаликова' (sections/a.md:7:10) may "
               "be one name written two ways; write it one way, or say they are different "
               "names: {# reportgen: names-ok Абдикаликова Абдыкаликова #}")
    assert lines(project) == [f"sections/b.md:5:10: warning: {message}"]
    assert released(project, tmp_path / "r") == [f"sections/b.md:5:10: error: {message}"]


@pytest.mark.parametrize(("a", "b", "close"), [
    ("абдыкаликов", "абдикаликов", True), ("абдрахманов", "абдурахманов", True),
    ("abdykalikova", "abdyklaikova", True), ("abc", "abc", False), ("астан", "асан", True),
    ("абдыкаликов", "абдикаликова", False), ("ab", "ba", True), ("abcd", "acbe", False),
])
def test_one_edit(a: str, b: str, close: bool) -> None:
    assert _one_edit(a, b) is close and _one_edit(b, a) is close


def test_the_seed_page_as_written_misspells_the_secretary_of_state(tmp_path: Path) -> None:
    from .conftest import make_seed_project

    root = make_seed_project(tmp_path / "seed")
    names = [p for p in check(root, "2018-9m", langs=["ru"]).warnings if gate_kind(p) == "name"]
    assert [(p.loc and p.loc.file.name, p.loc and p.loc.line, p.message.split("'")[1])
            for p in names] == [("cooperation.md", 233, "Абдикаликова")]


def test_a_copy_of_the_sample_without_its_stand_ins_releases(tmp_path: Path) -> None:
    """Real pictures, no estimate marks and no article from 2021: the gate lets it through
    (checked strictly, as a release is, without rendering)."""
    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".reportgen-cache"))
    for pic in sorted((root / "assets").rglob("*")):
        if pic.suffix in (".jpg", ".png"):
            with Image.open(pic) as im:
                plain = im.convert("RGB")
            plain.info.clear()  # Pillow would keep a JPEG's comment
            plain.save(pic)  # the pixels only
    for data in (root / "activity").glob("*.yaml"):
        text = data.read_text(encoding="utf-8")
        text = re.sub(r"\n *status: [^\n]*|, status: (estimate|\{[^}]*\})", "", text)
        text = re.sub(r"^status: estimate\n", "", text, flags=re.M)
        data.write_text(text, encoding="utf-8")
    press = root / "sections" / "press-en.md"
    press.write_text(press.read_text(encoding="utf-8").replace(
        "On December 10, 2021,", "On 10 September 2018,"), encoding="utf-8")
    assert [str(p) for p in check(root, "2018-9m", strict=True).problems] == []
