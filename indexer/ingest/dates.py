"""Article dates as the archive gives them."""

from __future__ import annotations

import datetime as dt
import re

from indexer.records import Problem

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
          "сентября", "октября", "ноября", "декабря")
_WEEKDAY = r"(?:(?:понедельник|вторник|среда|четверг|пятница|суббота|воскресенье),?\s+)?"
_YEAR_WORD = r"(?:\s*(?:года|г\.?))?\.?"
# A line that is nothing but a date: «11 марта 2014 года», «Вторник, 11 марта 2014 г.»,
# «11.03.2014», «2014-03-11».
_WORDS_LINE = re.compile(rf"^{_WEEKDAY}(\d{{1,2}})\s+({'|'.join(MONTHS)})\s+(\d{{4}}){_YEAR_WORD}$",
                         re.IGNORECASE)
_DOTTED_LINE = re.compile(rf"^{_WEEKDAY}(\d{{1,2}})\.(\d{{1,2}})\.(\d{{4}}){_YEAR_WORD}$",
                          re.IGNORECASE)


def parse_date(value: str) -> dt.date | None:
    """``YYYY-MM-DD`` as a date, or None when it is not a real date."""
    match = _DATE.match(value.strip())
    if not match:
        return None
    try:
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def article_date(value: str | None, rel: str, line: int | None
                 ) -> tuple[dt.date | None, Problem | None]:
    """The date of an article, and the warning when it has none or a bad one (it is then
    indexed undated)."""
    if value is None:
        return None, Problem(rel, "no date: indexed undated", line, skipped=False)
    date = parse_date(value)
    if date is None:
        return None, Problem(rel, f"bad date {value!r}: indexed undated", line, skipped=False)
    return date, None


def date_line(line: str) -> dt.date | None:
    """The date a line holds when it is nothing but a date written the Russian way
    («11 марта 2014 года», «11.03.2014») or ISO; None otherwise (or not a real date)."""
    text = " ".join(line.split())
    words = _WORDS_LINE.match(text)
    dotted = _DOTTED_LINE.match(text)
    try:
        if words:
            day, month, year = words.groups()
            return dt.date(int(year), MONTHS.index(month.lower()) + 1, int(day))
        if dotted:
            day, month, year = dotted.groups()
            return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None
    return parse_date(text)
