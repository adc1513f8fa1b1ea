"""Our lean NER inference (indexer/ner_model.py) against slovnet's own: tokens, tags and spans."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from razdel import tokenize as razdel_tokenize

from indexer.entities.chunks import chunks
from indexer.entities.inference import NerModel
from indexer.entities.model import EMB_FILE, MODEL_FILE
from indexer.entities.tokens import tokenize

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "corpora"
KAZPRAVDA = SHARED / "kazpravda_sample" / "2026-03-05-kazpravda-constitution-meetings.txt"
COLLECTION5 = SHARED / "collection5" / "collection5_gold.jsonl"
C5_DOCS = 200


def _razdel(text: str) -> list[tuple[int, int, str]]:
    return [(t.start, t.stop, t.text) for t in razdel_tokenize(text)]


def _ours(text: str) -> list[tuple[int, int, str]]:
    return list(zip(*tokenize(text), strict=True))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "Касым-Жомарт Токаев, 3,5 млн, 1/2, 2011-2020, a_b, СИЗО-6.",
        "Что?! Да... Ну -- и ** всё :-) ;) =((( yahoo! Yahoo!",
        "слово- слово -слово - слово «цитата» (скобки) [x]{y}",
        "ΔP Δσ mβж №5 … ‑–—− 3.14.15 1,2,3 a-1 1-a _x x_",
        "e-mail: a.b@c.de, http://x.ru/a?b=1 #тег @user 50% $10",
    ],
)
def test_tokenize_matches_razdel(text: str) -> None:
    assert _ours(text) == _razdel(text)


_PIECES = list("аБвЁёzYx019 \n\t.,!?…-‐‑–—−_/\\:;=()[]{}«»\"'„“”*#@%№Δσ") + ["yahoo", "Yahoo"]
_TRICKY = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(_TRICKY)
def test_tokenize_matches_razdel_on_random_text(text: str) -> None:
    assert _ours(text) == _razdel(text)


def _data() -> Path:
    spec = importlib.util.find_spec("natasha")
    assert spec is not None and spec.origin is not None
    return Path(spec.origin).parent / "data"


@pytest.fixture(scope="module")
def models():
    """slovnet's NER loaded the usual way, and ours over the same files."""
    from navec import Navec
    from slovnet import NER

    data = _data()
    model, emb = data / "model" / MODEL_FILE, data / "emb" / EMB_FILE
    ner = NER.load(str(model), batch_size=32)
    ner.navec(Navec.load(str(emb)))
    return ner, NerModel(str(model), str(emb))


def _real_texts() -> list[str]:
    """Model inputs as the extractor makes them: the Kazpravda article whole and in chunks,
    and the chunks of the first Collection5 documents."""
    if not KAZPRAVDA.exists() or not COLLECTION5.exists():
        pytest.skip(f"real texts not found: {KAZPRAVDA} and {COLLECTION5} (../shared is absent)")
    article = KAZPRAVDA.read_text(encoding="utf-8")
    texts = [article] + [piece for _, piece in chunks(article)]
    with COLLECTION5.open(encoding="utf-8") as f:
        for n, line in enumerate(f):
            if n >= C5_DOCS:
                break
            texts += [piece for _, piece in chunks(json.loads(line)["text"])]
    return texts


def _slovnet_tags(ner, texts: list[str]) -> list[tuple[list[str], list[str]]]:
    from slovnet.exec.infer import text_words

    infer = ner.infer
    items = [text_words(t) for t in texts]
    tags = infer.decoder(infer.process(infer.encoder(items)))
    return [(words, list(tag)) for words, tag in zip(items, tags, strict=True)]


def test_tags_match_slovnet_on_real_text(models) -> None:
    ner, ours = models
    texts = _real_texts()
    expected = _slovnet_tags(ner, texts)
    got = ours.tags(texts)
    assert len(got) == len(expected)
    for text, (words, tags), (our_words, our_tags) in zip(texts, expected, got, strict=True):
        assert our_words == words, text[:80]
        assert our_tags == tags, text[:80]
    # The texts do contain entities, so the comparison is not vacuous.
    assert sum(t != "O" for _, tags in expected for t in tags) > 1000


def test_spans_match_slovnet_on_real_text(models) -> None:
    ner, ours = models
    texts = _real_texts()
    expected = [[(s.type, s.start, s.stop) for s in markup.spans] for markup in ner.map(texts)]
    assert ours.spans(texts) == expected


def test_order_and_batching_do_not_change_tags(models) -> None:
    _, ours = models
    texts = _real_texts()[:60]
    alone = [ours.spans([t])[0] for t in texts]
    assert ours.spans(list(reversed(texts))) == list(reversed(alone))


def test_empty_texts(models) -> None:
    _, ours = models
    assert ours.spans(["", "  \n ", "Астана"]) == [[], [], ours.spans(["Астана"])[0]]
