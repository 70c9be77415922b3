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
        "list_of_figures": "Список иллюстраций",
        "unspecified": "не указано",
        "chart_bar": "Столбчатая диаграмма",
        "chart_hbar": "Линейчатая диаграмма",
        "chart_stacked_bar": "Столбчатая диаграмма с накоплением",
        "chart_line": "График",
        "chart_donut": "Кольцевая диаграмма",
        "chart_pie": "Круговая диаграмма",
        "chart_tiles": "Показатели",
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
        "list_of_figures": "Суреттер тізімі",
        "unspecified": "көрсетілмеген",
        "chart_bar": "Бағаналы диаграмма",
        "chart_hbar": "Сызықтық диаграмма",
        "chart_stacked_bar": "Жинақталған бағаналы диаграмма",
        "chart_line": "График",
        "chart_donut": "Сақиналы диаграмма",
        "chart_pie": "Дөңгелек диаграмма",
        "chart_tiles": "Көрсеткіштер",
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
        "list_of_figures": "List of figures",
        "unspecified": "not specified",
        "chart_bar": "Bar chart",
        "chart_hbar": "Horizontal bar chart",
        "chart_stacked_bar": "Stacked bar chart",
        "chart_line": "Line chart",
        "chart_donut": "Donut chart",
        "chart_pie": "Pie chart",
        "chart_tiles": "Indicators",
    },
}


def strings_for(lang: str) -> dict[str, str]:
    """The layout strings of ``lang``; unknown languages fall back to English."""
    return dict(STRINGS.get(lang, STRINGS["en"]))
