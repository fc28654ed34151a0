"""One action of the plan, every field saved on its own (``action_plan.edit_item``): a text field when
the organizer leaves it (or presses Enter on a one-line field), a choice or a date as soon as it is
picked. Another organizer's edit arrives as ``show(field, value)`` and replaces that one field only, so
what this organizer is typing in another field stays as it is."""
from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from ...domain import action_plan
from ...domain.action_plan import RESPONSIBLE, STATUSES, ActionItemView
from ..widgets import refusal_text
from .setup_desk import SetupDesk

TEXTAREAS = ('text', 'first_steps', 'resources', 'success_measure', 'notes')
INPUTS = ('lead', 'partners')
CHOICES = ('responsible', 'status')
DATES = ('start_date', 'due_date')
LIMITS = {'text': action_plan.MAX_ACTION, **action_plan.ONE_LINE, **action_plan.LONG}


class PlanItem:
    def __init__(self, desk: SetupDesk, item: ActionItemView, on_remove: Callable[[PlanItem], None]) -> None:
        self.desk, self.id, self.theme_id = desk, item.id, item.theme_id
        self.known: dict[str, str | None] = {field: getattr(item, field) for field in action_plan.FIELDS}
        self.fields: dict[str, ui.element] = {}
        tr = desk.tr
        with ui.element('article').classes('plan-item').mark(f'item-{item.id}') as self.root:
            with ui.element('div').classes('plan-item-head'):
                self.textarea('text', tr('Action')).classes('plan-action')
                self.choice('status', tr('Status'), {k: tr(v) for k, v in STATUSES.items()})
                remove = ui.button(icon='delete', on_click=lambda: on_remove(self)) \
                    .props('flat round color=negative').mark(f'item-{item.id}-remove')
                remove.props['aria-label'] = tr('Remove this action')
                with remove:
                    ui.tooltip(tr('Remove this action'))
            if item.solution_id is not None:
                ui.label(tr('From a solution of the day')).classes('plan-origin')
            with ui.element('div').classes('plan-grid'):
                self.input('lead', tr('Lead (person or body)'))
                self.input('partners', tr('Partners'))
                self.choice('responsible', tr('Responsible'),
                            {'': tr('Not decided')} | {k: tr(v) for k, v in RESPONSIBLE.items()})
                self.date('start_date', tr('Start date'))
                self.date('due_date', tr('Due date'))
                self.textarea('first_steps', tr('First steps'))
                self.textarea('resources', tr('Resources needed'))
                self.textarea('success_measure', tr('Measure of success'))
                self.textarea('notes', tr('Notes'))

    # ---------- building ----------

    def _field(self, field: str, element: ui.element) -> ui.element:
        self.fields[field] = element
        return element.mark(f'item-{self.id}-{field}')

    def textarea(self, field: str, label: str) -> ui.element:
        area = ui.textarea(label, value=self.known[field] or '') \
            .props(f'outlined autogrow dense hide-bottom-space dir=auto maxlength={LIMITS[field]}')
        area.on('blur', lambda: self.save(field))
        return self._field(field, area)

    def input(self, field: str, label: str) -> ui.element:
        box = ui.input(label, value=self.known[field] or '') \
            .props(f'outlined dense hide-bottom-space dir=auto maxlength={LIMITS[field]}')
        box.on('blur', lambda: self.save(field))
        box.on('keydown.enter', lambda: self.save(field))
        return self._field(field, box)

    def choice(self, field: str, label: str, options: dict[str, str]) -> ui.element:
        select = ui.select(options, label=label, value=self.known[field] or '',
                           on_change=lambda: self.save(field)).props('outlined dense hide-bottom-space options-dense')
        return self._field(field, select)

    def date(self, field: str, label: str) -> ui.element:
        box = ui.input(label, value=self.known[field] or '', on_change=lambda: self.save(field)) \
            .props('outlined dense hide-bottom-space stack-label type=date')
        return self._field(field, box)

    # ---------- saving and showing ----------

    def value_of(self, field: str) -> str | None:
        """What the element holds, as the domain takes it ('' is "none" except for the action's words)."""
        value = self.fields[field].value
        return value if field == 'text' else (value or None)

    def unchanged(self, field: str, value: str | None) -> bool:
        """Nothing new to save: the value shown from another organizer's edit, or spaces added around it."""
        if field in TEXTAREAS + INPUTS:
            return (value or '').strip() == (self.known[field] or '')
        return value == self.known[field]

    def save(self, field: str) -> None:
        value = self.value_of(field)
        if self.unchanged(field, value):
            return
        outcome = self.desk.act(action_plan.edit_item, event_id=self.desk.event_id, item_id=self.id,
                                field=field, value=value)
        if outcome.done:
            self.show(field, getattr(outcome.value, field))
        else:
            self.mark_refused(field, refusal_text(self.desk.tr, outcome))

    def show(self, field: str, value: str | None) -> None:
        """The field as stored (this organizer's save, or another's edit): that element alone."""
        self.known[field] = value
        element = self.fields[field]
        element.props['error'] = False
        element.value = value or ''

    def mark_refused(self, field: str, message: str) -> None:
        element = self.fields[field]
        element.props['error'] = True
        element.props['error-message'] = message
        element.update()
