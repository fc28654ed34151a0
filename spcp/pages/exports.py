"""The organizer's exports (``/organize/ID/exports``): one download per format of ``spcp.exports``'
registry (the same renderers as ``spcp export``), made off the event loop with progress shown, and
"Delete this event's data" after typing the event's name.

Signed in as on the set-up page (``setup.py``): the organizer link's proof in this browser, or the
password asked for first.
"""
from __future__ import annotations

import logging

from nicegui import run, ui
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request

from .. import settings
from ..actions import Outcome, read
from ..domain import setup
from ..domain.access import Actor
from ..domain.errors import DomainError
from ..exports import registry
from ..i18n import Translator
from .language import language_switch, reader
from .organize import organizer_signed_in
from .widgets import frame, refusal_page, tell

log = logging.getLogger(__name__)
CSS_VERSION = '2'   # the set-up page's style sheet: this page uses its cards


@ui.page('/organize/{event_id}/exports')
def exports_page(event_id: int, request: Request) -> None:
    tr = reader(request)
    frame(tr, tr('Exports'))
    actor = organizer_signed_in(tr, event_id, request)
    if actor is None:
        return
    try:
        event = read(actor, setup.event_setup, event_id=event_id)
    except DomainError as error:
        refusal_page(tr, tr('Cannot open the organizer page'), Outcome.refused(error.msgid, **error.params))
        return
    ui.add_head_html(f'<link rel="stylesheet" href="/assets/setup.css?v={CSS_VERSION}">')
    with ui.element('main').classes('setup'):
        with ui.element('div').classes('setup-head'):
            with ui.element('div').classes('setup-titles'):
                ui.label(event.name).classes('setup-title').props('role=heading aria-level=1 dir=auto')
                ui.label(tr('Exports')).classes('setup-subtitle')
            ui.link(tr('Back to the rooms'), f'/organize/{event_id}').classes('setup-link').mark('back-to-rooms')
            language_switch(tr)
        with ui.element('div').classes('setup-columns'):
            Downloads(tr, actor, event_id, event.name)
            Erase(tr, actor, event_id, event.name)


class Downloads:
    """A button per format; a file is made in a worker thread while the page says what it is making."""

    def __init__(self, tr: Translator, actor: Actor, event_id: int, name: str) -> None:
        self.tr, self.actor, self.event_id, self.name = tr, actor, event_id, name
        with ui.element('section').classes('setup-card').mark('downloads'):
            ui.label(tr('Download')).classes('setup-heading').props('role=heading aria-level=2')
            ui.label(tr('Made now from the event as it stands. The spreadsheet, the tables and the reports hold no '
                        'participant id and no hidden card: they are what you hand over.')).classes('setup-note')
            self.buttons = [ui.button(tr(renderer.label), icon='download',
                                      on_click=lambda _, fmt=fmt: self.download(fmt)).mark(f'download-{fmt}')
                            for fmt, renderer in registry.RENDERERS.items()]
            ui.label(tr("The archive is your own backup of everything, keys and participants' ids included: keep it "
                        'private. spcp import restores it on another laptop.')).classes('setup-note')
            with ui.row().classes('items-center') as self.progress:
                ui.spinner(size='1.5em')
                self.making = ui.label().props('role=status aria-live=polite').mark('making')
            self.progress.set_visibility(False)

    async def download(self, fmt: str) -> None:
        renderer = registry.RENDERERS[fmt]
        self.making.set_text(self.tr('Making {what}…', what=self.tr(renderer.label)))
        self.progress.set_visibility(True)
        for button in self.buttons:
            button.disable()
        try:  # a report takes a second or two: off the event loop, which serves every phone of the event
            data = await run.io_bound(registry.export_bytes, self.actor, self.event_id, fmt, locale=self.tr.locale,
                                      browser_secret=registry.browser_secret(settings.load().data_dir))
        except DomainError as error:
            tell(self.tr, Outcome.refused(error.msgid, **error.params))
            return
        except (SQLAlchemyError, OSError, ValueError):
            log.exception('export %s of event %s failed', fmt, self.event_id)
            ui.notify(self.tr('The export could not be made. Please try again.'), type='negative')
            return
        finally:
            self.progress.set_visibility(False)
            for button in self.buttons:
                button.enable()
        ui.download.content(data, registry.file_name(self.name, fmt), renderer.media_type)


class Erase:
    """Delete the event's data, once its name is typed exactly."""

    def __init__(self, tr: Translator, actor: Actor, event_id: int, name: str) -> None:
        self.tr, self.actor, self.event_id, self.name = tr, actor, event_id, name
        with ui.element('section').classes('setup-card').mark('erase') as self.card:
            ui.label(tr("Delete this event's data")).classes('setup-heading').props('role=heading aria-level=2')
            ui.label(tr('Erases every room, card, vote and participant of this event, for good, as the privacy note '
                        'on the phones promises. Download what you need first.')).classes('setup-note')
            self.typed = ui.input(tr("Type the event's name to confirm"),
                                  on_change=self.check).props('dir=auto outlined dense').mark('confirm-name')
            self.button = ui.button(tr("Delete this event's data"), icon='delete_forever', color='negative',
                                    on_click=self.erase).mark('delete-event')
            self.button.disable()

    def check(self) -> None:
        self.button.set_enabled((self.typed.value or '').strip() == self.name)

    async def erase(self) -> None:
        if (self.typed.value or '').strip() != self.name:
            return
        self.button.props('loading')
        try:
            await run.io_bound(registry.erase, self.actor, self.event_id, settings.load().data_dir)
        except DomainError as error:
            tell(self.tr, Outcome.refused(error.msgid, **error.params))
            return
        finally:
            self.button.props(remove='loading')
        self.card.clear()
        with self.card:
            ui.label(self.tr("This event's data was deleted.")).classes('setup-heading').mark('deleted')
