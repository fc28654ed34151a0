"""The organizer's hands on one event's set-up: who acts, on which event, through the one seam, with
refusals shown to them (the set-up page's components share it)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ...actions import Outcome, perform, read
from ...domain import setup
from ...domain.access import Actor
from ...domain.errors import DomainError
from ...i18n import Translator
from ..widgets import tell


@dataclass
class SetupDesk:
    tr: Translator
    actor: Actor
    event_id: int
    base: str  # where phones reach this server: the posters' links

    def act(self, action: Callable[..., Any], /, *, done: str | None = None, **kwargs: Any) -> Outcome:
        """Do an organizer action; a refusal (or ``done``, already translated) is shown to the organizer."""
        outcome = perform(self.actor, action, **kwargs)
        tell(self.tr, outcome, done)
        return outcome

    def read(self, view: Callable[..., Any] = setup.event_setup) -> Any:
        """A view of the event (its set-up by default), or ``None`` with the refusal shown (e.g. signed out)."""
        try:
            return read(self.actor, view, event_id=self.event_id)
        except DomainError as error:
            tell(self.tr, Outcome.refused(error.msgid, **error.params))
            return None
