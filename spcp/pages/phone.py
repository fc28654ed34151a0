"""The participant's phone: join a room, then write issues, vote, see themes, propose solutions."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import nicegui
from nicegui import app, ui
from starlette.requests import Request

from .. import entry, live, phone_html, room_reads
from ..actions import Outcome, perform, read
from ..domain import views
from ..domain.access import Actor
from ..domain.changes import CardChanged, Change, PhaseChanged, TimerChanged
from ..domain.plenary import PlenaryOpened
from ..domain.views import MeView, RoomView
from ..i18n import Translator
from ..static_files import preload_components
from .components.own_card import OwnCard
from .components.phone_after_mount import AfterMount
from .components.phone_issues import IssuesPhase
from .components.phone_layout import plain_layout
from .components.phone_seat import Drafts, PhonePhase, PhoneSeat
from .components.phone_solutions import SolutionsPhase
from .components.phone_themes import ThemesPhase
from .components.phone_vote import VotePhase
from .components.phone_welcome import WelcomePhase
from .components.phone_wrapup import WrapupPhase
from .components.vote_list import VoteList
from .language import phone_language_switch, reader
from .outbox import Outbox
from .privacy import privacy_button
from .widgets import client_address, frame, refusal_page, show_timer, tell, timer_label

# The first load's big scripts, asked for with the page's first bytes: as plain `defer` scripts at the end of
# the body they wait, at low priority, behind the style sheets for one of HTTP/1.1's six connections (on the
# slow phone Quasar's 130 KB started 0.6 s after the page had arrived). Quasar's and Vue's URLs here and in
# NiceGUI's template become the phone's own, smaller builds where they were built (spcp/phone_html.py).
_STATIC = f'/_nicegui/{nicegui.__version__}/static'
FIRST_LOAD_HINTS = (f'<link rel="preload" as="script" href="{_STATIC}/quasar.umd.prod.js">'
                    f'<link rel="modulepreload" href="{_STATIC}/vue.esm-browser.prod.js">'
                    f'<link rel="preload" as="script" href="{_STATIC}/socket.io.min.js">'
                    f'<link rel="preload" as="script" href="{_STATIC}/nicegui.js">'
                    f'<link rel="modulepreload" href="{_STATIC}/dompurify.mjs">')
# Components a phone shows later (a dialog, its own cards, the vote list), asked for after the ones its first screen
# needs (NiceGUI's own hints, at the end of the head): on the slow phone they had taken connections from those.
LATER_COMPONENTS = preload_components([ui.dialog, OwnCard, VoteList])


@ui.page('/r/{code}')
def phone_page(code: str, request: Request) -> None:
    """The room is in the page's first HTML, built for whoever this phone is before its socket connects;
    joining (making a participant, within the limit per address) waits for the socket, as it always did."""
    tr = reader(request)
    phone_html.pages().use_on(ui.context.client)  # the phone's own Quasar, its socket opened early (its module)
    plain_layout(ui.context.client)  # no QLayout: no header, drawer or footer to place (its module)
    frame(tr, tr('SPCP Live'))
    ui.add_head_html(FIRST_LOAD_HINTS)
    ui.add_body_html(LATER_COMPONENTS)
    address = client_address(request)
    found = entry.find_room(code, address=address)
    if not found.done:
        refusal_page(tr, tr('Room not found'), found)
        ui.link(tr('Type a room code'), '/').classes('phone-meta')
        return
    device = app.storage.browser.get('id', '')
    visitor = entry.visitor(found.value.code, device=device)
    if not visitor.done:
        refusal_page(tr, tr('Cannot join this room'), visitor)
        return
    screen = PhoneScreen(tr, visitor.value, read(visitor.value, views.snapshot, room_id=found.value.id), address,
                         device=device)  # a page load: a fresh read
    # A participant is made only by a page that really connects, never by a plain GET (a link preview, a
    # prefetch that is never shown): on the socket's handshake, which NiceGUI completes before it takes any
    # event of that socket, so a tap made while the phone was connecting is handled once it has joined.
    ui.context.client.on_connect(screen.connected)
    ui.context.client.on_disconnect(screen.disconnected)


# each phase's part of the phone, built inside the phase body (see spcp/pages/components/phone_*.py)
PHONE_PHASES: dict[str, type[PhonePhase]] = {
    'welcome': WelcomePhase, 'issues': IssuesPhase, 'vote': VotePhase,
    'themes': ThemesPhase, 'solutions': SolutionsPhase, 'wrapup': WrapupPhase,
}
# the phases whose part shows a newcomer nothing anybody wrote (the others show the room's cards): built into
# the first HTML before the phone has joined, which a link preview's GET gets too
OPEN_PHASES = frozenset({'welcome', 'issues'})


class PhoneScreen:
    """One phone's view of its room. Rebuilt on a phase change, updated element by element otherwise
    (by the current phase's component). Built before the phone has joined (``actor`` without a participant
    id for a newcomer), then ``seat``ed; the outbox receives it too: it acts through ``act``."""

    def __init__(self, tr: Translator, actor: Actor, view: RoomView, address: str, *, device: str = '') -> None:
        self.tr, self.actor, self.view, self.address, self.device = tr, actor, view, address, device
        self.drafts = Drafts()  # outlives the phases: text being typed survives a rebuild
        self.closed = False
        self.joined: bool | None = None  # not yet (no socket so far), or whether it could join
        self.outbox: Outbox | None = None  # made once joined: before that a tap has no participant to act as
        with ui.column().classes('phone') as self.root:
            with ui.column().classes('phone-top'):
                with ui.row().classes('w-full items-center justify-between no-wrap'):
                    self.room_label = ui.label(f'{view.event_name} · {view.name}').classes('phone-room') \
                        .props('dir=auto')
                    with ui.row().classes('items-center no-wrap gap-1'):
                        privacy_button(self.tr)
                        phone_language_switch(self.tr)
                self.phase_label = ui.label().classes('phone-phase').props('role=heading aria-level=1')
                self.timer = timer_label(self.tr, view.timer, 'phone-meta').mark('timer')
                self.waiting: ui.label | None = ui.label(tr('Connecting…')).classes('phone-meta')
            with AfterMount().classes('phone-section'):  # the socket connects while it is drawn
                # the plan's prompt is one element for every phase (a phase change sets its text: 1,000 phones
                # changing phase made and deleted 1,000 labels more); the phase's part below is rebuilt
                self.prompt = ui.label().classes('phone-prompt')
                self.body = ui.column().classes('phone-section')
        self.render()
        live.subscribe(view.id, self.apply)

    def connected(self) -> None:
        """The page's socket connected (its handshake): the first time, the phone joins; then the boards count it."""
        if self.joined is None:
            self.joined = self.join()
        if self.joined:
            entry.connected(self.actor, now=True)

    def disconnected(self) -> None:
        if self.joined:
            entry.connected(self.actor, now=False)

    def join(self) -> bool:
        """Make this phone a participant (within the limit per address), or show why it may not be one."""
        joined = entry.join(self.view.code, device=self.device, address=self.address)
        if not joined.done:
            self.close()
            refusal_page(self.tr, self.tr('Cannot join this room'), joined)
            return False
        actor = joined.value
        plenary = entry.plenary_seat(actor, device=self.device)  # the hall has moved to the plenary: go there
        if plenary.done and plenary.value is not None:
            actor = plenary.value
        self.seat(actor, made_now=bool(joined.changes) and actor == joined.value)
        return True

    def seat(self, actor: Actor, *, made_now: bool) -> None:
        """The phone has joined as ``actor`` (``made_now``: a participant just made, who has done nothing yet).
        The screen built before stays when it is theirs already; otherwise their room is read and shown."""
        before, self.actor = self.actor, actor
        if self.waiting is not None:
            self.waiting.delete()
            self.waiting = None
        self.outbox = Outbox(self)  # moved to another room below, it follows that one
        if actor != before:
            if made_now and self.phase_of is None and self.view.phase in OPEN_PHASES:
                self.phase_seat.participant_id = actor.participant_id  # the newcomer's screen is theirs as built
                self.phase_of = actor.participant_id
                me = MeView(actor.participant_id, dots_left=self.view.dots_per_participant)
                self.view = replace(self.view, me=me)
            else:
                moved = actor.room_id != before.room_id
                self.show_room(read(actor, views.snapshot, room_id=actor.room_id), moved=moved)

    def close(self) -> None:
        """The phone may not join: the room leaves its screen."""
        self.closed = True
        self.root.delete()

    def act(self, action: Callable[..., Any], **kwargs: Any) -> Outcome:
        """Do a participant action through the one seam (rate-limited by participant and address)."""
        return perform(self.actor, action, address=self.address, room_id=self.view.id, **kwargs)

    def refresh(self) -> None:
        self.view = read(self.actor, room_reads.snapshot, room_id=self.actor.room_id)  # shared after a change
        self.render()

    def render(self) -> None:
        """The whole phase (page load, phase change, a re-read): the title, the plan's prompt, the phase's part
        (before the phone has joined, only a phase that shows nothing anybody wrote)."""
        self.phase_label.set_text(self.tr(self.view.current.title))
        self.drafts.keep()
        self.prompt.set_text(self.tr(self.view.current.prompt))
        self.prompt.set_visibility(self.view.phase != 'welcome')  # the plan's welcome prompt is for the room
        self.body.clear()
        self.phase_of = self.actor.participant_id  # whom the phase's part was built for
        self.phase_seat = PhoneSeat(self.tr, self.view, self.phase_of, self.act, self.refresh, self.drafts)
        with self.body:
            if self.phase_of is None and self.view.phase not in OPEN_PHASES:
                self.phase: PhonePhase = NoPhase()
            else:
                self.phase = PHONE_PHASES[self.view.phase](self.phase_seat)

    def apply(self, change: Change) -> None:
        """A change of the room: the phase and the timer are the screen's, anything else the phase's."""
        others_pending = isinstance(change, CardChanged) and change.card.pending \
            and change.card.author_id != self.actor.participant_id
        if change.room_id != self.view.id or others_pending or self.closed:
            return  # a room this phone has left (for the plenary); a card waiting for review (only its author's)
        if isinstance(change, PlenaryOpened):
            if self.joined:  # a phone still connecting goes to the plenary as it joins
                self.move_to_plenary()
        elif isinstance(change, PhaseChanged):
            if change.phase != self.view.phase or self.phase_of != self.actor.participant_id:
                self.refresh()
            # else this page was built in that phase already: opened just after the change, which reached it late
            # (from another server process, relay.py); rebuilding would drop what the phone is tapping
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
        self.show_room(read(self.actor, room_reads.snapshot, room_id=self.actor.room_id), moved=True)  # one read
        entry.connected(self.actor, now=True)

    def show_room(self, view: RoomView, *, moved: bool) -> None:
        """Show ``view``, the actor's room: ``moved`` to another room (the plenary), follow that one."""
        self.view = view
        if moved:
            self.room_label.set_text(f'{view.event_name} · {view.name}')
            show_timer(self.timer, view.timer)
            if self.outbox is not None:
                self.outbox.follow(view.code)
            live.subscribe(view.id, self.apply)
        self.render()


class NoPhase:
    """The phase's part of a phone that has not joined yet, where the phase shows what others wrote."""

    def apply(self, change: Change) -> None:
        """Nothing to show until the phone has joined (then the phase is built)."""
