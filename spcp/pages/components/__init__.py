"""Pieces of the board, the facilitator's remote and the phone, one per phase or per tool, so a
phase can be changed without reading the others. Each builds its elements where it is created and
updates them from the room's changes (``apply``); none opens a database session."""
