"""The facilitator's hands on one room, shared by the board and the remote: who acts (the actor,
which a key change replaces), in which room, through the one seam, with refusals shown to them."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from ...actions import Outcome, perform, read
from ...domain.changes import Change
from ...domain.views import RoomView
from ...i18n import Translator
from ...room_reads import snapshot
from ..widgets import tell


@dataclass
class Desk:
    tr: Translator
    actor: Any  # spcp.domain.access.Actor; replaced when this browser changes the board key
    room_id: int

    def act(self, action: Callable[..., Any], **kwargs: Any) -> Outcome:
        """Do a facilitator action on this room; a refusal is shown to the facilitator."""
        outcome = perform(self.actor, action, room_id=self.room_id, **kwargs)
        tell(self.tr, outcome)
        return outcome

    def view(self) -> RoomView:
        """The room as it is now (raises DomainError once this browser is signed out)."""
        return read(self.actor, snapshot, room_id=self.room_id)


class Tool(Protocol):
    """A facilitator tool: shown in some phases, kept up to date by the room's changes."""

    def show_phase(self, view: RoomView) -> None: ...

    def apply(self, change: Change) -> None: ...
