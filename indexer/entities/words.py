"""Words of entity names: what a word is (a name part, a post, a word never inflected) and
how a name's spelling is kept."""

from __future__ import annotations

import re

from indexer.text.morphology import known_parses, parse
from indexer.text.normalise import without_yo

KAZAKH = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
# A word of letters, hyphenated or with an apostrophe (no digits).
WORD_RE = re.compile(r"[^\W\d_]+(?:[-‐'’][^\W\d_]+)*", re.UNICODE)

# Posts and titles that precede a name but are not part of it (lemmas).
TITLES = frozenset(
    """
    президент вице-президент премьер премьер-министр министр вице-министр замминистра
    депутат сенатор спикер председатель зампред вице-спикер глава руководитель директор
    гендиректор аким мэр губернатор посол генсек секретарь госсекретарь
    помощник советник заместитель замглавы пресс-секретарь представитель
    король королева принц принцесса царь император шейх папа патриарх митрополит
    архиепископ епископ генерал маршал адмирал полковник подполковник майор капитан
    лейтенант сержант рядовой судья прокурор генпрокурор следователь адвокат
    профессор доктор академик господин госпожа мистер миссис сэр леди лорд канцлер
    экс-президент экс-премьер лидер вождь тренер нападающий защитник вратарь
    полузащитник форвард певец певица актер актёр актриса режиссер режиссёр писатель
    журналист корреспондент ведущий эксперт аналитик политолог экономист автор
    основатель владелец бизнесмен олигарх банкир чемпион чемпионка теннисист
    теннисистка боксер боксёр пилот гонщик
    """.split()
)


def is_cap(word: str) -> bool:
    return word[:1].isupper()


def is_name_part(word: str) -> bool:
    return any({"Name", "Surn", "Patr"} & p.tag.grammemes for p in parse(word))


def is_title(word: str) -> bool:
    low = word.lower().rstrip(".")
    if low in TITLES:
        return True
    return any(p.normal_form in TITLES for p in known_parses(low))


def untouchable(word: str) -> bool:
    """Words we never inflect: Kazakh letters, Latin, digits, abbreviations, initials."""
    if any(c in KAZAKH for c in word) or any("a" <= c.lower() <= "z" for c in word):
        return True
    if any(c.isdigit() for c in word) or len(word) <= 1:
        return True
    return word.isupper()


def recase(src: str, dst: str) -> str:
    """Give ``dst`` the capitalisation style of ``src`` (per hyphen part), and its е for ё."""
    if "ё" not in src.lower():
        dst = without_yo(dst)
    if src.isupper() and len(src) > 1:
        return dst.upper()
    sp, dp = re.split(r"([-‐'’])", src), re.split(r"([-‐'’])", dst)
    if len(sp) != len(dp):
        return dst[:1].upper() + dst[1:] if is_cap(src) else dst
    return "".join(d[:1].upper() + d[1:] if is_cap(s) else d for s, d in zip(sp, dp, strict=True))


def squash(s: str) -> str:
    return " ".join(s.split())
