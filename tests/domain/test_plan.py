"""spcp.plan: the standard plan loads; broken plans are refused with a PlanError."""
from __future__ import annotations

from pathlib import Path

import pytest

from spcp.domain.phases import PHASES
from spcp.plan import ROOM_SETTINGS, PlanError, load_plan
from spcp.settings import DEFAULT_PLAN

GOOD_PHASES = '\n'.join(f'[[phases]]\nid = "{p}"\ntitle = "{p.title()}"\nminutes = 5\n' for p in PHASES)


def _write(tmp_path: Path, text: str, name: str = 'plan.toml') -> Path:
    path = tmp_path / name
    path.write_text(text, encoding='utf-8')
    return path


def test_standard_plan_loads():
    plan = load_plan()
    assert plan['name'] == 'SPCP one-day breakout session'
    assert [p['id'] for p in plan['phases']] == ['welcome', 'issues', 'vote', 'themes', 'solutions', 'wrapup']
    assert plan['room'] == {'dots_per_participant': 3, 'max_dots_per_card': 1, 'max_card_length': 280,
                            'max_cards_per_participant': 12, 'top_themes': 3}
    for phase in plan['phases']:
        assert phase['title'] and phase['prompt']
        assert isinstance(phase['minutes'], int) and phase['minutes'] > 0
    assert sum(p['minutes'] for p in plan['phases']) == 90


def test_default_plan_path_is_the_one_day_plan():
    assert DEFAULT_PLAN.name == 'spcp-one-day.toml' and DEFAULT_PLAN.is_file()
    assert load_plan(DEFAULT_PLAN) == load_plan()


def test_minimal_valid_plan_gets_defaults(tmp_path):
    plan = load_plan(_write(tmp_path, '[[phases]]\n' + '\n[[phases]]\n'.join(f'id = "{p}"' for p in PHASES),
                            'short.toml'))
    assert plan['name'] == 'short'  # file stem when no name
    assert plan['room'] == {}
    assert plan['phases'][1] == {'id': 'issues', 'title': 'issues', 'prompt': '', 'minutes': 10}


def test_phases_out_of_order_refused(tmp_path):
    ids = list(PHASES)
    ids[1], ids[2] = ids[2], ids[1]  # vote before issues
    text = '\n'.join(f'[[phases]]\nid = "{p}"\n' for p in ids)
    with pytest.raises(PlanError, match='in order'):
        load_plan(_write(tmp_path, text))


@pytest.mark.parametrize('ids', [
    [p for p in PHASES if p != 'vote'],           # a phase missing
    [*PHASES, 'party'],                          # an unknown extra phase
    ['welcome', 'issues', 'issues', 'vote', 'themes', 'solutions', 'wrapup'],  # duplicate
    [],                                           # no phases at all
])
def test_wrong_phase_list_refused(tmp_path, ids):
    text = 'name = "x"\n' + '\n'.join(f'[[phases]]\nid = "{p}"\n' for p in ids)
    with pytest.raises(PlanError):
        load_plan(_write(tmp_path, text))


def test_unknown_room_setting_refused(tmp_path):
    with pytest.raises(PlanError, match='dots_per_persn'):
        load_plan(_write(tmp_path, '[room]\ndots_per_persn = 3\n' + GOOD_PHASES))


@pytest.mark.parametrize('setting', ROOM_SETTINGS)
@pytest.mark.parametrize('value', ['0', '-1', '2.5', '"3"'])
def test_bad_room_number_refused(tmp_path, setting, value):
    with pytest.raises(PlanError, match=setting):
        load_plan(_write(tmp_path, f'[room]\n{setting} = {value}\n' + GOOD_PHASES))


def test_boolean_room_setting_refused(tmp_path):
    with pytest.raises(PlanError):
        load_plan(_write(tmp_path, '[room]\ntop_themes = true\n' + GOOD_PHASES))


@pytest.mark.parametrize('minutes', ['0', '-5', '"ten"'])
def test_bad_phase_minutes_refused(tmp_path, minutes):
    text = GOOD_PHASES.replace('minutes = 5', f'minutes = {minutes}', 1)
    with pytest.raises(PlanError):
        load_plan(_write(tmp_path, text))


def test_unreadable_or_malformed_plan_refused(tmp_path):
    with pytest.raises(PlanError, match='cannot read'):
        load_plan(tmp_path / 'missing.toml')
    with pytest.raises(PlanError, match='cannot read'):
        load_plan(_write(tmp_path, 'name = "unterminated\n'))


def test_plan_error_is_a_value_error():
    assert issubclass(PlanError, ValueError)
