"""Rehearsal: simulated phones that fill a practice room, so a facilitator can run every phase before the day.

``phones.py`` holds the simulated browser tabs (also bench/load.py's); ``people.py`` what one simulated
person does in each phase; ``crowd.py`` runs a room's crowd and is what pages call (through the seam).
Nothing here is imported by the domain; importing ``phones`` alone needs only aiohttp.
"""
