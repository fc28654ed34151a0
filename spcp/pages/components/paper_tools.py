"""Paper tools: the facilitator brings in the people taking part on paper.

How many people are on paper (always there, it sets their budgets), their issues while the room
names issues, their dots as a count per card while it votes, their solutions while it proposes.
Each part shows only in the phase that uses it. Paper is marked only in aggregate ("3 of 40
cards from paper"), never on a card the room sees.
"""
from __future__ import annotations

from nicegui import ui

from ...domain import cards, phases, rooms, solutions, voting
from ...domain.changes import CardChanged, CardRemoved, Change, PaperChanged, ThemeChanged, ThemeRemoved
from ...domain.views import CardView, RoomView
from ..widgets import NOTIFY_AT
from .desk import Desk

SHORT_TEXT = 40  # characters of a card shown in the card picker
PEOPLE_PHASES = (phases.WELCOME, phases.ISSUES, phases.VOTE, phases.SOLUTIONS)  # where paper is entered


def short(text: str, length: int = SHORT_TEXT) -> str:
    """A card's first words for a picker: whole text if short, else cut with an ellipsis."""
    text = ' '.join(text.split())
    return text if len(text) <= length else text[:length - 1].rstrip() + '…'


class PaperTools:
    """Paper people, cards, dots and solutions for one room (a ``Tool`` of ``desk.py``)."""

    def __init__(self, desk: Desk, view: RoomView) -> None:
        self.desk, self.tr = desk, desk.tr
        self.cards: dict[int, CardView] = {c.id: c for c in view.cards}
        self.theme_names = {t.id: t.name for t in view.themes}
        self.top_themes = list(view.top_themes_ids)
        with ui.column().classes('phone-section').mark('paper-tools') as self.root:
            ui.label(self.tr('Paper cards')).classes('phone-heading')
            self.summary = ui.label().classes('phone-meta').mark('paper-summary')
            self.build_people(view)
            self.build_issues()
            self.build_dots(view)
            self.build_solutions()
        self.show_phase(view)  # which parts show, then what they hold
        self.show_cards()

    # ---------- building ----------

    def build_people(self, view: RoomView) -> None:
        with ui.row().classes('w-full items-center no-wrap') as self.people_part:
            self.people = ui.number(self.tr('People on paper'), value=view.paper_participants, min=0, max=500,
                                    step=1, precision=0).props('outlined').classes('grow').mark('paper-people')
            ui.button(self.tr('Set'), on_click=self.set_people).classes('big-btn').mark('set-paper-people')

    def build_issues(self) -> None:
        with ui.column().classes('w-full') as self.issues_part:
            self.issue = ui.textarea(self.tr('Issue from a paper card')).props('outlined autogrow dir=auto') \
                .classes('w-full').mark('paper-issue')
            ui.button(self.tr('Add paper card'), icon='add', on_click=self.add_card) \
                .classes('big-btn w-full').props('unelevated').mark('add-paper-card')

    def build_dots(self, view: RoomView) -> None:
        with ui.column().classes('w-full') as self.vote_part:
            self.card_choice = ui.select({}, label=self.tr('Card'), on_change=self.show_card_dots) \
                .props('outlined').classes('w-full').mark('paper-card')
            with ui.row().classes('w-full items-center no-wrap'):
                self.dots = ui.number(self.tr('Paper dots'), value=0, min=0, step=1, precision=0) \
                    .props('outlined').classes('grow').mark('paper-dots')
                ui.button(self.tr('Set paper dots'), on_click=self.set_dots).classes('big-btn') \
                    .mark('set-paper-dots')
            self.dots_left = ui.label().classes('phone-meta').mark('paper-dots-left')
        self.show_dots_left(view.paper_dots_left)

    def build_solutions(self) -> None:
        with ui.column().classes('w-full') as self.solutions_part:
            self.theme_choice = ui.select({}, label=self.tr('Theme')).props('outlined').classes('w-full') \
                .mark('paper-theme')
            self.solution = ui.input(self.tr('Solution from paper')).props('outlined dir=auto').classes('w-full') \
                .mark('paper-solution')
            ui.button(self.tr('Add paper solution'), icon='add', on_click=self.add_solution) \
                .classes('big-btn w-full').props('unelevated').mark('add-paper-solution')

    # ---------- the Tool protocol ----------

    def show_phase(self, view: RoomView) -> None:
        self.people_part.set_visibility(view.phase in PEOPLE_PHASES)
        self.issues_part.set_visibility(view.phase == phases.ISSUES)
        self.vote_part.set_visibility(view.phase == phases.VOTE)
        self.solutions_part.set_visibility(view.phase == phases.SOLUTIONS)
        self.show_card_choice()
        self.people.set_value(view.paper_participants)
        self.theme_names = {t.id: t.name for t in view.themes}
        self.top_themes = list(view.top_themes_ids)
        self.show_themes()
        self.show_dots_left(view.paper_dots_left)

    def apply(self, change: Change) -> None:
        if isinstance(change, CardChanged):
            self.cards[change.card.id] = change.card
            self.show_cards()
            if change.card.id == self.card_choice.value:  # e.g. its paper dots were just set
                self.show_card_dots()
        elif isinstance(change, CardRemoved):
            self.cards.pop(change.card_id, None)
            self.show_cards()
        elif isinstance(change, PaperChanged):
            self.people.set_value(change.participants)
            self.show_dots_left(change.dots_left)
        elif isinstance(change, ThemeChanged):
            self.theme_names[change.theme.id] = change.theme.name
            self.show_themes()
        elif isinstance(change, ThemeRemoved):
            self.theme_names.pop(change.theme_id, None)
            self.show_themes()

    # ---------- showing ----------

    def shown_cards(self) -> list[CardView]:
        return [c for c in self.cards.values() if not c.hidden and not c.pending]  # a hidden card takes no dots

    def show_cards(self) -> None:
        """The aggregate line, and the card picker where it shows (in Vote)."""
        shown = self.shown_cards()
        paper = sum(c.paper for c in shown)
        self.summary.set_text(self.tr.plural('{paper} of {n} card from paper', '{paper} of {n} cards from paper',
                                             len(shown), paper=paper))
        self.show_card_choice(shown)

    def show_card_choice(self, shown: list[CardView] | None = None) -> None:
        """The picker's cards, kept only while it shows: a select's new options cost the board 0.5 ms a submit
        while a room names issues (cProfile, 500 participants); the phase change to Vote fills it."""
        if not self.vote_part.visible:
            return
        shown = self.shown_cards() if shown is None else shown
        options = {c.id: short(c.text) for c in sorted(shown, key=lambda c: c.id)}
        self.card_choice.set_options(options, value=self.card_choice.value if self.card_choice.value in options
                                     else None)

    def show_card_dots(self, _event: object = None) -> None:
        """Picking a card shows its paper dots now: the number typed replaces that total (it is not added)."""
        card = self.cards.get(self.card_choice.value)
        self.dots.set_value(card.paper_dots if card else 0)

    def show_dots_left(self, left: int) -> None:
        self.dots_left.set_text(self.tr('Paper dots left: {n}', n=left))

    def show_themes(self) -> None:
        options = {t: self.theme_names.get(t, '') for t in self.top_themes if t in self.theme_names}
        self.theme_choice.set_options(options, value=self.theme_choice.value if self.theme_choice.value in options
                                      else next(iter(options), None))

    # ---------- actions ----------

    def set_people(self) -> None:
        self.desk.act(rooms.set_paper_participants, count=int(self.people.value or 0))

    def add_card(self) -> None:
        if self.desk.act(cards.submit_paper, text=self.issue.value or '').done:
            self.issue.set_value('')

    def set_dots(self) -> None:
        if self.card_choice.value is None:
            ui.notify(self.tr('Choose a card first.'), type='warning', position=NOTIFY_AT)
            return
        self.desk.act(voting.set_paper_dots, card_id=self.card_choice.value, count=int(self.dots.value or 0))

    def add_solution(self) -> None:
        if self.theme_choice.value is None:
            ui.notify(self.tr('Choose a theme first.'), type='warning', position=NOTIFY_AT)
            return
        if self.desk.act(solutions.propose_paper, theme_id=self.theme_choice.value,
                         text=self.solution.value or '').done:
            self.solution.set_value('')

