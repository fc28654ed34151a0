"""Rules for text that participants and facilitators type."""
from __future__ import annotations

import unicodedata

from .errors import DomainError


def clean_text(raw: object, max_length: int, *, what: str = 'text') -> str:
    """Trim, drop control characters and refuse empty or over-long text, with a clear message.

    The text is never interpreted (pages show it only as plain text), so markup and scripts are
    kept as typed: they are harmless characters on the board.
    """
    if not isinstance(raw, str):
        raise DomainError('Please write some text.')
    if any(unicodedata.category(ch) == 'Cs' for ch in raw):  # half of a broken emoji, from a bad paste
        raise DomainError('Part of this text could not be read (a broken character). Please type it again.')
    text = ''.join(ch for ch in raw if ch in '\n\t' or unicodedata.category(ch)[0] != 'C'
                   or ch in '\u200c\u200d\u200e\u200f')  # keep joiners and direction marks (Hindi, Arabic)
    text = '\n'.join(line.strip() for line in text.strip().splitlines())
    while '\n\n\n' in text:
        text = text.replace('\n\n\n', '\n\n')
    if not any(_visible(ch) for ch in text):  # e.g. only joiners, direction marks or spaces: a blank card
        raise DomainError('Please write some text.')
    if len(text) > max_length:
        raise DomainError('Please keep it to {limit} characters or fewer (now {length}).',
                          limit=max_length, length=len(text))
    return text


def _visible(ch: str) -> bool:
    """Draws something: not a space, a control, a joiner or a direction mark."""
    return not ch.isspace() and unicodedata.category(ch)[0] not in 'CZ'
