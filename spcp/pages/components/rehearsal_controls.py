"""A practice room's rehearsal on its board (in the room settings): how many simulated phones, at which
pace, start and stop, and how it goes. Shown only in a practice room (``domain/practice.py``); the
phones themselves run in the server (``spcp/rehearsal/crowd.py``), which is asked through the seam."""
from __future__ import annotations

import time

from nicegui import ui

from ...actions import read
from ...domain import practice
from ...domain.errors import DomainError
from ...rehearsal import crowd
from ..widgets import tell
from .desk import Desk

STATUS_EVERY_S = 2.0   # the status line is the server's memory, read without the database


def practice_room(desk: Desk) -> bool:
    try:
        return bool(read(desk.actor, practice.is_practice, room_id=desk.room_id))
    except DomainError:  # signed out meanwhile: the board shows that itself
        return False


class RehearsalControls:
    def __init__(self, desk: Desk) -> None:
        self.desk, tr = desk, desk.tr
        with ui.column().classes('w-full gap-1').mark('rehearsal'):
            ui.label(tr('Rehearsal')).classes('phone-heading')
            ui.label(tr('This is a practice room. Simulated phones can join it and take part in every phase, '
                        'so you can rehearse before the day. They stop by themselves after {n} minutes.',
                        n=practice.MAX_MINUTES)).classes('phone-meta')
            with ui.row().classes('tool-row no-wrap'):
                self.phones = ui.number(tr('Simulated phones'), value=practice.DEFAULT_PHONES, min=1,
                                        max=practice.MAX_PHONES, step=1, precision=0) \
                    .props('dense outlined').classes('w-36').mark('rehearsal-phones')
                self.quick = ui.switch(tr('Quick pace')).mark('rehearsal-quick')
            with ui.row().classes('tool-row no-wrap'):
                self.start_button = ui.button(tr('Start rehearsal'), icon='play_arrow', on_click=self.start) \
                    .props('outline').mark('start-rehearsal')
                self.stop_button = ui.button(tr('Stop rehearsal'), icon='cancel', on_click=self.stop) \
                    .props('outline').mark('stop-rehearsal')
            self.state = ui.label().classes('phone-meta').props('aria-live=polite').mark('rehearsal-status')
        ui.timer(STATUS_EVERY_S, self.show)
        self.show()

    def start(self) -> None:
        wanted = int(self.phones.value or 0)
        outcome = crowd.start(self.desk.actor, self.desk.room_id, wanted, bool(self.quick.value))
        tell(self.desk.tr, outcome, done=self.desk.tr('Rehearsal started.'))
        self.show()

    def stop(self) -> None:
        tell(self.desk.tr, crowd.stop(self.desk.actor, self.desk.room_id), done=self.desk.tr('Rehearsal stopped.'))
        self.show()

    def show(self) -> None:
        tr, now = self.desk.tr, crowd.status(self.desk.room_id)
        self.start_button.set_enabled(now is None)
        self.stop_button.set_enabled(now is not None)
        if now is None:
            self.state.set_text(tr('No rehearsal is running.'))
            return
        ends = time.strftime('%H:%M', time.localtime(now.ends_at))
        self.state.set_text(' · '.join((
            tr('Simulated phones joined: {n} of {total}', n=now.joined, total=now.phones),
            tr.plural('{n} issue', '{n} issues', now.issues), tr.plural('{n} dot', '{n} dots', now.dots),
            tr.plural('{n} solution', '{n} solutions', now.solutions), tr('Ends at {time}', time=ends))))
