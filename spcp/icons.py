"""Quasar draws the icons we use as inline SVG, not with NiceGUI's Material Icons font.

That font is 128.6 KB for the ~35 icons our pages draw, fetched only once an icon is laid out and
invisible until it has arrived. ``assets/icons.json`` (made by ``scripts/make_icons.py`` from that
very font, so the icons look the same) holds an SVG path per name we use, including the names
Quasar's own components take from its icon set (a select's arrow, an expansion's chevron).
:func:`install` hands Quasar an ``iconMapFn`` over that map, inside the page's inline start-up
script: no request at all. A name not in the map gets ``undefined``, and Quasar then draws it with
the Material Icons font as before, so a new icon still renders before the map is regenerated
(``tests/live/test_icon_map.py`` fails until it is).
"""
from __future__ import annotations

import json

from nicegui import app

from .settings import ASSETS_DIR

ICONS_FILE = ASSETS_DIR / 'icons.json'
MARKER = '/* spcp icons */'  # install() is idempotent: the page tests build the app more than once


def icon_map_script() -> str:
    """JavaScript run before ``app.use(Quasar, {config: vue_config})``: sets ``vue_config.iconMapFn``."""
    data = json.loads(ICONS_FILE.read_text(encoding='utf-8'))
    icons = {name: f'{path}|{data["viewbox"]}' for name, path in data['icons'].items()}  # Quasar's 'path|viewBox'
    return (f'{MARKER}\nconst spcpIcons = {json.dumps(icons, separators=(",", ":"), sort_keys=True)};\n'
            'vue_config.iconMapFn = (name) => Object.prototype.hasOwnProperty.call(spcpIcons, name)'
            ' ? {icon: spcpIcons[name]} : undefined;\n')


def install() -> None:
    if MARKER not in app.config.vue_config_script:
        app.config.vue_config_script = icon_map_script() + app.config.vue_config_script
