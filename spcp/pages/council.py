"""The council volunteers of an event (``/organize/ID/council``), for its organizers only: who offered to
take part (from their phones at Wrap-up, with their consent, or added here), to read, correct, and delete
on request (after a confirmation). Other organizers' changes show at once (the list is re-read: it is
short). Signed in as on the set-up page."""
from __future__ import annotations

from nicegui import ui
from starlette.requests import Request

from ..domain import council
from .action_plan import CSS_VERSION, page_head
from .components.council_list import CouncilPage
from .components.setup_desk import SetupDesk
from .language import reader
from .organize import organizer_signed_in
from .widgets import frame


@ui.page('/organize/{event_id}/council')
def council_page(event_id: int, request: Request) -> None:
    tr = reader(request)
    frame(tr, tr('Council volunteers'))
    actor = organizer_signed_in(tr, event_id, request)
    if actor is None:
        return
    desk = SetupDesk(tr, actor, event_id, '')
    event, entries = desk.read(), desk.read(council.council)
    if event is None or entries is None:
        return
    ui.add_head_html(f'<link rel="stylesheet" href="/assets/setup.css?v=2">'
                     f'<link rel="stylesheet" href="/assets/plan.css?v={CSS_VERSION}">')
    with ui.element('main').classes('setup council'):
        page_head(tr, event.name, tr('Council volunteers'), event_id,
                  (tr('Action plan'), f'/organize/{event_id}/plan', 'plan-link'))
        CouncilPage(desk, entries)
