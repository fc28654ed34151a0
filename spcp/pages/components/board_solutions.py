"""Solutions on the board: the top themes side by side, each with its solutions as they arrive.
A click on a solution hides it from the room (the facilitator's board shows it struck through)."""
from __future__ import annotations

from nicegui import ui

from ...domain import solutions
from ...domain.changes import Change, SolutionChanged
from ...domain.views import RoomView, SolutionView
from .desk import Desk


class BoardSolutions:
    def __init__(self, desk: Desk, view: RoomView) -> None:
        self.desk = desk
        self.items: dict[int, ui.label] = {}
        self.boxes: dict[int, ui.element] = {}
        names = {th.id: th.name for th in view.themes}
        with ui.element('div').classes('board-solutions') as self.area:
            if not view.top_themes_ids:
                ui.label(desk.tr('The facilitator has not made any themes yet.')).classes('board-note')
            for theme_id in view.top_themes_ids:
                with ui.element('div').classes('board-theme') as box, \
                        ui.element('div').classes('board-theme-head').props('role=heading aria-level=2'):
                    ui.label(names.get(theme_id, '')).classes('board-theme-name room-text').props('dir=auto')
                self.boxes[theme_id] = box
        for solution in view.solutions:
            self.upsert(solution)

    def apply(self, change: Change) -> None:
        if isinstance(change, SolutionChanged):
            self.upsert(change.solution)

    def upsert(self, solution: SolutionView) -> None:
        label = self.items.get(solution.id)
        if label is None:
            box = self.boxes.get(solution.theme_id)
            if box is None:
                return
            with box:
                label = ui.label(solution.text).classes('board-solution room-text') \
                    .props('dir=auto role=button tabindex=0').mark('board-solution')
            for event in ('click', 'keydown.enter', 'keydown.space.prevent'):
                label.on(event, lambda s=solution.id: self.toggle(s))
            self.items[solution.id] = label
        label.set_text(solution.text)
        label.props['data-count'] = self.desk.tr('✓ {n}', n=solution.endorsements)
        label.props['aria-pressed'] = 'true' if solution.hidden else 'false'
        label.classes(add='is-hidden' if solution.hidden else '', remove='' if solution.hidden else 'is-hidden')
        label.update()

    def toggle(self, solution_id: int) -> None:
        """Click a solution to hide it from the room; click again to show it."""
        label = self.items[solution_id]
        self.desk.act(solutions.set_hidden, solution_id=solution_id, hidden='is-hidden' not in label.classes)
