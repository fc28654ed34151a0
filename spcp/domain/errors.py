"""The one error type the domain raises: a message id and its parameters, never translated here.

The page that shows a refusal translates it into its reader's language (``spcp.i18n``); the
English text of the message id is also what the CLI prints.
"""
from __future__ import annotations


def msgid(text: str) -> str:
    """Marks a string constant as a message id, so the catalog extraction finds it; translated
    where it is shown."""
    return text


class DomainError(Exception):
    """A refusal with a message for the person who asked (never a stack trace)."""

    def __init__(self, msgid: str, /, **params: object) -> None:
        super().__init__(msgid)
        self.msgid = msgid
        self.params = params


class NotAllowed(DomainError):
    """The actor's role may not do this."""


class NotFound(DomainError):
    """The room, card, theme... does not exist (or not in this room)."""
