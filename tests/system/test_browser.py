"""The pages in a real browser: headless Chromium (Debian's package) driven by Playwright.

The app runs under waitress on a free local port against the shared test index. Screenshots
of the results page land in ``test-output/screenshots/`` for a person to look at.
"""

from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from web import create_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
QUERY = "Москва"


@pytest.fixture(scope="module")
def server(built_index: Path) -> Iterator[str]:
    """The real app served by waitress in a thread; yields its base URL."""
    from waitress import create_server

    app = create_app({"INDEX": str(built_index)})
    srv = create_server(app, host="127.0.0.1", port=0, threads=4, ident="muragat-test")
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.effective_port}"
    srv.close()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium; a missing browser or Playwright fails loudly (CI installs both)."""
    if not CHROMIUM.exists() and not shutil.which("chromium"):
        pytest.fail("Chromium is missing: install Debian's package (apt-get install -y chromium);"
                    " the browser tests need /usr/bin/chromium", pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright for Python is missing: pip install playwright (never run "
                    "'playwright install'; the tests use /usr/bin/chromium)", pytrace=False)
    with sync_playwright() as p:
        executable = str(CHROMIUM) if CHROMIUM.exists() else shutil.which("chromium")
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def page_factory(browser, server):
    """New pages at a given width that record console errors and requests to other hosts."""
    contexts = []

    def make(width: int = 1280, height: int = 900, javascript: bool = True):
        context = browser.new_context(viewport={"width": width, "height": height},
                                      java_script_enabled=javascript, locale="ru-RU")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.problems = []
        page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
        page.on("pageerror", lambda e: page.problems.append(str(e)))
        page.on("request", lambda r: r.url.startswith((server, "data:"))
                or page.problems.append(f"external request: {r.url}"))
        return page

    yield make
    for context in contexts:
        context.close()


def result_count(page) -> int:
    text = page.locator(".result-count").inner_text().replace("\u00a0", " ")
    match = re.search(r"Найден[оа] ([\d ]+) стат", text)
    assert match, text
    return int(match.group(1).replace(" ", ""))


def params(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def shoot(page, name: str, full_page: bool = False) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=full_page)


def test_a_users_search_journey(page_factory, server) -> None:
    page = page_factory(1280)
    page.goto(server + "/")
    assert page.title().startswith("Поиск")
    box = page.get_by_label("Поисковый запрос")
    assert box.evaluate("el => el === document.activeElement"), "the search box has focus"
    box.type(QUERY)
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    assert params(page)["q"] == [QUERY]
    assert page.locator(".hit mark").count() > 0, "highlighted words in the results"
    total = result_count(page)
    assert total > 10, "the journey needs more than one page of results"
    shoot(page, "results-desktop.png")
    shoot(page, "results-desktop-full.png", full_page=True)

    # Page 2, then back to a filtered first page.
    first_title = page.locator(".hit__title").first.inner_text()
    page.get_by_role("navigation", name="Страницы результатов").get_by_role(
        "link", name="Страница 2").click()
    page.wait_for_url(re.compile(r"page=2"))
    assert page.locator(".pagination__current").inner_text() == "2"
    assert page.locator(".hit__title").first.inner_text() != first_title
    assert result_count(page) == total

    # A person facet: the filter becomes a chip, the count drops, page 1 again.
    person_link = page.locator("section[aria-labelledby=facet-persons] .facet__item").first
    person = person_link.locator(".facet__value").inner_text().strip()
    facet_count = int(person_link.locator(".facet__count").inner_text().replace("\u00a0", ""))
    person_link.click()
    page.wait_for_url(re.compile(r"person="))
    assert params(page)["person"] == [person]
    assert "page" not in params(page)
    chips = page.get_by_role("region", name="Действующие фильтры")
    assert chips.get_by_role("button", name=f"Убрать фильтр «{person}»").is_visible()
    by_person = result_count(page)
    assert by_person == facet_count and by_person <= total

    # A histogram bar: a date range joins the filters.
    bars = page.locator("main .histogram__link")
    assert bars.count() > 0
    bar = bars.nth(bars.count() - 1)
    bar_label = bar.get_attribute("aria-label")
    bar.click()
    page.wait_for_url(re.compile(r"from="))
    assert params(page)["person"] == [person] and "to" in params(page)
    assert chips.get_by_role("link", name="Убрать фильтр по датам").is_visible()
    by_period = result_count(page)
    expected = int(re.search(r"(\d+) стат", bar_label.replace("\u00a0", "")).group(1))
    assert by_period == expected and by_period <= by_person
    shoot(page, "results-filtered-desktop.png")
    filtered_url = page.url

    # Open an article and come back.
    hit = page.locator(".hit__title a").first
    title = hit.inner_text()
    hit.click()
    page.wait_for_url(re.compile(r"/articles/.+\?q=.*from=.*person="))  # the whole state
    assert page.locator("h1").inner_text() == title
    assert page.locator(".article__body mark").count() > 0
    assert page.get_by_role("heading", name="Похожие статьи").count() <= 1
    shoot(page, "article-desktop.png")
    page.go_back()
    page.wait_for_url(filtered_url)
    assert result_count(page) == by_period
    assert page.problems == []


def test_phone_layout(page_factory, server) -> None:
    page = page_factory(360, 740)
    page.goto(f"{server}/search?q={QUERY}")
    assert page.locator(".hit").count() > 0
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways on a phone ({width}px)"
    # The filters are a sheet over the page, one tap away (tests/system/
    # test_search_page_browser.py opens it).
    assert not page.locator("aside").is_visible()
    assert page.get_by_role("link", name=re.compile("^Фильтры")).is_visible()
    shoot(page, "results-phone.png")
    shoot(page, "results-phone-full.png", full_page=True)
    page.goto(server + "/")
    shoot(page, "home-phone.png")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.problems == []


def test_keyboard_only(page_factory, server) -> None:
    page = page_factory(1280)
    page.goto(server + "/")
    # The box has focus on arrival (autofocus), once the page has settled.
    page.wait_for_function("document.activeElement && document.activeElement.name === 'q'")
    page.keyboard.type(QUERY)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    assert page.input_value("input[name=q]") == QUERY and result_count(page) > 0
    # Tab from the start: the skip link first, visibly focused.
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Перейти к содержимому"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "focus is visible"
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'main'")
    visited = []
    for _ in range(60):  # tab on to the first result's title link
        page.keyboard.press("Tab")
        visited.append(page.evaluate("document.activeElement.textContent.trim().slice(0, 30)"))
        if page.evaluate("!!document.activeElement.closest('.hit__title')"):
            break
    else:
        pytest.fail(f"no result title reachable by Tab; focus went through {visited}")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/articles/"))
    # "/" jumps to the search box.
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.name") == "q"
    assert page.problems == []


def test_works_without_javascript(page_factory, server) -> None:
    page = page_factory(1280, javascript=False)
    page.goto(server + "/")
    page.get_by_label("Поисковый запрос").fill(QUERY)
    page.get_by_role("button", name="Найти").click()
    page.wait_for_url(re.compile(r"/search\?q="))
    assert result_count(page) > 0
    page.get_by_label("с даты").fill("2017")
    page.get_by_label("по дату").fill("2018")
    page.get_by_role("button", name="Показать").click()
    page.wait_for_url(re.compile(r"from=2017"))
    assert params(page)["q"] == [QUERY] and params(page)["to"] == ["2018"]
    page.get_by_role("link", name="сначала новые").click()
    page.wait_for_url(re.compile(r"sort=newest"))
    dates = page.locator(".hit time").evaluate_all("els => els.map(e => e.dateTime)")
    assert dates == sorted(dates, reverse=True)
    assert all("2017" <= d[:4] <= "2018" for d in dates)


def test_a_misspelt_query_is_forgiven(page_factory, server) -> None:
    """A typo is corrected with a notice and a link that searches what was typed; articles
    lacking a word follow, the word struck through."""
    page = page_factory(1280)
    page.goto(server + "/")
    page.get_by_label("Поисковый запрос").fill("канституция референдум жираф")
    page.get_by_label("Поисковый запрос").press("Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    notice = page.locator(".notice--corrected")
    assert notice.inner_text() == ("Показаны результаты по запросу «конституция референдум "
                                   "жираф». Искать только «канституция референдум жираф»")
    titles = page.locator(".hit__title").all_inner_texts()
    assert "Депутаты обсудили поправки" in titles, "the corrected query's results"
    missing = page.locator(".hit__missing s")
    assert missing.count() > 0 and missing.first.inner_text() == "жираф"
    struck = missing.first.evaluate("el => getComputedStyle(el).textDecorationLine")
    assert "line-through" in struck
    assert page.locator(".hit__tier").first.is_visible()
    shoot(page, "forgiving-corrected.png", full_page=True)

    notice.get_by_role("link", name="канституция референдум жираф").click()
    page.wait_for_url(re.compile(r"correct=0"))
    assert params(page)["q"] == ["канституция референдум жираф"]
    assert page.locator(".notice--corrected").count() == 0
    suggestion = page.locator(".notice--suggestion")
    assert suggestion.inner_text() == "Возможно, вы имели в виду «конституция референдум жираф»?"
    shoot(page, "forgiving-exactly.png", full_page=True)
    assert page.problems == []


def test_error_pages_in_the_browser(page_factory, server) -> None:
    page = page_factory(1280)
    response = page.goto(server + "/search?q=Москва&page=abc")
    assert response.status == 400
    assert page.get_by_role("heading", name="Ошибка в запросе").is_visible()
    response = page.goto(server + "/articles/nope/nope")
    assert response.status == 404
    assert page.get_by_role("heading", name="Страница не найдена").is_visible()
