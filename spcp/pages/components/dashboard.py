"""The organizer's live dashboard of every room of the event (``/organize/ID``).

Built once; then every change of the event's rooms reaches it (``live.subscribe_event``). What a change
says by itself (a phase, the timer, who is connected) is shown at once; what needs counting (issues,
dots, themes, hidden cards) marks the room, and the marked rooms are read again together through a
``live.Pacer``: once per burst, a few times a second at most, however many phones are voting.
Idle alerts age without any change, so they are looked at again every half minute (no database read).
"""
from __future__ import annotations

import time

from nicegui import ui

from ... import entry, live
from ...actions import Outcome, perform, read
from ...domain import audit, dashboard, plenary, stakeholders
from ...domain.access import Actor
from ...domain.changes import (
    AuditRecorded,
    Change,
    EventChange,
    KeyRotated,
    ParticipantsChanged,
    PhaseChanged,
    PresenceChanged,
    TimerChanged,
)
from ...domain.errors import DomainError
from ...i18n import Translator
from ..language import language_switch
from ..widgets import labelled, refusal_text, tell
from .dashboard_log import AuditList
from .dashboard_plenary import PlenaryPanel
from .dashboard_room import RoomCard
from .stakeholder_chart import StakeholderChart

CSS_VERSION = '7'
REDRAW_EVERY_S = 0.3  # a dashboard redraws its rooms' counts at most this often
ALERTS_EVERY_S = 30.0


def clock() -> float:
    """Now, in epoch seconds (tests move it)."""
    return time.time()


class EventDashboard:
    def __init__(self, tr: Translator, actor: Actor, board: dashboard.Dashboard) -> None:
        self.tr, self.actor = tr, actor
        self.titles = {p.id: p.title for p in board.phases}
        self.dirty: set[int] = set()
        self.signed_out = False
        self.pacer = live.Pacer(self.refresh, REDRAW_EVERY_S)
        ui.add_head_html(f'<link rel="stylesheet" href="/assets/dashboard.css?v={CSS_VERSION}">')
        with ui.element('div').classes('dash') as self.root:
            with ui.element('div').classes('dash-head'):
                ui.label(board.name).classes('dash-title').props('role=heading aria-level=1 dir=auto')
                self.build_links(board.event_id)
                self.build_move_all(board)
                language_switch(self.tr)
            with ui.element('div').classes('dash-grid').mark('rooms'):
                self.rooms = {pulse.id: RoomCard(tr, pulse, board.phases, entry.presence_of(pulse.id), self.move_one)
                              for pulse in board.rooms}
            self.event_id = board.event_id
            self.plenary = PlenaryPanel(tr, self.act, read(actor, plenary.state, event_id=board.event_id))
            with ui.expansion(tr('How each group voted')).classes('dash-groups w-full').mark('groups') as groups:
                self.groups_area = ui.element('div').classes('dash-groups-area')
            groups.on_value_change(lambda e: self.show_groups() if e.value else None)
            self.log = AuditList(tr, read(actor, audit.log, event_id=board.event_id), self.titles)
        self.build_confirm()
        self.show_alerts()
        ui.timer(ALERTS_EVERY_S, self.show_alerts)
        live.subscribe_event(board.event_id, list(self.rooms), self.apply)

    # ---------- building ----------

    def build_links(self, event_id: int) -> None:
        """The organizer's other pages: before the day, and the morning after."""
        with ui.element('nav').classes('dash-links') as nav:
            nav.props['aria-label'] = self.tr('Organizer pages')
            for text, path in ((self.tr('Set up the event'), 'setup'), (self.tr('Action plan'), 'plan'),
                               (self.tr('Council volunteers'), 'council'), (self.tr('Exports'), 'exports')):
                ui.link(text, f'/organize/{int(event_id)}/{path}').classes('dash-link').mark(f'link-{path}')

    def build_move_all(self, board: dashboard.Dashboard) -> None:
        with ui.element('div').classes('dash-move'):
            ui.label(self.tr('Move all rooms to')).classes('dash-move-label')
            self.move_phase = ui.select({p.id: self.tr(p.title) for p in board.phases}, value=board.phases[0].id) \
                .props('dense outlined options-dense').classes('dash-phase').mark('move-all-phase')
            labelled(self.move_phase, aria_label=self.tr('Phase for every room'))
            ui.button(self.tr('Move'), icon='fast_forward', on_click=self.confirm_move_all) \
                .props('unelevated no-caps').mark('move-all')

    def build_confirm(self) -> None:
        with ui.dialog() as self.confirm, ui.card():
            self.confirm_title = ui.label().classes('text-xl font-bold')
            ui.label(self.tr('Rooms already in this phase stay as they are. Each room starts it with its timer '
                             'stopped.'))
            with ui.row():
                ui.button(self.tr('Move all rooms'), on_click=self.move_all).props('unelevated no-caps') \
                    .mark('confirm-move-all')
                ui.button(self.tr('Cancel'), on_click=self.confirm.close).props('flat no-caps')

    # ---------- acting ----------

    def confirm_move_all(self) -> None:
        phase = self.move_phase.value
        self.confirm_title.set_text(self.tr('Move every room to {phase}?', phase=self.tr(self.titles[phase])))
        self.confirm.open()

    def move_all(self) -> None:
        self.confirm.close()
        tell(self.tr, perform(self.actor, dashboard.move_rooms, phase=self.move_phase.value))

    def act(self, action, **kwargs) -> Outcome:  # noqa: ANN001 (a domain function of the event)
        return perform(self.actor, action, event_id=self.event_id, **kwargs)

    def move_one(self, room_id: int, phase: str) -> bool:
        return tell(self.tr, perform(self.actor, dashboard.move_rooms, phase=phase, room_ids=[room_id]))

    # ---------- live changes ----------

    def apply(self, change: Change) -> None:
        if self.signed_out:
            return
        if isinstance(change, AuditRecorded):
            self.recorded(change)
            return
        if isinstance(change, plenary.PlenaryChanged):
            self.plenary.show(read(self.actor, plenary.state, event_id=self.event_id))
            return
        card = self.rooms.get(change.room_id) if not isinstance(change, EventChange) else None
        if card is None:
            return
        if isinstance(change, PresenceChanged):
            card.show_presence(change)
            card.show_alerts(clock())  # refused joins
            return
        if not isinstance(change, ParticipantsChanged | KeyRotated):  # joining is not the room's work
            card.seen_activity = clock()
        if isinstance(change, PhaseChanged):
            card.show_phase(change.phase)
        elif isinstance(change, TimerChanged):
            card.show_timer(change.timer)
        else:  # the room's counts: read again with the other rooms' (paced)
            self.dirty.add(change.room_id)
            self.pacer.poke()
        card.show_alerts(clock())

    def recorded(self, change: AuditRecorded) -> None:
        """A staff action: a new line in the log, and activity in its room (every room: the whole event's)."""
        self.log.add(change.entry)
        now = clock()
        for room_id, card in self.rooms.items():
            if change.room_id in (None, room_id):
                card.seen_activity = now
                card.show_alerts(now)

    def refresh(self) -> None:
        """Read the rooms changes touched again, together, and show them."""
        rooms, self.dirty = self.dirty, set()
        if not rooms or self.signed_out or self.root.is_deleted:
            return
        try:
            pulses = read(self.actor, dashboard.room_pulses, room_ids=rooms)
        except DomainError as error:  # signed out meanwhile (the organizer key was changed)
            self.sign_out(Outcome.refused(error.msgid, **error.params))
            return
        for pulse in pulses:
            self.rooms[pulse.id].show(pulse)
            self.rooms[pulse.id].show_alerts(clock())

    def show_groups(self) -> None:
        """Each room's themes (the plenary's cards) by group, read when opened: published rooms only."""
        self.groups_area.clear()
        with self.groups_area:
            for breakdown in read(self.actor, stakeholders.event_breakdowns, event_id=self.event_id):
                ui.label(breakdown.room_name).classes('dash-groups-room').props('role=heading aria-level=3 dir=auto')
                StakeholderChart(self.tr, breakdown, by='themes' if breakdown.room_id in self.rooms else 'cards')

    def show_alerts(self) -> None:
        now = clock()
        for card in self.rooms.values():
            card.show_alerts(now)

    def sign_out(self, why: Outcome) -> None:
        self.signed_out = True
        self.root.clear()
        with self.root:
            ui.label(refusal_text(self.tr, why)).classes('dash-title')
