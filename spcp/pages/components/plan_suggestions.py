"""The day's top themes not yet in the plan (the plenary's first, by the hall's dots), each with "Add to the
plan". Small, so it is redrawn whole when the plan gains or loses a priority."""
from __future__ import annotations

from nicegui import ui

from ...domain import action_plan
from ...domain.action_plan import Suggestion
from .plan_priority import meta_text
from .setup_desk import SetupDesk


class SuggestionList:
    def __init__(self, desk: SetupDesk, suggestions: tuple[Suggestion, ...]) -> None:
        self.desk = desk
        with ui.element('section').classes('plan-suggestions').mark('suggestions'):
            ui.label(desk.tr('Suggested from the day')).classes('plan-heading').props('role=heading aria-level=2')
            ui.label(desk.tr("Each room's top themes. Adding one to the plan makes an action of each of its "
                             'solutions.')).classes('plan-note')
            self.list = ui.element('div').classes('plan-suggestion-list')
        self.show(suggestions)

    def show(self, suggestions: tuple[Suggestion, ...]) -> None:
        tr = self.desk.tr
        self.list.clear()
        with self.list:
            if not suggestions:
                ui.label(tr('Nothing left to suggest: every top theme is in the plan, or no room has themes yet.')) \
                    .classes('plan-note').mark('no-suggestions')
            for suggestion in suggestions:
                with ui.element('div').classes('plan-suggestion').mark(f'suggestion-{suggestion.theme_id}'):
                    ui.label(suggestion.name).classes('plan-suggestion-name').props('dir=auto')
                    ui.label(meta_text(tr, suggestion.room_name, suggestion.dots, suggestion.plenary_dots)) \
                        .classes('plan-meta').props('dir=auto')
                    ui.label(tr.plural('{n} solution', '{n} solutions', suggestion.solutions)).classes('plan-meta')
                    ui.button(tr('Add to the plan'), icon='add',
                              on_click=lambda s=suggestion: self.add(s.theme_id)) \
                        .props('unelevated no-caps dense').mark(f'suggestion-{suggestion.theme_id}-add')

    def add(self, theme_id: int) -> None:
        self.desk.act(action_plan.add_priority, event_id=self.desk.event_id, theme_id=theme_id)
