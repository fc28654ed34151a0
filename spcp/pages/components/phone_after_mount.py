"""The phone's phase column, drawn just after the page has mounted (``phone_after_mount.js``): the socket,
which NiceGUI opens once the page has mounted, connects while the phase is being drawn."""
from __future__ import annotations

from nicegui import ui


class AfterMount(ui.element, component='phone_after_mount.js'):
    """A column (as ``ui.column``) whose children the browser draws one task after the page has mounted."""
