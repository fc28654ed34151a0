"""What a spreadsheet could take for a formula: the cells both spreadsheet exports guard.

OWASP's list (CSV injection): a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return may be run as a formula (``=HYPERLINK(...)``, a DDE command such as ``=cmd|' /C calc'!A0``)
when a spreadsheet opens the file. Participants type such text innocently too (``-2``, ``@Ana``).
"""
from __future__ import annotations

FORMULA_STARTS = ('=', '+', '-', '@', '\t', '\r')


def risky(value: object) -> bool:
    """Text a spreadsheet could run: it begins with one of OWASP's characters."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def width(values: list[str], header: str, *, least: int = 8, most: int = 60) -> int:
    """A column's width in characters: its longest line, header included, within bounds."""
    longest = max((len(line) for v in [header, *values] for line in v.splitlines() or ['']), default=0)
    return max(least, min(most, longest + 2))
