"""The facilitator's tools on the selected cards: show to the room, hide and show, merge and its
undo (in every phase with cards), and grouping into themes (only in Themes, the phase that groups)."""
from __future__ import annotations

from nicegui import ui

from ...domain import cards, phases, themes
from ...domain.changes import Change
from ...domain.views import RoomView
from ..widgets import NOTIFY_AT
from .board_cards import BoardCards
from .desk import Desk

CARD_PHASES = (phases.ISSUES, phases.VOTE, phases.THEMES)


class GroupingTools:
    def __init__(self, desk: Desk, board_cards: BoardCards, view: RoomView) -> None:
        self.desk, self.cards, tr = desk, board_cards, desk.tr
        with ui.column().classes('tool-box') as self.box:
            self.selection_label = ui.label().classes('font-bold').mark('selection')
            with ui.row().classes('tool-row'):
                ui.button(tr('Show to the room'), icon='zoom_in', on_click=self.focus).props('outline').mark('focus')
                ui.button(tr('Hide'), icon='visibility_off', on_click=lambda: self.hide(True)) \
                    .props('outline color=negative').mark('hide')
                ui.button(tr('Show'), icon='visibility', on_click=lambda: self.hide(False)) \
                    .props('outline').mark('show')
                # duplicates are merged in any phase with cards: while naming, before the dots split between them
                ui.button(tr('Merge'), icon='call_merge', on_click=self.merge).props('outline').mark('merge')
                ui.button(tr('Unmerge'), icon='call_split', on_click=self.choose_unmerge).props('outline') \
                    .mark('unmerge')
                ui.button(tr('Clear selection'), on_click=self.cards.clear_selection).props('flat')
            with ui.column().classes('tool-box') as self.grouping:  # themes are made in Themes only
                self.theme_name = ui.input(tr('Theme name')).props('dense outlined maxlength=80') \
                    .classes('w-full').mark('theme-name')
                with ui.row().classes('tool-row'):
                    ui.button(tr('Group'), icon='workspaces', on_click=self.group).props('unelevated').mark('group')
                    ui.button(tr('Rename'), on_click=self.rename).props('outline')
                    ui.button(tr('Ungroup'), on_click=self.ungroup).props('outline')
                    ui.button(tr('Take out of theme'), on_click=self.take_out).props('outline')
                    ui.button(tr('Rank themes'), icon='sort', on_click=lambda: self.desk.act(themes.rank)) \
                        .props('outline')
        self.show_phase(view)
        self.show_selection()

    def show_phase(self, view: RoomView) -> None:
        self.box.set_visibility(view.phase in CARD_PHASES)
        self.grouping.set_visibility(view.phase == phases.THEMES)

    def apply(self, _change: Change) -> None:
        self.show_selection()

    def show_selection(self) -> None:
        tr, theme = self.desk.tr, self.cards.themed.themes.get(self.cards.selected_theme or -1)
        text = tr.plural('{n} card selected', '{n} cards selected', len(self.cards.selected))
        if theme is not None:
            text += ' · ' + tr('theme: {name}', name=theme.name)
            if not self.theme_name.value:
                self.theme_name.set_value(theme.name)
        self.selection_label.set_text(text)

    def warn(self, text: str) -> None:
        ui.notify(text, type='warning', position=NOTIFY_AT)

    def focus(self) -> None:
        if not self.cards.selected:
            self.warn(self.desk.tr('Click a card first.'))
            return
        self.cards.focus(list(self.cards.selected))

    def done(self) -> None:
        self.theme_name.set_value('')
        self.cards.clear_selection()

    def group(self) -> None:
        if not self.cards.selected:
            self.warn(self.desk.tr('Click the cards to group first.'))
        elif self.desk.act(themes.group, card_ids=list(self.cards.selected), name=self.theme_name.value,
                           theme_id=self.cards.selected_theme).done:
            self.done()

    def rename(self) -> None:
        if self.cards.selected_theme is None:
            self.warn(self.desk.tr('Click a theme name first.'))
        elif self.desk.act(themes.rename, theme_id=self.cards.selected_theme, name=self.theme_name.value or '').done:
            self.done()

    def ungroup(self) -> None:
        if self.cards.selected_theme is None:
            self.warn(self.desk.tr('Click a theme name first.'))
        elif self.desk.act(themes.ungroup, theme_id=self.cards.selected_theme).done:
            self.done()

    def take_out(self) -> None:
        if self.desk.act(themes.take_out, card_ids=list(self.cards.selected)).done:
            self.done()

    def merge(self) -> None:
        selected = self.cards.selected
        if len(selected) < 2:
            self.warn(self.desk.tr('Select at least two cards to merge. The first one you clicked is kept.'))
        elif self.desk.act(cards.merge, keep_id=selected[0], other_ids=selected[1:]).done:
            self.done()

    def choose_unmerge(self) -> None:
        """The wordings merged into the selected card, each with its own undo."""
        merged = [m for c in self.cards.selected if (v := self.cards.views.get(c)) for m in v.merged]
        if not merged:
            self.warn(self.desk.tr('Select a card with "+N similar" to take a merged card out again.'))
            return
        with ui.dialog() as dialog, ui.card().classes('tool-dialog'):
            ui.label(self.desk.tr('Take which card out again?')).classes('text-xl font-bold')
            for card_id, text in merged:
                with ui.row().classes('items-center no-wrap w-full'):
                    ui.label(text).classes('grow').props('dir=auto')
                    ui.button(self.desk.tr('Unmerge'), on_click=lambda c=card_id: (dialog.close(), self.unmerge(c))) \
                        .props('outline').mark('unmerge-one')
            ui.button(self.desk.tr('Cancel'), on_click=dialog.close).props('flat')
        dialog.open()

    def unmerge(self, card_id: int) -> None:
        if self.desk.act(cards.unmerge, card_id=card_id).done:
            self.done()

    def hide(self, hidden: bool) -> None:
        for card_id in list(self.cards.selected):
            self.desk.act(cards.set_hidden, card_id=card_id, hidden=hidden)
        self.cards.clear_selection()
        if hidden:
            ui.notify(self.desk.tr('Hidden from the room. Open "Hidden cards" to show it again.'), position=NOTIFY_AT)
