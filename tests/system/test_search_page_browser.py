"""The search page for daily work in a real browser (Chromium), at 1280 px and on a 390 px
phone: state kept through an article and back, undated articles counted, typed dates, the
histogram from a year down to its days, «показать все» with its filter, AND and exclusion of
persons, a reprint group expanding, the filters one tap away on a phone. Screenshots go to
test-output/screenshots/ (home, search, article, phone)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

# The browser, the server and the pages come from the browser suite (same fixtures).
from test_browser import browser, page_factory, result_count, server, shoot  # noqa: F401

PHONE = (390, 844)


def params(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def count_of(label: str) -> int:
    return int(re.search(r"(\d[\d\u00a0 ]*) стат", label).group(1).replace("\u00a0", "")
               .replace(" ", ""))


def bar_counts(page) -> list[int]:
    labels = page.locator("main .histogram__link").evaluate_all(
        "els => els.map(e => e.getAttribute('aria-label'))")
    return [count_of(label) for label in labels]


def undated_count(page) -> int:
    box = page.locator("main .histogram__undated")
    return int(box.locator(".histogram__undated-count").inner_text().replace("\u00a0", "")) \
        if box.count() else 0


def test_state_survives_an_article_and_its_similar_articles(page_factory, server) -> None:  # noqa: F811
    page = page_factory(1280)
    page.goto(f"{server}/search?q=Москва&size=5")
    page.locator("main .histogram__link").first.click()  # a period
    page.wait_for_url(re.compile(r"from="))
    person = page.locator("section[aria-labelledby=facet-persons] .facet__item").first
    name = person.locator(".facet__value").inner_text().strip()
    person.click()  # a person (a form button: the state goes along)
    page.wait_for_url(re.compile(r"person="))
    page.get_by_role("link", name="сначала старые").click()
    page.wait_for_url(re.compile(r"sort=oldest"))
    if page.get_by_role("link", name="Страница 2").count():
        page.get_by_role("link", name="Страница 2").click()
        page.wait_for_url(re.compile(r"page=2"))
    results_url = page.url
    state = params(page)
    assert state["person"] == [name] and "from" in state and state["sort"] == ["oldest"]
    total = result_count(page)

    page.locator(".hit__title a").first.click()
    page.wait_for_url(re.compile(r"/articles/"))
    assert {k: v for k, v in params(page).items()} == state
    shoot(page, "article-desktop.png")
    similar = page.locator(".similar .hit__title a")
    if similar.count():  # a similar article keeps the way back too
        similar.first.click()
        page.wait_for_url(re.compile(r"/articles/"))
    page.locator("p.back a").click()
    page.wait_for_url(results_url)
    assert result_count(page) == total
    assert page.problems == []


def test_undated_bucket_and_counts_that_add_up(page_factory, server) -> None:  # noqa: F811
    page = page_factory(1280)
    page.goto(f"{server}/search?q=Москва")
    total = result_count(page)
    undated = undated_count(page)
    assert undated > 0
    assert sum(bar_counts(page)) + undated == total
    shoot(page, "search-desktop.png")
    page.locator("main .histogram__link").nth(0).click()
    page.wait_for_url(re.compile(r"from="))
    notice = page.locator(".notice--undated")
    assert notice.is_visible() and f"не включает {undated}" in notice.inner_text()
    dated_total = result_count(page)
    notice.get_by_role("link", name="Показать и их").click()
    page.wait_for_url(re.compile(r"undated=include"))
    assert result_count(page) == dated_total + undated
    page.goto(f"{server}/search?q=Москва")
    page.locator("main .histogram__undated").click()
    page.wait_for_url(re.compile(r"undated=only"))
    assert result_count(page) == undated
    assert page.locator(".hit time").count() == 0
    page.goto(server + "/")
    assert page.locator(".overview__summary").get_by_role("link", name=re.compile("без даты"))
    shoot(page, "home-desktop.png")
    assert page.problems == []


def test_typed_dates(page_factory, server) -> None:  # noqa: F811
    page = page_factory(1280)
    page.goto(f"{server}/search?q=Москва")
    page.get_by_label("с даты").fill("19.06.2016")
    page.get_by_role("button", name="Показать").click()
    page.wait_for_url(re.compile(r"from=19\.06\.2016"))
    chips = page.get_by_role("region", name="Действующие фильтры")
    assert "с 19 июня 2016" in chips.inner_text().replace("\u00a0", " ")
    assert page.get_by_label("с даты").input_value() == "19.06.2016"
    dates = page.locator(".hit time").evaluate_all("els => els.map(e => e.dateTime)")
    assert dates and all(d >= "2016-06-19" for d in dates)
    page.get_by_label("с даты").fill("31.02.2016")
    page.get_by_role("button", name="Показать").click()
    page.wait_for_url(re.compile(r"from=31\.02\.2016"))
    assert page.locator(".notice--error").is_visible()
    assert "не дата" in page.locator("#date-from-error").inner_text()
    assert result_count(page) > 0 and page.locator(".hit").count() > 0  # results kept
    assert page.problems == []


def test_histogram_from_a_year_to_its_days(page_factory, server) -> None:  # noqa: F811
    page = page_factory(*PHONE)
    page.goto(f"{server}/search?q=Москва")
    years = page.locator("main .histogram__link")
    busiest = max(range(years.count()), key=lambda i: count_of(
        years.nth(i).get_attribute("aria-label")))
    years.nth(busiest).click()
    page.wait_for_url(re.compile(r"from=\d{4}-01-01&to=\d{4}-12-31"))
    assert page.locator("main .histogram__ticks li").count() == 12  # a bin per month
    labels = page.locator("main .histogram__ticks li").all_inner_texts()
    assert "янв" in labels  # months named on the axis, with their year under them
    assert page.locator("main .histogram__spans li").first.inner_text().isdigit()
    page.locator("main .histogram__link").first.click()
    page.wait_for_url(re.compile(r"from=\d{4}-\d\d-01&to="))
    bins = page.locator("main .histogram__ticks li").count()
    assert bins >= 28  # the days of the month
    width = page.locator("main .histogram__svg").bounding_box()["width"]
    bars = page.locator("main .histogram__svg rect.histogram__bar").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().width)")
    assert width / bins >= 12 and min(bars) >= 12, (width, bins, bars)  # a phone's tap
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
    assert page.get_by_role("link", name=re.compile(r"↑ \d{4} год")).is_visible()
    shoot(page, "histogram-days-phone.png")
    assert page.problems == []


def test_show_all_and_the_facet_filter(page_factory, server) -> None:  # noqa: F811
    page = page_factory(1280, javascript=False)
    page.goto(f"{server}/search?q=Москва&facet_size=5")
    page.get_by_role("link", name=re.compile(r"Показать все \d+")).first.click()
    page.wait_for_url(re.compile(r"/search/values/persons"))
    everyone = page.locator(".values-list .facet__row").count()
    assert everyone > 5
    first = page.locator(".values-list .facet__value").first.inner_text().strip()
    page.get_by_label("Найти в списке").fill(first.split()[-1][:4])
    page.get_by_role("button", name="Найти").last.click()
    page.wait_for_url(re.compile(r"fq="))
    found = page.locator(".values-list .facet__row")
    assert 0 < found.count() < everyone
    found.first.locator(".facet__item").click()  # without JavaScript: a form button
    page.wait_for_url(re.compile(r"/search\?.*person="))
    assert params(page)["q"] == ["Москва"] and result_count(page) > 0


def test_and_of_two_persons_and_exclusion(page_factory, server) -> None:  # noqa: F811
    page = page_factory(1280)
    page.goto(f"{server}/search?q=Москва")
    persons = page.locator("section[aria-labelledby=facet-persons] .facet__item")
    a = persons.nth(0).locator(".facet__value").inner_text().strip()
    b = persons.nth(1).locator(".facet__value").inner_text().strip()
    persons.nth(0).click()
    page.wait_for_url(re.compile(r"person="))
    with_a = result_count(page)
    page.goto(f"{server}/search?q=Москва&person={b}")
    with_b = result_count(page)
    page.goto(f"{server}/search?q=Москва&person={a}&person={b}")
    either = result_count(page)
    group = page.locator(".filter-group--persons")
    assert "или" in group.inner_text() and "хотя бы одно из них" in group.inner_text()
    group.get_by_role("button", name="искать, где упоминаются все").click()
    page.wait_for_url(re.compile(r"person_mode=all"))
    both = result_count(page)
    assert both <= min(with_a, with_b) <= max(with_a, with_b) <= either
    assert "упоминаются все" in page.locator(".filter-group--persons").inner_text()
    page.goto(f"{server}/search?q=Москва&person={a}")
    exclude = page.get_by_role("button", name=f"Исключить «{b}»")
    exclude.click()
    page.wait_for_url(re.compile(r"not_person="))
    assert result_count(page) == with_a - both
    assert "кроме" in page.locator(".filter-group--persons").inner_text()
    assert page.problems == []


def test_a_reprint_group_expands(page_factory, server) -> None:  # noqa: F811
    page = page_factory(1280)
    page.goto(f"{server}/search?q=пингвин+королевский")
    assert result_count(page) == 4
    # Two entries of full matches (one a group of three reprints), then the partial ones.
    assert page.locator("ol.hits > li.hit:not(.hit--partial)").count() == 2
    group = page.locator("details.reprints")
    summary = group.locator("summary")
    assert summary.inner_text().replace("\u00a0", " ") == "ещё 2 перепечатки"
    assert not group.locator(".reprints__list").is_visible()
    summary.click()
    reprints = group.locator(".reprints__list a")
    assert reprints.count() == 2 and reprints.first.is_visible()
    shoot(page, "reprints-desktop.png")
    reprints.first.click()
    page.wait_for_url(re.compile(r"/articles/extra/reprints/"))
    assert "Перепечатка" in page.locator(".article__reprint-note").inner_text()
    assert page.problems == []


def test_phone_filters_one_tap_away(page_factory, server) -> None:  # noqa: F811
    page = page_factory(*PHONE)
    page.goto(f"{server}/search?q=Москва")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
    toggle = page.get_by_role("link", name=re.compile("^Фильтры"))
    box = toggle.bounding_box()
    assert toggle.is_visible() and box["y"] < 300, "the filters' button is near the top"
    assert not page.locator("#facets").is_visible()
    shoot(page, "search-phone.png")
    toggle.click()
    facets = page.locator("#facets")
    assert facets.is_visible()
    assert facets.bounding_box()["y"] <= 1  # a sheet over the page, not 4,000 px down
    shoot(page, "filters-phone.png")
    item = facets.locator("section[aria-labelledby=facet-persons] .facet__item").first
    name = item.locator(".facet__value").inner_text().strip()
    item.click()
    page.wait_for_url(re.compile(r"person="))
    assert params(page)["person"] == [name]
    assert "1" in page.get_by_role("link", name=re.compile("^Фильтры")).inner_text()
    page.goto(server + "/")
    shoot(page, "home-phone.png")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
    assert page.problems == []


def test_touch_screens_see_every_bar_labelled(browser, server) -> None:  # noqa: F811
    context = browser.new_context(viewport={"width": PHONE[0], "height": PHONE[1]},
                                  has_touch=True, is_mobile=True, locale="ru-RU")
    try:
        page = context.new_page()
        page.goto(f"{server}/search?q=Москва")
        listed = page.locator("main .histogram__list a")
        assert listed.count() == page.locator("main .histogram__link").count() > 0
        assert listed.first.is_visible()
        shoot(page, "search-touch-phone.png", full_page=False)
    finally:
        context.close()


def test_the_article_leads_to_its_first_match(page_factory, server) -> None:  # noqa: F811
    page = page_factory(*PHONE)
    page.goto(f"{server}/search?q=ремонт")
    page.locator(".hit__title a").first.click()
    page.wait_for_url(re.compile(r"/articles/"))
    link = page.get_by_role("link", name="К первому совпадению")
    link.click()
    page.wait_for_url(re.compile(r"#m1$"))
    mark = page.locator("#m1")
    assert mark.evaluate("el => el.tagName") == "MARK"
    top = mark.bounding_box()["y"]
    assert 0 <= top < PHONE[1], "the first match is on screen"
    assert page.locator(".article__body p[id^=p]").count() > 0  # paragraph anchors
    shoot(page, "article-phone.png")
    assert page.problems == []
