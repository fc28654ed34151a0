"""The plenary on the organizer's dashboard: make it (every room's top themes pulled in), pull again as
rooms finish, open its board, and move the whole hall there (every phone follows, no new scan)."""
from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from ...actions import Outcome
from ...domain import plenary
from ...domain.events import format_code
from ...i18n import Translator
from ..widgets import tell


class PlenaryPanel:
    def __init__(self, tr: Translator, act: Callable[..., Outcome], found: plenary.PlenaryState | None) -> None:
        self.tr, self.act = tr, act
        with ui.element('div').classes('dash-plenary').mark('plenary-panel'):
            ui.label(tr('Plenary')).classes('dash-plenary-title').props('role=heading aria-level=2')
            self.status = ui.label().classes('dash-plenary-status').mark('plenary-status')
            with ui.row().classes('items-center gap-2'):
                self.make = ui.button(on_click=self.pull).props('unelevated no-caps').mark('plenary-make')
                self.board = ui.link(tr('Open the plenary board'), '#').classes('dash-link').mark('plenary-board')
                self.open = ui.button(tr('Move everyone to the plenary'), icon='groups',
                                      on_click=lambda: self.confirm.open()) \
                    .props('unelevated no-caps color=positive').mark('plenary-open')
        with ui.dialog() as self.confirm, ui.card():
            ui.label(tr('Move everyone to the plenary?')).classes('text-xl font-bold')
            ui.label(tr("Every phone in every room switches to the plenary now. Rooms keep their work; "
                        "people cannot go back to their room's page."))
            with ui.row():
                ui.button(tr('Move everyone'), on_click=self.open_for_all).props('unelevated no-caps') \
                    .mark('plenary-confirm')
                ui.button(tr('Cancel'), on_click=self.confirm.close).props('flat no-caps')
        self.show(found)

    def show(self, found: plenary.PlenaryState | None) -> None:
        tr = self.tr
        self.make.set_text(tr('Make the plenary') if found is None else tr('Pull in new top themes'))
        self.board.set_visibility(found is not None)
        self.open.set_visibility(found is not None and not found.opened)
        if found is None:
            self.status.set_text(tr("Not made yet: it gathers every room's top themes for one vote of the hall."))
            return
        self.board.props(f'href=/board/{found.code}')
        parts = [tr.plural('{n} theme', '{n} themes', found.cards), tr('Code {code}', code=format_code(found.code))]
        parts.append(tr('Everyone is there') if found.opened else tr('Not open to phones yet'))
        self.status.set_text(' · '.join(parts))

    def pull(self) -> None:
        tell(self.tr, self.act(plenary.create))

    def open_for_all(self) -> None:
        self.confirm.close()
        tell(self.tr, self.act(plenary.open_plenary), done=self.tr('Everyone is moving to the plenary.'))
