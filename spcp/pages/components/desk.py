"""The facilitator's hands on one room, shared by the board and the remote: who acts (the actor,
which a key change replaces), in which room, through the one seam, with refusals shown to them."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from ... import room_reads
from ...actions import Outcome, perform, read
from ...domain import views
from ...domain.changes import Change
from ...domain.views import RoomView
from ...i18n import Translator
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

    def view(self, *, fresh: bool = False) -> RoomView:
        """The room as it is now (raises DomainError once this browser is signed out)."""
        # a page load reads the room itself (a write from outside this server, e.g. a command, shows at once);
        # a re-read after a change shares the room's read with the other pages re-reading it
        return read(self.actor, views.snapshot if fresh else room_reads.snapshot, room_id=self.room_id)


class Tool(Protocol):
    """A facilitator tool: shown in some phases, kept up to date by the room's changes."""

    def show_phase(self, view: RoomView) -> None: ...

    def apply(self, change: Change) -> None: ...
