"""What every phase of a participant's phone is given (``PhoneSeat``) and offers (``PhonePhase``),
so each phase's component can be read and changed on its own."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from nicegui import ui

from ...actions import Outcome
from ...domain.changes import Change
from ...domain.views import RoomView
from ...i18n import Translator


class Drafts:
    """Text being typed survives a rebuild of the phase (a phase change, a re-read after a facilitator's edit)."""

    def __init__(self) -> None:
        self.texts: dict[str, str] = {}
        self.entries: dict[str, ui.input | ui.textarea] = {}

    def restore(self, name: str, entry: ui.input | ui.textarea) -> None:
        """Give ``entry`` the text kept under ``name`` (once) and keep watching it for the next rebuild."""
        entry.value = self.texts.pop(name, '')
        self.entries[name] = entry

    def keep(self) -> None:
        """Remember what is typed in the entries about to be cleared (an empty one keeps nothing)."""
        self.texts.update({name: entry.value for name, entry in self.entries.items() if entry.value})
        self.entries = {}


@dataclass
class PhoneSeat:
    """One participant in their room: what they read, in which language, and how they act
    (``act``: the phone's one seam, rate-limited by participant and address)."""
    tr: Translator
    view: RoomView
    participant_id: int | None
    act: Callable[..., Outcome]
    refresh: Callable[[], None]  # re-read the room and rebuild the phase (for rare, wide facilitator edits)
    drafts: Drafts = field(default_factory=Drafts)

    def mine(self, author_id: int | None) -> bool:
        return author_id == self.participant_id


class PhonePhase(Protocol):
    """A phase's part of the phone: built inside the phase body from a seat, then kept up to date."""

    def __init__(self, seat: PhoneSeat) -> None: ...

    def apply(self, change: Change) -> None:
        """Show one change of the room (the screen has already dropped what this phone may not see)."""

