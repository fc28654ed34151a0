"""Suggested themes and duplicates for a set of card texts: the whole method in two calls."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .embedding import Embedder, VectorCache, default_embedder
from .grouping import FALLBACK_TUNING, MODEL_TUNING, Tuning, centre, clusters, duplicate_pairs, normalise
from .language import detect
from .naming import theme_name


@dataclass(frozen=True)
class SuggestedTheme:
    name: str
    cards: tuple[int, ...]  # rows of the texts given


@dataclass(frozen=True)
class Suggestion:
    themes: tuple[SuggestedTheme, ...]
    unthemed: tuple[int, ...]               # "no theme yet": cards that fit no group
    duplicates: tuple[tuple[int, int], ...]  # pairs of rows, most alike first
    method: str                             # the embedder's name (the model, or the fallback)

    def as_json(self) -> dict[str, object]:
        """The CLI's shape: ``{"themes": [{"name", "cards"}], "unthemed": [...], "duplicates": [[i, j]]}``."""
        return {'themes': [{'name': t.name, 'cards': list(t.cards)} for t in self.themes],
                'unthemed': list(self.unthemed), 'duplicates': [list(p) for p in self.duplicates]}


class Suggester:
    """One embedder and its cache of vectors by text; every call is slow (embedding): off the event loop."""

    def __init__(self, embedder: Embedder | None = None) -> None:
        self.embedder = embedder or default_embedder()
        self.cache = VectorCache(self.embedder)
        self.tuning: Tuning = MODEL_TUNING if self.embedder.multilingual else FALLBACK_TUNING

    def vectors(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, list[str]]:
        """(raw, centred, languages) for the texts."""
        raw = self.cache.matrix(list(texts)).astype(np.float64)
        languages = [detect(t) for t in texts]
        centred = centre(raw, languages) if self.tuning.centre else normalise(raw)
        return raw, centred, languages

    def suggest(self, texts: Sequence[str], *, group: Sequence[int] | None = None) -> Suggestion:
        """Themes for rows ``group`` (default: all) of ``texts`` and the duplicate pairs among them. The
        other rows (cards already in a theme) still help centre each language, and are never suggested."""
        rows = list(range(len(texts))) if group is None else sorted(set(group))
        if not rows:
            return Suggestion((), (), (), self.embedder.name)
        raw, centred, languages = self.vectors(texts)
        themes, unthemed = [], []
        for members in clusters(centred[rows], self.tuning.theme_cut):
            picked = tuple(rows[m] for m in members)
            if len(picked) < 2:
                unthemed.extend(picked)
            else:
                themes.append(SuggestedTheme(theme_name(picked, texts, languages), picked))
        pairs = duplicate_pairs(centred[rows], raw[rows], self.tuning)
        return Suggestion(tuple(themes), tuple(sorted(unthemed)),
                          tuple((rows[i], rows[j]) for i, j, _ in pairs), self.embedder.name)

    def duplicates(self, texts: Sequence[str], *, fresh: Sequence[int] | None = None) -> list[tuple[int, int]]:
        """Pairs of rows that look like the same card, each with at least one row of ``fresh`` (default: any)."""
        raw, centred, _ = self.vectors(texts)
        return [(i, j) for i, j, _ in duplicate_pairs(centred, raw, self.tuning, rows=fresh)]
