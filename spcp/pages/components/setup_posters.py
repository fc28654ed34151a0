"""The set-up page's "Download posters (PDF)": every room's poster and facilitator sheet, made on demand
(spcp.posters) and sent to this browser only."""
from __future__ import annotations

from nicegui import run, ui

from ... import posters
from ...domain import setup
from .setup_desk import SetupDesk


def file_name(event_name: str) -> str:
    """``spcp-posters-riverside-spcp.pdf``: the event's name in plain letters, for the downloads folder."""
    words = ''.join(ch if ch.isascii() and ch.isalnum() else ' ' for ch in event_name.lower()).split()
    return '-'.join(['spcp-posters', *words])[:60].rstrip('-') + '.pdf'


class PosterDownload:
    def __init__(self, desk: SetupDesk) -> None:
        self.desk = desk
        tr = desk.tr
        with ui.element('section').classes('setup-card').mark('posters'):
            ui.label(tr('Posters')).classes('setup-heading').props('role=heading aria-level=2')
            ui.label(tr('One page per room to put up at its door (QR code, room code, Wi-Fi), then a sheet for each '
                        'facilitator with their sign-in links. Give each sheet only to its facilitator.')) \
                .classes('setup-note')
            self.button = ui.button(tr('Download posters (PDF)'), icon='download', on_click=self.download) \
                .mark('download-posters')

    async def download(self) -> None:
        event = self.desk.read()
        keys = self.desk.read(setup.facilitator_keys) if event is not None else None
        if event is None or keys is None:
            return
        self.button.props('loading')
        try:  # about 75 ms a room: off the event loop, which serves every phone of the event
            pdf = await run.io_bound(posters.render, posters.poster_view(event, keys, self.desk.base))
        finally:
            self.button.props(remove='loading')
        ui.download.content(pdf, file_name(event.name), 'application/pdf')
