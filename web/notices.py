"""What the results page says about how a query was searched: corrections, suggestions,
partial matches, and on an empty page what was tried. Each notice is a list of pieces of text,
some of them links (built by ``Links``, so they keep the page's filters and sort)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.search import SearchRequest, SearchResult
from web import format as fmt
from web.links import Links

REASONS_RU = {
    "typo": "опечатка",
    "layout": "раскладка клавиатуры",
    "transliteration": "латиница",
    "abbreviation": "другое название",
}
Piece = tuple[str, str | None]  # text, and the URL it links to (None: plain text)


@dataclass
class Notice:
    kind: str  # corrected, suggestion, partial, tried
    pieces: list[Piece] = field(default_factory=list)


class Notices:
    """The notices of one results page."""

    def __init__(self, req: SearchRequest, result: SearchResult, links: Links) -> None:
        self.req = req
        self.result = result
        self.links = links

    def exactly(self) -> str:
        """The same search with the query searched as typed."""
        return self.links.search(correct=False)

    def top(self) -> list[Notice]:
        """Above the results: what was searched instead, what might be meant, and partial
        matches."""
        r = self.result
        out = []
        if r.corrected:
            out.append(Notice("corrected", [
                ("Показаны результаты по запросу «", None),
                (r.corrected, self.links.query(r.corrected)),
                ("». Искать только «", None), (r.query, self.exactly()), ("»", None)]))
        if r.suggestion:
            out.append(Notice("suggestion", [
                ("Возможно, вы имели в виду «", None),
                (r.suggestion, self.links.query(r.suggestion)), ("»?", None)]))
        if r.partial and r.total < self.req.page * self.req.size:
            head = (f"Со всеми словами запроса — {fmt.count(r.total)}; ниже — статьи"
                    if r.total else "Статей со всеми словами запроса нет; показаны статьи")
            out.append(Notice("partial", [
                (f"{head}, где нет одного из слов (отмечено: «Нет: …»).", None)]))
        return out

    def tried(self) -> list[Notice]:
        """On an empty page: what was searched for, in every way tried."""
        r = self.result
        searched = r.corrected or r.query
        out = [Notice("tried", [("Искали «", None), (searched, None), ("»", None)]
                      + ([(" вместо «", None), (r.query, self.exactly()), ("»", None)]
                         if r.corrected else []) + [(".", None)])]
        if not self.req.correct:
            out.append(Notice("tried", [
                ("Опечатки, раскладку и другие названия не учитывали — ", None),
                ("искать с ними", self.links.search(correct=True)), (".", None)]))
        changes = [c for c in r.corrections if c.reason != "abbreviation"]
        if changes:
            out.append(Notice("tried", [("Исправлено: " + ", ".join(
                f"«{c.original}» → «{c.replacement}» ({REASONS_RU[c.reason]})"
                for c in changes) + ".", None)]))
        names = [c for c in r.corrections if c.reason == "abbreviation"]
        if names:
            out.append(Notice("tried", [("Искали и под другими названиями: " + ", ".join(
                f"«{c.replacement}»" for c in names) + ".", None)]))
        if r.optional:
            words = ", ".join(f"«{w}»" for w in r.optional)
            out.append(Notice("tried", [(f"Слова {words} не были обязательными.", None)]))
        if r.relaxed:
            out.append(Notice("tried", [
                ("Искали и статьи, где нет одного из слов запроса — таких тоже нет.", None)]))
        return out

    def require(self, word: str) -> str | None:
        """The search with ``word`` required («Обязательно: …»: quoted, so every tier needs
        it); None when the query does not hold it as a plain word."""
        text = self.result.corrected or self.result.query
        if word.endswith("*") or '"' in text:
            return None
        pattern = re.compile(r"(?<![\w!])" + re.escape(word).replace("е", "[её]") + r"(?!\w)",
                             re.IGNORECASE)
        required, n = pattern.subn(lambda m: f'"{m.group()}"', text, count=1)
        return self.links.search(q=required) if n else None
