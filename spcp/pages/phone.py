"""The participant's phone: join a room, then write issues, vote, see themes, propose solutions."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import app, ui
from nicegui.client import ClientConnectionTimeout
from starlette.requests import Request

from .. import entry, live, room_reads
from ..actions import Outcome, perform, read
from ..domain import views
from ..domain.access import Actor
from ..domain.changes import CardChanged, Change, PhaseChanged, TimerChanged
from ..domain.plenary import PlenaryOpened
from ..domain.views import RoomView
from ..i18n import Translator
from .components.phone_issues import IssuesPhase
from .components.phone_seat import Drafts, PhonePhase, PhoneSeat
from .components.phone_solutions import SolutionsPhase
from .components.phone_themes import ThemesPhase
from .components.phone_vote import VotePhase
from .components.phone_welcome import WelcomePhase
from .components.phone_wrapup import WrapupPhase
from .language import language_switch, reader
from .outbox import Outbox
from .privacy import privacy_button
from .widgets import client_address, frame, refusal_page, show_timer, tell, timer_label

CONNECT_TIMEOUT_S = 60  # a phone that has not connected by then was a preview or a prefetch: nobody joins


@ui.page('/r/{code}')
async def phone_page(code: str, request: Request) -> None:
    tr = reader(request)
    frame(tr, tr('SPCP Live'))
    address = client_address(request)
    found = entry.find_room(code, address=address)
    if not found.done:
        refusal_page(tr, tr('Room not found'), found)
        ui.link(tr('Type a room code'), '/').classes('phone-meta')
        return
    waiting = ui.label(tr('Connecting…')).classes('phone-prompt')
    device = app.storage.browser.get('id', '')
    client = ui.context.client
    try:  # a participant is made only by a page that really connects, never by a plain GET
        await client.connected(timeout=CONNECT_TIMEOUT_S)
    except ClientConnectionTimeout:
        return
    if client.is_deleted or not client.has_socket_connection:  # a prefetch, dropped unconnected
        return
    joined = entry.join(found.value.code, device=device, address=address)
    waiting.delete()
    if not joined.done:
        refusal_page(tr, tr('Cannot join this room'), joined)
        return
    actor = joined.value
    plenary = entry.plenary_seat(actor, device=device)  # the hall has moved to the plenary: go there
    if plenary.done and plenary.value is not None:
        actor = plenary.value
    screen = PhoneScreen(tr, actor, read(actor, views.snapshot, room_id=actor.room_id), address,
                         device=device)  # a page load: a fresh read
    entry.connected(screen.actor, now=True)
    client.on_disconnect(lambda: entry.connected(screen.actor, now=False))
    client.on_connect(lambda: entry.connected(screen.actor, now=True))


# each phase's part of the phone, built inside the phase body (see spcp/pages/components/phone_*.py)
PHONE_PHASES: dict[str, type[PhonePhase]] = {
    'welcome': WelcomePhase, 'issues': IssuesPhase, 'vote': VotePhase,
    'themes': ThemesPhase, 'solutions': SolutionsPhase, 'wrapup': WrapupPhase,
}


class PhoneScreen:
    """One phone's view of its room. Rebuilt on a phase change, updated element by element otherwise
    (by the current phase's component). The outbox receives it too: it acts through ``act``."""

    def __init__(self, tr: Translator, actor: Actor, view: RoomView, address: str, *, device: str = '') -> None:
        self.tr, self.actor, self.view, self.address, self.device = tr, actor, view, address, device
        self.drafts = Drafts()  # outlives the phases: text being typed survives a rebuild
        with ui.column().classes('phone'):
            with ui.column().classes('phone-top'):
                with ui.row().classes('w-full items-center justify-between no-wrap'):
                    self.room_label = ui.label(f'{view.event_name} · {view.name}').classes('phone-room') \
                        .props('dir=auto')
                    with ui.row().classes('items-center no-wrap gap-1'):
                        privacy_button(self.tr)
                        language_switch(self.tr)
                self.phase_label = ui.label().classes('phone-phase').props('role=heading aria-level=1')
                self.timer = timer_label(self.tr, view.timer, 'phone-meta').mark('timer')
            self.body = ui.column().classes('phone-section')
        self.outbox = Outbox(self)
        self.render()
        live.subscribe(view.id, self.apply)

    def act(self, action: Callable[..., Any], **kwargs: Any) -> Outcome:
        """Do a participant action through the one seam (rate-limited by participant and address)."""
        return perform(self.actor, action, address=self.address, room_id=self.view.id, **kwargs)

    def refresh(self) -> None:
        self.view = read(self.actor, room_reads.snapshot, room_id=self.actor.room_id)  # shared after a change
        self.render()

    def render(self) -> None:
        """The whole phase (page load, phase change, a re-read): the title, the plan's prompt, the phase's part."""
        self.phase_label.set_text(self.tr(self.view.current.title))
        self.drafts.keep()
        self.body.clear()
        seat = PhoneSeat(self.tr, self.view, self.actor.participant_id, self.act, self.refresh, self.drafts)
        with self.body:
            if self.view.phase != 'welcome':  # the plan's welcome prompt is for the room ("scan the code")
                ui.label(self.tr(self.view.current.prompt)).classes('phone-prompt')
            self.phase: PhonePhase = PHONE_PHASES[self.view.phase](seat)

    def apply(self, change: Change) -> None:
        """A change of the room: the phase and the timer are the screen's, anything else the phase's."""
        others_pending = isinstance(change, CardChanged) and change.card.pending \
            and change.card.author_id != self.actor.participant_id
        if change.room_id != self.view.id or others_pending:
            return  # a room this phone has left (for the plenary); a card waiting for review (only its author's)
        if isinstance(change, PlenaryOpened):
            self.move_to_plenary()
        elif isinstance(change, PhaseChanged):
            self.refresh()
        elif isinstance(change, TimerChanged):
            show_timer(self.timer, change.timer)
        else:
            self.phase.apply(change)

    def move_to_plenary(self) -> None:
        """The organizer opened the plenary: this page becomes the plenary's, without a reload (300 phones
        reloading at once would be a second join storm). The participant there was made when it opened."""
        moved = entry.plenary_seat(self.actor, device=self.device)
        if not moved.done or moved.value is None:
            tell(self.tr, moved)
            return
        entry.connected(self.actor, now=False)
        self.actor = moved.value
        self.view = read(self.actor, room_reads.snapshot, room_id=self.actor.room_id)  # one read for the hall
        self.room_label.set_text(f'{self.view.event_name} · {self.view.name}')
        show_timer(self.timer, self.view.timer)
        self.outbox.follow(self.view.code)
        entry.connected(self.actor, now=True)
        live.subscribe(self.view.id, self.apply)
        self.render()
