"""The NER model: Natasha's ``slovnet_ner_news_v1`` with the navec news embeddings, both shipped
in the ``natasha`` wheel (nothing is downloaded), loaded once per process on first use."""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from threadpoolctl import threadpool_limits

if TYPE_CHECKING:
    from indexer.entities.inference import NerModel

MODEL_FILE = "slovnet_ner_news_v1.tar"
EMB_FILE = "navec_news_v1_1B_250K_300d_100q.tar"


@cache
def ner_model() -> NerModel:
    """slovnet NER + navec from the natasha wheel (without importing natasha), run by our lean
    inference path (:mod:`indexer.entities.inference`, same tags as slovnet's)."""
    # The matrices are small: a BLAS thread pool in every worker only fights the other
    # workers for the cores (measured: 37 ms of CPU per article with one thread, 63 with the
    # default). threadpoolctl limits the pool numpy has already started (the rebuild's
    # workers import numpy long before the model: OPENBLAS_NUM_THREADS set here came too late).
    threadpool_limits(limits=1, user_api="blas")
    from indexer.entities.inference import NerModel

    spec = importlib.util.find_spec("natasha")
    if spec is None or spec.origin is None:
        raise RuntimeError("the 'natasha' package (model files) is not installed")
    data = Path(spec.origin).parent / "data"
    return NerModel(str(data / "model" / MODEL_FILE), str(data / "emb" / EMB_FILE))
