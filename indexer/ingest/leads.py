"""What an article's text says about itself: its lead, a title and the outlet it names."""

from __future__ import annotations

import re

import razdel

TITLE_LIMIT = 160
# «…, передает Kazpravda.kz», «сообщает ТАСС», «пишет РБК»: a capitalised name after the verb.
_ATTRIBUTION = re.compile(
    r"(?:переда[её]т|сообщает|сообщают|пишет|информирует|передают)\s+"
    r"(?:агентство\s+|издание\s+|портал\s+|корреспондент\s+)?"
    r"([A-ZА-ЯЁ][\w.\-]*(?:\s[A-ZА-ЯЁ][\w.\-]*){0,2})"
)
_CAPTION = re.compile(
    r"^(фото|фотография|видео|иллюстрация|источник|автор|коллаж|скриншот)\b", re.IGNORECASE
)


def paragraphs(body: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]


def is_caption(paragraph: str) -> bool:
    """A photo credit or similar short line that is not the lead («Фото предоставлено …»)."""
    if _CAPTION.match(paragraph) and len(paragraph) < 120:
        return True
    return len(paragraph) < 60 and not re.search(r"[.!?…»\"]$", paragraph)


def lead(body: str) -> str:
    """The first paragraph that is not a caption."""
    paras = paragraphs(body)
    for p in paras:
        if not is_caption(p):
            return p
    return paras[0] if paras else ""


def derive_title(body: str) -> str:
    """The first sentence of the lead, cut at a word boundary past ``TITLE_LIMIT``."""
    first = lead(body)
    sentences = [s.text for s in razdel.sentenize(first[:2000])]
    title = " ".join((sentences[0] if sentences else first).split())
    if len(title) > TITLE_LIMIT:
        cut = title[: TITLE_LIMIT + 1].rsplit(" ", 1)[0].rstrip(",;:–— ")
        title = cut + "…"
    return title


def derive_source(body: str, rel: str) -> str:
    """The outlet named in the lead («передает Kazpravda.kz»), else the archive folder."""
    match = _ATTRIBUTION.search(lead(body)[:3000])
    if match:
        return match.group(1).rstrip(".")
    parts = rel.split("/")
    return parts[0] if len(parts) > 1 else ""
