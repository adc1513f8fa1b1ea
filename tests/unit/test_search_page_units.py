"""The search page's parts that need no index: typed dates, the histogram's bins and chart,
the form actions of the links, reprint sketches and groups, and their files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from indexer.build.reprints import SCHEME, Sketch, find_groups, sketch, sketch_article
from indexer.search import BadRequest, SearchRequest, parse_request, request_params
from indexer.search.date_input import read_date
from indexer.search.days import NO_DATE, to_days
from indexer.search.facets import MAX_BINS, date_histogram, one_period
from indexer.search.reprints import Reprints, collapse
from indexer.store.reprints_file import read_groups, read_sketches, write_groups, write_sketches
from web import create_app
from web.charts import histogram, year_bins
from web.links import action, apply_action

# --- dates as people type them --------------------------------------------------------------


@pytest.mark.parametrize(("typed", "start", "end"), [
    ("19.06.2019", "2019-06-19", "2019-06-19"),
    ("1.6.2019", "2019-06-01", "2019-06-01"),
    ("06.2019", "2019-06-01", "2019-06-30"),
    ("2.2020", "2020-02-01", "2020-02-29"),
    ("2019", "2019-01-01", "2019-12-31"),
    ("2019-06", "2019-06-01", "2019-06-30"),
    ("2019-06-19", "2019-06-19", "2019-06-19"),
    (" 19/06/2019 ", "2019-06-19", "2019-06-19"),
])
def test_typed_dates(typed: str, start: str, end: str) -> None:
    assert read_date(typed, end=False) == start
    assert read_date(typed, end=True) == end


@pytest.mark.parametrize("typed", ["32.01.2019", "13.2019", "2019-13", "вчера", "19.06.19",
                                   "0000", "2019-02-30", "19 июня 2019"])
def test_bad_typed_dates_name_the_field(typed: str) -> None:
    with pytest.raises(BadRequest) as err:
        read_date(typed, end=True, param="to")
    assert err.value.code == "bad_date"
    assert "«по дату»" in err.value.message_ru and "ДД.ММ.ГГГГ" in err.value.message_ru
    assert "to:" in err.value.message


def test_a_page_keeps_its_results_when_a_date_is_bad() -> None:
    req = parse_request({"q": "x", "from": "32.01.2019", "to": "2019"}, lenient_dates=True)
    assert req.date_from is None and req.date_to == "2019-12-31"
    assert "«с даты»" in req.field_errors["from"]
    backwards = parse_request({"from": "2020", "to": "2019"}, lenient_dates=True)
    assert (backwards.date_from, backwards.date_to) == (None, None)
    assert "to" in backwards.field_errors
    with pytest.raises(BadRequest):  # the API stays strict
        parse_request({"from": "32.01.2019"})


def test_new_parameters_round_trip() -> None:
    params = {"q": "мэр", "from": "19.06.2019", "undated": "include",
              "person": ["Сергей Собянин", "Юрий Лужков"], "person_mode": "all",
              "not_person": ["Владимир Путин"], "not_source": ["Meduza"], "collapse": "0"}
    req = parse_request(params)
    assert req.date_from == "2019-06-19" and req.undated == "include"
    assert req.match_all == ["persons"] and req.excluded == {"persons": ["Владимир Путин"],
                                                             "sources": ["Meduza"]}
    assert not req.collapse and req.filtered()
    again: dict[str, list[str]] = {}
    for k, v in request_params(req):
        again.setdefault(k, []).append(v)
    assert parse_request(again) == req
    only = parse_request({"from": "2019", "undated": "only"})
    assert only.date_from is None and only.filtered()


# --- the histogram -------------------------------------------------------------------------


def days(*isos: str) -> np.ndarray:
    return np.array([to_days(d) for d in isos], np.int32)


def test_histogram_granularity_keeps_bars_wide() -> None:
    month = date_histogram(days("2019-08-03", "2019-08-20"), one_period("2019-08-01",
                                                                          "2019-08-31"))
    assert month[0] == "day" and len(month[1]) == 31
    assert month[1][2] == {"key": "2019-08-03", "count": 1, "from": "2019-08-03",
                           "to": "2019-08-03"}
    year = date_histogram(days("2019-03-03"), one_period("2019-01-01", "2019-12-31"))
    assert year[0] == "month" and [b["key"] for b in year[1]][:2] == ["2019-01", "2019-02"]
    assert year[1][1]["to"] == "2019-02-28"
    assert one_period("2019-01-01", "2019-06-30") is None  # not one month or year
    two_years = date_histogram(days("2018-01-05", "2019-12-05"))
    assert two_years[0] == "month" and len(two_years[1]) == 24
    long = date_histogram(days("1950-01-01", "2019-06-01", "2019-07-01"))
    assert long[0] == "year" and len(long[1]) <= MAX_BINS
    assert long[1][0]["from"] == "1950-01-01" and long[1][0]["to"] == "1954-12-31"
    assert sum(b["count"] for b in long[1]) == 3


def test_chart_bars_labels_and_links() -> None:
    bins = date_histogram(days("2019-08-03", "2019-08-03", "2019-08-20"),
                          one_period("2019-08-01", "2019-08-31"))[1]
    chart = histogram(bins, "day", lambda b: f"/search?from={b['from']}",
                      active=("2019-08-03", "2019-08-03"))
    assert len(chart.bars) == len(chart.ticks) == len(chart.spans) == 31
    assert chart.top == 2 and chart.unit == "в день"
    linked = [b for b in chart.bars if b.url]
    assert [b.label.replace("\u00a0", " ") for b in linked] == ["3 августа 2019",
                                                                "20 августа 2019"]
    assert linked[0].active and not linked[1].active
    assert chart.spans[0] == "август 2019"
    assert sum(1 for t in chart.ticks if t) <= 8 and chart.ticks[0] == "1"
    assert all(b.w >= 0.95 * 20 for b in chart.bars)  # a bar fills 96 % of its column
    years = histogram(year_bins([{"key": "2010", "count": 3}, {"key": "2013", "count": 1}]),
                      "year", lambda b: "")
    assert [b.short for b in years.bars] == ["2010", "2011", "2012", "2013"]
    assert [b.count for b in years.bars] == [3, 0, 0, 1]
    # Four bins take four of at least twelve columns: not four quarter-page bars.
    assert years.width == 12 * 20 and len(years.ticks) == 12 and years.ticks[4:] == [""] * 8
    # A year's four digits need two columns on a phone: every other year is labelled.
    assert years.ticks[:4] == ["2010", "", "2012", ""]


# --- form actions --------------------------------------------------------------------------


def test_form_actions() -> None:
    req = SearchRequest(q="мэр", page=3, persons=["А"])
    added = apply_action(req, action("add", "persons", "Б"))
    assert added is not None and added.persons == ["А", "Б"] and added.page == 1
    both = apply_action(added, action("mode", "persons", "all"))
    assert both is not None and both.match_all == ["persons"]
    assert apply_action(both, action("mode", "persons", "any")).match_all == []
    out = apply_action(req, action("not", "persons", "А"))
    assert out is not None and out.persons == [] and out.excluded == {"persons": ["А"]}
    back = apply_action(out, action("undo_not", "persons", "А"))
    assert back is not None and back.excluded == {}
    source = apply_action(req, "add:source:Meduza")
    assert source is not None and source.sources == ["Meduza"]
    for bad in ("", "add", "add:nobody:x", "explode:person:x", "add:person:"):
        assert apply_action(req, bad) is None


def test_form_actions_over_http(tmp_path: Path) -> None:
    client = create_app({"INDEX": str(tmp_path / "none"), "TESTING": True}).test_client()
    r = client.get("/search", query_string={"q": "мэр", "person": "А", "page": "4",
                                            "do": "add:person:Б"})
    assert r.status_code == 303
    assert r.headers["Location"] == ("/search?q=%D0%BC%D1%8D%D1%80&person=%D0%90"
                                     "&person=%D0%91")
    assert client.get("/search?q=x&do=explode").status_code == 400


# --- reprints --------------------------------------------------------------------------------

STORY = ("В зоопарке поселились три королевских пингвина, привезённые из питомника на "
         "побережье. Птиц разместили в новом вольере с бассейном и холодильной установкой, "
         "которую строили полтора года. Директор рассказал, что пингвины прошли карантин и "
         "чувствуют себя хорошо, а посетители увидят их уже в выходные.")
OTHER = ("Смотрительница кормит пингвинов мойвой четыре раза в день и каждую неделю "
         "взвешивает птиц. Она говорит, что королевские пингвины быстро привыкают к людям, но "
         "не любят шума и вспышек фотоаппаратов, и просит не стучать по стеклу вольера.")


def test_reprints_are_grouped_earliest_first() -> None:
    title = "В зоопарке поселились королевские пингвины"
    articles = [
        ("a", STORY, dt.date(2020, 3, 10), title),
        ("b", "Как сообщает агентство, " + STORY, dt.date(2020, 3, 9), "Пингвины в зоопарке"),
        ("c", OTHER, dt.date(2020, 3, 1), title),
        ("d", STORY.upper().replace(",", " ,"), None, "Королевские пингвины поселились"),
    ]
    sketches = [sketch_article(*a) for a in articles]
    assert sketch("Коротко.") is None  # too short to compare
    groups = find_groups([s for s in sketches if s is not None])
    assert groups == [["b", "a", "d"]]  # the earliest first, the undated last


def test_a_short_text_needs_an_alike_title() -> None:
    """Short texts that are only a boilerplate paragraph are not one story's reprints."""
    boilerplate = ("Подписывайтесь на наш Telegram, чтобы быть в курсе самых важных новостей. "
                   "Для этого достаточно иметь Telegram на любом устройстве, пройти по ссылке "
                   "и нажать кнопку Join.")
    sketches = [sketch_article("x", boilerplate, None, "Дети Алеппо рассказали об ужасах войны"),
                sketch_article("y", boilerplate, None, "Британия ведёт слежку за Израилем"),
                sketch_article("z", boilerplate, None, "Британия ведет слежку за Израилем?")]
    assert find_groups([s for s in sketches if s is not None]) == [["y", "z"]]
    long_a = Sketch("a", NO_DATE, "Одно", 5000, np.arange(64, dtype=np.uint32))
    long_b = Sketch("b", NO_DATE, "Другое", 5000, np.arange(64, dtype=np.uint32))
    assert find_groups([long_a, long_b]) == [["a", "b"]]  # long texts: the text decides


def test_collapse_keeps_each_group_once() -> None:
    group = np.full(6, -1, np.int32)
    group[[1, 3, 4]] = 0
    reprints = Reprints(group, [np.array([3, 1, 4])])
    dates = np.array([5, 9, 1, 2, 7, 3], np.int32)  # doc 3 is the earliest of the group
    order = np.array([4, 0, 1, 5, 3, 2])
    by_rank = collapse(order, reprints, dates, by_rank=True)
    assert by_rank.tolist() == [3, 0, 5, 2]  # at the best-ranked member's place (4's)
    by_date = collapse(order, reprints, dates, by_rank=False)
    assert by_date.tolist() == [0, 5, 3, 2]  # at the place of the one shown (a date sort)
    assert collapse(order, Reprints(np.full(6, -1, np.int32)), dates, True).tolist() == \
        order.tolist()


def test_reprint_files_round_trip(tmp_path: Path) -> None:
    assert read_groups(tmp_path) == [] and read_sketches(tmp_path, SCHEME) is None
    write_groups(tmp_path, [["a", "б"]])
    assert read_groups(tmp_path) == [["a", "б"]]
    matrix = np.arange(12, dtype=np.uint32).reshape(2, 6)
    written = [Sketch("a", 1, "Заголовок", 100, matrix[0]), Sketch("б", NO_DATE, "", 7, matrix[1])]
    write_sketches(tmp_path, SCHEME, written)
    back = read_sketches(tmp_path, SCHEME)
    assert [s[:4] for s in back] == [("a", 1, "Заголовок", 100), ("б", NO_DATE, "", 7)]
    assert all((s[4] == row).all() for s, row in zip(back, matrix, strict=True))
    assert read_sketches(tmp_path, "another scheme") is None
    (tmp_path / "reprints.minhash").write_bytes(b'{"version": 1}\n')
    assert read_sketches(tmp_path, SCHEME) is None


def test_dotted_dates() -> None:
    from web import format as fmt

    assert fmt.dotted("2019-06-19") == "19.06.2019" and fmt.dotted(None) == ""
    assert fmt.dotted(dt.date(2019, 6, 1)) == "01.06.2019"


def test_a_snippet_is_not_cut_at_an_abbreviation() -> None:
    from indexer.search.snippets import lead_fragment, reading_pieces, sentence_ends

    text = ("Сотрудники полиции ГУ МВД России по г. Москве задержали в 2019 г. подозреваемого "
            "в краже картины, сообщил А. С. Петров. Второе предложение о другом деле.")
    assert lead_fragment(text, size=100).endswith("сообщил А. С. Петров.")
    assert not lead_fragment(text, size=60).endswith("г.")  # cut at a word, not at «г.»
    ends = [text[:e].split()[-1] for e in sentence_ends(text, 0, len(text))]
    assert ends == ["Петров.", "деле."]
    long = "Первое предложение о бюджете города. " * 80  # one 2,960-character paragraph
    pieces = reading_pieces(long, 0, len(long))
    assert len(pieces) == 3 and all(long[lo:hi].strip().endswith(".") for lo, hi in pieces)
    assert all(hi - lo <= 1200 for lo, hi in pieces)


def test_entity_chips_escape_fold_and_link() -> None:
    """Every value a button and a page link, escaped; those after the third under «ещё N»."""
    from html.parser import HTMLParser

    from web.markup import entity_chips

    hit = {"persons": ["Касым-Жомарт Токаев", '<b>"Зло" & Ко</b>'],
           "organisations": ["ООН"], "locations": ["Астана", "Алматы"]}
    app = create_app({"INDEX": "/nonexistent"})
    with app.test_request_context("/search"):
        html = str(entity_chips(hit))
        assert str(entity_chips({"persons": [], "organisations": [], "locations": []})) == ""

    class Chips(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.buttons: list[dict] = []
            self.links: list[str] = []
            self.summary = False
            self.text: list[str] = []

        def handle_starttag(self, tag: str, attrs: list) -> None:
            a = dict(attrs)
            if tag == "button":
                self.buttons.append(a)
            elif tag == "a":
                self.links.append(a["href"])
            self.summary = tag == "summary"

        def handle_endtag(self, tag: str) -> None:
            self.summary = False

        def handle_data(self, data: str) -> None:
            if self.summary:
                self.text.append(data)

    parsed = Chips()
    parsed.feed(html)
    assert "<b>" not in html and "&lt;b&gt;&#34;Зло&#34; &amp; Ко&lt;/b&gt;" in html
    assert [b["value"] for b in parsed.buttons] == [
        "add:person:Касым-Жомарт Токаев", 'add:person:<b>"Зло" & Ко</b>', "add:org:ООН",
        "add:loc:Астана", "add:loc:Алматы"]
    assert [b["class"] for b in parsed.buttons][-1] == "chip chip--locations"
    assert parsed.links[0] == "/entities/person/%D0%9A%D0%B0%D1%81%D1%8B%D0%BC-%D0%96%D0%BE" \
                              "%D0%BC%D0%B0%D1%80%D1%82%20%D0%A2%D0%BE%D0%BA%D0%B0%D0%B5%D0%B2"
    assert len(parsed.links) == 5 and parsed.text == ["ещё 2"]
    assert html.index("chips-more") > html.index("ООН") and html.index("chips-more") < html.index(
        "Астана")


def test_facet_rows_mark_the_active_filter_and_escape() -> None:
    from indexer.search import SearchRequest
    from web.links import Links
    from web.markup import facet_rows

    items = [{"value": "Владимир Путин", "count": 1234, "post": "президент <России>"},
             {"value": 'A "&" B', "count": 7}]
    app = create_app({"INDEX": "/nonexistent"})
    with app.test_request_context("/search"):
        links = Links(SearchRequest(q="x", persons=["Владимир Путин"]))
        persons = str(facet_rows("persons", items, links))
        sources = str(facet_rows("sources", items, Links(SearchRequest(q="x"))))
    first, second = persons.split("</li>")[:2]
    assert 'value="drop:person:Владимир Путин"' in first and "is-active" in first
    assert "(фильтр включён)" in first and "facet__not" not in first
    assert "1\u00a0234" in first and "президент &lt;России&gt;" in first
    assert 'value="add:person:A &#34;&amp;&#34; B"' in second and "is-active" not in second
    assert 'value="not:person:A &#34;&amp;&#34; B"' in second and "facet__page" in second
    assert persons.count("<li") == 2 and "facet__page" not in sources
    assert 'value="add:source:Владимир Путин"' in sources
