"""The icon map (assets/icons.json, made by scripts/make_icons.py) covers every icon our pages draw.

A name missing from the map still renders (with the 128.6 KB Material Icons font, see spcp/icons.py),
so nothing here would show on screen: these tests are what catches it. Fix: run
``.venv/bin/python scripts/make_icons.py`` and commit assets/icons.json.
"""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from spcp import icons

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope='module')
def make_icons():
    spec = importlib.util.spec_from_file_location('make_icons', PROJECT_ROOT / 'scripts' / 'make_icons.py')
    module = importlib.util.module_from_spec(spec)
    sys.modules['make_icons'] = module  # dataclasses and typing look modules up by name
    spec.loader.exec_module(module)
    return module


def mapped() -> dict[str, str]:
    return json.loads(icons.ICONS_FILE.read_text(encoding='utf-8'))['icons']


def test_every_icon_spcp_draws_is_in_the_map(make_icons) -> None:
    missing = make_icons.used_names() - set(mapped())
    assert not missing, f'not in assets/icons.json (run scripts/make_icons.py): {sorted(missing)}'


def test_the_scan_finds_every_way_spcp_writes_an_icon(make_icons, tmp_path) -> None:
    (tmp_path / 'page.py').write_text('''
from nicegui import ui

class Controls:
    def button(self, text, icon, on_click=None):
        return ui.button(text, icon=icon, on_click=on_click)

    def build(self, button):
        self.button('Back', 'chevron_left')
        ui.button('Send', icon='send').props('flat icon=thumb_up')
        ui.icon('shield')
        button.props['icon'] = 'key'
        for name, value in (('icon', 'visibility_off'), ('data-hidden', 'true')):
            pass
        ui.notify('Saved', type='positive')
        ui.label('check').props('icon-right')  # a word that is an icon name, not used as one
        options = {'icon': 'pause', 'color': 'primary'}
''')
    (tmp_path / 'list.js').write_text('export default { template: `<q-btn icon="add"/><q-icon name="sort"/>` };')
    found = make_icons.used_names(tmp_path)
    assert found == {'chevron_left', 'send', 'thumb_up', 'shield', 'key', 'visibility_off', 'pause', 'add', 'sort',
                     # ui.notify: the four type icons of Quasar's icon set
                     'check_circle', 'warning', 'info', 'priority_high'}


def test_quasar_icon_set_keys_exist_in_the_bundled_quasar(make_icons) -> None:
    icon_set = make_icons.quasar_icon_set()
    assert icon_set['expansionItem']['icon'] == 'keyboard_arrow_down'
    assert icon_set['arrow']['dropdown'] == 'arrow_drop_down'
    for element, keys in make_icons.QUASAR_ICONS.items():
        for key in keys:
            group, item = key.split('.')
            assert item in icon_set.get(group, {}), f'ui.{element}: Quasar has no icon {key}'


def test_the_paths_are_the_bundled_fonts_glyphs(make_icons) -> None:
    pytest.importorskip('fontTools')
    current = mapped()
    assert make_icons.svg_paths(current) == current  # regenerated from this NiceGUI's font, not edited by hand


def test_the_start_up_script_maps_names_to_svg_and_others_to_nothing() -> None:
    script = icons.icon_map_script()
    table = json.loads(script.split('const spcpIcons = ', 1)[1].split(';\n', 1)[0])
    assert set(table) == set(mapped())
    assert all(value.startswith('M') and value.endswith('|0 0 512 512') for value in table.values())
    assert 'vue_config.iconMapFn' in script and ': undefined' in script
