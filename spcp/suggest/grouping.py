"""From card vectors to suggested themes and duplicate pairs (numpy and scikit-learn; no UI, no database).

The steps, each measured on the labelled set (tests/suggest/cards.toml, README "Grouping help"):

1. **Centre each language.** A multilingual model places cards by language first (a card's nearest
   neighbour shared its language 78% of the time on our set, its theme 41%). Subtracting each
   language's mean vector over the room's cards removes most of that: nearest neighbours of the same
   language fall to 17%, of the same theme rise to 76%. A language with few cards has a noisy mean,
   so it is pulled towards the room's overall mean (``SHRINK`` cards' worth).
2. **Group by meaning.** Average-linkage agglomerative clustering on cosine distance, cut at a
   distance (``theme_cut``): the number of themes follows from the cards, and groups stay small and
   tight rather than few and vague. A card alone in its group goes to the "no theme yet" pile.
3. **Duplicates** are pairs whose centred vectors are very close (``duplicate_at``); with few cards
   in the room the centring means little yet, so near-identical raw vectors count too
   (``raw_duplicate_at``).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

SHRINK = 1.0  # a language's mean counts as much as this many cards of the room's overall mean


@dataclass(frozen=True)
class Tuning:
    theme_cut: float          # cosine distance at which average linkage stops joining groups
    duplicate_at: float       # cosine similarity (centred) from which two cards are suggested as duplicates
    raw_duplicate_at: float   # cosine similarity (not centred) that makes a duplicate however few the cards
    centre: bool              # centre each language (only for a multilingual model)


# chosen on the "dev" part of the labelled set only (the "holdout" part never informed them)
MODEL_TUNING = Tuning(theme_cut=0.85, duplicate_at=0.50, raw_duplicate_at=0.95, centre=True)
FALLBACK_TUNING = Tuning(theme_cut=0.80, duplicate_at=0.40, raw_duplicate_at=0.40, centre=False)


def normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-9)


def centre(vectors: np.ndarray, languages: Sequence[str]) -> np.ndarray:
    """Each card minus its language's mean (shrunk towards the overall mean), normalised again."""
    if len(vectors) == 0:
        return vectors
    overall = vectors.mean(axis=0)
    out = vectors.astype(np.float64, copy=True)
    langs = np.asarray(languages)
    for lang in set(languages):
        rows = langs == lang
        count = rows.sum()
        mean = (count * vectors[rows].mean(axis=0) + SHRINK * overall) / (count + SHRINK)
        out[rows] = vectors[rows] - mean
    return normalise(out)


def clusters(vectors: np.ndarray, cut: float) -> list[list[int]]:
    """Rows grouped by average linkage on cosine distance, cut at ``cut``; biggest groups first."""
    if len(vectors) < 2:
        return [[i] for i in range(len(vectors))]
    from sklearn.cluster import AgglomerativeClustering
    labels = AgglomerativeClustering(n_clusters=None, metric='cosine', linkage='average',
                                     distance_threshold=cut).fit_predict(vectors)
    groups: dict[int, list[int]] = {}
    for row, label in enumerate(labels):
        groups.setdefault(int(label), []).append(row)
    return sorted(groups.values(), key=lambda g: (-len(g), g[0]))


def duplicate_pairs(centred: np.ndarray, raw: np.ndarray, tuning: Tuning, *,
                    rows: Sequence[int] | None = None) -> list[tuple[int, int, float]]:
    """(i, j, similarity) for i < j that look like the same card, most similar first. ``rows``: only
    pairs with at least one of these rows (the cards that just came in)."""
    n = len(centred)
    if n < 2:
        return []
    similar = centred @ centred.T
    raw_similar = normalise(raw) @ normalise(raw).T
    # while a room has few cards its language means are the cards themselves: trust the centred space less
    close = raw_similar >= tuning.raw_duplicate_at
    if n >= 8:
        close |= similar >= tuning.duplicate_at
    close = np.triu(close, k=1)
    if rows is not None:
        fresh = np.zeros(n, dtype=bool)
        fresh[list(rows)] = True
        close &= fresh[:, None] | fresh[None, :]
    first, second = np.nonzero(close)
    found = [(int(i), int(j), float(max(similar[i, j], raw_similar[i, j]))) for i, j in zip(first, second, strict=True)]
    return sorted(found, key=lambda p: (-p[2], p[0], p[1]))
