"""A practice room's rehearsal: a crowd of simulated phones inside the server, and what pages call.

``start`` checks the request through the seam (``actions.perform`` with ``domain/practice.py``: the
facilitator's or organizer's, a practice room only, 1 to 30 phones), then runs the crowd on the
server's event loop. Its phones are real clients of this same server: each GETs the join page
and opens its socket at the server's own address (127.0.0.1 when it listens on every address), so
the server treats them as it treats any phone. They all come from that one address, so:

- the per-address join limit (``SPCP_JOINS_PER_ADDRESS``) is lifted for that address in that practice
  room only, and only while its rehearsal runs;
- every other limit stays: the crowd spaces its taps to stay under ``actions_per_address`` and its
  page loads to half of ``page_loads_per_address`` (the facilitator's own pages may share the address).

A rehearsal ends when stopped, after ``practice.MAX_MINUTES``, or when the server stops. What the
phones wrote stays in the practice room.
"""
from __future__ import annotations

import asyncio
import logging
import random
import time
from dataclasses import dataclass

from limits import parse_many

from .. import settings
from ..actions import Outcome, limits, perform
from ..domain import practice
from ..domain.access import Actor
from ..domain.errors import msgid
from ..settings import Settings
from . import phones
from .people import QUICK, Gate, Pace, Person, Tally, Voice, load_samples, voice

log = logging.getLogger(__name__)

ALREADY = msgid('A rehearsal is already running in this room.')
ACTION_SHARE = 0.8       # of the per-address action limit the crowd may use
PAGE_LOAD_SHARE = 0.5    # of the per-address page-load limit (the rest: the facilitator's pages on this laptop)
OPEN_TIMEOUT_S = 30.0
ARRIVAL_S = (1.0, 6.0)   # seconds between two people arriving (like people; a quick run-through: at once)


@dataclass(frozen=True)
class Status:
    """A rehearsal as its room's board shows it."""
    phones: int
    joined: int
    connected: int
    issues: int
    dots: int
    solutions: int
    ends_at: float       # epoch seconds: it stops by itself then
    quick: bool


def server_address(cfg: Settings) -> tuple[str, str]:
    """``(base URL, the address the server sees)`` for phones inside the server: its own address."""
    host = cfg.host.strip('[]')
    address = {'0.0.0.0': '127.0.0.1', '': '127.0.0.1', 'localhost': '127.0.0.1', '::': '::1'}.get(host, host)
    scheme = 'https' if cfg.tls_cert and cfg.tls_key else 'http'
    return f'{scheme}://{f"[{address}]" if ":" in address else address}:{cfg.port}', address


def spacing(rule: str, share: float) -> float:
    """Seconds between two steps so that ``share`` of a limit (``'60 per 10 seconds;300 per minute'``) is
    never passed (a limit switched off: a tenth of a second, still a human pace)."""
    items = parse_many(rule) if rule and rule.strip() else []
    return max((item.get_expiry() / item.amount for item in items), default=0.1) / share


class Crowd:
    def __init__(self, plan: practice.RehearsalPlan, cfg: Settings, seed: int | None = None) -> None:
        self.plan = plan
        self.base_url, self.address = server_address(cfg)
        self.rng = random.Random(seed)
        self.pace = QUICK if plan.quick else Pace()
        self.gate = Gate(spacing(cfg.rates.get('actions_per_address', ''), ACTION_SHARE))
        self.arrivals = Gate(spacing(cfg.rates.get('page_loads_per_address', ''), PAGE_LOAD_SHARE))
        self.tally = Tally()
        self.appeal: dict[int, float] = {}  # card id -> how much the room likes it (shared by the crowd)
        self.tabs: list[phones.Tab] = []
        self.ends_at = time.time() + practice.MAX_MINUTES * 60
        self.task: asyncio.Task | None = None

    def status(self) -> Status:
        t = self.tally
        return Status(self.plan.phones, t.joined, sum(tab.connected for tab in self.tabs), t.issues, t.dots,
                      t.solutions, self.ends_at, self.plan.quick)

    async def run(self) -> None:
        """Every person arrives, then lives, until the time is up (or the crowd is stopped: cancelled)."""
        limits().joins.exempt(self.plan.room_id, self.address)
        samples = load_samples()
        try:
            async with asyncio.timeout(max(0.0, self.ends_at - time.time())):
                arrival = 0.0
                people = []
                for _ in range(self.plan.phones):
                    people.append(self.person(arrival, voice(self.rng, samples)))
                    arrival += 0.0 if self.plan.quick else self.rng.uniform(*ARRIVAL_S)
                await asyncio.gather(*people)
        except TimeoutError:
            log.info('rehearsal in room %s ended after %s minutes', self.plan.room_id, practice.MAX_MINUTES)
        finally:
            if _running.get(self.plan.room_id) in (None, self):  # a new rehearsal of the room keeps its own
                limits().joins.exempt(self.plan.room_id, self.address, False)
            await asyncio.gather(*(tab.close() for tab in self.tabs), return_exceptions=True)

    async def person(self, arrival: float, me: Voice) -> None:
        await asyncio.sleep(arrival)
        await self.arrivals.turn()
        tab = phones.Tab(self.base_url, accept_language=me.accept, verify_tls=False)
        self.tabs.append(tab)
        try:
            await tab.open(f'/r/{self.plan.code}', timeout=OPEN_TIMEOUT_S)
            await tab.wait_for(lambda: phones.outbox_room(tab), timeout=OPEN_TIMEOUT_S, what='the phone screen')
        except (phones.PageError, ConnectionError, OSError, TimeoutError) as error:
            log.warning('a simulated phone could not join room %s: %r', self.plan.room_id, error)
            return
        self.tally.joined += 1
        someone = Person(tab, self.plan.code, me, pace=self.pace, gate=self.gate, tally=self.tally,
                         rng=random.Random(self.rng.random()), appeal=self.appeal)
        await someone.live(max(0.0, self.ends_at - time.time()))


# ---------- what pages call ----------

_running: dict[int, Crowd] = {}
_hooked = False


def start(actor: Actor, room_id: int, phones_wanted: int, quick: bool = False) -> Outcome:
    """Start simulated phones in a practice room (through the seam; refused as it explains)."""
    if room_id in _running:
        return Outcome.refused(ALREADY)
    outcome = perform(actor, practice.start_rehearsal, room_id=room_id, phones=phones_wanted, quick=quick)
    if outcome.done:
        crowd = _running[room_id] = Crowd(outcome.value, settings.load())
        crowd.task = asyncio.get_running_loop().create_task(crowd.run())
        crowd.task.add_done_callback(lambda _task: _forget(room_id, crowd))
        _stop_with_the_server()
    return outcome


def stop(actor: Actor, room_id: int) -> Outcome:
    """Stop the room's simulated phones (they leave; what they wrote stays)."""
    outcome = perform(actor, practice.stop_rehearsal, room_id=room_id)
    if outcome.done and (crowd := _running.pop(room_id, None)) is not None and crowd.task is not None:
        crowd.task.cancel()  # its phones close their sockets as the task ends
    return outcome


def status(room_id: int) -> Status | None:
    """The room's rehearsal now, or None when none runs (memory only: no database read)."""
    crowd = _running.get(room_id)
    return crowd.status() if crowd else None


def _forget(room_id: int, crowd: Crowd) -> None:
    if _running.get(room_id) is crowd:
        del _running[room_id]


async def stop_all() -> None:
    """The server stops: every crowd leaves first (their sockets are the server's own connections)."""
    tasks = [crowd.task for crowd in _running.values() if crowd.task is not None]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def _stop_with_the_server() -> None:
    """Registered on the first rehearsal: a server that never rehearses has nothing to stop."""
    global _hooked  # noqa: PLW0603
    if not _hooked:
        from nicegui import app
        app.on_shutdown(stop_all)
        _hooked = True
