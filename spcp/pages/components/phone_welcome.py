"""The phone's Welcome phase, and the optional group choice it shares with Issues."""
from __future__ import annotations

from nicegui import ui

from ...domain import rooms
from ...domain.changes import Change
from ..widgets import labelled, tell
from .phone_seat import PhoneSeat


def group_choice(seat: PhoneSeat) -> None:
    """Which group the participant comes from, with why we ask (only totals of five or more are shown)."""
    tr = seat.tr
    ui.label(tr('Which group do you come from? (optional)')).classes('phone-heading')
    ui.label(tr('Why we ask: to see that every group was heard. Only totals of five or more people are '
                'ever shown, never who you are.')).classes('phone-note')
    options = {'': tr('Prefer not to say')} | {k: tr(v) for k, v in rooms.GROUPS.items()}

    def choose(group: str | None) -> None:
        tell(tr, seat.act(rooms.choose_group, group=group), done=tr('Saved.'))
    labelled(ui.radio(options, value=seat.view.me.group or '', on_change=lambda e: choose(e.value or None)),
             aria_label=tr('Your group'))


class WelcomePhase:
    """Waiting for the facilitator: the plan's welcome prompt is for the room ("scan the code"), not shown here."""

    def __init__(self, seat: PhoneSeat) -> None:
        ui.label(seat.tr('You are in. You stay anonymous. The facilitator will start soon.')).classes('phone-prompt')
        group_choice(seat)

    def apply(self, change: Change) -> None:
        """Nothing here changes live (the group is this phone's own choice)."""
