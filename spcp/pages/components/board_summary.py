"""Wrap-up on the board: what the room decided, in one screen. The top themes in order with their
dots, each with its most endorsed solutions, and the room's totals (paper only as an aggregate)."""
from __future__ import annotations

from nicegui import ui

from ...domain.views import RoomView, SolutionView
from ...i18n import Translator

SOLUTIONS_SHOWN = 3  # per theme: the rest are in the report


def ranked_solutions(view: RoomView, theme_id: int) -> list[SolutionView]:
    shown = [s for s in view.solutions if s.theme_id == theme_id and not s.hidden]
    return sorted(shown, key=lambda s: (-s.endorsements, s.id))[:SOLUTIONS_SHOWN]


def theme_dots(view: RoomView, theme_id: int) -> int:
    return sum(c.votes for c in view.cards if c.theme_id == theme_id and not c.hidden and not c.pending)


class BoardSummary:
    def __init__(self, tr: Translator, view: RoomView) -> None:
        names = {th.id: th.name for th in view.themes}
        with ui.element('div').classes('board-summary') as self.area:
            ui.label(self.totals(tr, view)).classes('board-stats').mark('summary-totals')
            with ui.element('div').classes('board-solutions'):
                for place, theme_id in enumerate(view.top_themes_ids, start=1):
                    with ui.element('div').classes('board-theme'):
                        with ui.element('div').classes('board-theme-head').props('role=heading aria-level=2'):
                            ui.label(f'#{place}').classes('board-theme-rank')
                            ui.label(names.get(theme_id, '')).classes('board-theme-name room-text').props('dir=auto')
                            ui.label(tr.plural('{n} dot', '{n} dots', theme_dots(view, theme_id))) \
                                .classes('board-theme-dots')
                        for solution in ranked_solutions(view, theme_id):
                            item = ui.label(solution.text).classes('board-solution room-text').props('dir=auto')
                            item.props['data-count'] = tr('✓ {n}', n=solution.endorsements)

    @staticmethod
    def totals(tr: Translator, view: RoomView) -> str:
        shown_solutions = sum(not s.hidden for s in view.solutions)
        parts = [tr.plural('{n} issue', '{n} issues', view.counted_cards),
                 tr.plural('{n} solution', '{n} solutions', shown_solutions),
                 tr.plural('{n} person took part', '{n} people took part', view.participants + view.paper_participants)]
        if view.paper_cards:
            parts.append(tr.plural('{paper} of {n} card from paper', '{paper} of {n} cards from paper',
                                   view.counted_cards, paper=view.paper_cards))
        return ' · '.join(parts)
