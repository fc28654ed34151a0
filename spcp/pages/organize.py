"""The organizer's overview of an event: every room, its links and how far it has got.
(The plenary, action plan, council and exports come in later issues.)

The organizer link (``/organize/ID?key=...``) is a sign-in link, like the facilitator's: the
browser keeps a proof and goes on to the clean ``/organize/ID``. Boards open from here without
any key: an organizer signed in to the event may open every board of it.
"""
from __future__ import annotations

from nicegui import ui
from starlette.requests import Request
from starlette.responses import RedirectResponse

from .. import entry
from ..actions import read
from ..domain.events import format_code
from ..domain.views import event_overview
from ..i18n import t
from .board import public_base, sign_in, signed_out
from .widgets import frame, proof_of, refusal_page

SIGNED_OUT = 'Sign in with your organizer link.'


@ui.page('/organize/{event_id}')
def organize_page(event_id: int, request: Request, key: str = '') -> RedirectResponse | None:
    if key:
        return sign_in('event', event_id, entry.sign_in_organizer(event_id, key), f'/organize/{int(event_id)}')
    frame(t('SPCP Live organizer'))
    found = entry.organizer_actor(event_id, proof_of('event', event_id))
    if not found.done:
        refusal_page('Cannot open the organizer page', signed_out(found, SIGNED_OUT))
        return None
    overview = read(found.value, event_overview, event_id=event_id)
    base = public_base(request)
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
    return None
