"""The fixed words of the layouts, per language (contents, figure, page, ...).

Layouts and writers take every fixed string from here, so no Russian word
appears in an edition in another language.
"""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "ru": {
        "contents": "Содержание",
        "summary": "Основные итоги",
        "figure": "Рисунок",
        "video": "Видеозапись",
        "page": "Страница",
        "addressee": "Представляется",
        "period": "Отчётный период",
        "placeholder": "Иллюстрация-заглушка",
    },
    "kk": {
        "contents": "Мазмұны",
        "summary": "Негізгі қорытындылар",
        "figure": "Сурет",
        "video": "Бейнежазба",
        "page": "Бет",
        "addressee": "Ұсынылады",
        "period": "Есепті кезең",
        "placeholder": "Уақытша сурет",
    },
    "en": {
        "contents": "Contents",
        "summary": "Key results",
        "figure": "Figure",
        "video": "Video",
        "page": "Page",
        "addressee": "Submitted to",
        "period": "Reporting period",
        "placeholder": "Placeholder image",
    },
}


def strings_for(lang: str) -> dict[str, str]:
    """The layout strings of ``lang``; unknown languages fall back to English."""
    return dict(STRINGS.get(lang, STRINGS["en"]))
