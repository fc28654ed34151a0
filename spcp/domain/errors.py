"""The one error type the domain raises; its message is ready to show to a person."""
from __future__ import annotations

from ..i18n import t


class DomainError(Exception):
    """A refusal with a message for the person who asked (never a stack trace)."""

    def __init__(self, msgid: str, /, **params: object) -> None:
        super().__init__(msgid)
        self.msgid = msgid
        self.params = params

    @property
    def message(self) -> str:
        return t(self.msgid, **self.params)


class NotAllowed(DomainError):
    """The actor's role may not do this."""


class NotFound(DomainError):
    """The room, card, theme... does not exist (or not in this room)."""
