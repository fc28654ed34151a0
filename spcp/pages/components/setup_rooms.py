"""The event's rooms on the set-up page: one row each (name, facilitator, expected size, code, joined),
saved or removed row by row, and a row to add a room."""
from __future__ import annotations

from nicegui import ui

from ...domain import practice, setup
from ...domain.events import format_code
from ...domain.rooms import MAX_ROOM_SIZE
from ...domain.setup import MAX_PERSON_NAME, MAX_ROOM_NAME, EventSetup, RoomDetails, RoomSetup
from ..widgets import labelled
from .setup_desk import SetupDesk
from .setup_timing import whole


class RoomFields:
    """Name, facilitator and expected size of a room (or of the room to add)."""

    def __init__(self, desk: SetupDesk, room: RoomSetup | None, mark: str) -> None:
        tr = desk.tr
        self.name = labelled(ui.input(placeholder=tr('Room name'), value=room.name if room else '')
                             .props(f'outlined dense dir=auto maxlength={MAX_ROOM_NAME}').mark(f'{mark}-name'),
                             aria_label=tr('Room name'))
        self.facilitator = labelled(ui.input(placeholder=tr('Facilitator'), value=(room.facilitator_name or '')
                                             if room else '')
                                    .props(f'outlined dense dir=auto maxlength={MAX_PERSON_NAME}')
                                    .mark(f'{mark}-facilitator'), aria_label=tr('Facilitator'))
        self.size = labelled(ui.number(value=room.expected_size if room else None, min=1, max=MAX_ROOM_SIZE, step=1,
                                       precision=0).props('outlined dense').mark(f'{mark}-size'),
                             aria_label=tr('Expected people'))

    def details(self) -> RoomDetails:
        return RoomDetails(self.name.value or '', self.facilitator.value, whole(self.size.value))


class RoomList:
    def __init__(self, desk: SetupDesk, event: EventSetup) -> None:
        self.desk = desk
        tr = desk.tr
        with ui.element('section').classes('setup-card setup-rooms-card').mark('room-list'):
            ui.label(tr('Rooms')).classes('setup-heading').props('role=heading aria-level=2')
            self.table = ui.element('div').classes('setup-rooms').props('role=table').mark('rooms')
            self.show(event.rooms)
            ui.label(tr('A room can be removed until someone joins it.')).classes('setup-note')
            with ui.row().classes('items-center gap-2'):
                ui.button(tr('Add a practice room'), icon='add', on_click=self.add_practice).props('flat') \
                    .mark('add-practice-room')
                ui.label(tr('For rehearsing before the day with simulated phones.')).classes('setup-note')

    def show(self, rooms: tuple[RoomSetup, ...]) -> None:
        tr = self.desk.tr
        self.table.clear()
        with self.table:
            with ui.element('div').classes('setup-row setup-row-head').props('role=row'):
                for title in (tr('Room name'), tr('Facilitator'), tr('Expected people'), tr('Room code'),
                              tr('Joined'), ''):
                    ui.label(title).props('role=columnheader')
            for room in rooms:
                self.row(room)
            with ui.element('div').classes('setup-row setup-row-add').props('role=row').mark('add-row'):
                self.new = RoomFields(self.desk, None, 'new-room')
                ui.label('')
                ui.label('')
                ui.button(tr('Add room'), icon='add', on_click=self.add).props('outline').mark('add-room')

    def row(self, room: RoomSetup) -> None:
        tr = self.desk.tr
        with ui.element('div').classes('setup-row').props('role=row').mark(f'room-{room.id}'):
            fields = RoomFields(self.desk, room, f'room-{room.id}')
            with ui.column().classes('gap-0'):
                ui.label(format_code(room.code)).classes('setup-code')
                if room.practice:
                    ui.label(tr('Practice room')).classes('setup-note').mark(f'room-{room.id}-practice')
            ui.label(tr.number(room.joined)).mark(f'room-{room.id}-joined')
            with ui.element('div').classes('setup-row-buttons'):
                ui.button(tr('Save'), on_click=lambda: self.save(room.id, fields)).props('outline') \
                    .mark(f'room-{room.id}-save')
                what = tr('Remove {room}', room=room.name)
                remove = labelled(ui.button(icon='delete', on_click=lambda: self.remove(room.id))
                                  .props('flat round color=negative').mark(f'room-{room.id}-remove'),
                                  aria_label=what, title=what)
                remove.set_enabled(room.removable)

    def save(self, room_id: int, fields: RoomFields) -> None:
        self.desk.act(setup.edit_room, room_id=room_id, details=fields.details(), done=self.desk.tr('Saved.'))

    def remove(self, room_id: int) -> None:
        if self.desk.act(setup.remove_room, room_id=room_id).done:
            self.refresh()

    def add(self) -> None:
        if self.desk.act(setup.add_room, event_id=self.desk.event_id, details=self.new.details()).done:
            self.refresh()

    def add_practice(self) -> None:
        if self.desk.act(practice.add_practice_room, event_id=self.desk.event_id,
                         name=self.desk.tr('Practice room')).done:
            self.refresh()

    def refresh(self) -> None:
        event = self.desk.read()
        if event is not None:
            self.show(event.rooms)
