"""The phone's Wrap-up phase: the top themes with their solutions, most endorsed first (in the plenary, the
hall's result), thanks, and volunteering for the council (``council_form.py``)."""
from __future__ import annotations

from nicegui import ui

from ...domain.changes import CardChanged, Change, RevealChanged, SolutionChanged, ThemeChanged, ThemeRemoved
from .council_form import CouncilForm
from .phone_seat import PhoneSeat
from .plenary_result import PlenaryResult


class WrapupPhase:
    """A summary to read: built once, re-read whole on the rare facilitator edit that touches it."""

    def __init__(self, seat: PhoneSeat) -> None:
        self.seat, view = seat, seat.view
        if view.kind == 'plenary':  # the hall's ranked vote, once the facilitator shows the votes
            if view.revealed:
                PlenaryResult(seat.tr, view)
            else:
                ui.label(seat.tr('The result is on the screen.')).classes('phone-prompt')
            ui.label(seat.tr('Thank you for taking part.')).classes('notice')
            CouncilForm(seat.tr, seat.act, seat.drafts)
            return
        themes = {th.id: th for th in view.themes}
        for theme_id in view.top_themes_ids:
            with ui.column().classes('theme-box'):
                ui.label(themes[theme_id].name).classes('theme-name').props('role=heading aria-level=2 dir=auto')
                for solution in sorted((s for s in view.solutions if s.theme_id == theme_id),
                                       key=lambda s: -s.endorsements):
                    ui.label(solution.text).classes('theme-card').props('dir=auto')
        ui.label(seat.tr('Thank you for taking part.')).classes('notice')
        CouncilForm(seat.tr, seat.act, seat.drafts)

    def apply(self, change: Change) -> None:
        if isinstance(change, ThemeChanged | ThemeRemoved | RevealChanged | SolutionChanged | CardChanged):
            self.seat.refresh()
