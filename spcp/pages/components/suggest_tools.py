"""The grouping help on the facilitator's board (spcp/suggest): likely duplicates flagged while cards
arrive (merge with one tap, or dismiss), and in Themes, suggested themes the facilitator accepts,
renames, rejects or moves cards between. Nothing is grouped or merged without a tap, and only cards
in no theme are ever suggested, so a suggestion never undoes the facilitator's own grouping.

In the plenary the cards are the rooms' themes: the same list asks whether two rooms named the same theme.

Embedding and clustering run on the grouping help's own thread (``suggest.worker``), never on the event
loop; each card is embedded once, when it first reaches the board.
"""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from nicegui import background_tasks, ui

from ...domain import cards, phases, themes
from ...domain.changes import CardChanged, CardRemoved, Change, ThemeChanged
from ...domain.errors import msgid
from ...domain.views import CardView, RoomView
from ...suggest import worker
from ...suggest.embedding import FALLBACK_NAME
from .board_cards import BoardCards
from .desk import Desk

CARD_PHASES = (phases.ISSUES, phases.VOTE, phases.THEMES)
SHOWN_PAIRS = 6  # the most alike first; the next ones show as these are merged or dismissed
# While cards keep coming a board looks for duplicates at most this often (the first look at once). A look per
# card was the grouping help's thread walking the room's cards in Python a hundred times a second at 1,000
# participants, and the event loop waited for the interpreter lock: the last 15 s window's p95 282-426 ms
# against 133-234 ms without those looks (bench/load.py, 2 runs each on a shared box).
LOOK_EVERY_S = 3.0
NO_MODEL = msgid('The grouping help model is not installed: only cards that share words are suggested.')

# pairs of card texts a facilitator dismissed, per room: every board of the room stops asking
_dismissed: dict[int, set[frozenset[str]]] = {}


@dataclass
class Proposal:
    """One suggested theme while the facilitator decides: its name (editable) and its cards."""
    name: str
    card_ids: list[int] = field(default_factory=list)


class SuggestTools:
    def __init__(self, desk: Desk, board_cards: BoardCards, view: RoomView) -> None:
        self.desk, self.cards, tr = desk, board_cards, desk.tr
        self.plenary = view.kind == 'plenary'
        self.proposals: list[Proposal] = []
        self.pile: list[int] = []  # "not in a theme yet" of the last suggestion
        self.pairs: list[tuple[int, int]] = []
        self.drawn_pairs: list[tuple[int, int, str, str]] = []  # what pairs_box shows: (id, id, text, text)
        self.checking = False
        self.again = False
        self.planned = False  # a look is set for later (LOOK_EVERY_S after the last)
        self.last_look = -LOOK_EVERY_S
        with ui.column().classes('tool-box w-full') as self.box:
            self.pairs_title = ui.label(tr('Same theme in several rooms?') if self.plenary else
                                        tr('Possible duplicates')).classes('font-bold')
            self.pairs_box = ui.column().classes('w-full gap-1').mark('duplicates')
            with ui.column().classes('w-full gap-1') as self.themes_part:
                ui.button(tr('Suggest themes'), icon='lightbulb', on_click=self.suggest_themes) \
                    .props('outline').mark('suggest-themes')
                self.note = ui.label().classes('text-sm').mark('suggest-note')
                self.proposals_box = ui.column().classes('w-full gap-2').mark('suggestions')
        self.show_phase(view)
        worker.embed_soon([c.text for c in view.cards])
        self.check_duplicates()

    # ---------- the room ----------

    def shown_cards(self) -> list[CardView]:
        """The cards on the board now (not hidden, not waiting for review, not merged away), oldest first."""
        placed = self.cards.themed.placed
        return sorted((self.cards.views[c] for c in placed if c in self.cards.views), key=lambda c: c.id)

    def show_phase(self, view: RoomView) -> None:
        self.box.set_visibility(view.phase in CARD_PHASES)
        self.themes_part.set_visibility(view.phase == phases.THEMES and not self.plenary)

    def apply(self, change: Change) -> None:
        if isinstance(change, CardChanged):
            worker.embed_soon([change.card.text])
            if change.card.theme_id is not None or change.card.hidden or change.card.pending:
                self.drop_from_proposals(change.card.id)  # grouped by hand meanwhile: no longer suggested
        elif isinstance(change, CardRemoved):
            self.drop_from_proposals(change.card_id)
        elif not isinstance(change, ThemeChanged):
            return
        self.check_duplicates()

    # ---------- duplicates ----------

    def check_duplicates(self) -> None:
        """Look for duplicates again, off the event loop, at most every ``LOOK_EVERY_S``; changes that come
        meanwhile are looked at after."""
        if self.checking:
            self.again = True
            return
        if self.planned:
            return  # the planned look will see this change too
        wait = self.last_look + LOOK_EVERY_S - time.monotonic()
        if wait > 0:
            self.planned = True
            asyncio.get_running_loop().call_later(wait, self.look_now)
            return
        self.look_now()

    def look_now(self) -> None:
        self.planned = False
        if self.box.client.is_deleted:  # the board was closed meanwhile
            return
        self.checking, self.last_look = True, time.monotonic()
        background_tasks.create(self.find_duplicates(), name='suggest duplicates')

    async def find_duplicates(self) -> None:
        try:
            shown, pairs = await self.look_once()
            if self.box.client.is_deleted:  # the board was closed while the worker looked
                return
            self.pairs = [(shown[i].id, shown[j].id) for i, j in pairs]
            self.show_pairs()
        finally:
            self.checking = False
        if self.again:  # cards came or went while we looked: look at the room as it is now, in its turn
            self.check_duplicates()

    async def look_once(self) -> tuple[list[CardView], list[tuple[int, int]]]:
        self.again = False
        shown = self.shown_cards()
        texts = [c.text for c in shown]
        return shown, (await worker.run(lambda s: s.duplicates(texts)) if len(shown) > 1 else [])

    def show_pairs(self) -> None:
        views, dismissed = self.cards.views, _dismissed.get(self.desk.room_id, set())
        live = [(a, b) for a, b in self.pairs if a in views and b in views
                and frozenset((views[a].text, views[b].text)) not in dismissed]
        drawn = [(a, b, views[a].text, views[b].text) for a, b in live[:SHOWN_PAIRS]]
        if drawn == self.drawn_pairs:
            return  # the same pairs as now shown: each new card looks again, and redrawing every pair each time
            # grew with the room (at 1,000 participants the boards' redraws slowed every room after ~40 s)
        self.drawn_pairs = drawn
        tr = self.desk.tr
        self.pairs_box.clear()
        with self.pairs_box:
            for a, b in live[:SHOWN_PAIRS]:
                with ui.element('div').classes('suggest-pair w-full').mark('duplicate-pair'):
                    ui.label(views[a].text).classes('suggest-card').props('dir=auto')
                    ui.label(views[b].text).classes('suggest-card').props('dir=auto')
                    with ui.row().classes('tool-row'):
                        ui.button(tr('Merge'), icon='call_merge', on_click=lambda a=a, b=b: self.merge(a, b)) \
                            .props('outline dense').mark('merge-duplicate')
                        ui.button(tr('Dismiss'), on_click=lambda a=a, b=b: self.dismiss(a, b)) \
                            .props('flat dense').mark('dismiss-duplicate')
        self.pairs_title.set_visibility(bool(live))

    def merge(self, keep: int, other: int) -> None:
        """The older card is kept, the newer one merged into it (its dots and wording come along)."""
        if self.desk.act(cards.merge, keep_id=keep, other_ids=[other]).done:
            self.pairs = [p for p in self.pairs if other not in p]
            self.show_pairs()

    def dismiss(self, a: int, b: int) -> None:
        views = self.cards.views
        if a in views and b in views:
            _dismissed.setdefault(self.desk.room_id, set()).add(frozenset((views[a].text, views[b].text)))
        self.show_pairs()

    # ---------- themes ----------

    async def suggest_themes(self) -> None:
        """Suggest themes for the cards in no theme (the others help tell the room's languages apart)."""
        tr, shown = self.desk.tr, self.shown_cards()
        free = [row for row, card in enumerate(shown) if card.theme_id is None]
        self.note.set_text(tr('Looking for themes…'))
        texts = [c.text for c in shown]
        found = await worker.run(lambda s: (s.suggest(texts, group=free), s.embedder.name))
        suggestion, method = found
        if self.box.client.is_deleted:
            return
        ungrouped = {c.id for c in self.shown_cards() if c.theme_id is None}  # grouped by hand while we thought
        self.proposals = [Proposal(t.name, [shown[r].id for r in t.cards if shown[r].id in ungrouped])
                          for t in suggestion.themes]
        self.proposals = [p for p in self.proposals if len(p.card_ids) > 1]
        self.pile = [shown[r].id for r in suggestion.unthemed if shown[r].id in ungrouped]
        self.note.set_text(tr(NO_MODEL) if method == FALLBACK_NAME else
                           tr('Suggested themes: accept, rename or reject each. Nothing is grouped until you accept.')
                           if self.proposals else tr('No themes to suggest: too few cards outside a theme.'))
        self.show_proposals()

    def show_proposals(self) -> None:
        tr, views = self.desk.tr, self.cards.views
        self.proposals = [p for p in self.proposals if p.card_ids]
        self.proposals_box.clear()
        with self.proposals_box:
            for proposal in self.proposals:
                with ui.element('div').classes('suggest-theme w-full').mark('suggested-theme'):
                    name = ui.input(tr('Theme name'), value=proposal.name) \
                        .props('dense outlined maxlength=80 dir=auto').classes('w-full').mark('suggested-name')
                    name.on_value_change(lambda e, p=proposal: setattr(p, 'name', e.value or ''))
                    for card_id in proposal.card_ids:
                        self.card_row(card_id, proposal)
                    with ui.row().classes('tool-row'):
                        ui.button(tr('Accept'), icon='check', on_click=lambda p=proposal: self.accept(p)) \
                            .props('unelevated dense').mark('accept-theme')
                        ui.button(tr('Reject'), on_click=lambda p=proposal: self.reject(p)) \
                            .props('flat dense').mark('reject-theme')
            pile = [c for c in self.pile if c in views]
            if pile and self.proposals:
                with ui.element('div').classes('suggest-theme w-full').mark('suggested-pile'):
                    ui.label(tr('Not in a theme yet')).classes('font-bold')
                    for card_id in pile:
                        self.card_row(card_id, None)

    def card_row(self, card_id: int, home: Proposal | None) -> None:
        """A suggested card, with a menu to move it to another suggested theme or to "not in a theme yet"."""
        view = self.cards.views.get(card_id)
        if view is None:
            return
        with ui.row().classes('items-center no-wrap w-full gap-1'):
            ui.label(view.text).classes('suggest-card grow').props('dir=auto').mark('suggested-card')
            with ui.button(icon='arrow_drop_down').props('flat dense round').mark('move-card') as button:
                button.props['aria-label'] = self.desk.tr('Move to')
                with ui.menu():
                    for target in self.proposals:
                        if target is not home:
                            ui.menu_item(target.name, on_click=lambda t=target: self.move(card_id, t)) \
                                .props('dir=auto').mark('move-target')
                    if home is not None:
                        ui.menu_item(self.desk.tr('Not in a theme yet'), on_click=lambda: self.move(card_id, None)) \
                            .mark('move-target')

    def move(self, card_id: int, target: Proposal | None) -> None:
        for proposal in self.proposals:
            if card_id in proposal.card_ids:
                proposal.card_ids.remove(card_id)
        if card_id in self.pile:
            self.pile.remove(card_id)
        if target is None:
            self.pile.append(card_id)
        else:
            target.card_ids.append(card_id)
        self.show_proposals()

    def accept(self, proposal: Proposal) -> None:
        """Group the suggestion's cards that are still in no theme, under its (perhaps renamed) name."""
        free = [c for c in proposal.card_ids if self.cards.themed.placed.get(c, -1) is None]
        if not free:
            self.reject(proposal)
            return
        if self.desk.act(themes.group, card_ids=free, name=proposal.name).done:
            self.reject(proposal)

    def reject(self, proposal: Proposal) -> None:
        if proposal in self.proposals:
            self.proposals.remove(proposal)
        self.show_proposals()

    def drop_from_proposals(self, card_id: int) -> None:
        touched = any(card_id in p.card_ids for p in self.proposals) or card_id in self.pile
        for proposal in self.proposals:
            if card_id in proposal.card_ids:
                proposal.card_ids.remove(card_id)
        if card_id in self.pile:
            self.pile.remove(card_id)
        if touched:
            self.show_proposals()
