"""The phone's Solutions phase: for each top theme, propose solutions and endorse others'."""
from __future__ import annotations

from nicegui import ui

from ...domain import solutions
from ...domain.changes import CardChanged, Change, RevealChanged, SolutionChanged, ThemeChanged, ThemeRemoved
from ...domain.views import SolutionView, ThemeView
from ..outbox import outbox_js
from ..widgets import action_key, tell
from .phone_seat import PhoneSeat


class SolutionsPhase:
    """One box per top theme (its name, three of its cards, its solutions, an entry); solutions come and go
    one by one, while a facilitator's edit of the themes re-reads the whole phase."""

    def __init__(self, seat: PhoneSeat) -> None:
        self.seat, view = seat, seat.view
        self.endorsed = set(view.me.endorsed)  # solution ids this participant endorses
        self.boxes: dict[int, ui.column] = {}  # theme id -> its list of solutions
        self.items: dict[int, tuple[ui.column, ui.label, ui.button | None]] = {}  # solution id -> (row, count, button)
        themes = {th.id: th for th in view.themes}
        if not view.top_themes_ids:
            ui.label(seat.tr('The facilitator has not made any themes yet.')).classes('notice')
        for theme_id in view.top_themes_ids:
            self.boxes[theme_id] = self.theme_box(themes[theme_id])
        for solution in view.solutions:
            self.upsert(solution)

    def theme_box(self, theme: ThemeView) -> ui.column:
        """The theme with a few of its cards for context, and returns the list its solutions go in."""
        tr, view = self.seat.tr, self.seat.view
        with ui.column().classes('theme-box'):
            ui.label(theme.name).classes('theme-name').props('role=heading aria-level=2 dir=auto')
            for card_id in theme.card_ids[:3]:
                card = view.card(card_id)
                if card:
                    ui.label(card.text).classes('theme-card text-sm').props('dir=auto')
            solutions_list = ui.column().classes('w-full gap-2')
            entry = ui.input(label=tr('Your solution'), placeholder=tr('A concrete step someone can take')) \
                .props(f'outlined counter data-draft=solution-{theme.id}').classes('w-full').mark('solution-input')
            self.seat.drafts.restore(f'solution-{theme.id}', entry)
            ui.button(tr('Propose'), icon='lightbulb').classes('big-btn').mark('propose') \
                .on('click', lambda e, th=theme.id, box=entry: self.propose(th, box, action_key(e.args)),
                    js_handler=outbox_js(kind='propose', theme_id=theme.id, field=f'solution-{theme.id}'))
        return solutions_list

    def upsert(self, solution: SolutionView) -> None:
        """A solution with its endorsements and, unless it is the reader's own, an Endorse button."""
        item = self.items.get(solution.id)
        if solution.hidden:
            if item is not None:
                self.items.pop(solution.id)[0].delete()
            return
        if item is None:
            if solution.theme_id not in self.boxes:
                return
            item = self.items[solution.id] = self.item(solution)
        row, count, button = item
        count.set_text(self.seat.tr('✓ {n}', n=solution.endorsements))
        endorsed = solution.id in self.endorsed
        row.classes(add='endorsed' if endorsed else '', remove='' if endorsed else 'endorsed')
        if button is not None:
            button.set_text(self.seat.tr('Endorsed') if endorsed else self.seat.tr('Endorse'))
            button.props['aria-pressed'] = 'true' if endorsed else 'false'
            button.update()

    def item(self, solution: SolutionView) -> tuple[ui.column, ui.label, ui.button | None]:
        with self.boxes[solution.theme_id], ui.column().classes('endorse') as row:
            ui.label(solution.text).classes('endorse-text').props('dir=auto')
            with ui.row().classes('w-full items-center justify-between no-wrap'):
                count = ui.label().classes('endorse-count')
                button = None if self.seat.mine(solution.author_id) else self.endorse_button(solution)
                if button is None:
                    ui.label(self.seat.tr('Your solution')).classes('phone-note')
        return row, count, button

    def endorse_button(self, solution: SolutionView) -> ui.button:
        button = ui.button(self.seat.tr('Endorse'), icon='thumb_up', color=None).props('unelevated no-caps') \
            .classes('endorse-btn') \
            .mark('endorse')
        button.props['data-solution'] = str(solution.id)
        button.on('click', lambda _, s=solution.id: self.endorse(s),
                  js_handler=outbox_js(kind='endorse', solution_id=solution.id))
        return button

    def propose(self, theme_id: int, entry: ui.input, key: str) -> None:
        """The click for NiceGUI's simulated users; a browser sends the tap through the outbox instead."""
        if tell(self.seat.tr, self.seat.act(solutions.propose, theme_id=theme_id, text=entry.value or '', key=key),
                done=self.seat.tr('Proposed. Thank you.')):
            entry.value = ''

    def endorse(self, solution_id: int) -> None:
        """Endorse, or take the endorsement back (the button toggles)."""
        endorsed = solution_id not in self.endorsed
        tell(self.seat.tr, self.seat.act(solutions.endorse, solution_id=solution_id, endorsed=endorsed))

    def apply(self, change: Change) -> None:
        if isinstance(change, SolutionChanged):
            if self.seat.mine(change.endorser_id):
                (self.endorsed.add if change.endorsed else self.endorsed.discard)(change.solution.id)
            if change.solution.theme_id in self.boxes:
                self.upsert(change.solution)
        elif isinstance(change, ThemeChanged | ThemeRemoved | RevealChanged | CardChanged):
            self.seat.refresh()  # rare facilitator edits to the summary: re-read it
