"""The typography pass: what a careful editor does to typed text, and what it must leave alone.

'~' stands for a no-break space (U+00A0) in the expected texts.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.assemble.typography import typeset, typeset_blocks, typeset_inlines
from reportgen.errors import SourceLoc
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
    ("ru", "18 человек – политологи", "18 человек~— политологи"),
    ("kk", "ҒСТ - тұрақты орган", "ҒСТ~— тұрақты орган"),
    ("en", "Kazakhstan - Elbasy", "Kazakhstan~— Elbasy"),
    ("ru", "Фонд — Елбасы", "Фонд~— Елбасы"),
    ("ru", "- Последние годы", "—~Последние годы"),
    # number ranges
    ("ru", "в 2017-2018 годах", "в~2017–2018~годах"),
    ("ru", "страницы 1 - 5", "страницы 1–5"),
    ("en", "pages 10-12", "pages 10–12"),
    # no-break spaces
    ("ru", "в Астане и к ним", "в~Астане и~к~ним"),
    ("ru", "В составе НЭГ", "В~составе НЭГ"),
    ("ru", "в 2018 году, в 2012 г.", "в~2018~году, в~2012~г."),
    ("ru", "21 сентября", "21~сентября"),
    ("kk", "2018 жылғы 21 қыркүйек", "2018~жылғы 21~қыркүйек"),
    ("en", "on 10 December", "on 10~December"),
    ("ru", "340 млн долларов", "340~млн долларов"),
    ("ru", "приказ №5 и № 7", "приказ №~5 и~№~7"),
    ("ru", "и т.д...", "и~т.д…"),
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
    assert typeset_ref.children == (m.Text("таблица 1 на с. "), m.PageRef("tab-a-b"))
    assert isinstance(typeset_note, m.Note)
    assert typeset_note.paragraphs == ((m.Text("См. «Итоги»\u00a0— там"),),)
