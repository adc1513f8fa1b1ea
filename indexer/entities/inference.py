"""Lean numpy inference for slovnet's NER news model, giving the same tags as slovnet's own.

slovnet (``slovnet.NER`` + ``navec.Navec``) spends most of its time outside the matrix products:
razdel's token objects, per-token records, a product-quantised embedding lookup through broadcast
fancy indexing, a badly strided im2col copy for every convolution, and a per-token Python
backtrace in the CRF. It also keeps two Python dicts of the same 250,000 words (navec's and the
model's, about 50 MB each), navec's word counts and a 26 MB similarity table that NER never
uses. This module runs the same weights with the same arithmetic (same operands, same operation
order, float32 throughout):

- tokens: razdel's own atom regex and join rules, without its per-atom objects;
- word ids: the model's word vocabulary in a DAWG (4.5 MB);
- embeddings: one ``take`` of 12-byte product-quantisation codes per token; navec's PQ indexes
  are mapped from the tar file, not read;
- CNN: all sequences of a batch laid end to end with one zero row between them (the zero padding
  slovnet adds, or its pad embedding, which is zero), so no compute goes to padding, and im2col
  reads whole rows;
- CRF: slovnet's Viterbi recursion over length-sorted groups, backtrace vectorised.

The matrix products may round differently in the last bit for some rows (up to ~1e-5 in the
emissions), exactly as slovnet's own do when a text lands in another batch; the tags are the
same. ``tests/test_ner_model.py`` checks tokens and tags against slovnet on real text.
"""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from slovnet.shape import word_shape

from indexer.entities.tokens import tokenize

TOKENS_PER_BATCH = 1024  # rows of one im2col matrix: 1,024 x 990 floats = 4 MB for layer one
CRF_CELLS = 8192  # sequences x positions of one Viterbi group
ENCODE_CACHE = 16_384  # frequent words' (word id, shape id); about 3 MB when full

Span = tuple[str, int, int]  # (type, start, stop) within the text


class NerModel:
    """slovnet_ner_news_v1 + navec news embeddings: texts -> typed spans (as slovnet.NER).

    Longer than our 150-line rule for classes: it holds one model's weights, and its methods
    are the stages of one inference pass over them (encoding, convolutions, CRF); cut apart,
    the stages would pass the same dozen arrays around.
    """

    def __init__(self, model_path: str, navec_path: str) -> None:
        import dawg
        from slovnet.exec.model import NER as NERRecord
        from slovnet.exec.pack import Pack

        with Pack(model_path) as pack:
            pack.load_meta().check_protocol()
            model = pack.load_model(NERRecord)
            model = model.inject_arrays(dict(pack.load_arrays(model.weights)))
            words = gzip.decompress(pack.read("vocabs/word.gz")).decode("utf8").splitlines()
            shapes = pack.load_vocab("shape")
            tags = pack.load_vocab("tag")
        self.unk_id = words.index("<unk>")
        self.pad_id = words.index("<pad>")
        self.vocab_size = len(words)
        # slovnet's Vocab is a dict {word: id}; a DAWG maps the same in a tenth of the memory
        # (checked word by word, which also rules out duplicates, where the dict keeps the last).
        # Sorted here (str order is UTF-8 byte order) so that the DAWG streams its input
        # instead of sorting a list of 250,000 (bytes, id) tuples.
        order = sorted(range(len(words)), key=words.__getitem__)
        self.words = dawg.IntDAWG(((words[i], i) for i in order), input_is_sorted=True)
        del order
        get = self.words.get
        if any(get(word) != i for i, word in enumerate(words)):
            raise ValueError("the model's word vocabulary has duplicates")
        del words
        self.shape_ids = shapes.item_ids
        self.shape_unk = shapes.unk_id
        self.shape_emb = np.ascontiguousarray(model.emb.shape.weight.array)
        if shapes.pad_id is not None and self.shape_emb[shapes.pad_id].any():
            raise ValueError("expected a zero pad shape embedding")

        self._load_embeddings(navec_path, model.emb.word.id)

        self.layers = _conv_layers(model)
        self.proj_w = model.head.proj.weight.array
        self.proj_b = model.head.proj.bias.array
        self.transitions = model.head.crf.transitions.array
        self.tag_names = list(tags.items)
        self.tag_parts = [_parse_bio(t) for t in tags.items]
        self.tags_num = len(tags.items)
        self._encode = lru_cache(maxsize=ENCODE_CACHE)(self._encode_word)

    def _load_embeddings(self, navec_path: str, emb_id: str) -> None:
        """navec's product-quantised word vectors, checked against the model's vocabulary."""
        found_id, indexes, codes = _load_navec(navec_path)
        if found_id != emb_id:
            raise ValueError(f"expected navec id={emb_id!r}, got {found_id!r}")
        if indexes.shape[0] != self.vocab_size:
            raise ValueError("navec and the model's word vocabulary differ in size")
        self.qdim, centroids, chunk = codes.shape
        self.word_dim = self.qdim * chunk
        self.indexes = indexes  # vectors x qdim, uint8
        # Codes as one row of `chunk` float32 per (qdim, centroid): one take gathers a vector.
        self.codes = (
            np.ascontiguousarray(codes)
            .reshape(-1, chunk)
            .view(np.dtype((np.void, chunk * codes.itemsize)))
            .reshape(-1)
        )
        self.code_offsets = np.arange(self.qdim, dtype=np.intp) * centroids
        if codes[np.arange(self.qdim), indexes[self.pad_id]].any():
            raise ValueError("expected a zero navec pad vector")

    # ------------------------------------------------------------------ public

    def spans(self, texts: Sequence[str]) -> list[list[Span]]:
        """Typed spans of each text, as ``[(s.type, s.start, s.stop) for s in NER(text).spans]``."""
        toks, tags = self._tag(texts)
        return [self._bio_spans(tok[0], tok[1], tag) for tok, tag in zip(toks, tags, strict=True)]

    def tags(self, texts: Sequence[str]) -> list[tuple[list[str], list[str]]]:
        """(tokens, BIO tags) of each text, as slovnet's tokenizer and CRF decoder give them."""
        toks, tags = self._tag(texts)
        names = self.tag_names
        return [
            (tok[2], [] if tag is None else [names[t] for t in tag.tolist()])
            for tok, tag in zip(toks, tags, strict=True)
        ]

    def _tag(
        self, texts: Sequence[str]
    ) -> tuple[list[tuple[list[int], list[int], list[str]]], list[np.ndarray | None]]:
        toks = [tokenize(t) for t in texts]
        ids = [self._ids(t[2]) for t in toks]
        order = sorted((k for k in range(len(texts)) if toks[k][2]), key=lambda k: len(toks[k][2]))
        tags: list[np.ndarray | None] = [None] * len(texts)
        if not order:
            return toks, tags
        # The network runs on batches of rows; the CRF on all sequences at once, in groups of
        # similar length (its cost is per position, so fewer, wider groups are cheaper).
        emissions: list[np.ndarray] = []
        batch: list[int] = []
        size = 0
        for k in order:
            n = len(toks[k][2])
            if batch and size + n + 1 > TOKENS_PER_BATCH:
                emissions.append(self._emissions(batch, ids))
                batch, size = [], 0
            batch.append(k)
            size += n + 1
        emissions.append(self._emissions(batch, ids))
        lengths = np.array([len(toks[k][2]) for k in order], dtype=np.intp)
        offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        self._viterbi(order, lengths, offsets, np.concatenate(emissions), tags)
        return toks, tags

    # ------------------------------------------------------------------ encoding

    def _encode_word(self, word: str) -> tuple[int, int]:
        return (
            self.words.get(word.lower(), self.unk_id),
            self.shape_ids.get(word_shape(word), self.shape_unk),
        )

    def _ids(self, words: list[str]) -> tuple[np.ndarray, np.ndarray]:
        enc = self._encode
        pairs = np.array([enc(w) for w in words], dtype=np.intp).reshape(-1, 2)
        return pairs[:, 0], pairs[:, 1]

    # ------------------------------------------------------------------ network

    def _emissions(self, batch: list[int], ids: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
        """CRF emissions of the sequences ``batch`` (indexes into ``ids``), one row per token."""
        lengths = np.array([len(ids[k][0]) for k in batch], dtype=np.intp)
        # Sequence j occupies rows starts[j] .. starts[j] + len - 1; rows 0, and the one after
        # every sequence, are zero (the conv padding of both neighbours).
        starts = np.concatenate(([1], 1 + np.cumsum(lengths + 1)[:-1]))
        rows = int(starts[-1] + lengths[-1] + 1)
        real = np.zeros(rows, dtype=bool)
        pos = np.concatenate([np.arange(s, s + n) for s, n in zip(starts, lengths, strict=True)])
        real[pos] = True
        word_ids = np.concatenate([ids[k][0] for k in batch])
        shape_ids = np.concatenate([ids[k][1] for k in batch])

        x = np.zeros((rows, self.word_dim + self.shape_emb.shape[1]), dtype=np.float32)
        flat = self.indexes[word_ids].astype(np.intp)
        flat += self.code_offsets
        x[pos, : self.word_dim] = self.codes.take(flat).view(np.float32).reshape(-1, self.word_dim)
        x[pos, self.word_dim :] = self.shape_emb[shape_ids]

        pad = ~real
        for in_dim, weight, bias, mean, std, gamma, beta in self.layers:
            # im2col in slovnet's column order (channel-major, then kernel offset).
            cols = np.empty((rows - 2, in_dim, 3), dtype=np.float32)
            cols[:, :, 0] = x[:-2]
            cols[:, :, 1] = x[1:-1]
            cols[:, :, 2] = x[2:]
            out = np.matmul(cols.reshape(rows - 2, in_dim * 3), weight)
            out += bias
            np.maximum(out, 0, out=out)
            out -= mean
            out /= std
            out *= gamma
            out += beta
            x = np.empty((rows, out.shape[1]), dtype=np.float32)
            x[1:-1] = out
            x[pad] = 0
        return np.matmul(x[pos], self.proj_w) + self.proj_b

    def _viterbi(
        self,
        batch: list[int],
        lengths: np.ndarray,
        offsets: np.ndarray,
        emissions: np.ndarray,
        tags: list[np.ndarray | None],
    ) -> None:
        """slovnet's CRF.decode over groups of similar length (``batch`` is length-sorted;
        sequence ``batch[j]`` has ``lengths[j]`` rows of ``emissions`` from ``offsets[j]``)."""
        j = 0
        while j < len(batch):
            k = j + 1  # lengths are ascending: a group is as wide as its last sequence
            while k < len(batch) and (k - j + 1) * int(lengths[k]) <= CRF_CELLS:
                k += 1
            group = self._decode(emissions, offsets[j:k], lengths[j:k], int(lengths[k - 1]))
            for g, seq in enumerate(group):
                tags[batch[j + g]] = seq
            j = k

    def _decode(
        self, emissions: np.ndarray, offsets: np.ndarray, lengths: np.ndarray, width: int
    ) -> list[np.ndarray]:
        size = len(lengths)
        t = self.tags_num
        em = np.zeros((width, size, t), dtype=emissions.dtype)
        steps = np.arange(width)
        mask = steps[:, None] < lengths[None, :]  # width x size
        src = (offsets[None, :] + steps[:, None])[mask]
        em[mask] = emissions[src]
        trans = self.transitions
        history = np.empty((max(0, width - 1), size, t), dtype=np.intp)
        score = em[0]
        for index in range(1, width):
            cand = score.reshape(size, t, 1) + trans + em[index].reshape(size, 1, t)
            best = cand.argmax(-2)
            history[index - 1] = best
            score = np.where(mask[index].reshape(size, 1), cand.max(-2), score)
        best = score.argmax(-1)
        out = np.empty((width, size), dtype=np.intp)
        out[width - 1] = best
        rows = np.arange(size)
        last = lengths - 1
        # history[index] holds the best predecessor of each tag at position index + 1; a
        # sequence keeps its final tag until the backtrace reaches its own last position.
        for index in range(width - 2, -1, -1):
            prev = history[index, rows, best]
            best = np.where(index < last, prev, best)
            out[index] = best
        return [out[:n, g].copy() for g, n in enumerate(lengths)]

    # ------------------------------------------------------------------ spans

    def _bio_spans(
        self, starts: list[int], stops: list[int], tags: np.ndarray | None
    ) -> list[Span]:
        """slovnet.bio.bio_spans over the tokens' offsets."""
        out: list[Span] = []
        if tags is None:
            return out
        parts = self.tag_parts
        previous = None
        start = stop = 0
        for i, tag in enumerate(tags.tolist()):
            part, kind = parts[tag]
            if part == "O":
                if previous:
                    out.append((previous, start, stop))
                    previous = None
            elif part == "B":
                if previous:
                    out.append((previous, start, stop))
                previous = kind
                start, stop = starts[i], stops[i]
            elif part == "I":
                stop = stops[i]
        if previous:
            out.append((previous, start, stop))
        return out


def _conv_layers(model) -> list[tuple]:
    """Each convolution layer's input width, weights (as slovnet's operand) and batch norm."""
    layers = []
    for layer in model.encoder.layers:
        conv, norm = layer.conv, layer.norm
        if conv.padding != 1 or conv.weight.shape[2] != 3:
            raise ValueError("expected convolutions of kernel 3, padding 1")
        filters, in_dim, kernel = conv.weight.shape
        # The same operand as slovnet's: a transposed view of the (filters, in*kernel) array.
        weight = conv.weight.array.reshape(filters, in_dim * kernel).T
        layers.append(
            (
                in_dim,
                weight,
                conv.bias.array,
                norm.mean.array,
                norm.std.array,
                norm.weight.array,
                norm.bias.array,
            )
        )
    return layers


def _parse_bio(tag: str) -> tuple[str, str | None]:
    if "-" in tag:
        part, kind = tag.split("-", 1)
        return part, kind
    return tag, None


def _load_navec(path: str) -> tuple[str, np.ndarray, np.ndarray]:
    """navec's id, PQ indexes (vectors x qdim, uint8) and codes, without its vocabulary.

    The indexes (25 MB) are mapped from the tar file rather than read: only the pages of words
    that occur are loaded, and forked workers share them through the page cache.
    """
    with tarfile.open(path) as tar:
        meta = json.loads(tar.extractfile("meta.json").read())  # type: ignore[union-attr]
        if meta.get("protocol") != 1:
            raise ValueError(f"unexpected navec protocol {meta.get('protocol')!r}")
        member = tar.getmember("pq.bin")
        file = tar.extractfile(member)
        assert file is not None
        vectors, _dim, qdim, centroids = np.frombuffer(file.read(16), np.uint32).tolist()
        if isinstance(tar.fileobj, io.BufferedReader) and member.isreg():  # not compressed
            mapped = np.memmap(path, np.uint8, "r", member.offset_data + 16, (vectors, qdim))
            indexes = np.asarray(mapped)  # a plain array over the mapping
            file.seek(16 + vectors * qdim)
        else:  # a compressed tar cannot be mapped
            indexes = np.frombuffer(file.read(vectors * qdim), np.uint8).reshape(vectors, qdim)
        codes = np.frombuffer(file.read(), np.float32).reshape(qdim, centroids, -1)
    return meta["id"], indexes, codes
