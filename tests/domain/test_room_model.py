"""Property tests: a room driven through random sequences of joins, phases, cards, dots, hiding,
merging, grouping and retried requests, checked step by step against a small model of the rules.

The model below is written from the domain's docstrings (and README), not from its code: it never
calls a domain helper. After every step the database is read back in fresh sessions (the
facilitator's and each participant's snapshot, plus raw counts) and compared with the model.
"""
from __future__ import annotations

import contextlib
import copy
import unicodedata
import uuid
from collections import Counter
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from spcp.domain import cards, rooms, themes, views, voting
from spcp.domain.access import Actor, facilitator
from spcp.domain.changes import CardChanged, CardRemoved, ParticipantsChanged, PhaseChanged, TimerChanged, VotesChanged
from spcp.domain.errors import DomainError, NotAllowed
from spcp.domain.events import create_event, rooms_of
from spcp.domain.models import Card, Participant, Receipt, Room, Solution, Theme, Vote
from spcp.domain.text import clean_text

# The model's own copy of the rules (phases.py, README): cards are written while naming issues,
# dots are spent while voting; every other phase allows neither.
PHASES = ('welcome', 'issues', 'vote', 'themes', 'solutions', 'wrapup')
WRITE_PHASE, VOTE_PHASE = 'issues', 'vote'
TEXTS = ('Police do not come when called', '  \n\t ')  # the second one is blank: refused
MAX_PARTICIPANTS = 3


@dataclass
class ModelCard:
    author: int
    hidden: bool = False
    merged_into: int | None = None
    theme: int | None = None


@dataclass
class RoomModel:
    """What the room should hold: plain dicts, and votes as a multiset per (participant, card)."""
    dots: int
    per_card: int
    max_cards: int
    phase: str = 'welcome'
    revealed: bool = False
    participants: dict[str, int] = field(default_factory=dict)  # device -> participant id
    cards: dict[int, ModelCard] = field(default_factory=dict)
    votes: Counter[tuple[int, int]] = field(default_factory=Counter)
    themes: set[int] = field(default_factory=set)

    def live(self, card_id: int) -> bool:
        return card_id in self.cards and self.cards[card_id].merged_into is None

    def used(self, pid: int) -> int:
        """Dots in use: hidden cards give theirs back."""
        return sum(n for (p, c), n in self.votes.items() if p == pid and not self.cards[c].hidden)

    def total(self, card_id: int) -> int:
        return sum(n for (_, c), n in self.votes.items() if c == card_id)

    def mine(self, pid: int, visible_only: bool) -> dict[int, int]:
        return {c: n for (p, c), n in self.votes.items()
                if p == pid and n and (not visible_only or (self.live(c) and not self.cards[c].hidden))}

    def refuses_submit(self, pid: int, text: str) -> bool:
        written = sum(1 for c in self.cards.values() if c.author == pid)
        return self.phase != WRITE_PHASE or not text.strip() or written >= self.max_cards

    def refuses_add(self, pid: int, card_id: int) -> bool:
        return (self.phase != VOTE_PHASE or not self.live(card_id) or self.cards[card_id].hidden
                or self.used(pid) >= self.dots or self.votes[pid, card_id] >= self.per_card)

    def refuses_remove(self, pid: int, card_id: int) -> bool:
        return self.phase != VOTE_PHASE or not self.live(card_id) or self.votes[pid, card_id] == 0

    def take(self, pid: int, card_id: int, n: int = 1) -> None:
        self.votes[pid, card_id] -= n
        if self.votes[pid, card_id] <= 0:
            del self.votes[pid, card_id]

    def set_hidden(self, card_id: int, hidden: bool) -> set[int]:
        """Hiding gives the card's dots back; showing it again trims, on this card, the dots that
        would put a voter over budget. Returns the voters trimmed."""
        card = self.cards[card_id]
        if card.hidden == hidden:
            return set()
        card.hidden = hidden
        trimmed = set()
        for pid in {p for (p, c) in self.votes if c == card_id} if not hidden else ():
            excess = self.used(pid) - self.dots
            if excess > 0:
                self.take(pid, card_id, min(excess, self.votes[pid, card_id]))
                trimmed.add(pid)
        return trimmed

    def merge(self, keep: int, others: list[int]) -> set[int]:
        """Votes move to ``keep`` (merged cards leave their theme); whoever then has more than the
        per-card limit there gets the extra back, and whoever is over budget (dots from a hidden
        card count again) loses the excess there. Returns the participants whose votes moved."""
        voters = set()
        for other in others:
            self.cards[other].merged_into, self.cards[other].theme = keep, None
            for (pid, card_id), n in list(self.votes.items()):
                if card_id == other:
                    self.take(pid, other, n)
                    self.votes[pid, keep] += n
                    voters.add(pid)
        for pid in voters:
            self.take(pid, keep, max(0, self.votes[pid, keep] - self.per_card))
            excess = self.used(pid) - self.dots  # dots moved from a hidden card count again: trim as on showing
            if excess > 0 and not self.cards[keep].hidden:
                self.take(pid, keep, min(excess, self.votes[pid, keep]))
        return voters


def mostly(preferred: list, anything: list) -> st.SearchStrategy:
    """Three times in four one of ``preferred`` (if any), else anything: most requests then do
    something, and the rest check refusals."""
    if not preferred:
        return st.sampled_from(anything)
    return st.integers(0, 3).flatmap(lambda i: st.sampled_from(preferred if i < 3 else anything))


@dataclass(frozen=True)
class Attempt:
    """One participant request: submit (arg = text) or add / remove a dot (arg = card id)."""
    kind: str
    device: str
    arg: str | int
    key: str


ACTIONS = {'submit': cards.submit, 'add': voting.add_dot, 'remove': voting.remove_dot}


def room_state(session: Session, room_id: int) -> list[dict]:
    """Every row that belongs to the room, receipts of its participants included."""
    rows = [session.get(Room, room_id).model_dump()]
    for table in (Participant, Card, Theme, Vote, Solution):
        rows += [r.model_dump() for r in session.exec(select(table).where(table.room_id == room_id)
                                                      .order_by(table.id)).all()]
    pids = select(Participant.id).where(Participant.room_id == room_id)
    rows += [r.model_dump() for r in session.exec(select(Receipt).where(col(Receipt.participant_id).in_(pids))
                                                  .order_by(Receipt.key)).all()]
    return rows


class RoomMachine(RuleBasedStateMachine):
    def __init__(self, engine: Engine, plan: dict) -> None:
        super().__init__()
        self.engine, self.plan = engine, plan
        self.model: RoomModel | None = None
        self.actors: dict[str, Actor] = {}
        self.done: list[Attempt] = []      # requests with a receipt: retrying them changes nothing
        self.refused: list[Attempt] = []   # refused requests leave no receipt: a replay is a new try
        self.made: dict[str, int] = {}     # submit key -> the card it made
        self.checked: tuple | None = None  # (model, rows) at the last full check

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def call(self, fn, *args):
        """One request, in its own session as a page makes it: (result, None) or (None, refusal)."""
        with self.session() as s:
            try:
                return fn(s, *args), None
            except DomainError as error:
                return None, error

    def expect(self, refused: bool, error: DomainError | None, what: str) -> None:
        assert (error is not None) == refused, (
            f'{what}: model says {"refuse" if refused else "allow"}, domain '
            f'{"refused: " + error.msgid if error else "allowed"}')
        event(f'{what}: {error.msgid}' if error else f'{what}: done')

    # -- set-up ---------------------------------------------------------------------------------

    @initialize(dots=st.integers(1, 3), per_card=st.integers(1, 3), max_cards=st.integers(1, 5),
                people=st.integers(1, MAX_PARTICIPANTS), authors=st.lists(st.integers(0, 2), min_size=3, max_size=8),
                taps=st.lists(st.tuples(st.integers(0, 2), st.integers(0, 5)), max_size=6))
    def open_rooms(self, dots: int, per_card: int, max_cards: int, people: int, authors: list[int],
                   taps: list[tuple[int, int]]) -> None:
        """Rooms with these limits; in the first, a few phones write a few cards and spend a few dots
        (each request checked like any rule's), so that the steps that follow have something to do."""
        self.make_rooms(dots, per_card, max_cards)
        for _ in range(people):
            self.join_new_phone()
        self.set_phase(WRITE_PHASE)
        for author in authors:
            self.attempt(Attempt('submit', f'phone-{author % people + 1}', TEXTS[0], uuid.uuid4().hex))
        self.set_phase(VOTE_PHASE)
        written = sorted(self.model.cards)
        for who, card in taps:
            self.attempt(Attempt('add', f'phone-{who % people + 1}', written[card % len(written)], uuid.uuid4().hex))

    def make_rooms(self, dots: int, per_card: int, max_cards: int) -> None:
        plan = copy.deepcopy(self.plan)
        plan['room'].update(dots_per_participant=dots, max_dots_per_card=per_card,
                            max_cards_per_participant=max_cards)
        with self.session() as s:
            event_ = create_event(s, 'Model event', 2, plan)
            room, other = rooms_of(s, event_.id)
            self.room_id, self.code, self.other_id = room.id, room.join_code, other.id
            self.fac = facilitator(s, room.join_code, room.facilitator_key)
            self.other_card, self.other_actor = self._fill_other_room(s, other)
            self.other_state = room_state(s, other.id)
        self.model = RoomModel(dots, per_card, max_cards)

    def _fill_other_room(self, s: Session, other: Room) -> tuple[int, Actor]:
        """The second room holds a participant (device 'phone-1', as the first phone here), a card
        with a dot and a theme, so that a leak of anything into it shows."""
        fac = facilitator(s, other.join_code, other.facilitator_key)
        actor, _ = rooms.join(s, other.join_code, 'phone-1')
        rooms.set_phase(s, fac, other.id, WRITE_PHASE)
        card_id = cards.submit(s, actor, other.id, 'Other room', uuid.uuid4().hex)[0].id
        themes.group(s, fac, other.id, [card_id], 'Other theme')
        rooms.set_phase(s, fac, other.id, VOTE_PHASE)
        voting.add_dot(s, actor, other.id, card_id, uuid.uuid4().hex)
        return card_id, actor

    # -- drawing --------------------------------------------------------------------------------

    def draw_device(self, data: st.DataObject) -> str:
        return data.draw(st.sampled_from(sorted(self.model.participants)), label='device')

    def card_choices(self) -> list[int]:
        """Every card ever made here (merged ones too), and the other room's card: wrong ones are
        part of the test, the model says which the domain must refuse."""
        return sorted(self.model.cards) + [self.other_card]

    def draw_card(self, data: st.DataObject, label: str = 'card') -> int:
        """Mostly a card still on the board, sometimes any: so that most requests do something."""
        return data.draw(mostly(self.on_board(), self.card_choices()), label=label)

    def on_board(self) -> list[int]:
        return [i for i in sorted(self.model.cards) if self.model.live(i)]

    # -- joining ------------------------------------------------------------------------------

    def join_new_phone(self) -> None:
        device = f'phone-{len(self.model.participants) + 1}'  # 'phone-1' is also in the other room
        (actor, changes), error = self.call(rooms.join, self.code, device)
        self.expect(False, error, 'join')
        assert actor.participant_id not in self.model.participants.values()
        self.model.participants[device] = actor.participant_id
        self.actors[device] = actor
        assert changes == [ParticipantsChanged(self.room_id, len(self.model.participants))]

    @rule(data=st.data(), again=st.booleans())
    def join(self, data: st.DataObject, again: bool) -> None:
        """A new phone joins, or one that joined before comes back: the same participant, same dots."""
        if not again and len(self.model.participants) < MAX_PARTICIPANTS:
            self.join_new_phone()
            return
        device = self.draw_device(data)
        (actor, changes), error = self.call(rooms.join, self.code, device)
        self.expect(False, error, 'join again')
        assert (actor, changes) == (self.actors[device], [])

    # -- facilitator ----------------------------------------------------------------------------

    @rule(phase=st.sampled_from(PHASES + (VOTE_PHASE, VOTE_PHASE, WRITE_PHASE)))
    def set_phase(self, phase: str) -> None:
        changes, error = self.call(rooms.set_phase, self.fac, self.room_id, phase)
        self.expect(False, error, 'set_phase')
        # a new phase comes with its own timer, stopped (a TimerChanged after the PhaseChanged)
        assert changes[:1] == ([] if phase == self.model.phase else [PhaseChanged(self.room_id, phase)])
        assert [type(c) for c in changes[1:]] == ([] if phase == self.model.phase else [TimerChanged])
        self.model.phase = phase

    @rule(revealed=st.booleans())
    def reveal(self, revealed: bool) -> None:
        _, error = self.call(rooms.reveal_votes, self.fac, self.room_id, revealed)
        self.expect(False, error, 'reveal')
        self.model.revealed = revealed

    def hidden_cards(self) -> list[int]:
        return [i for i in self.on_board() if self.model.cards[i].hidden]

    @rule(data=st.data())
    def hide(self, data: st.DataObject) -> None:
        """Mostly a card with dots on it: hiding gives them back."""
        dotted = [i for i in self.on_board() if self.model.total(i) and not self.model.cards[i].hidden]
        self.set_hidden(data.draw(mostly(dotted, self.card_choices()), label='card'), True)

    @precondition(lambda self: self.hidden_cards())
    @rule(data=st.data())
    def show_again(self, data: st.DataObject) -> None:
        """Mostly a hidden card whose voters spent the dots it gave back: showing it trims them."""
        m, hidden = self.model, self.hidden_cards()
        spent = [i for i in hidden if any(m.used(p) + n > m.dots for (p, c), n in m.votes.items() if c == i)]
        self.set_hidden(data.draw(mostly(spent + hidden, self.card_choices()), label='card'), False)

    @precondition(lambda self: self.model.phase == VOTE_PHASE)
    @rule(data=st.data())
    def hide_for_a_while(self, data: st.DataObject) -> None:
        """The facilitator hides a card during the vote, its voters spend the dots it gave back, then
        the facilitator shows it again: the case where showing must trim (rare by chance alone)."""
        m = self.model
        card_id = self.draw_card(data)
        self.set_hidden(card_id, True)
        for pid in sorted({p for (p, c) in m.votes if c == card_id}):
            device = next(d for d, p in m.participants.items() if p == pid)
            for other in [i for i in sorted(m.cards) if not m.refuses_add(pid, i)][:m.dots]:
                self.attempt(Attempt('add', device, other, uuid.uuid4().hex))
        self.set_hidden(card_id, False)

    def set_hidden(self, card_id: int, hidden: bool) -> None:
        changes, error = self.call(cards.set_hidden, self.fac, self.room_id, card_id, hidden)
        self.expect(not self.model.live(card_id), error, 'hide' if hidden else 'show')
        if error:
            return
        unchanged = self.model.cards[card_id].hidden == hidden
        trimmed = self.model.set_hidden(card_id, hidden)
        if trimmed:
            event('showing a card trimmed overdrawn dots')
        assert len(changes) == (0 if unchanged else 1 + len(trimmed))
        self.check_votes_changed(changes[1:], card_id, trimmed)

    @rule(data=st.data())
    def merge(self, data: st.DataObject) -> None:
        dotted = [i for i in self.on_board() if self.model.total(i)]
        keep = data.draw(mostly(dotted + self.on_board(), self.card_choices()), label='keep')
        choices = self.card_choices()  # hidden cards too: their dots count again once merged
        likely = [c for c in choices if self.model.live(c) and c != keep]
        shared = [c for c in likely if any(self.model.votes[p, c] and self.model.votes[p, keep]
                                           for p in self.model.participants.values())]  # over the per-card limit
        others = data.draw(st.lists(mostly(shared + likely, choices), min_size=1, max_size=2), label='others')
        changes, error = self.call(cards.merge, self.fac, self.room_id, keep, others)
        moved = [o for o in dict.fromkeys(others) if o != keep]
        self.expect(not self.model.live(keep) or not all(map(self.model.live, others)) or not moved, error, 'merge')
        if error:
            return
        before = sum(map(self.model.total, [keep, *moved]))
        voters = self.model.merge(keep, moved)
        if self.model.total(keep) < before:
            event('merge gave dots over the per-card limit back')
        assert changes[:len(moved)] == [CardRemoved(self.room_id, o) for o in moved]
        assert isinstance(changes[len(moved)], CardChanged) and changes[len(moved)].card.id == keep
        self.check_votes_changed(changes[len(moved) + 1:], keep, voters)
        assert [c.participant_id for c in changes[len(moved) + 1:]] == sorted(voters)

    @rule(data=st.data(), new=st.booleans())
    def group(self, data: st.DataObject, new: bool) -> None:
        card_ids = data.draw(st.lists(mostly(self.on_board(), self.card_choices()), min_size=1, max_size=3),
                             label='cards')
        theme_id = None if new or not self.model.themes else data.draw(st.sampled_from(sorted(self.model.themes)))
        result, error = self.call(themes.group, self.fac, self.room_id, card_ids, 'A theme', theme_id)
        self.expect(not card_ids or not all(map(self.model.live, card_ids)), error, 'group')
        if error:
            return
        made, _ = result
        assert (made == theme_id) if theme_id is not None else (made not in self.model.themes)
        self.model.themes.add(made)
        for card_id in card_ids:
            self.model.cards[card_id].theme = made

    def check_votes_changed(self, changes: list, card_id: int, pids: set[int]) -> None:
        assert {c.participant_id for c in changes} == pids
        for change in changes:
            assert change == self.votes_changed(change.participant_id, card_id)

    def votes_changed(self, pid: int, card_id: int) -> VotesChanged:
        m = self.model
        return VotesChanged(self.room_id, card_id, m.total(card_id), pid, m.votes[pid, card_id], m.dots - m.used(pid))

    # -- participant requests -------------------------------------------------------------------

    @rule(data=st.data(), text=st.sampled_from(TEXTS))
    def submit(self, data: st.DataObject, text: str) -> None:
        self.attempt(Attempt('submit', self.draw_device(data), text, uuid.uuid4().hex))

    @rule(data=st.data(), taps=st.integers(1, 3))
    def add_dots(self, data: st.DataObject, taps: int) -> None:
        """A few quick taps, from one phone or several (each one checked on its own)."""
        m = self.model
        for _ in range(taps):
            with_dots = [d for d, pid in sorted(m.participants.items()) if m.used(pid) < m.dots]
            device = data.draw(mostly(with_dots, sorted(m.participants)), label='device')
            pid = m.participants[device]
            allowed = [i for i in sorted(m.cards) if not m.refuses_add(pid, i)]
            card_id = data.draw(mostly(allowed, self.card_choices()), label='card')
            self.attempt(Attempt('add', device, card_id, uuid.uuid4().hex))

    @rule(data=st.data())
    def take_dot_back(self, data: st.DataObject) -> None:
        device = self.draw_device(data)
        mine = sorted(self.model.mine(self.model.participants[device], visible_only=False))
        card_id = data.draw(mostly(mine, self.card_choices()), label='card')
        self.attempt(Attempt('remove', device, card_id, uuid.uuid4().hex))

    @precondition(lambda self: self.refused)
    @rule(data=st.data())
    def replay_refused(self, data: st.DataObject) -> None:
        """A refused request wrote no receipt: sent again, it is judged afresh (and may pass now)."""
        self.attempt(data.draw(st.sampled_from(self.refused), label='refused'))

    def attempt(self, attempt: Attempt) -> None:
        pid, m = self.model.participants[attempt.device], self.model
        refused = {'submit': m.refuses_submit, 'add': m.refuses_add, 'remove': m.refuses_remove}[attempt.kind]
        will_refuse = refused(pid, attempt.arg)
        result, error = self.call(ACTIONS[attempt.kind], self.actors[attempt.device], self.room_id,
                                  attempt.arg, attempt.key)
        self.expect(will_refuse, error, attempt.kind)
        if attempt in self.refused:
            self.refused.remove(attempt)
        if error:
            self.refused.append(attempt)
            return
        self.done.append(attempt)
        if attempt.kind == 'submit':
            view, _ = result
            assert view.id not in m.cards and (view.author_id, view.votes, view.hidden) == (pid, 0, False)
            m.cards[view.id], self.made[attempt.key] = ModelCard(pid), view.id
            return
        if attempt.kind == 'add':
            m.votes[pid, attempt.arg] += 1
        else:
            m.take(pid, attempt.arg)
        assert result == [self.votes_changed(pid, attempt.arg)]

    @precondition(lambda self: self.done)
    @rule(data=st.data())
    def retry(self, data: st.DataObject) -> None:
        """The same request again, whatever happened since (phase moved on, card hidden or merged)."""
        attempt = data.draw(st.sampled_from(self.done), label='retried')
        before = self.both_rooms()
        result, error = self.call(ACTIONS[attempt.kind], self.actors[attempt.device], self.room_id,
                                  attempt.arg, attempt.key)
        self.expect(False, error, f'retry {attempt.kind}' + (' after the phase moved on' if self.model.phase != (
            WRITE_PHASE if attempt.kind == 'submit' else VOTE_PHASE) else ''))
        assert self.both_rooms() == before
        if attempt.kind == 'submit':
            assert result[0].id == self.made[attempt.key] and result[1] == []
        else:
            assert result == [self.votes_changed(self.model.participants[attempt.device], attempt.arg)]

    @precondition(lambda self: self.done)
    @rule(data=st.data(), how=st.sampled_from(['stranger', 'other action', 'other room']))
    def forged_request(self, data: st.DataObject, how: str) -> None:
        """Refused without a trace: a used key sent by someone else (here or in the other room) or
        for another kind of request, and any request into a room the phone has not joined."""
        used = data.draw(st.sampled_from(self.done), label='used')
        actor, room_id, kind, key = self.actors[used.device], self.room_id, used.kind, used.key
        if how == 'stranger':
            strangers = [(self.actors[d], self.room_id) for d in sorted(self.actors) if d != used.device]
            actor, room_id = data.draw(st.sampled_from(strangers + [(self.other_actor, self.other_id)]))
        elif how == 'other action':
            kind = data.draw(st.sampled_from([k for k in sorted(ACTIONS) if k != used.kind]), label='as')
        else:
            room_id, kind, key = self.other_id, data.draw(st.sampled_from(sorted(ACTIONS))), uuid.uuid4().hex
        arg = TEXTS[0] if kind == 'submit' else self.other_card if room_id == self.other_id else self.draw_card(data)
        before = self.both_rooms()
        _, error = self.call(ACTIONS[kind], actor, room_id, arg, key)
        assert isinstance(error, NotAllowed), error
        assert self.both_rooms() == before

    # -- invariants -----------------------------------------------------------------------------

    def both_rooms(self) -> tuple[list[dict], list[dict]]:
        with self.session() as s:
            return room_state(s, self.room_id), room_state(s, self.other_id)

    @invariant()
    def room_matches_the_model(self) -> None:
        """Read back in a fresh session, as a reload would: the tables and every viewer's snapshot."""
        if self.model is None:
            return
        with self.session() as s:
            assert room_state(s, self.other_id) == self.other_state, 'the other room changed'
            checked = (repr(self.model), room_state(s, self.room_id))
            if self.checked is not None and checked[0] == self.checked[0]:
                # nothing happened by the model (a refusal, a retry...): no row may have changed, and
                # the same rows give the same views, already checked
                assert checked[1] == self.checked[1], 'rows changed though the model says nothing happened'
                return
            self.check_limits(s)
            self.check_facilitator(s)
            for device, actor in self.actors.items():
                self.check_phone(s, actor, self.model.participants[device])
        self.checked = checked

    def check_limits(self, s: Session) -> None:
        """Straight from the tables, not from the model: the room's own limits hold."""
        room = s.get(Room, self.room_id)
        rows = s.exec(select(Vote.participant_id, Vote.card_id, Card.hidden, func.count())
                      .join(Card, Card.id == Vote.card_id).where(Vote.room_id == self.room_id)
                      .group_by(Vote.participant_id, Vote.card_id, Card.hidden)).all()
        in_use = Counter()
        for pid, card_id, hidden, n in rows:
            assert n <= room.max_dots_per_card, (pid, card_id, n)
            in_use[pid] += 0 if hidden else n
        assert all(n <= room.dots_per_participant for n in in_use.values()), in_use
        assert {(pid, card_id): n for pid, card_id, _, n in rows} == dict(self.model.votes)
        receipts = s.exec(select(func.count()).select_from(Receipt).join(Participant)
                          .where(Participant.room_id == self.room_id)).one()
        assert receipts == len(self.done)

    def check_facilitator(self, s: Session) -> None:
        m, view = self.model, views.snapshot(s, self.fac, self.room_id)
        assert (view.phase, view.revealed, view.participants) == (m.phase, m.revealed, len(m.participants))
        expected = {i: (c.author, c.hidden, c.theme, m.total(i), sum(o.merged_into == i for o in m.cards.values()))
                    for i, c in m.cards.items() if m.live(i)}
        assert {c.id: (c.author_id, c.hidden, c.theme_id, c.votes, c.merged_count) for c in view.cards} == expected
        assert {t.id: t.card_ids for t in view.themes} == {
            t: tuple(i for i in sorted(expected) if m.cards[i].theme == t) for t in m.themes}

    def check_phone(self, s: Session, actor: Actor, pid: int) -> None:
        m, view = self.model, views.snapshot(s, actor, self.room_id)
        visible = [i for i, c in sorted(m.cards.items()) if m.live(i) and not c.hidden]
        assert (view.me.participant_id, view.me.dots_left) == (pid, m.dots - m.used(pid))
        assert view.me.dots == m.mine(pid, visible_only=True)
        assert [(c.id, c.votes) for c in view.cards] == [(i, m.total(i) if m.revealed else 0) for i in visible]


def test_room_follows_the_model(engine: Engine, plan: dict) -> None:
    # every commit is a round trip to the PostgreSQL server: fewer runs there keep the suite quick
    examples = 25 if engine.dialect.name == 'sqlite' else 8
    run_state_machine_as_test(lambda: RoomMachine(engine, plan), settings=settings(
        max_examples=examples, stateful_step_count=40, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))


def test_merging_a_hidden_card_never_overdraws_dots(session, room, fac, p1, goto, write, key) -> None:
    goto(fac, room, 'issues')
    hidden, *spent, kept = [write(p1, room, f'issue {i}') for i in range(5)]
    goto(fac, room, 'vote')
    voting.add_dot(session, p1, room.id, hidden, key())
    cards.set_hidden(session, fac, room.id, hidden, True)
    for card_id in spent:  # the hidden card gave its dot back: p1 spends all three again
        voting.add_dot(session, p1, room.id, card_id, key())
    with contextlib.suppress(DomainError):  # refusing to merge a hidden card is a fine fix too
        cards.merge(session, fac, room.id, kept, [hidden])
    assert views.snapshot(session, p1, room.id).me.dots_left >= 0


# -- typed text --------------------------------------------------------------------------------

INVISIBLE_KEPT = '\u200c\u200d\u200e\u200f'  # ZWNJ, ZWJ, LRM, RLM: kept by clean_text for Hindi, Arabic...


def visible(ch: str) -> bool:
    return not ch.isspace() and unicodedata.category(ch)[0] != 'C'


@given(raw=st.text(), limit=st.integers(1, 60))
def test_clean_text_returns_visible_text_within_the_limit_or_refuses(raw: str, limit: int) -> None:
    try:
        text = clean_text(raw, limit)
    except DomainError:
        return
    assert len(text) <= limit and text == text.strip()
    assert any(map(visible, text)), repr(text)


@given(raw=st.text(alphabet=INVISIBLE_KEPT + ' \n\t\u3000', min_size=1))
def test_clean_text_refuses_text_of_only_joiners_and_direction_marks(raw: str) -> None:
    """Such text looks blank on the board: a blank card."""
    with pytest.raises(DomainError):
        clean_text(raw, 280)


@given(word=st.text(st.characters(categories=['L', 'N']), min_size=1, max_size=5),
       marks=st.text(alphabet=INVISIBLE_KEPT, max_size=3))
def test_clean_text_keeps_joiners_and_direction_marks_inside_words(word: str, marks: str) -> None:
    assert clean_text(word + marks + word, 280) == word + marks + word
