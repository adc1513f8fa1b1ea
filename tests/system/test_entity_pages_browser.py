"""Entity pages in a real browser (headless Chromium, as ``test_browser``): from a search's
person facet to the person's page, its month histogram, a co-mention, the list with a name
filter — also without JavaScript. Screenshots go to ``test-output/screenshots/``."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from urllib.parse import unquote

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pytest  # noqa: E402
import test_browser as shared  # noqa: E402

params, shoot = shared.params, shared.shoot


# The served app, the browser and the page factory of ``test_browser``, for this module.
@pytest.fixture(scope="module")
def server(built_index: Path):
    yield from shared.server.__wrapped__(built_index)


@pytest.fixture(scope="module")
def browser():
    yield from shared.browser.__wrapped__()


@pytest.fixture()
def page_factory(browser, server):
    yield from shared.page_factory.__wrapped__(browser, server)


def test_from_a_facet_to_the_entity_page_and_back_to_the_search(page_factory, server) -> None:
    page = page_factory(1280)
    page.goto(server + "/search?q=Москва")
    item = page.locator("section[aria-labelledby=facet-persons] li").first
    person = item.locator(".facet__value").inner_text().strip()
    item.locator("a.facet__page").click()
    page.wait_for_url(re.compile(r"/entities/person/"))
    assert unquote(page.url).endswith("/entities/person/" + person)
    assert page.locator("h1").inner_text() == person
    summary = page.locator(".entity__summary").inner_text().replace("\u00a0", " ")
    total = int(re.search(r"Упоминается в (\d+)", summary).group(1))
    assert total >= 1
    related = page.get_by_role("heading", name="Упоминаются вместе")
    assert related.is_visible()
    shoot(page, "entity-desktop.png", full_page=True)

    # A month of the histogram: the search of the person in that month.
    bars = page.locator(".histogram__link")
    if bars.count():
        label = bars.first.get_attribute("aria-label").replace("\u00a0", " ")
        bars.first.click()
        page.wait_for_url(re.compile(r"/search\?"))
        assert params(page)["person"] == [person] and "from" in params(page)
        month = int(re.search(r"(\d+) стат", label).group(1))
        text = page.locator(".result-count").inner_text().replace("\u00a0", " ")
        assert f" {month} стат" in text
        page.go_back()

    # The count beside a co-mentioned value: the articles that mention both.
    together = page.locator(".related__count").first
    expected = int(together.inner_text().replace("\u00a0", ""))
    together.click()
    page.wait_for_url(re.compile(r"/search\?"))
    text = page.locator(".result-count").inner_text().replace("\u00a0", " ")
    assert int(re.search(r"Найден[оа] (\d+)", text).group(1)) == expected
    assert page.problems == []


def test_the_list_filters_by_name_without_javascript(page_factory, server) -> None:
    page = page_factory(1280, javascript=False)
    page.goto(server + "/entities")
    assert page.get_by_role("heading", name="Указатель: персоны, организации, места").is_visible()
    first = page.locator("section[aria-labelledby=list-persons] li a").first.inner_text()
    page.get_by_label("Имя, название или должность").fill(first.split()[-1])
    page.get_by_role("button", name="Показать").click()
    page.wait_for_url(re.compile(r"/entities\?q="))
    names = page.locator("section[aria-labelledby=list-persons] li a").all_inner_texts()
    assert first in names
    shoot(page, "entities-list-desktop.png", full_page=True)
    page.locator("section[aria-labelledby=list-persons] li a", has_text=first).first.click()
    page.wait_for_url(re.compile(r"/entities/person/"))
    assert page.locator("h1").inner_text() == first


def test_entity_page_on_a_phone(page_factory, server) -> None:
    page = page_factory(360, 740)
    page.goto(server + "/entities")
    page.locator("section[aria-labelledby=list-persons] li a").first.click()
    page.wait_for_url(re.compile(r"/entities/person/"))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the entity page scrolls sideways on a phone ({width}px)"
    shoot(page, "entity-phone.png", full_page=True)
    assert page.problems == []
