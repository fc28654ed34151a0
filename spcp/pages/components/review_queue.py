"""Review before shown: the switch, how many cards wait, and the queue with Approve and Reject.

While review is on, a participant's new card waits here (seen only by the facilitator and its
author) until it is approved, which shows it to the room, or rejected, which hides it as the
board's Hide does. The queue shows where cards are written (Welcome, Issues) and in any phase
while cards still wait.
"""
from __future__ import annotations

from nicegui import ui

from ...domain import cards, phases, rooms
from ...domain.changes import CardChanged, CardRemoved, Change, ReviewChanged
from ...domain.views import CardView, RoomView
from .desk import Desk

REVIEW_PHASES = (phases.WELCOME, phases.ISSUES)  # where review is turned on and cards are written


class ReviewQueue:
    """The facilitator's queue of cards waiting for review (a ``Tool`` of ``desk.py``)."""

    def __init__(self, desk: Desk, view: RoomView) -> None:
        self.desk, self.tr = desk, desk.tr
        self.on, self.pending, self.phase = view.review, view.pending_count, view.phase
        self.rows: dict[int, tuple[ui.column, ui.label]] = {}  # card id -> its row and its text
        with ui.column().classes('phone-section').mark('review-queue') as self.root:
            self.switch = ui.switch(self.tr('Review cards before the room sees them'), value=view.review,
                                    on_change=lambda e: self.turn(bool(e.value))).mark('review-switch')
            with ui.row().classes('w-full items-center justify-between no-wrap'):
                self.count = ui.label().classes('phone-meta').mark('review-count')
                self.approve_all = ui.button(self.tr('Approve all'), icon='done_all', on_click=self.approve_every) \
                    .classes('big-btn').props('unelevated').mark('approve-all')
            self.queue = ui.column().classes('w-full gap-2')
        self.show_phase(view)

    # ---------- the Tool protocol ----------

    def show_phase(self, view: RoomView) -> None:
        """Start again from the room as it is (a change missed meanwhile is made good here)."""
        self.on, self.pending, self.phase = view.review, view.pending_count, view.phase
        self.switch.set_value(view.review)
        for card_id in [i for i in self.rows if view.card(i) is None or not view.card(i).pending]:
            self.drop(card_id)
        for card in view.waiting:
            self.upsert(card)
        self.show_count()

    def apply(self, change: Change) -> None:
        if isinstance(change, CardChanged):
            if change.card.pending and not change.card.hidden:
                self.upsert(change.card)
            else:
                self.drop(change.card.id)
        elif isinstance(change, CardRemoved):
            self.drop(change.card_id)
        elif isinstance(change, ReviewChanged):
            self.on, self.pending = change.on, change.pending
            self.switch.set_value(change.on)
            self.show_count()

    # ---------- showing ----------

    def upsert(self, card: CardView) -> None:
        if card.id in self.rows:
            self.rows[card.id][1].set_text(card.text)  # edited while waiting
            return
        with self.queue, ui.column().classes('mine gap-2').mark('waiting-card') as row:
            text = ui.label(card.text).props('dir=auto')
            with ui.row().classes('w-full no-wrap'):
                ui.button(self.tr('Approve'), icon='check', on_click=lambda c=card.id: self.approve([c])) \
                    .classes('big-btn grow').props('unelevated color=positive').mark('approve')
                ui.button(self.tr('Reject'), icon='block', on_click=lambda c=card.id: self.reject(c)) \
                    .classes('big-btn grow').props('outline color=negative').mark('reject')
        self.rows[card.id] = row, text
        self.show_count()

    def drop(self, card_id: int) -> None:
        if card_id in self.rows:
            self.rows.pop(card_id)[0].delete()
            self.show_count()

    def show_count(self) -> None:
        self.count.set_text(self.tr.plural('{n} waiting', '{n} waiting', self.pending))  # the server's count
        self.approve_all.set_enabled(bool(self.rows))
        self.root.set_visibility(self.phase in REVIEW_PHASES or bool(self.rows) or self.pending > 0)

    # ---------- actions ----------

    def turn(self, on: bool) -> None:
        if on == self.on:
            return  # the switch followed another board: nothing to do
        if self.desk.act(rooms.set_review, on=on).done:
            self.on = on
        else:
            self.switch.set_value(self.on)

    def approve(self, card_ids: list[int]) -> None:
        self.desk.act(cards.approve, card_ids=card_ids)

    def approve_every(self) -> None:
        if self.rows:
            self.approve(list(self.rows))

    def reject(self, card_id: int) -> None:
        self.desk.act(cards.set_hidden, card_id=card_id, hidden=True)
