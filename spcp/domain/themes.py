"""Themes: the facilitator groups cards under a name, renames, ungroups and ranks them by votes."""
from __future__ import annotations

from sqlmodel import Session, select

from .access import Actor, require_facilitator
from .cards import room_card
from .changes import CardChanged, Change, ThemeChanged, ThemeRemoved
from .errors import DomainError, NotFound
from .models import ActionItem, Card, Room, Solution, Theme
from .text import clean_text
from .views import card_view, theme_view, theme_votes

MAX_THEME_NAME = 80


def _room_theme(session: Session, room: Room, theme_id: int) -> Theme:
    theme = session.get(Theme, theme_id) if isinstance(theme_id, int) else None
    if theme is None or theme.room_id != room.id:
        raise NotFound('That theme is no longer there.')
    return theme


def group(session: Session, actor: Actor, room_id: int, card_ids: list[int], name: str | None = None,
          theme_id: int | None = None) -> tuple[int, list[Change]]:
    """Put the cards into a new theme called ``name``, or into the existing ``theme_id``."""
    room = require_facilitator(session, actor, room_id)
    cards = [room_card(session, room, i) for i in dict.fromkeys(card_ids)]
    if not cards:
        raise DomainError('Select the cards to group first.')
    if theme_id is None:
        theme = Theme(room_id=room_id, name=clean_text(name or '', MAX_THEME_NAME))
        session.add(theme)
        session.flush()
    else:
        theme = _room_theme(session, room, theme_id)
    touched = {c.theme_id for c in cards if c.theme_id not in (None, theme.id)}
    for card in cards:
        card.theme_id = theme.id
    session.commit()
    changes: list[Change] = [CardChanged(room_id, card_view(session, c)) for c in cards]
    changes += [ThemeChanged(room_id, theme_view(session, session.get(Theme, t))) for t in sorted(touched)]
    changes.append(ThemeChanged(room_id, theme_view(session, theme)))
    return theme.id, changes


def rename(session: Session, actor: Actor, room_id: int, theme_id: int, name: str) -> list[Change]:
    room = require_facilitator(session, actor, room_id)
    theme = _room_theme(session, room, theme_id)
    theme.name = clean_text(name, MAX_THEME_NAME)
    session.commit()
    return [ThemeChanged(room_id, theme_view(session, theme))]


def take_out(session: Session, actor: Actor, room_id: int, card_ids: list[int]) -> list[Change]:
    """Take cards out of their themes, back to the ungrouped pool."""
    room = require_facilitator(session, actor, room_id)
    cards = [room_card(session, room, i) for i in dict.fromkeys(card_ids)]
    touched = {c.theme_id for c in cards if c.theme_id is not None}
    for card in cards:
        card.theme_id = None
    session.commit()
    changes: list[Change] = [CardChanged(room_id, card_view(session, c)) for c in cards]
    changes += [ThemeChanged(room_id, theme_view(session, session.get(Theme, t))) for t in sorted(touched)]
    return changes


def ungroup(session: Session, actor: Actor, room_id: int, theme_id: int) -> list[Change]:
    """Dissolve a theme; its cards go back to the pool."""
    room = require_facilitator(session, actor, room_id)
    theme = _room_theme(session, room, theme_id)
    if session.exec(select(Solution.id).where(Solution.theme_id == theme.id)).first() is not None:
        raise DomainError('This theme already has solutions, so it cannot be ungrouped. Rename it instead.')
    # the plenary and the action plan point at the theme: taking it apart would take them apart too
    if session.exec(select(Card.id).where(Card.source_theme_id == theme.id)).first() is not None:
        raise DomainError('This theme is in the plenary, so it cannot be ungrouped. Rename it instead.')
    if session.exec(select(ActionItem.id).where(ActionItem.theme_id == theme.id)).first() is not None:
        raise DomainError('This theme is in the action plan, so it cannot be ungrouped. Rename it instead.')
    cards = session.exec(select(Card).where(Card.theme_id == theme.id)).all()
    for card in cards:
        card.theme_id = None
    session.delete(theme)
    session.commit()
    changes: list[Change] = [CardChanged(room_id, card_view(session, c)) for c in cards if c.merged_into_id is None]
    changes.append(ThemeRemoved(room_id, theme_id))
    return changes


def rank(session: Session, actor: Actor, room_id: int) -> list[Change]:
    """Number the themes 1, 2, 3... by their dots (ties: the older theme first)."""
    require_facilitator(session, actor, room_id)
    votes = theme_votes(session, room_id)
    themes = sorted(session.exec(select(Theme).where(Theme.room_id == room_id)).all(),
                    key=lambda t: (-votes.get(t.id, 0), t.id))
    for position, theme in enumerate(themes, start=1):
        theme.rank = position
    session.commit()
    return [ThemeChanged(room_id, theme_view(session, t)) for t in themes]
