"""The room's cards on the board (Issues, Vote, Themes): theme boxes and the ungrouped pool, the
facilitator's selection, vote totals once revealed, the hidden-cards tray and the focus view.

A card shows at most two lines (three when few); its whole text, and the wording of cards merged
into it, are in the focus view the facilitator opens for the room (double-click, or "Show to the
room")."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from nicegui import ui
from nicegui.elements.mixins.text_element import TextElement

from ...domain.changes import CardChanged, CardRemoved, Change, RevealChanged, ThemeChanged, ThemeRemoved, VotesChanged
from ...domain.views import CardView, RoomView, ThemeView
from ...i18n import Translator
from ..themed import ThemedCards

KEYS = ('click', 'keydown.enter', 'keydown.space.prevent')  # a card or theme name answers the keyboard too
CARD_CLASSES = ('board-card', 'room-text')
CARD_PROPS = {'dir': 'auto', 'role': 'button', 'tabindex': '0'}


class BoardCards:
    def __init__(self, tr: Translator, view: RoomView, tray: ui.element,
                 on_select: Callable[[], None]) -> None:
        self.tr, self.on_select = tr, on_select
        self.revealed = view.revealed
        self.views: dict[int, CardView] = {}
        self.selected: list[int] = []
        self.selected_theme: int | None = None
        self.hidden: dict[int, ui.label] = {}
        self.theme_marks: dict[int, tuple[ui.label, ui.label]] = {}  # theme id -> its rank and dots labels
        self.tray = tray
        with ui.element('div').classes('board-cards') as self.area:
            self.themes_area = ui.element('div').classes('themes')
            self.pool_label = ui.label(tr('Not in a theme yet')).classes('section-label')
            self.pool = ui.element('div').classes('pool')
        self.note = ui.label(tr('+N similar: cards merged into one. Dots from the same person count once.')) \
            .classes('board-note').mark('merged-note')
        self.themed = ThemedCards(self.pool, self.themes_area, self.make_card, self.make_theme, self.theme_title)
        for theme in view.themes:
            self.themed.upsert_theme(theme)
        for card in view.cards:
            self.place(card)
        self.show_extras()
        self.retitle()
        if self.revealed:
            self.sort_by_votes()

    # ---------- how a card and a theme look ----------

    def make_card(self, card: CardView) -> ui.label:
        # a button to assistive technology and the keyboard (Tab, then Enter or Space selects it); made for every
        # new card while a room submits: classes and props set as they are, not parsed from strings each time
        label = ui.label(card.text).mark('board-card')
        label.classes.extend(CARD_CLASSES)
        label.props.update(CARD_PROPS)
        for event in KEYS:
            label.on(event, lambda c=card.id: self.toggle(c))
        label.on('dblclick', lambda c=card.id: self.focus([c]))
        return label

    def decorate(self, label: ui.label, card: CardView) -> None:
        label.props['data-merged'] = self.tr.plural('+{n} similar', '+{n} similar', card.merged_count) \
            if card.merged_count else None
        label.props['data-votes'] = str(card.votes) if self.revealed else None
        label.props['aria-pressed'] = 'true' if card.id in self.selected else 'false'
        label.props['title'] = '\n'.join([card.text, *(text for _, text in card.merged)])
        label.update()
        self.show_merged(label, card)

    def show_merged(self, label: ui.label, card: CardView) -> None:
        """The wording of the cards merged into this one stays on it, after its own (as far as its lines go);
        on a plenary card, the rooms it came from."""
        if getattr(label, 'merged_shown', ()) == (card.merged, card.origin):
            return
        label.clear()
        with label:
            for _, text in card.merged:
                TextElement(tag='span', text=text).classes('board-card-merged').props('dir=auto')
            if card.origin:
                TextElement(tag='span', text=self.tr('From: {rooms}', rooms=' · '.join(card.origin))) \
                    .classes('board-card-origin').mark('card-origin')
        label.merged_shown = (card.merged, card.origin)

    def make_theme(self, theme: ThemeView) -> tuple[ui.element, ui.label]:
        with ui.element('div').classes('board-theme') as box:
            with ui.element('div').classes('board-theme-head').props('role=heading aria-level=2'):
                rank = ui.label().classes('board-theme-rank')
                # the name in its own direction (an Arabic name on an English board), rank and dots in the board's
                name = ui.label(theme.name).classes('board-theme-name room-text') \
                    .props('dir=auto role=button tabindex=0').mark('theme-title')
                dots = ui.label().classes('board-theme-dots')
            for event in KEYS:
                name.on(event, lambda th=theme.id: self.toggle_theme(th))
        self.theme_marks[theme.id] = (rank, dots)
        return box, name

    @staticmethod
    def theme_title(theme: ThemeView) -> str:
        return theme.name  # rank and dots are beside it (data-rank, data-dots): an Arabic name keeps its order

    def retitle(self) -> None:
        """Each theme's rank and, once revealed, the dots on its cards."""
        dots: dict[int, int] = {}
        for card_id, theme_id in self.themed.placed.items():
            if theme_id is not None:
                dots[theme_id] = dots.get(theme_id, 0) + self.views[card_id].votes
        for theme_id, (rank, total) in self.theme_marks.items():
            if theme_id in self.themed.themes:
                place = self.themed.themes[theme_id].rank
                rank.set_text(f'#{place}' if place else '')
                total.set_text(self.tr.plural('{n} dot', '{n} dots', dots.get(theme_id, 0)) if self.revealed else '')

    # ---------- keeping up with the room ----------

    def place(self, card: CardView) -> None:
        self.views[card.id] = card
        if card.hidden or card.pending:  # waiting cards are in the review queue, hidden ones in the tray
            self.themed.remove_card(card.id)
            if card.pending:
                self.unselect(card.id)
            if card.hidden and card.id not in self.hidden:
                with self.tray:
                    self.hidden[card.id] = self.make_card(card)
            if card.hidden:
                self.hidden[card.id].set_text(card.text)
            return
        if card.id in self.hidden:
            self.hidden.pop(card.id).delete()
        self.decorate(self.themed.upsert_card(card), card)

    def apply(self, change: Change) -> None:
        if isinstance(change, CardChanged):
            self.place(change.card)
        elif isinstance(change, CardRemoved):
            self.themed.remove_card(change.card_id)
            self.views.pop(change.card_id, None)
            if change.card_id in self.hidden:
                self.hidden.pop(change.card_id).delete()
            self.unselect(change.card_id)
        elif isinstance(change, VotesChanged):
            self.update_total(change.card_id, change.total)
        elif isinstance(change, ThemeChanged):
            self.themed.upsert_theme(change.theme)
        elif isinstance(change, ThemeRemoved):
            self.themed.remove_theme(change.theme_id)
            if self.selected_theme == change.theme_id:
                self.selected_theme = None
        elif isinstance(change, RevealChanged):
            self.revealed = change.revealed
            self.show_totals()
        else:
            return
        if not isinstance(change, VotesChanged):
            self.show_extras()
            self.retitle()
        self.on_select()

    def update_total(self, card_id: int, total: int) -> None:
        card = self.views.get(card_id)
        if card is None:
            return
        self.views[card_id] = replace(card, votes=total)
        label = self.themed.cards.get(card_id)
        if label is not None and self.revealed:
            label.props['data-votes'] = str(total)
            label.update()
            if self.themed.placed.get(card_id) is not None:
                self.retitle()

    def show_totals(self) -> None:
        for card_id, label in self.themed.cards.items():
            self.decorate(label, self.views[card_id])
        self.retitle()
        if self.revealed:
            self.sort_by_votes()

    def sort_by_votes(self) -> None:
        """After the reveal the room sees the most dotted issues first."""
        pooled = [c for c, theme in self.themed.placed.items() if theme is None]
        for index, card_id in enumerate(sorted(pooled, key=lambda c: (-self.views[c].votes, c))):
            self.themed.cards[card_id].move(self.pool, target_index=index)

    def show_extras(self) -> None:
        shown = [c for c in self.views.values() if not c.hidden and not c.pending]
        self.note.set_visibility(any(c.merged_count for c in shown))
        self.pool_label.set_visibility(bool(self.themed.themes) and any(t is None for t in self.themed.placed.values()))

    # ---------- selection and focus ----------

    def toggle(self, card_id: int) -> None:
        if card_id in self.selected:
            self.unselect(card_id)
        else:
            self.selected.append(card_id)
            self.mark(card_id, True)
        self.on_select()

    def unselect(self, card_id: int) -> None:
        if card_id in self.selected:
            self.selected.remove(card_id)
            self.mark(card_id, False)

    def mark(self, card_id: int, on: bool) -> None:
        label = self.themed.cards.get(card_id) or self.hidden.get(card_id)
        if label is not None:
            label.classes(add='selected' if on else '', remove='' if on else 'selected')
            label.props['aria-pressed'] = 'true' if on else 'false'
            label.update()

    def toggle_theme(self, theme_id: int) -> None:
        previous, self.selected_theme = self.selected_theme, (None if self.selected_theme == theme_id else theme_id)
        for tid in (previous, self.selected_theme):
            if tid in self.themed.boxes:
                self.themed.boxes[tid][1].classes(toggle='selected')
        self.on_select()

    def clear_selection(self) -> None:
        for card_id in list(self.selected):
            self.unselect(card_id)
        if self.selected_theme is not None:
            self.toggle_theme(self.selected_theme)
        self.on_select()

    def focus(self, card_ids: list[int]) -> None:
        """The cards' whole text, large, for the room to read (closes on a click or Escape)."""
        shown = [self.views[c] for c in card_ids if c in self.views]
        if not shown:
            return
        with ui.dialog().props('maximized') as dialog, ui.element('div').classes('board-focus') as box:
            box.on('click', dialog.close)
            for card in shown:
                ui.label(card.text).classes('board-focus-text room-text').props('dir=auto')
                for _, text in card.merged:
                    ui.label(text).classes('board-focus-merged room-text').props('dir=auto')
            ui.label(self.tr('Click anywhere to close')).classes('board-focus-hint')
        dialog.on('hide', dialog.delete)
        dialog.open()
