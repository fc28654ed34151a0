"""The audit log on the organizer's dashboard: a collapsible list, newest first, of what facilitators and
the organizer did (when, which room, which role, what). New lines come live (``AuditRecorded``) and are
put on top; the oldest go once the list holds ``audit.LOG_LENGTH``. Never anything of a participant."""
from __future__ import annotations

import time

from nicegui import ui

from ...domain.audit import LOG_LENGTH
from ...domain.changes import AuditView
from ...domain.errors import msgid
from ...i18n import Translator

PHASE_ACTIONS = ('rooms.set_phase', 'rooms.step_phase', 'dashboard.move_rooms')
# action -> its words; a switch's action -> (words when turned off, words when turned on)
ACTIONS: dict[str, str | tuple[str, str]] = {
    'rooms.set_timer': msgid('Set the timer'),
    'rooms.start_timer': msgid('Started the timer'),
    'rooms.stop_timer': msgid('Paused the timer'),
    'rooms.reveal_votes': (msgid('Hid the votes'), msgid('Showed the votes')),
    'rooms.set_expected_size': msgid('Changed the expected number of people'),
    'rooms.set_paper_participants': msgid('Changed the number of people on paper'),
    'rooms.set_review': (msgid('Turned review before shown off'), msgid('Turned review before shown on')),
    'cards.set_hidden': (msgid('Showed a hidden card'), msgid('Hid a card')),
    'cards.approve': msgid('Approved cards'),
    'cards.merge': msgid('Merged cards'),
    'cards.unmerge': msgid('Undid a merge'),
    'cards.edit': msgid('Edited a card'),
    'cards.submit_paper': msgid('Added a paper card'),
    'voting.set_paper_dots': msgid('Entered paper dots'),
    'themes.group': msgid('Grouped cards into a theme'),
    'themes.rename': msgid('Renamed a theme'),
    'themes.take_out': msgid('Took cards out of a theme'),
    'themes.ungroup': msgid('Removed a theme'),
    'themes.rank': msgid('Ranked the themes'),
    'solutions.propose_paper': msgid('Added a paper solution'),
    'solutions.set_hidden': (msgid('Showed a hidden solution'), msgid('Hid a solution')),
    'access.rotate_facilitator_key': msgid('Changed the board key'),
    'setup.new_event': msgid('Created an event'),
    'setup.edit_event': msgid('Changed the event details'),
    'setup.set_dots': msgid('Changed the dots per participant'),
    'setup.set_phase_minutes': msgid('Changed the phase minutes'),
    'setup.add_room': msgid('Added a room'),
    'setup.edit_room': msgid('Changed a room'),
    'setup.remove_room': msgid('Removed a room'),
    'plenary.create': msgid('Made the plenary or pulled in new top themes'),
    'plenary.open_plenary': msgid('Moved everyone to the plenary'),
    'action_plan.add_priority': msgid('Added a priority to the action plan'),
    'action_plan.remove_priority': msgid('Removed a priority from the action plan'),
    'action_plan.add_item': msgid('Added an action to the plan'),
    'action_plan.edit_item': msgid('Edited an action of the plan'),
    'action_plan.remove_item': msgid('Removed an action from the plan'),
    'council.add_volunteer': msgid('Added a council volunteer'),
    'council.edit_volunteer': msgid('Edited a council volunteer'),
    'council.delete_volunteer': msgid('Deleted a council volunteer'),
    'practice.add_practice_room': msgid('Added a practice room'),
    'practice.start_rehearsal': msgid('Started a rehearsal with simulated phones'),
    'practice.stop_rehearsal': msgid('Stopped a rehearsal'),
}
ROLES = {'facilitator': msgid('Facilitator'), 'organizer': msgid('Organizer')}


def action_text(tr: Translator, entry: AuditView, phase_titles: dict[str, str]) -> str:
    """What was done, in the reader's words."""
    if entry.action in PHASE_ACTIONS:
        return tr('Changed the phase to {phase}', phase=tr(phase_titles[entry.detail])) \
            if entry.detail in phase_titles else tr('Changed the phase')
    words = ACTIONS.get(entry.action)
    if isinstance(words, tuple):
        words = words[entry.detail == 'on']
    return tr(words) if words else tr('Another change')


class AuditList:
    def __init__(self, tr: Translator, entries: tuple[AuditView, ...], phase_titles: dict[str, str]) -> None:
        self.tr, self.titles = tr, phase_titles
        self.rows: list[ui.element] = []  # newest first
        with ui.expansion(tr('Activity log'), icon='history').classes('dash-log').mark('audit-log'):
            self.empty = ui.label(tr('Nothing yet.')).classes('dash-muted')
            self.list = ui.element('ol').classes('dash-log-list')
        for entry in reversed(entries):
            self.add(entry)

    def add(self, entry: AuditView) -> None:
        """A new line on top (from any context: the live seam's pacing runs outside the page)."""
        room = entry.room_name or (self.tr('Whole event') if entry.room_id is None else self.tr('A removed room'))
        with self.list, ui.element('li').classes('dash-log-row').mark('audit-entry') as row:
            ui.label(time.strftime('%H:%M', time.localtime(entry.at))).classes('dash-log-time')
            ui.label(room).classes('dash-log-room').props('dir=auto')
            ui.label(self.tr(ROLES.get(entry.role, entry.role))).classes('dash-log-role')
            ui.label(action_text(self.tr, entry, self.titles)).classes('dash-log-what')
        row.move(target_index=0)
        self.rows.insert(0, row)
        while len(self.rows) > LOG_LENGTH:
            self.rows.pop().delete()
        self.empty.set_visibility(False)
