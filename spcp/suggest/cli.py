"""``spcp suggest --in cards.txt --json``: suggested themes and duplicates for cards typed into a file
(paper cards after the day, or any set to measure), touching no event. One card per line, or a CSV
file with a ``text`` column; line numbers in the output are 0-based rows of those cards."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from .suggester import Suggester, Suggestion


def read_cards(path: Path) -> list[str]:
    """The cards of a text file (one per line, blank lines kept so numbers match the file) or of a CSV
    file's ``text`` column (numbers are its data rows)."""
    raw = path.read_text(encoding='utf-8-sig')
    if path.suffix.lower() == '.csv':
        reader = csv.DictReader(io.StringIO(raw))
        fields = {(name or '').strip().lower(): name for name in reader.fieldnames or []}
        if 'text' not in fields:
            raise ValueError(f'{path} has no "text" column (columns: {", ".join(reader.fieldnames or [])})')
        return [(row.get(fields['text']) or '').strip() for row in reader]
    return [line.strip() for line in raw.splitlines()]


def suggest_file(path: Path) -> tuple[Suggestion, list[str]]:
    """The suggestion for the file's non-empty cards, numbered as in the file."""
    cards = read_cards(path)
    rows = [i for i, text in enumerate(cards) if text]
    found = Suggester().suggest([cards[i] for i in rows])
    back = {i: rows[i] for i in range(len(rows))}
    themes = tuple(type(t)(t.name, tuple(back[c] for c in t.cards)) for t in found.themes)
    return Suggestion(themes, tuple(back[c] for c in found.unthemed),
                      tuple((back[a], back[b]) for a, b in found.duplicates), found.method), cards


def as_text(suggestion: Suggestion, cards: list[str]) -> str:
    """For people: each theme with its cards, the cards with no theme yet, the duplicate pairs."""
    lines = [f'# {len(suggestion.themes)} suggested themes ({suggestion.method})']
    for theme in suggestion.themes:
        lines.append(f'\n{theme.name}')
        lines += [f'  {row}: {cards[row]}' for row in theme.cards]
    if suggestion.unthemed:
        lines.append('\nNo theme yet')
        lines += [f'  {row}: {cards[row]}' for row in suggestion.unthemed]
    if suggestion.duplicates:
        lines.append('\nPossible duplicates')
        lines += [f'  {a} = {b}: {cards[a]} | {cards[b]}' for a, b in suggestion.duplicates]
    return '\n'.join(lines)


def main(path: Path, as_json: bool) -> str:
    suggestion, cards = suggest_file(path)
    return json.dumps(suggestion.as_json(), ensure_ascii=False) if as_json else as_text(suggestion, cards)
