"""The organizers' list of council volunteers (``pages/council.py``): one card per person, to read, edit and
delete on request (confirmed). Every organizer's list follows the event: a ``CouncilChanged`` (a phone
volunteered, another organizer edited) has it read again, once per burst (``live.Pacer``)."""
from __future__ import annotations

from nicegui import ui

from ... import live
from ...actions import read
from ...domain import council
from ...domain.changes import Change
from ...domain.council import CouncilChanged, VolunteerDetails, VolunteerView
from ...domain.errors import DomainError
from .plan_confirm import ConfirmDialog
from .setup_desk import SetupDesk

REREAD_EVERY_S = 0.5


class CouncilPage:
    def __init__(self, desk: SetupDesk, entries: tuple[VolunteerView, ...]) -> None:
        self.desk, tr = desk, desk.tr
        self.confirm = ConfirmDialog(tr)
        self.editing: str | None = None   # the entry the dialog edits (None: a new one)
        self.build_dialog()
        with ui.element('section').classes('setup-card'):
            ui.label(tr('Only the organizers of this event see this list. People volunteered from their phones at '
                        'the end of the session and agreed to that; nothing links an entry to what its person '
                        'wrote or voted. Delete an entry when its person asks.')).classes('setup-note')
            with ui.row().classes('items-center'):
                self.count = ui.label().classes('setup-subheading').mark('council-count')
                ui.button(tr('Add a volunteer'), icon='add', on_click=lambda: self.edit(None)) \
                    .props('outline no-caps').mark('council-add')
        self.list = ui.element('div').classes('council-list').mark('council-list')
        self.show(entries)
        self.pacer = live.Pacer(self.reread, REREAD_EVERY_S)
        live.subscribe_event(desk.event_id, [], self.apply)

    def build_dialog(self) -> None:
        tr = self.desk.tr
        with ui.dialog() as self.dialog, ui.card().classes('plan-confirm'):
            self.dialog_title = ui.label().classes('plan-confirm-title').props('role=heading aria-level=2')
            self.name = ui.input(tr('Name')).props(f'outlined dir=auto maxlength={council.MAX_NAME}') \
                .classes('w-full').mark('volunteer-name')
            self.contact = ui.input(tr('Phone or email')).props(f'outlined dir=auto maxlength={council.MAX_CONTACT}') \
                .classes('w-full').mark('volunteer-contact')
            self.affiliation = ui.input(tr('Group or organization (optional)')) \
                .props(f'outlined dir=auto maxlength={council.MAX_AFFILIATION}').classes('w-full') \
                .mark('volunteer-affiliation')
            self.why = ui.textarea(tr('Why they would like to take part (optional)')) \
                .props(f'outlined autogrow dir=auto maxlength={council.MAX_WHY}').classes('w-full') \
                .mark('volunteer-why')
            with ui.row():
                ui.button(tr('Save'), on_click=self.save).props('unelevated no-caps').mark('volunteer-save')
                ui.button(tr('Cancel'), on_click=self.dialog.close).props('flat no-caps')
        self.dialog.on_value_change(lambda e: None if e.value else self.fill(None))  # closed: nothing left in it

    def show(self, entries: tuple[VolunteerView, ...]) -> None:
        tr = self.desk.tr
        self.count.set_text(tr.plural('{n} volunteer', '{n} volunteers', len(entries)))
        self.list.clear()
        with self.list:
            for entry in entries:
                with ui.element('article').classes('council-entry').mark('council-entry'):
                    ui.label(entry.name).classes('council-name').props('dir=auto')
                    for text in (entry.contact, entry.affiliation, entry.why):
                        if text:
                            ui.label(text).classes('council-line').props('dir=auto')
                    with ui.element('div').classes('council-buttons'):
                        ui.button(tr('Edit'), icon='edit', on_click=lambda e=entry: self.edit(e)) \
                            .props('flat dense no-caps').mark(f'edit-{entry.id}')
                        ui.button(tr('Delete'), icon='delete', on_click=lambda e=entry: self.ask_delete(e)) \
                            .props('flat dense no-caps color=negative').mark(f'delete-{entry.id}')

    def edit(self, entry: VolunteerView | None) -> None:
        tr = self.desk.tr
        self.editing = entry.id if entry else None
        self.dialog_title.set_text(tr('Edit the entry') if entry else tr('Add a volunteer'))
        self.fill(entry)
        self.dialog.open()

    def fill(self, entry: VolunteerView | None) -> None:
        for field, value in ((self.name, entry and entry.name), (self.contact, entry and entry.contact),
                             (self.affiliation, entry and entry.affiliation), (self.why, entry and entry.why)):
            field.value = value or ''

    def save(self) -> None:
        details = VolunteerDetails(self.name.value or '', self.contact.value or '', self.affiliation.value,
                                   self.why.value)
        if self.editing is None:
            outcome = self.desk.act(council.add_volunteer, event_id=self.desk.event_id, details=details)
        else:
            outcome = self.desk.act(council.edit_volunteer, event_id=self.desk.event_id,
                                    volunteer_id=self.editing, details=details)
        if outcome.done:
            self.dialog.close()

    def ask_delete(self, entry: VolunteerView) -> None:
        tr = self.desk.tr
        self.confirm.ask(tr('Delete the entry of {name}?', name=entry.name),
                         tr('It is erased from this laptop for good. Exports made before keep what they hold.'),
                         tr('Delete'),
                         lambda: self.desk.act(council.delete_volunteer, event_id=self.desk.event_id,
                                               volunteer_id=entry.id, done=tr('Deleted.')))

    def apply(self, change: Change) -> None:
        if isinstance(change, CouncilChanged):
            self.pacer.poke()

    def reread(self) -> None:
        try:
            entries = read(self.desk.actor, council.council, event_id=self.desk.event_id)
        except DomainError:
            return  # signed out meanwhile: the next action says so
        self.show(entries)
