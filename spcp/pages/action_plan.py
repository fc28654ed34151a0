"""The action plan page (``/organize/ID/plan``): the day's top themes to choose from, the priorities in
the plan with what the day said about them, and their actions, edited by several organizers at once.

Each field is saved on its own (``domain/action_plan.py``); every organizer's page follows the event
(``live.subscribe_event``) and shows another's edit in that one field, a new action in its priority, a
removed one gone, without redrawing the page. Signed in as on the set-up page (``organizer_signed_in``,
shared with the council page).
"""
from __future__ import annotations

from nicegui import ui
from starlette.requests import Request

from .. import live
from ..actions import read
from ..domain import action_plan
from ..domain.action_plan import ActionPlanView, PlanFieldChanged, PlanItemAdded, PlanItemRemoved
from ..domain.changes import Change
from ..domain.errors import DomainError
from ..i18n import Translator
from .components.plan_confirm import ConfirmDialog
from .components.plan_priority import PrioritySection
from .components.plan_suggestions import SuggestionList
from .components.setup_desk import SetupDesk
from .language import language_switch, reader
from .organize import organizer_signed_in
from .widgets import frame

CSS_VERSION = '1'


def page_head(tr: Translator, event_name: str, title: str, event_id: int, link: tuple[str, str, str]) -> None:
    """The event's name, the page's title, a link to the sibling page, back to the rooms, the language."""
    with ui.element('div').classes('setup-head'):
        with ui.element('div').classes('setup-titles'):
            ui.label(event_name).classes('setup-title').props('role=heading aria-level=1 dir=auto')
            ui.label(title).classes('setup-subtitle')
        ui.link(link[0], link[1]).classes('setup-link').mark(link[2])
        ui.link(tr('Back to the rooms'), f'/organize/{event_id}').classes('setup-link').mark('back-to-rooms')
        language_switch(tr)


@ui.page('/organize/{event_id}/plan')
def plan_page(event_id: int, request: Request) -> None:
    tr = reader(request)
    frame(tr, tr('Action plan'))
    actor = organizer_signed_in(tr, event_id, request)
    if actor is None:
        return
    desk = SetupDesk(tr, actor, event_id, '')
    event, plan = desk.read(), desk.read(action_plan.action_plan)
    if event is None or plan is None:
        return
    ui.add_head_html(f'<link rel="stylesheet" href="/assets/setup.css?v=2">'
                     f'<link rel="stylesheet" href="/assets/plan.css?v={CSS_VERSION}">')
    with ui.element('main').classes('setup plan'):
        page_head(tr, event.name, tr('Action plan'), event_id,
                  (tr('Council volunteers'), f'/organize/{event_id}/council', 'council-link'))
        PlanPage(desk, plan)


class PlanPage:
    def __init__(self, desk: SetupDesk, plan: ActionPlanView) -> None:
        self.desk = desk
        self.sections: dict[int, PrioritySection] = {}
        tr = desk.tr
        self.confirm = ConfirmDialog(tr)
        with ui.element('div').classes('plan-columns'):
            self.suggestions = SuggestionList(desk, plan.suggestions)
            with ui.element('div').classes('plan-priorities').mark('priorities'):
                ui.label(tr('The plan')).classes('plan-heading').props('role=heading aria-level=2')
                self.empty = ui.label(tr('No priority in the plan yet: add one of the themes suggested from the '
                                         'day.')).classes('plan-note').mark('plan-empty')
                self.box = ui.element('div').classes('plan-priority-list')
        self.place(plan)
        live.subscribe_event(desk.event_id, [], self.apply)

    def place(self, plan: ActionPlanView) -> None:
        """Make the priorities this page does not show yet, and put every one where the plan ranks it."""
        for view in plan.priorities:
            if view.theme_id not in self.sections:
                with self.box:
                    self.sections[view.theme_id] = PrioritySection(self.desk, view, self.confirm, self.emptied)
        for index, view in enumerate(plan.priorities):
            self.sections[view.theme_id].root.move(self.box, target_index=index)
        self.empty.set_visibility(not self.sections)

    def refresh(self) -> None:
        """The plan gained or lost a priority: the suggestions again, and the priorities placed."""
        try:
            plan = read(self.desk.actor, action_plan.action_plan, event_id=self.desk.event_id)
        except DomainError:
            return  # signed out meanwhile: the next action says so
        self.suggestions.show(plan.suggestions)
        self.place(plan)

    def emptied(self, section: PrioritySection) -> None:
        self.sections.pop(section.theme_id, None)
        section.root.delete()
        self.refresh()

    def apply(self, change: Change) -> None:
        """Another organizer's edit (or this one's, coming back): the one field, action or priority it touched."""
        if isinstance(change, PlanFieldChanged):
            section = self.sections.get(change.theme_id)
            item = section.items.get(change.item_id) if section else None
            if item is not None:
                item.show(change.field, change.value)
        elif isinstance(change, PlanItemAdded):
            section = self.sections.get(change.item.theme_id)
            if section is not None:
                section.add(change.item)
            else:
                self.refresh()
        elif isinstance(change, PlanItemRemoved) and change.theme_id in self.sections:
            self.sections[change.theme_id].remove(change.item_id)
