"""Small Russian formatting helpers for the pages: plurals, dates, numbers and durations."""

from __future__ import annotations

import calendar
import datetime as dt

MONTHS_GENITIVE = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)
MONTHS_NOMINATIVE = (
    "январь", "февраль", "март", "апрель", "май", "июнь",
    "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
)
MONTHS_SHORT = (
    "янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек",
)
NBSP = "\u00a0"

# Word forms used on the pages: (one, few, many), as in 1 статья, 2 статьи, 5 статей.
ARTICLES = ("статья", "статьи", "статей")
FOUND = ("Найдена", "Найдено", "Найдено")
REPRINTS = ("перепечатка", "перепечатки", "перепечаток")
VALUES = ("значение", "значения", "значений")
PAGES = ("страница", "страницы", "страниц")
UNDATED_ACC = ("статью без даты", "статьи без даты", "статей без даты")  # «не включает …»
# The histogram's y axis: how many articles a bar counts.
UNITS = {"year": "в год", "month": "в месяц", "day": "в день"}


def plural_form(n: int) -> int:
    """Index of the Russian plural form of ``n``: 0 (1, 21), 1 (2–4, 22) or 2 (5–20, 11)."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return 0
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return 1
    return 2


def plural(n: int, forms: tuple[str, str, str] = ARTICLES) -> str:
    """The word of ``forms`` that agrees with ``n``: ``plural(5)`` → «статей»."""
    return forms[plural_form(n)]


def number(n: int | float) -> str:
    """A number with Russian digit grouping: 1234567 → «1 234 567» (no-break spaces)."""
    if isinstance(n, float) and not n.is_integer():
        return f"{n:,.1f}".replace(",", NBSP).replace(".", ",")
    return f"{int(n):,}".replace(",", NBSP)


def count(n: int, forms: tuple[str, str, str] = ARTICLES) -> str:
    """A number with its agreeing word: «1 234 статьи», «21 статья»."""
    return f"{number(n)} {plural(n, forms)}"


def found(total: int) -> str:
    """The result line's head: «Найдена 1 статья», «Найдено 1 234 статьи»."""
    return f"{plural(total, FOUND)} {count(total)}"


def duration_ms(ms: float) -> str:
    """A search time: «12 мс», «0,4 мс», «1,2 с»."""
    if ms >= 1000:
        return f"{ms / 1000:.1f}".replace(".", ",") + f"{NBSP}с"
    if ms < 1:
        return f"{ms:.1f}".replace(".", ",") + f"{NBSP}мс"
    return f"{round(ms)}{NBSP}мс"


def _parse(value: str | dt.date | None) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def dotted(value: str | dt.date | None) -> str:
    """A date as typed here: «19.06.2019»; "" when missing or unreadable."""
    day = _parse(value)
    return f"{day.day:02d}.{day.month:02d}.{day.year:04d}" if day else ""


def ru_date(value: str | dt.date | None) -> str:
    """A date in Russian: «5 марта 2026»; «без даты» when missing or unreadable."""
    day = _parse(value)
    if day is None:
        return "без даты"
    return f"{day.day}{NBSP}{MONTHS_GENITIVE[day.month - 1]} {day.year}"


def date_range(date_from: str | None, date_to: str | None) -> str:
    """A filter's period in words: «2017 год», «март 2017», «5 марта 2017», «с … по …»."""
    start, end = _parse(date_from), _parse(date_to)
    if start and end:
        if start == end:
            return ru_date(start)
        last_of_month = end.day == calendar.monthrange(end.year, end.month)[1]
        if start.day == 1 and last_of_month and (start.year, start.month) == (end.year, end.month):
            return f"{MONTHS_NOMINATIVE[start.month - 1]} {start.year}"
        if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
            if start.year == end.year:
                return f"{start.year}{NBSP}год"
            return f"{start.year}–{end.year}{NBSP}годы"
        return f"с {ru_date(start)} по {ru_date(end)}"
    if start:
        return f"с {ru_date(start)}"
    if end:
        return f"по {ru_date(end)}"
    return ""


def period(key: str) -> str:
    """A histogram bucket key in Russian: «2017», «март 2017», «5 марта 2017»."""
    parts = key.split("-")
    try:
        if len(parts) == 1:
            return str(int(parts[0]))
        if len(parts) == 2:
            return f"{MONTHS_NOMINATIVE[int(parts[1]) - 1]} {int(parts[0])}"
    except (ValueError, IndexError):
        return key
    return ru_date(key) if _parse(key) else key


def period_short(key: str) -> str:
    """A short axis label for a histogram bucket: «2017», «мар 17», «5 мар»."""
    parts = key.split("-")
    try:
        if len(parts) == 1:
            return str(int(parts[0]))  # «0001» (a year of one digit, zero-padded) is «1»
        if len(parts) == 2:
            return f"{MONTHS_SHORT[int(parts[1]) - 1]} {parts[0][2:]}"
        return f"{int(parts[2])} {MONTHS_SHORT[int(parts[1]) - 1]}"
    except (ValueError, IndexError):
        return key
