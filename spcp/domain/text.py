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
    text = ''.join(ch for ch in raw if ch in '\n\t' or unicodedata.category(ch)[0] != 'C'
                   or ch in '\u200c\u200d\u200e\u200f')  # keep joiners and direction marks (Hindi, Arabic)
    text = '\n'.join(line.strip() for line in text.strip().splitlines())
    while '\n\n\n' in text:
        text = text.replace('\n\n\n', '\n\n')
    if not text:
        raise DomainError('Please write some text.')
    if len(text) > max_length:
        raise DomainError('Please keep it under {limit} characters (now {length}).',
                          limit=max_length, length=len(text))
    return text
