"""The organizer's page of an event: the live dashboard of every room (``components/dashboard.py``).
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
from ..domain.access import Actor
from ..domain.dashboard import dashboard
from ..domain.errors import msgid
from ..i18n import Translator
from .board import sign_in, signed_out
from .components.dashboard import EventDashboard
from .language import reader
from .widgets import client_address, frame, proof_of, refusal_page, remember_proof, tell

SIGNED_OUT = msgid('Sign in with your organizer link.')


@ui.page('/organize/{event_id}')
def organize_page(event_id: int, request: Request, key: str = '') -> RedirectResponse | None:
    if key:
        return organizer_sign_in(event_id, entry.sign_in_organizer(event_id, key))
    tr = reader(request)
    frame(tr, tr('SPCP Live organizer'))
    actor = organizer_signed_in(tr, event_id, request)
    if actor is not None:
        EventDashboard(tr, actor, read(actor, dashboard, event_id=event_id))
    return None


def organizer_signed_in(tr: Translator, event_id: int, request: Request) -> Actor | None:
    """The organizer signed in to this event in this browser, as the set-up page has it: the password
    asked for first if one is pending, a refusal page without a proof. ``None``: the page says why."""
    if app.storage.user.get('pending', {}).get(str(event_id)):
        ask_password(tr, event_id, client_address(request))
        return None
    found = entry.organizer_actor(event_id, proof_of('event', event_id))
    if not found.done:
        refusal_page(tr, tr('Cannot open the organizer page'), signed_out(found, SIGNED_OUT))
        return None
    return found.value


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


def ask_password(tr: Translator, event_id: int, address: str) -> None:
    storage = app.storage.user  # this browser's, kept for the handler

    def submit() -> None:
        if tell(tr, entry.confirm_password(event_id, password.value or '', address=address)):
            pending = dict(storage.get('pending', {}))
            remember_proof('event', event_id, pending.pop(str(event_id)), storage)
            storage['pending'] = pending
            ui.navigate.reload()

    with ui.column().classes('phone'):
        ui.label(tr('Organizer password')).classes('phone-phase').props('role=heading aria-level=1')
        password = ui.input(tr('Password'), password=True).props('outlined autofocus').classes('w-full') \
            .mark('password')
        password.on('keydown.enter', submit)
        ui.button(tr('Sign in'), on_click=submit).classes('big-btn w-full').mark('sign-in')
