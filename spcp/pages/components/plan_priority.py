"""One priority of the action plan: its name and where it came from, what the day said about it (cards
and dots, solutions and endorsements, how each group voted, folded away), its actions, and a field to
add one. Actions come and go one by one (``add``/``remove``), as the live changes say."""
from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from ...domain import action_plan
from ...domain.action_plan import ActionItemView, PriorityView
from ...domain.stakeholders import AGREE, DIFFER
from ...i18n import Translator
from ..widgets import labelled
from .plan_confirm import ConfirmDialog
from .plan_item import PlanItem
from .setup_desk import SetupDesk
from .stakeholder_chart import StakeholderChart


def meta_text(tr: Translator, room: str, dots: int, plenary_dots: int | None) -> str:
    """"Room 1 · 5 dots · 12 dots in the plenary"."""
    parts = [room, tr.plural('{n} dot', '{n} dots', dots)]
    if plenary_dots is not None:
        parts.append(tr.plural('{n} dot in the plenary', '{n} dots in the plenary', plenary_dots))
    return ' · '.join(parts)


def accord(tr: Translator, view: PriorityView) -> None:
    """"Groups agree" or "Groups differ" on this theme, when the breakdown may say so (as the chart words it)."""
    row = view.stakeholders.theme(view.theme_id)
    if row is not None and row.accord in (AGREE, DIFFER):
        ui.label(tr('Groups agree') if row.accord == AGREE else tr('Groups differ')) \
            .classes(f'groups-accord groups-{row.accord}').mark(f'priority-{view.theme_id}-accord')


class PrioritySection:
    def __init__(self, desk: SetupDesk, view: PriorityView, confirm: ConfirmDialog,
                 on_empty: Callable[[PrioritySection], None]) -> None:
        self.desk, self.theme_id, self.confirm, self.on_empty = desk, view.theme_id, confirm, on_empty
        self.name = view.name
        self.items: dict[int, PlanItem] = {}
        tr = desk.tr
        with ui.element('section').classes('plan-priority').mark(f'priority-{view.theme_id}') as self.root:
            with ui.element('div').classes('plan-priority-head'):
                with ui.element('div').classes('plan-priority-titles'):
                    ui.label(view.name).classes('plan-priority-name').props('role=heading aria-level=2 dir=auto')
                    with ui.element('div').classes('plan-meta-line'):
                        ui.label(meta_text(tr, view.room_name, view.dots, view.plenary_dots)).classes('plan-meta') \
                            .props('dir=auto')
                        accord(tr, view)
                ui.button(tr('Take out of the plan'), on_click=self.ask_take_out) \
                    .props('flat no-caps color=negative').mark(f'priority-{view.theme_id}-out')
            self.day(view)
            self.list = ui.element('div').classes('plan-items')
            for item in view.items:
                self.add(item)
            with ui.element('div').classes('plan-add'):
                self.new = labelled(ui.input(placeholder=tr('A new action for this priority'))
                                    .props(f'outlined dense dir=auto maxlength={action_plan.MAX_ACTION}'),
                                    aria_label=tr('A new action for this priority')) \
                    .classes('plan-add-input').mark(f'priority-{view.theme_id}-new')
                self.new.on('keydown.enter', self.add_action)
                ui.button(tr('Add an action'), icon='add', on_click=self.add_action) \
                    .props('outline no-caps').mark(f'priority-{view.theme_id}-add')

    def day(self, view: PriorityView) -> None:
        """What the day said about it: folded away, so the actions stay in view on a laptop."""
        tr = self.desk.tr
        with ui.expansion(tr('From the day')).classes('plan-day').mark(f'priority-{view.theme_id}-day'), \
                ui.element('div').classes('plan-day-columns'):
            with ui.element('div').classes('plan-day-part'):
                ui.label(tr('Issues')).classes('plan-day-heading')
                for card in view.cards:
                    self.line(card.text, tr.plural('{n} dot', '{n} dots', card.dots))
                ui.label(tr('Solutions')).classes('plan-day-heading')
                if not view.solutions:
                    ui.label(tr('No solutions.')).classes('plan-note')
                for solution in view.solutions:
                    self.line(solution.text, tr.plural('{n} endorsement', '{n} endorsements', solution.endorsements))
            with ui.element('div').classes('plan-day-part'):
                ui.label(tr('How each group voted')).classes('plan-day-heading')
                StakeholderChart(tr, view.stakeholders, by='themes', rows=1)
                if view.plenary is not None:
                    ui.label(tr('In the plenary')).classes('plan-day-heading')
                    StakeholderChart(tr, view.plenary, by='cards', rows=1)

    @staticmethod
    def line(text: str, figure: str) -> None:
        with ui.element('div').classes('plan-line'):
            ui.label(text).classes('plan-line-text').props('dir=auto')
            ui.label(figure).classes('plan-line-figure')

    # ---------- actions ----------

    def add(self, item: ActionItemView) -> None:
        if item.id not in self.items:
            with self.list:
                self.items[item.id] = PlanItem(self.desk, item, self.ask_remove)

    def remove(self, item_id: int) -> None:
        item = self.items.pop(item_id, None)
        if item is not None:
            item.root.delete()
        if not self.items:
            self.on_empty(self)

    def add_action(self) -> None:
        if self.desk.act(action_plan.add_item, event_id=self.desk.event_id, theme_id=self.theme_id,
                         text=self.new.value or '').done:
            self.new.value = ''

    def ask_remove(self, item: PlanItem) -> None:
        tr = self.desk.tr
        self.confirm.ask(tr('Remove this action?'), item.known['text'] or '', tr('Remove'),
                         lambda: self.desk.act(action_plan.remove_item, event_id=self.desk.event_id,
                                               item_id=item.id))

    def ask_take_out(self) -> None:
        tr = self.desk.tr
        self.confirm.ask(tr('Take "{name}" out of the plan?', name=self.name),
                         tr('Its actions and everything written in them are deleted, for every organizer.'),
                         tr('Take out'),
                         lambda: self.desk.act(action_plan.remove_priority, event_id=self.desk.event_id,
                                               theme_id=self.theme_id))
