"""The parts of a results page repeated hundreds of times, written in Python: a hit's entity
chips and the facets' rows. A page of the synthetic 100,000-article archive names about 20
values a hit and lists up to 60 facet values; the same markup from Jinja macros was 40 % of
rendering the page (a macro call, context calls and several escapes per value)."""

from __future__ import annotations

from markupsafe import Markup, escape

from indexer.catalog import ENTITY_FIELDS
from web import format as fmt
from web.entities import entity_url
from web.links import Links, action


def entity_chips(hit, shown: int = 3) -> Markup:
    """Every value the hit names (persons, organisations, places), each a button adding it as
    a filter and a link to its page; those after the first ``shown`` folded under «ещё N»."""
    chips = [(field, value) for field in ENTITY_FIELDS for value in _values(hit, field)]
    if not chips:
        return Markup("")
    out = ['<div class="hit__entities">\n  <ul class="chips chips--line" aria-label="Упомянуты">']
    for i, (field, value) in enumerate(chips):
        if i == shown:
            out.append(f'  </ul>\n  <details class="chips-more">\n    <summary>ещё '
                       f'{len(chips) - shown}</summary>\n    <ul class="chips">')
        name = escape(value)
        out.append(
            f'    <li><button form="state" type="submit" name="do" '
            f'value="{escape(action("add", field, value))}" class="chip chip--{field}"\n'
            f'        title="Уточнить поиск: {name}">{name}</button><a class="chip__page" '
            f'href="{escape(entity_url(field, value))}" title="Страница: {name}" '
            f'aria-label="Страница «{name}»">→</a></li>')
    out.append("  </ul>")
    if len(chips) > shown:
        out.append("  </details>")
    out.append("</div>")
    return Markup("\n".join(out))  # noqa: S704 - every value above is escaped


_ON = ('facet__item is-active" title="Убрать фильтр"', '<span aria-hidden="true">✓ </span>',
       '<span class="visually-hidden"> (фильтр включён)</span>')
_OFF = ('facet__item"', "", "")


def facet_rows(field: str, items: list[dict], links: Links) -> Markup:
    """A facet's values, each a button adding it as a filter (removing it when it is one), one
    excluding it, a link to its page (not for sources) and its post where known."""
    out = []
    for item in items:
        value = item["value"]
        on = links.has(field, value)
        cls, tick, said = _ON if on else _OFF
        name = escape(value)
        row = [f'<li class="facet__row">\n  <button form="state" type="submit" name="do" '
               f'value="{escape(action("drop" if on else "add", field, value))}"\n'
               f'          class="{cls}>\n    <span class="facet__value">{tick}{name}{said}'
               f'</span>\n    <span class="facet__count">{escape(fmt.number(item["count"]))}'
               f'</span></button>\n  ']
        if not on:
            row.append(f'<button form="state" type="submit" name="do" '
                       f'value="{escape(action("not", field, value))}"\n'
                       f'          class="facet__not" title="Исключить: статьи без «{name}»" '
                       f'aria-label="Исключить «{name}»">−</button>')
        if field != "sources":
            row.append(f'<a class="facet__page" href="{escape(entity_url(field, value))}" '
                       f'title="Страница: {name}" aria-label="Страница «{name}»">→</a>')
        if item.get("post"):
            row.append(f'<span class="facet__post">{escape(item["post"])}</span>')
        row.append("\n</li>")
        out.append("".join(row))
    return Markup("\n".join(out))  # noqa: S704 - every value above is escaped


def _values(hit, field: str) -> list[str]:
    return hit[field] if isinstance(hit, dict) else getattr(hit, field)
