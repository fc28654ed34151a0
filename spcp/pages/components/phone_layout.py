"""A phone page without Quasar's page layout.

NiceGUI wraps every page in QLayout, QPageContainer and QPage, which place a header, drawers and a
footer; a phone page has none. On the slow phone QLayout's scroll watcher forced a layout of the whole
page in the middle of mounting it (60 ms at 4x CPU), and the three were 2 KB (as brotli) of the phone's own Quasar
(spcp/phone_quasar.py). Here the page container and the page become plain divs, and the layout a
component that only draws a div: element 0 must stay a Vue component, since NiceGUI's ``emitEvent``
(the outbox's ``spcp_outbox``) and ``ui.on`` go through it.
"""
from __future__ import annotations

from nicegui import ui
from nicegui.client import Client


class PhoneLayout(ui.element, component='phone_layout.js'):
    pass


def plain_layout(client: Client) -> None:
    """Before the page's first HTML is built: the same elements, drawn as plain divs."""
    client.layout.component = PhoneLayout.component
    client.layout.tag = PhoneLayout.component.tag
    page = next(iter(client.page_container))
    client.page_container.tag = page.tag = 'div'
