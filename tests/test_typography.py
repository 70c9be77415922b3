"""The typography pass: what a careful editor does to typed text, and what it must leave alone.

'~' stands for a no-break space (U+00A0) in the expected texts.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.assemble.typography import typeset, typeset_blocks, typeset_inlines
from reportgen.errors import Problems, SourceLoc
from reportgen.model import nodes as m

CASES = [
    # quotes
    ("ru", 'Он сказал: "Привет" и ушёл', "Он сказал: «Привет» и~ушёл"),
    ("ru", 'монумент "Стена мира" на площади', "монумент «Стена мира» на площади"),
    ("ru", '"Книга "Путь" вышла"', "«Книга „Путь“ вышла»"),
    ("ru", 'КГУ «Фонд "Мир"»', "КГУ «Фонд „Мир“»"),
    ("kk", '"Қоғамдық келісім" КММ', "«Қоғамдық келісім» КММ"),
    ("en", 'the "hearing state" concept', "the “hearing state” concept"),
    ("en", '"a "nested" quote"', "“a ‘nested’ quote”"),
    ("en", "the country's development", "the country’s development"),
    # dashes
    ("ru", "Казахстан - это страна", "Казахстан~— это страна"),
    ("ru", "Казахстан -- это страна", "Казахстан~— это страна"),
    ("ru", "18 человек – политологи", "18~человек~— политологи"),
    ("kk", "ҒСТ - тұрақты орган", "ҒСТ~— тұрақты орган"),
    ("en", "Kazakhstan - Elbasy", "Kazakhstan~— Elbasy"),
    ("ru", "Фонд — Елбасы", "Фонд~— Елбасы"),
    ("ru", "- Последние годы", "—~Последние годы"),
    # number ranges
    ("ru", "в 2017-2018 годах", "в~2017–2018~годах"),
    ("ru", "страницы 1 - 5", "страницы 1–5"),
    ("en", "pages 10-12", "pages~10–12"),
    # no-break spaces
    ("ru", "в Астане и к ним", "в~Астане и~к~ним"),
    ("ru", "В составе НЭГ", "В~составе НЭГ"),
    ("ru", "в 2018 году, в 2012 г.", "в~2018~году, в~2012~г."),
    ("ru", "21 сентября", "21~сентября"),
    ("kk", "2018 жылғы 21 қыркүйек", "2018~жылғы 21~қыркүйек"),
    ("en", "on 10 December", "on 10~December"),
    ("ru", "340 млн долларов", "340~млн долларов"),
    ("ru", "приказ №5 и № 7", "приказ №~5 и~№~7"),
    ("ru", "и т.д...", "и~т.~д…"),
    # must not change
    ("ru", "2018-09-21", "2018-09-21"),
    ("ru", "тел. 8-701-123-45-67", "тел. 8-701-123-45-67"),
    ("ru", "20-летие, COVID-19, Нур-Султан", "20-летие, COVID-19, Нур-Султан"),
    ("ru", "с 10:00-12:00", "с~10:00-12:00"),
    ("ru", "консультативно-аналитический", "консультативно-аналитический"),
    ("ru", "см. https://example.org/a-b?q=\"x\" - там", "см. https://example.org/a-b?q=\"x\"~— там"),
    ("ru", "пишите на info@kisi.kz", "пишите на info@kisi.kz"),
    ("ru", "{{ x | plural('a', 'b') }} {% if a-b %}", "{{ x | plural('a', 'b') }} {% if a-b %}"),
    ("en", "a - b", "a~— b"),
    ("en", "a cat", "a cat"),  # no one-letter rule in English
    ("kk", "а ә", "а ә"),  # nor in Kazakh
]

#: What the sample's reviewer found (issue 22), and the rules around it.
ISSUE_22 = [
    # quotes by language and nesting, typed ones of another language included
    ("ru", "на тему: “Казахстан и ООН”.", "на тему: «Казахстан и~ООН»."),
    ("ru", "«Фонд «Мир» и «Дом»»", "«Фонд „Мир“ и~„Дом“»"),
    ("ru", "«Инициатива „Пояс и путь“»", "«Инициатива „Пояс и~путь“»"),
    ("kk", "“Сөз „ішкі“”", "«Сөз „ішкі“»"),
    ("en", "«the “Silk Roads”»", "“the ‘Silk Roads’”"),
    # unpaired (a quotation over paragraphs): the typed marks kept, foreign ones by depth
    ("ru", "«начало цитаты и “другое”", "«начало цитаты и~„другое“"),
    ("ru", "«начало цитаты и «другое»", "«начало цитаты и~«другое»"),
    # slips of the source
    ("ru", "4 июля 2018г. Фондом", "4~июля 2018~г. Фондом"),
    ("ru", "в услугах МФЦА , Суда МФЦА", "в~услугах МФЦА, Суда МФЦА"),
    ("ru", "Тавакуль Карман и др..", "Тавакуль Карман и~др."),
    ("ru", "в г.Венеции (Италия)", "в~г.~Венеции (Италия)"),
    ("ru", "Фондом Н.Назарбаева", "Фондом Н.~Назарбаева"),
    ("ru", "и т.д. согласно", "и~т.~д. согласно"),
    ("ru", "«Лучший молодой юрист – 2018»", "«Лучший молодой юрист~— 2018»"),
    ("ru", "такие  как", "такие как"),
    ("ru", "( текст ) и « цитата » !", "(текст) и~«цитата»!"),
    # initials, abbreviations, numbers
    ("ru", "И. Рогова и Н.А.Назарбаев", "И.~Рогова и~Н.А.~Назарбаев"),
    ("ru", "Н. А. Назарбаев, Назарбаеву Н. А.", "Н.~А.~Назарбаев, Назарбаеву~Н.~А."),
    ("ru", "Центр им. Вильсона, см. раздел, рис. 3, с.5", "Центр им.~Вильсона, см.~раздел, рис.~3, с.~5"),
    ("ru", "в 2018 г. Фонд", "в~2018~г. Фонд"),  # the year's 'г.', not a city's
    ("ru", "т.е. и т.п.", "т.~е. и~т.~п."),
    ("ru", "более 300 гостей", "более 300~гостей"),
    ("ru", "1 004 интервью, 5 млн тг, 10 %", "1~004~интервью, 5~млн тг, 10~%"),
    ("ru", "в 31 мероприятии, 1 на каждого", "в~31~мероприятии, 1 на каждого"),
    ("ru", "в таблице 1 и приложении 2", "в~таблице~1 и~приложении~2"),
    ("ru", "двух- и трёхкомнатные", "двух-~и~трёхкомнатные"),  # a suspended hyphen
    ("kk", "2018ж. Алматы қ. және т.б.", "2018~ж. Алматы~қ. және~т.~б."),
    ("kk", "Астана – жастар хабы", "Астана~— жастар хабы"),
    ("kk", "300 қонақ", "300~қонақ"),
    ("en", "J.Smith met 300 guests ; etc..", "J.~Smith met 300~guests; etc."),
    ("en", "in 2018 the Institute, see Table 2", "in 2018 the Institute, see Table~2"),
    ("en", "Astana – the hub", "Astana~— the hub"),
    # a period's label may break between its month and year, never inside a date
    ("ru", "«январь–июнь\u00a02018\u00a0года»", "«январь–июнь 2018~года»"),
    ("ru", "21\u00a0сентября\u00a02018\u00a0г.", "21~сентября 2018~г."),
    ("en", "January–June\u00a02018", "January–June 2018"),
    # left alone
    ("ru", "e-mail: info@kisi.kz , сайт", "e-mail: info@kisi.kz, сайт"),
    ("ru", "см. https://example.org/a", "см. https://example.org/a"),  # an address never breaks
    ("en", "e.g. and i.e. as typed", "e.g. and i.e. as typed"),
]


@pytest.mark.parametrize(("lang", "source", "expected"), ISSUE_22,
                         ids=[f"{c[0]}: {c[1]}" for c in ISSUE_22])
def test_the_rules_of_issue_22(lang: str, source: str, expected: str) -> None:
    assert typeset(source, lang).replace("\u00a0", "~") == expected


@pytest.mark.parametrize(("lang", "source", "shown"), [
    ("ru", "в культурно- гуманитарной сфере", "культурно- гуманитарной"),
    ("ru", "город Нур -Султан", "Нур -Султан"),
    ("kk", "мәдени- гуманитарлық", "мәдени- гуманитарлық"),
])
def test_a_change_that_could_be_wrong_is_a_located_warning(lang: str, source: str,
                                                            shown: str) -> None:
    loc = SourceLoc(Path("sections/a.md"), 12)
    problems = Problems()
    (para,) = typeset_blocks((m.Paragraph((m.Text(source),), loc),), lang, problems)
    assert isinstance(para, m.Paragraph)
    assert m.plain_text(para.children).replace("\u00a0", " ") == source  # not guessed
    (problem,) = problems.items
    assert (problem.severity, problem.loc) == ("warning", loc)
    assert f"'{shown}'" in problem.message


def test_a_date_of_the_data_is_left_as_the_number_formats_wrote_it() -> None:
    day = m.Span((m.Text("30\u00a0May\u00a0— 2\u00a0June\u00a02018"),), role="date")
    assert typeset_inlines((m.Text("on "), day), "en") == (m.Text("on "), day)


def test_a_suspended_hyphen_is_no_warning() -> None:
    problems = Problems()
    typeset_blocks((m.Paragraph((m.Text("двух- и трёхкомнатные"),),
                                SourceLoc(Path("a.md"), 1)),), "ru", problems)
    assert problems.items == []


@pytest.mark.parametrize(("lang", "source", "expected"), CASES,
                         ids=[f"{c[0]}: {c[1]}" for c in CASES])
def test_typography(lang: str, source: str, expected: str) -> None:
    assert typeset(source, lang).replace("\u00a0", "~") == expected


def test_rules_act_across_inline_boundaries_and_keep_the_markup() -> None:
    nodes = (m.Text('Подписан "'), m.Strong((m.Text("Меморандум"),)), m.Text('" - в Астане'))
    assert typeset_inlines(nodes, "ru") == (
        m.Text("Подписан «"), m.Strong((m.Text("Меморандум"),)), m.Text("»\u00a0— в\u00a0Астане"))


def test_code_and_literal_links_are_left_alone() -> None:
    nodes = (m.Text('run "'), m.Code('a - "b"'), m.Text('" or see '),
             m.Link("https://x.kz/a--b", (m.Text("https://x.kz/a--b"),)),
             m.Text(" or "), m.Link("https://x.kz", (m.Text('the "site"'),)))
    assert typeset_inlines(nodes, "en") == (
        m.Text("run “"), m.Code('a - "b"'), m.Text("” or see "),
        m.Link("https://x.kz/a--b", (m.Text("https://x.kz/a--b"),)),
        m.Text(" or "), m.Link("https://x.kz", (m.Text("the “site”"),)))


def test_a_span_in_another_language_gets_that_languages_quotes() -> None:
    nodes = (m.Text('Книга "'), m.Span((m.Text('the "Silk Roads"'),), lang="en"), m.Text('"'))
    out = typeset_inlines(nodes, "ru")
    assert m.plain_text(out) == "Книга «the ‘Silk Roads’»"  # English quotes nest in English
    nodes = (m.Span((m.Text('the "Silk Roads"'),), lang="en"),)
    assert m.plain_text(typeset_inlines(nodes, "ru")) == "the “Silk Roads”"


def test_blocks_and_languages_of_divs() -> None:
    loc = SourceLoc(Path("s.md"), 1)
    blocks = (m.Div((m.Paragraph((m.Text('a "b"'),), loc),), loc, lang="en"),
              m.ListBlock(((m.Paragraph((m.Text('в "Б"'),), loc),),), loc))
    div, lst = typeset_blocks(blocks, "ru")
    assert isinstance(div, m.Div) and isinstance(lst, m.ListBlock)
    assert div.blocks == (m.Paragraph((m.Text("a “b”"),), loc),)
    assert lst.items == ((m.Paragraph((m.Text("в\u00a0«Б»"),), loc),),)


def test_tables_notes_and_references_are_typeset_ids_and_pages_left_alone() -> None:
    loc = SourceLoc(Path("s.md"), 1)
    cell = m.Cell((m.Text('Форум "Астана" - 2018'),))
    table = m.Table(caption=(m.Text('Итоги "года"'),), number=1, id="tab-a-b", loc=loc,
                    head=(m.Row((m.Cell((m.Text("Тема и место"),)),)),), body=(m.Row((cell,)),),
                    align=("left",), widths=(1.0,))
    note = m.Note(1, ((m.Text('См. "Итоги" - там'),),), loc)
    ref = m.CrossRef("tab-a-b", (m.Text("таблица 1 на с. "), m.PageRef("tab-a-b")), loc,
                     kind="table", number=1, role="numref")
    para = m.Paragraph((m.Text('Итоги в "'), ref, m.Text('"'), note, m.Text(" - и всё")), loc)
    typeset_table, typeset_para = typeset_blocks((table, para), "ru")
    assert isinstance(typeset_table, m.Table) and isinstance(typeset_para, m.Paragraph)
    assert typeset_table.caption == (m.Text("Итоги «года»"),)
    assert typeset_table.head[0].cells[0].children == (m.Text("Тема и\u00a0место"),)
    assert typeset_table.body[0].cells[0].children == (m.Text("Форум «Астана»\u00a0— 2018"),)
    assert typeset_table.id == "tab-a-b"
    text, typeset_ref, close, typeset_note, rest = typeset_para.children
    assert (text, close, rest) == (m.Text("Итоги в\u00a0«"), m.Text("»"),
                                   m.Text("\u00a0— и\u00a0всё"))
    assert isinstance(typeset_ref, m.CrossRef) and typeset_ref.target == "tab-a-b"
    # a label keeps its number, and 'с.' the page's (issue 22)
    assert typeset_ref.children == (m.Text("таблица\u00a01 на с.\u00a0"), m.PageRef("tab-a-b"))
    assert isinstance(typeset_note, m.Note)
    assert typeset_note.paragraphs == ((m.Text("См. «Итоги»\u00a0— там"),),)
