"""The browser's own ``<select>``: on a phone it opens the phone's own picker, and it needs none of
Quasar's select (with its menu, chips and virtual scroll, 15 KB of a phone's first load as brotli)."""
from __future__ import annotations

from collections.abc import Callable

from nicegui.elements.mixins.value_element import ValueElement
from nicegui.events import ValueChangeEventArguments


class NativeSelect(ValueElement, component='native_select.js'):

    def __init__(self, options: dict[str, str], *, value: str,
                 on_change: Callable[[ValueChangeEventArguments], object]) -> None:
        super().__init__(value=value, on_value_change=on_change)
        self.options = options
        self._props['options'] = list(options.items())
