"""The phone's own Quasar is used only when it was built for this NiceGUI and these parts
(spcp/phone_quasar.py)."""
from __future__ import annotations

import json

from spcp import phone_quasar


def write_bundle(folder, made: dict) -> None:
    for name in phone_quasar.FILES[1:]:
        (folder / name).write_text('.q-btn{}')
    (folder / phone_quasar.FILES[0]).write_text(f'/* spcp phone quasar {json.dumps(made)} */\n(()=>{{}})();\n')


def test_a_bundle_built_from_the_wanted_parts_is_used(tmp_path) -> None:
    write_bundle(tmp_path, phone_quasar.wanted())
    bundle = phone_quasar.load(tmp_path)
    assert bundle is not None
    assert bundle.url == f'/phone-quasar/{bundle.digest}/quasar.umd.prod.js'
    assert bundle.root().resolve('quasar.important.prod.css') == tmp_path / 'quasar.important.prod.css'
    assert bundle.root().resolve('../quasar.umd.prod.js') is None
    assert bundle.root().resolve('other.js') is None


def test_a_missing_or_stale_bundle_is_not_used(tmp_path, caplog) -> None:
    assert phone_quasar.load(tmp_path) is None  # not built
    write_bundle(tmp_path, phone_quasar.wanted())
    (tmp_path / 'quasar.important.prod.css').unlink()
    assert phone_quasar.load(tmp_path) is None  # a style sheet missing
    write_bundle(tmp_path, phone_quasar.wanted())
    (tmp_path / 'quasar.umd.prod.js').write_text('(()=>{})();\n')
    assert phone_quasar.load(tmp_path) is None  # not such a bundle
    for stale in ({'quasar': '2.0.0'}, {'components': ['QBtn']}, {'plugins': []}):
        write_bundle(tmp_path, {**phone_quasar.wanted(), **stale})
        assert phone_quasar.load(tmp_path) is None
    assert 'phones load all of Quasar' in caplog.text


def test_a_copy_without_the_parts_list_loads_all_of_quasar(tmp_path, monkeypatch) -> None:
    write_bundle(tmp_path, phone_quasar.wanted())
    monkeypatch.setattr(phone_quasar, 'PARTS', tmp_path / 'missing.json')
    assert phone_quasar.load(tmp_path) is None


def test_nicegui_quasar_version_is_read_from_its_file() -> None:
    assert phone_quasar.nicegui_quasar_version().startswith('2.')
