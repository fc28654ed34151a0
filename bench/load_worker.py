"""One generator process of bench/load.py: its share of the rooms' boards and phones, on one event loop.

The parent sends a ``WorkerPlan``; the worker opens its boards and phones (each phone waits until its
screen is built), answers ``ready``, waits for ``go`` (a ``time.monotonic()`` start shared by every
worker), plays the scenario, then sends back raw times (monotonic seconds) for the parent to turn
into latencies: actions (sent, acknowledged, on the board), the room counter on every other phone,
phase clicks and the moment each phone's title changed, joins. Nothing here judges a number.
"""
from __future__ import annotations

import asyncio
import contextlib
import re
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

import load_phones as lp

COUNT = re.compile(r'^(\d+) issues? in the room so far$')
OPEN_AT_ONCE = 16        # pages opened concurrently while the rooms fill (not measured)
READY_TIMEOUT_S = 60.0   # one page until its screen is built, while the rooms fill
FILLER = 'and nobody explains why, so the trust between us keeps going down'


@dataclass
class RoomPlan:
    index: int
    code: str
    board_path: str | None                  # the facilitator link; None: another worker holds the board
    phones: list[int]                       # the room's phone numbers this worker plays
    cards: list[tuple[int, str]] = field(default_factory=list)  # (id, text) seeded; phone j dots card j


@dataclass
class WorkerPlan:
    number: int
    base_url: str
    scenario: str                           # steady | phase | plenary | joins | idle
    phase: str                              # the rooms' phase when the phones open
    seconds: float
    period: float                           # steady: each phone acts once per period
    timeout: float                          # longest wait for one thing (a phase change, a join, a drain)
    room_count: int                         # all workers together: the steady stagger spreads over them
    room_size: int
    rooms: list[RoomPlan]
    joins: list[tuple[float, int]] = field(default_factory=list)   # (offset s, room index) for joins
    assets: bool = False                    # joins: fetch what a cold browser fetches
    deflate: bool = True                    # permessage-deflate, as Chromium negotiates it
    cpus: set[int] | None = None            # pin this process (the server has the others)
    move_all: bool = False                  # phase: the organizer moves every room at once (worker 0 clicks)
    organizer_path: str | None = None       # the organizer's sign-in link: this worker opens the dashboard


@dataclass
class Action:
    room: int
    phone: int
    kind: str
    text: str
    sent: float
    key: str = ''
    ack: float | None = None
    state: str = ''
    board: float | None = None
    note: str = ''


class Phone:
    """A phone tab and what it saw: acknowledgements, the room counter, its phase title."""

    def __init__(self, tab: lp.Tab, room: RoomPlan, number: int) -> None:
        self.tab, self.room, self.number = tab, room, number
        self.acks: dict[str, tuple[float, str]] = {}
        self.notes: list[str] = []
        self.counts: list[tuple[int, float]] = []
        self.title_id: int | None = None
        self.title = ''
        self.title_seen: tuple[float, str] | None = None
        tab.on_javascript = self.on_javascript
        tab.on_notify = lambda _t, text: self.notes.append(text)
        tab.on_update = self.on_update

    def on_javascript(self, now: float, code: str) -> None:
        for key, state in lp.outbox_acks(code):
            self.acks.setdefault(key, (now, state))

    def on_update(self, now: float, data: dict) -> None:
        for element_id, element in data.items():
            if element is None:
                continue
            text = element.get('text') or ''
            if (found := COUNT.match(text)) is not None:
                self.counts.append((int(found.group(1)), now))
            elif self.title_id == int(element_id) and text != self.title and self.title_seen is None:
                self.title_seen = (now, text)

    def usable_at(self, click: float | None) -> float | None:
        """When the phase change reached this phone: its new title, and the vote list's cards once fetched."""
        if self.title_seen is None or self.tab.lists_loading:
            return None
        loaded, seen = self.tab.list_loaded_at, self.title_seen[0]
        return max(seen, loaded) if loaded is not None and click and loaded > click else seen

    def watch_title(self) -> None:
        """Remember the phase title shown now; the first update that changes it is the phase change."""
        found = self.tab.find(lambda e: lp.has_class(e, 'phone-phase'))
        self.title_id = found[0] if found else None
        self.title = self.tab.elements[found[0]].get('text', '') if found else ''


class Board:
    """A board tab: when each watched card text shows up, or shows the awaited vote total."""

    def __init__(self, tab: lp.Tab, room: RoomPlan) -> None:
        self.tab, self.room = tab, room
        self.watch: dict[str, tuple[Action, str | None]] = {}   # card text -> (action, awaited data-votes)
        self.order: list[Action] = []                           # new cards in the order the board got them
        self.first_cards = len(tab.find(lambda e: lp.has_class(e, 'board-card')))
        tab.on_update = self.on_update

    def on_update(self, now: float, data: dict) -> None:
        for element in data.values():
            if element is None or (text := element.get('text')) not in self.watch:
                continue
            action, votes = self.watch[text]
            if votes is None or element.get('props', {}).get('data-votes') == votes:
                del self.watch[text]
                action.board = now
                if votes is None:
                    self.order.append(action)


class Worker:
    def __init__(self, plan: WorkerPlan, conn: Connection) -> None:
        self.plan, self.conn = plan, conn
        self.boards: dict[int, Board] = {}
        self.phones: list[Phone] = []
        self.phones_by: dict[tuple[int, int], Phone] = {}
        self.tabs: list[lp.Tab] = []
        self.actions: list[Action] = []
        self.clicks: dict[int, float] = {}
        self.joins: list[dict[str, Any]] = []
        self.errors: list[str] = []
        self.gate = asyncio.Semaphore(OPEN_AT_ONCE)

    # ---------- opening ----------

    async def tab(self, path: str, assets: bool = False) -> lp.Tab:
        tab = lp.Tab(self.plan.base_url, assets=assets, deflate=self.plan.deflate)
        self.tabs.append(tab)
        return await tab.open(path, timeout=self.plan.timeout)

    async def open_board(self, room: RoomPlan) -> None:
        assert room.board_path is not None
        async with self.gate:
            tab = await self.tab(room.board_path)
            await tab.wait_for(lambda: tab.find(lp.is_next_phase), timeout=READY_TIMEOUT_S, what='the board')
        self.boards[room.index] = Board(tab, room)

    async def open_phone(self, room: RoomPlan, number: int) -> None:
        async with self.gate:
            tab = await self.tab(f'/r/{room.code}')
            await tab.wait_for(lambda: lp.outbox_room(tab), timeout=READY_TIMEOUT_S, what='the phone screen')
        phone = Phone(tab, room, number)
        phone.watch_title()
        self.phones.append(phone)

    async def open_all(self) -> None:
        boards = [self.open_board(r) for r in self.plan.rooms if r.board_path]
        await self.gather(boards)
        if self.plan.organizer_path:
            self.organizer = await self.tab(self.plan.organizer_path)
            await self.organizer.wait_for(lambda: self.organizer.find(lambda e: lp.text_of(e) == 'Move'),
                                          timeout=READY_TIMEOUT_S, what="the organizer's dashboard")
        if self.plan.scenario != 'joins':
            await self.gather([self.open_phone(r, n) for r in self.plan.rooms for n in r.phones])

    async def gather(self, jobs: list) -> None:
        for outcome in await asyncio.gather(*jobs, return_exceptions=True):
            if isinstance(outcome, BaseException):
                self.errors.append(f'open: {outcome!r}'[:300])

    # ---------- steady: submits or dots, each phone once per period ----------

    async def steady(self, start: float) -> None:
        await asyncio.gather(*(self.act_loop(p, start) for p in self.phones))
        await self.drain()

    async def act_loop(self, phone: Phone, start: float) -> None:
        """Acts at start + offset + m * period while inside the run. Offsets give every phone of the run
        its own slot of the period, a room's phones spread over all of it (phone 0 of every room,
        then phone 1 of every room...), so no room gets its submits in a burst."""
        plan = self.plan
        slot = phone.number * plan.room_count + phone.room.index
        offset = plan.period * slot / (plan.room_count * plan.room_size)
        m = 0
        while (at := start + offset + m * plan.period) < start + plan.seconds:
            await asyncio.sleep(max(0.0, at - time.monotonic()))
            await self.act(phone, m)
            m += 1

    async def act(self, phone: Phone, m: int) -> None:
        board = self.boards.get(phone.room.index)
        try:
            if self.plan.phase == 'vote':
                await self.act_dot(phone, board, m)
            else:
                await self.act_submit(phone, board, m)
        except Exception as error:  # noqa: BLE001 (a dead socket shows up as any of several errors)
            self.errors.append(f'act: {error!r}'[:300])

    async def act_submit(self, phone: Phone, board: Board | None, m: int) -> None:
        text = f'Room {phone.room.index} phone {phone.number} issue {m}: stops are not explained {FILLER}'
        action = Action(phone.room.index, phone.number, 'submit', text, time.monotonic())
        if board is not None:
            board.watch[text] = (action, None)
        self.actions.append(action)
        action.key = await lp.submit(phone.tab, phone.room.code, text)

    async def act_dot(self, phone: Phone, board: Board | None, m: int) -> None:
        card_id, text = phone.room.cards[phone.number]
        add = m % 2 == 0   # only this phone dots this card: the total goes 1, 0, 1...
        action = Action(phone.room.index, phone.number, 'dot' if add else 'undot', text, time.monotonic())
        if board is not None:
            board.watch[text] = (action, '1' if add else '0')
        self.actions.append(action)
        action.key = await lp.dot(phone.tab, phone.room.code, card_id, add)

    async def drain(self) -> None:
        """Wait (bounded) until every action is on its board and acknowledged."""
        deadline = time.monotonic() + self.plan.timeout
        while time.monotonic() < deadline and any(self.waiting(a) for a in self.actions):
            await asyncio.sleep(0.05)

    def waiting(self, action: Action) -> bool:
        return action.board is None or self.ack_of(action) is None

    def ack_of(self, action: Action) -> tuple[float, str] | None:
        phone = self.phone_of(action)
        return phone.acks.get(action.key) if phone else None

    def phone_of(self, action: Action) -> Phone | None:
        return self.phones_by.get((action.room, action.phone))

    # ---------- phase and plenary: every board clicks Next phase at once ----------

    async def phase_change(self, start: float) -> None:
        if self.plan.organizer_path:
            await self.choose_move_all('Vote')
        await asyncio.sleep(max(0.0, start - time.monotonic()))
        for phone in self.phones:
            phone.watch_title()
        if self.plan.move_all:  # one click for every room: the rooms of the other workers count from ``start``
            if self.plan.organizer_path:
                await lp.click(self.organizer, 'Move all rooms', self.plan.timeout)
            self.clicks = {room.index: start for room in self.plan.rooms}
        for room, board in ({} if self.plan.move_all else self.boards).items():
            await lp.next_phase(board.tab)
            self.clicks[room] = time.monotonic()
        deadline = start + self.plan.timeout
        while time.monotonic() < deadline and any(p.usable_at(self.clicks.get(p.room.index)) is None
                                                  and p.tab.connected for p in self.phones):
            await asyncio.sleep(0.02)
        await asyncio.sleep(max(0.0, start + self.plan.seconds - time.monotonic()))

    async def choose_move_all(self, phase: str) -> None:
        """The dashboard's "Move all rooms to" set to ``phase`` and its Move pressed: the confirmation is open."""
        tab = self.organizer
        select = tab.find(lambda e: lp.has_class(e, 'dash-phase'))[0]
        options = tab.elements[select].get('props', {}).get('options', [])
        option = next(o for o in options if o.get('label') == phase)
        await tab.emit_event(select, 'update:modelValue', [option])
        await lp.click(tab, 'Move', self.plan.timeout)
        await asyncio.sleep(1.0)

    # ---------- joins: cold pages spread over the run ----------

    async def join_storm(self, start: float) -> None:
        rooms = {r.index: r for r in self.plan.rooms}
        await asyncio.gather(*(self.join(start + offset, rooms[room]) for offset, room in self.plan.joins))
        await asyncio.sleep(max(0.0, start + self.plan.seconds - time.monotonic()))

    async def join(self, at: float, room: RoomPlan) -> None:
        await asyncio.sleep(max(0.0, at - time.monotonic()))
        record: dict[str, Any] = {'room': room.index, 'start': time.monotonic(), 'usable': None, 'error': ''}
        self.joins.append(record)
        try:
            tab = await self.tab(f'/r/{room.code}', assets=self.plan.assets)
            # joined (the outbox comes with the participant; the issue box is in the first HTML already)
            await tab.wait_for(lambda: lp.issue_box(tab) and lp.outbox_room(tab), timeout=self.plan.timeout,
                               what='the issue box of a joined phone')
            if self.plan.assets:
                await tab.load_components()
            record['usable'] = time.monotonic()
        except TimeoutError:
            record['error'] = 'timeout'
        except Exception as error:  # noqa: BLE001 (refused, reset, not a page: all count as errors)
            record['error'] = repr(error)[:300]

    # ---------- idle: the phones stay connected and do nothing (what the server pays for having them) ----------

    async def idle(self, start: float) -> None:
        await asyncio.sleep(max(0.0, start + self.plan.seconds - time.monotonic()))

    # ---------- running ----------

    async def run(self) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        await self.open_all()
        self.phones_by = {(p.room.index, p.number): p for p in self.phones}
        self.conn.send({'ready': True, 'phones': len(self.phones), 'errors': len(self.errors)})
        go = await loop.run_in_executor(None, self.conn.recv)
        cpu = time.process_time()
        scenario = {'steady': self.steady, 'phase': self.phase_change, 'plenary': self.phase_change,
                    'joins': self.join_storm, 'idle': self.idle}[self.plan.scenario]
        await scenario(go['start'])
        result = self.result(time.process_time() - cpu, time.monotonic() - go['start'])
        await asyncio.gather(*(tab.close() for tab in self.tabs), return_exceptions=True)
        return result

    def result(self, cpu: float, wall: float) -> dict[str, Any]:
        for action in self.actions:
            if (ack := self.ack_of(action)) is not None:
                action.ack, action.state = ack
            phone = self.phone_of(action)
            if action.state not in ('', 'done') and phone and phone.notes:
                action.note = phone.notes[-1]
        others, missing = self.others()
        return {'worker': self.plan.number, 'actions': [a.__dict__ for a in self.actions], 'others': others,
                'others_missing': missing, 'clicks': self.clicks, 'joins': self.joins,
                'seen': [{'room': p.room.index, 'phone': p.number, 'at': p.usable_at(self.clicks.get(p.room.index)),
                          'title': p.title_seen[1] if p.title_seen else ''} for p in self.phones],
                'errors': self.errors, 'disconnects': sum(t.disconnected_at is not None for t in self.tabs),
                'close_codes': [t.close_code for t in self.tabs if t.disconnected_at is not None],
                'tabs': len(self.tabs), 'cpu_s': cpu, 'wall_s': wall,
                'ended_at': time.monotonic()}  # before its sockets close: the end of the measured window

    def others(self) -> tuple[list[float], int]:
        """Submit -> every other phone of the room: when that phone's room counter first reached the
        card's place (cards counted in the order the board received them)."""
        latencies, missing = [], 0
        for room, board in self.boards.items():
            order = sorted(board.order, key=lambda a: (a.board, a.sent))
            for place, action in enumerate(order, start=board.first_cards + 1):
                for phone in (p for p in self.phones if p.room.index == room and p.number != action.phone):
                    seen = next((t for n, t in phone.counts if n >= place), None)
                    if seen is None:
                        missing += 1
                    else:
                        latencies.append(seen - action.sent)
        return latencies, missing


def main(plan: WorkerPlan, conn: Connection) -> None:
    """The process's entry point: run the plan, send the result (or the error) back to the parent."""
    import os
    if plan.cpus:
        with contextlib.suppress(OSError):
            os.sched_setaffinity(0, plan.cpus)
    try:
        import uvloop
        runner = uvloop.run
    except ImportError:  # pragma: no cover
        runner = asyncio.run
    try:
        conn.send({'result': runner(Worker(plan, conn).run())})
    except BaseException as error:  # noqa: BLE001 (the parent reports it; a worker never hangs silently)
        with contextlib.suppress(Exception):
            conn.send({'failed': repr(error)[:1000]})
        raise
