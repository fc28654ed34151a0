"""One simulated person of a rehearsal: a phone (``phones.Tab``) and what its owner does in each phase.

A person looks at what their phone shows, as people do, and acts on it at a human pace: at Welcome
some say which group they come from; while naming issues they write two or three (``samples.toml``,
in their language); in Vote they spend their dots, more often on the cards the whole room likes;
in Solutions some propose one and endorse others'. When the facilitator changes the phase, the
phone's screen changes and the person turns to the new one (what they were about to do is dropped).
Every tap goes through the phone's outbox like a browser's; an item the server asks to send again
later (a rate limit) is sent again, as outbox.js does.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import re
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import phones
from .phones import Tab

log = logging.getLogger(__name__)

SAMPLES = Path(__file__).with_name('samples.toml')
CHOOSE_GROUP = 0.6         # how many say their group at Welcome
PROPOSE = 0.5              # how many propose a solution
RESENDS = 3                # an item refused for now ('retry') is sent again at most this often
WAIT_FOR_CARDS_S = 60.0
_NUMBER = re.compile(r'\d+')


@dataclass(frozen=True)
class Voice:
    """What one person writes: their language (and the phone's Accept-Language), issues, a solution."""
    language: str
    accept: str
    issues: tuple[str, ...]
    solution: str


def load_samples(path: Path = SAMPLES) -> dict[str, dict[str, Any]]:
    with path.open('rb') as handle:
        return tomllib.load(handle)['languages']


def voice(rng: random.Random, samples: dict[str, dict[str, Any]]) -> Voice:
    """A person's language by its share, and two or three of its issues."""
    language = rng.choices(list(samples), weights=[float(s['share']) for s in samples.values()])[0]
    sample = samples[language]
    return Voice(language, sample['accept'], tuple(rng.sample(sample['issues'], rng.choice((2, 3)))),
                 rng.choice(sample['solutions']))


@dataclass(frozen=True)
class Pace:
    """Seconds between a person's steps: like people (``factor`` 1), or a quick run-through."""
    factor: float = 1.0

    def seconds(self, rng: random.Random, low: float, high: float) -> float:
        return rng.uniform(low, high) * self.factor


QUICK = Pace(0.1)


class Gate:
    """At most one step per ``interval`` seconds across the whole crowd: its phones share one network
    address, and that address's limits are the server's as for any phones."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def turn(self) -> None:
        async with self._lock:
            await asyncio.sleep(max(0.0, self._next - time.monotonic()))
            self._next = time.monotonic() + self.interval


@dataclass
class Tally:
    """What the crowd did so far (acknowledged by the server), for the facilitator's status line."""
    joined: int = 0
    connected: int = 0
    issues: int = 0
    dots: int = 0
    solutions: int = 0
    endorsements: int = 0
    refused: int = 0
    acked: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str) -> None:
        name = {'submit': 'issues', 'dot': 'dots', 'propose': 'solutions', 'endorse': 'endorsements'}.get(kind)
        if name:
            setattr(self, name, getattr(self, name) + 1)


def screen(tab: Tab) -> str:
    """Which phase the phone shows, by what is on it (not by its title: that is in the phone's language)."""
    if tab.find(lambda e: phones.has_class(e, 'vote-list')):
        return 'vote'
    if phones.issue_box(tab) is not None:
        return 'issues'
    if phones.solution_boxes(tab):
        return 'solutions'
    if phones.group_choice(tab) is not None:
        return 'welcome'
    return 'other'


def dots_left(tab: Tab) -> int | None:
    """The phone's *Dots left: N of M* in any language (a prop of its vote list, as the list was sent): the
    smaller number is what is left."""
    for element_id in tab.find(lambda e: phones.has_class(e, 'vote-list')):
        numbers = [int(n) for n in _NUMBER.findall(str(tab.elements[element_id].get('props', {}).get('dots_left')))]
        if numbers:
            return min(numbers)
    return None


class Person:
    def __init__(self, tab: Tab, code: str, me: Voice, *, pace: Pace, gate: Gate, tally: Tally,
                 rng: random.Random, appeal: dict[int, float]) -> None:
        self.tab, self.code, self.me, self.pace, self.gate, self.tally = tab, code, me, pace, gate, tally
        self.rng, self.appeal = rng, appeal   # appeal: card id -> how much the room likes it (shared)
        self.written = 0
        self.chose_group = rng.random() >= CHOOSE_GROUP   # True: never says (nothing left to do)
        self.proposed = rng.random() >= PROPOSE
        self.sent: dict[str, tuple[dict, int]] = {}       # outbox key -> (item, times sent)
        tab.on_javascript = self.on_javascript

    async def live(self, lifetime: float) -> None:
        """Follow the phone's screen until the socket closes, ``lifetime`` seconds pass, or the page leaves
        the practice room (the organizer moved the hall to the plenary: a simulated phone has no part there)."""
        with contextlib.suppress(TimeoutError, ConnectionError):
            async with asyncio.timeout(lifetime):
                while not self.moved():
                    shown = screen(self.tab)
                    play = asyncio.create_task(self.play(shown))
                    try:
                        await self.tab.wait_for(lambda s=shown: screen(self.tab) != s or self.moved(), timeout=lifetime)
                    finally:
                        play.cancel()
        await self.tab.close()

    def moved(self) -> bool:
        return phones.outbox_room(self.tab) not in (None, self.code)

    async def play(self, shown: str) -> None:
        steps = {'welcome': self.welcome, 'issues': self.issues, 'vote': self.vote, 'solutions': self.solutions}
        if shown not in steps:
            return
        try:
            await steps[shown]()
        except (phones.PageError, ConnectionError, OSError, TimeoutError) as error:  # the phone went away
            log.debug('a simulated phone stopped %s: %r', shown, error)

    async def pause(self, low: float, high: float) -> None:
        await asyncio.sleep(self.pace.seconds(self.rng, low, high))

    # ---------- the phases ----------

    async def welcome(self) -> None:
        if self.chose_group:
            return
        await self.pause(3, 20)
        choice = phones.group_choice(self.tab)
        options = self.tab.elements[choice].get('props', {}).get('options', []) if choice is not None else []
        if len(options) > 1:  # the first is 'Prefer not to say'
            await self.gate.turn()
            await phones.choose_group(self.tab, self.rng.randint(1, len(options) - 1))
        self.chose_group = True

    async def issues(self) -> None:
        while self.written < len(self.me.issues):
            await self.pause(*((10, 40) if self.written == 0 else (20, 60)))
            await self.gate.turn()
            text = self.me.issues[self.written]
            item = phones.outbox_item(self.code, {'kind': 'submit', 'field': 'issue'}, text)
            box = phones.issue_box(self.tab)
            if box is None:
                return
            self.sent[item['key']] = (item, 1)
            await phones.typed_item(self.tab, box, item)
            self.written += 1

    async def vote(self) -> None:
        await self.pause(8, 25)  # reading the cards first
        cards = await self.tab.wait_for(lambda: phones.vote_cards(self.tab), timeout=WAIT_FOR_CARDS_S)
        left = dots_left(self.tab)
        for card_id in self.favourites(list(cards.values()), 3 if left is None else left):
            await self.pause(2, 8)
            await self.send(phones.outbox_item(self.code, {'kind': 'dot', 'card_id': card_id}))

    def favourites(self, card_ids: list[int], n: int) -> list[int]:
        """``n`` different cards, the room's favourites more likely (so the board shows a clear top)."""
        chosen: list[int] = []
        while card_ids and len(chosen) < n:
            pick = self.rng.choices(card_ids, weights=[0.3 + self.appeal.setdefault(c, self.rng.random() ** 3 * 3)
                                                       for c in card_ids])[0]
            card_ids.remove(pick)
            chosen.append(pick)
        return chosen

    async def solutions(self) -> None:
        await self.pause(10, 40)
        boxes = phones.solution_boxes(self.tab)
        if not self.proposed and boxes:
            theme_id = self.rng.choice(sorted(boxes))
            await self.gate.turn()
            item = phones.outbox_item(self.code, {'kind': 'propose', 'theme_id': theme_id,
                                                  'field': f'solution-{theme_id}'}, self.me.solution)
            self.sent[item['key']] = (item, 1)
            await phones.typed_item(self.tab, boxes[theme_id], item)
            self.proposed = True
        await self.pause(15, 45)
        others = await self.tab.wait_for(lambda: [s for s, on in phones.endorsable(self.tab).items() if not on],
                                         timeout=self.pace.seconds(self.rng, 120, 300))
        for solution_id in self.rng.sample(others, min(len(others), self.rng.choice((1, 2)))):
            await self.pause(2, 8)
            await self.send(phones.outbox_item(self.code, {'kind': 'endorse', 'solution_id': solution_id,
                                                           'endorsed': True}))

    # ---------- the outbox ----------

    async def send(self, item: dict, times: int = 1) -> None:
        await self.gate.turn()
        item['sent'] = int(time.time() * 1000)
        self.sent[item['key']] = (item, times)
        await self.tab.emit_event(0, 'spcp_outbox', [item])

    def on_javascript(self, _now: float, code: str) -> None:
        for key, state in phones.outbox_acks(code):
            item, times = self.sent.pop(key, (None, 0))
            if item is None:
                continue
            if state == 'done':
                self.tally.count(item['kind'])
            elif state == 'retry' and times <= RESENDS:
                self.tab.spawn(self.resend(item, times))
            else:
                self.tally.refused += 1

    async def resend(self, item: dict, times: int) -> None:
        await asyncio.sleep(self.rng.uniform(5, 10))  # the server's 'later' (a limit's window), at any pace
        await self.send(item, times + 1)
