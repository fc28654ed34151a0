"""The organizer's overview of an event: every room, its links and how far it has got.
(The plenary, action plan, council and exports come in later issues.)

The organizer link (``/organize/ID?key=...``) is a sign-in link, like the facilitator's: the
browser keeps a proof and goes on to the clean ``/organize/ID``. Boards open from here without
any key: an organizer signed in to the event may open every board of it.
"""
from __future__ import annotations

from nicegui import app, ui
from starlette.requests import Request
from starlette.responses import RedirectResponse

from .. import entry
from ..actions import Outcome, read
from ..domain.events import format_code
from ..domain.views import EventOverview, event_overview
from ..i18n import t
from .board import public_base, sign_in, signed_out
from .widgets import client_address, frame, proof_of, refusal_page, remember_proof, tell

SIGNED_OUT = 'Sign in with your organizer link.'


@ui.page('/organize/{event_id}')
def organize_page(event_id: int, request: Request, key: str = '') -> RedirectResponse | None:
    if key:
        return organizer_sign_in(event_id, entry.sign_in_organizer(event_id, key))
    frame(t('SPCP Live organizer'))
    if app.storage.user.get('pending', {}).get(str(event_id)):
        ask_password(event_id, client_address(request))
        return None
    found = entry.organizer_actor(event_id, proof_of('event', event_id))
    if not found.done:
        refusal_page('Cannot open the organizer page', signed_out(found, SIGNED_OUT))
        return None
    show_overview(read(found.value, event_overview, event_id=event_id), public_base(request))
    return None


def show_overview(overview: EventOverview, base: str) -> None:
    with ui.column().classes('board'):
        ui.label(overview.name).classes('board-title').props('role=heading aria-level=1')
        for room in overview.rooms:
            with ui.row().classes('controls text-xl'):
                ui.label(room.name).classes('font-bold')
                ui.label(format_code(room.code))
                ui.label(t('Phase: {phase}', phase=t(room.phase_title)))
                ui.label(t('{n} joined', n=room.participants))
                ui.link(t('Join link'), f'{base}/r/{room.code}')
                ui.link(t('Open board'), f'/board/{room.code}')


def organizer_sign_in(event_id: int, outcome: Outcome) -> RedirectResponse:
    """A right key with a password still to come is kept aside until the password is given."""
    if outcome.done and outcome.value[1]:
        pending = dict(app.storage.user.get('pending', {}))
        pending[str(event_id)] = outcome.value[0]
        app.storage.user['pending'] = pending
        return RedirectResponse(f'/organize/{int(event_id)}', status_code=303)
    if outcome.done:
        outcome = Outcome(True, value=outcome.value[0])
    return sign_in('event', event_id, outcome, f'/organize/{int(event_id)}')


def ask_password(event_id: int, address: str) -> None:
    storage = app.storage.user  # this browser's, kept for the handler

    def submit() -> None:
        if tell(entry.confirm_password(event_id, password.value or '', address=address)):
            pending = dict(storage.get('pending', {}))
            remember_proof('event', event_id, pending.pop(str(event_id)), storage)
            storage['pending'] = pending
            ui.navigate.reload()

    with ui.column().classes('phone'):
        ui.label(t('Organizer password')).classes('phone-phase').props('role=heading aria-level=1')
        password = ui.input(t('Password'), password=True).props('outlined autofocus').classes('w-full') \
            .mark('password')
        password.on('keydown.enter', submit)
        ui.button(t('Sign in'), on_click=submit).classes('big-btn w-full').mark('sign-in')
