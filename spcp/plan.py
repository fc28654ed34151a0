"""Loads a session plan (phases, prompts, durations, dots) from ``sessions/*.toml``."""
from __future__ import annotations

import tomllib
from pathlib import Path

from .domain.phases import PHASES
from .settings import DEFAULT_PLAN

ROOM_SETTINGS = ('dots_per_participant', 'max_dots_per_card', 'max_card_length',
                 'max_cards_per_participant', 'top_themes')


class PlanError(ValueError):
    pass


def load_plan(path: Path = DEFAULT_PLAN) -> dict:
    """Read and check a plan file; returns a plain dict stored with the event."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding='utf-8'))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise PlanError(f'cannot read session plan {path}: {error}') from error
    phases = data.get('phases', [])
    ids = [p.get('id') for p in phases]
    if ids != list(PHASES):
        raise PlanError(f'{path}: phases must be, in order, {list(PHASES)}; found {ids}')
    room = data.get('room', {})
    unknown = set(room) - set(ROOM_SETTINGS)
    if unknown:
        raise PlanError(f'{path}: unknown room settings {sorted(unknown)}')
    for key, value in room.items():
        if not _whole(value):
            raise PlanError(f'{path}: room.{key} must be a whole number of at least 1')
    for phase in phases:
        if not _whole(phase.get('minutes', 10)):
            raise PlanError(f'{path}: phase {phase["id"]}: minutes must be a whole number of at least 1')
    return {
        'name': str(data.get('name', Path(path).stem)),
        'room': room,
        'phases': [{'id': p['id'], 'title': str(p.get('title', p['id'])),
                    'prompt': str(p.get('prompt', '')), 'minutes': p.get('minutes', 10)}
                   for p in phases],
    }


def _whole(value: object) -> bool:
    """A whole number of at least 1 (TOML's true is not a number, although Python's bool is an int)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1
