"""The labelled card set (cards.toml) and the scores the suite reports: adjusted Rand index of the
suggested themes against the intended ones, precision and recall of the suggested duplicate pairs."""
from __future__ import annotations

import itertools
import tomllib
from dataclasses import dataclass
from pathlib import Path

from sklearn.metrics import adjusted_rand_score

from spcp.suggest import Suggestion

CARDS = Path(__file__).with_name('cards.toml')


@dataclass(frozen=True)
class Card:
    theme: str   # '' = fits no theme
    lang: str
    text: str
    dup: str     # '' = no duplicate


def load(part: str) -> list[Card]:
    """The cards of one part: 'dev' (used to choose the method) or 'holdout' (never used to tune)."""
    rows = tomllib.loads(CARDS.read_text(encoding='utf-8'))['card']
    return [Card(r['theme'], r['lang'], r['text'], r.get('dup', '')) for r in rows if r['set'] == part]


def true_pairs(cards: list[Card]) -> set[tuple[int, int]]:
    groups: dict[str, list[int]] = {}
    for i, card in enumerate(cards):
        if card.dup:
            groups.setdefault(card.dup, []).append(i)
    return {pair for members in groups.values() for pair in itertools.combinations(members, 2)}


@dataclass(frozen=True)
class Scores:
    ari: float
    precision: float
    recall: float
    themes: int
    unthemed: int

    def __str__(self) -> str:
        return (f'ARI {self.ari:.2f}, duplicates precision {self.precision:.2f} recall {self.recall:.2f} '
                f'({self.themes} themes, {self.unthemed} unthemed)')


def score(cards: list[Card], suggestion: Suggestion) -> Scores:
    """A card in "no theme yet" is a group of its own, as an intended theme of '' is."""
    found = [-1] * len(cards)
    for number, theme in enumerate(suggestion.themes):
        for row in theme.cards:
            found[row] = number
    found = [f if f >= 0 else f'alone{i}' for i, f in enumerate(found)]
    truth = [c.theme or f'alone{i}' for i, c in enumerate(cards)]
    wanted, got = true_pairs(cards), {tuple(sorted(p)) for p in suggestion.duplicates}
    hits = len(wanted & got)
    return Scores(adjusted_rand_score(truth, [str(f) for f in found]), hits / len(got) if got else 0.0,
                  hits / len(wanted) if wanted else 1.0, len(suggestion.themes), len(suggestion.unthemed))
