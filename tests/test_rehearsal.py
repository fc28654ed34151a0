"""The rehearsal's parts that need no server: where the simulated phones connect, how they pace
themselves under the limits, the join exemption's reach, what they read on a phone's screen, and
the sample texts (tests/live/test_rehearsal.py runs a real rehearsal)."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from spcp.i18n import LOCALES
from spcp.rate_limits import JoinCounter
from spcp.rehearsal import people, phones
from spcp.rehearsal.crowd import server_address, spacing
from spcp.settings import DEFAULT_RATES, Settings


def settings(host: str, port: int = 8080, tls: bool = False) -> Settings:
    cert = Path('cert.pem') if tls else None
    return Settings(host=host, port=port, data_dir=Path('.'), database_url='sqlite://', public_url=None,
                    tls_cert=cert, tls_key=cert)


@pytest.mark.parametrize(('host', 'tls', 'url', 'address'), [
    ('0.0.0.0', False, 'http://127.0.0.1:8080', '127.0.0.1'),
    ('127.0.0.1', False, 'http://127.0.0.1:8080', '127.0.0.1'),
    ('::', False, 'http://[::1]:8080', '::1'),
    ('192.168.4.1', True, 'https://192.168.4.1:8080', '192.168.4.1'),
    ('localhost', False, 'http://127.0.0.1:8080', '127.0.0.1'),
])
def test_phones_connect_to_the_servers_own_address(host, tls, url, address) -> None:
    assert server_address(settings(host, tls=tls)) == (url, address)


def test_the_crowd_stays_under_the_limits_of_one_address() -> None:
    # the defaults: 60 per 10 s and 300 per minute -> one action per 0.2 s at most; the crowd takes 80 % of it
    assert spacing(DEFAULT_RATES['actions_per_address'], 0.8) == pytest.approx(0.25)
    # 30 per 10 s and 120 per minute -> a page per 0.5 s; the crowd takes half, leaving the rest to the board
    assert spacing(DEFAULT_RATES['page_loads_per_address'], 0.5) == pytest.approx(1.0)
    assert spacing('', 0.5) == pytest.approx(0.2)  # a limit switched off: still not a flood
    assert spacing('10 per second', 1.0) == pytest.approx(0.1)


def test_the_join_exemption_reaches_one_room_and_one_address_only() -> None:
    joins = JoinCounter(per_address=4)
    for _ in range(4):
        for room in (1, 2):
            assert joins.allow(room, '127.0.0.1')
            joins.joined(room, '127.0.0.1')
    joins.exempt(1, '127.0.0.1')
    assert joins.allow(1, '127.0.0.1')            # the practice room, from the server's address
    assert not joins.allow(2, '127.0.0.1')        # another room, same address
    for _ in range(4):
        joins.joined(1, '10.0.0.7')
    assert not joins.allow(1, '10.0.0.7')         # the practice room, another address
    joins.exempt(1, '127.0.0.1', False)
    assert not joins.allow(1, '127.0.0.1')        # the rehearsal is over
    assert joins.refused == {1: 2, 2: 1}


class Screen:
    """A phone's element tree as ``phones.Tab`` keeps it, without a connection."""
    find = phones.Tab.find

    def __init__(self, *elements: dict) -> None:
        self.elements = dict(enumerate(elements))


ISSUE_BOX = {'tag': 'q-input', 'props': {'data-draft': 'issue'}}
GROUP = {'tag': 'q-option-group', 'props': {}}


def test_a_person_reads_the_phase_from_what_the_phone_shows() -> None:
    assert people.screen(Screen(GROUP)) == 'welcome'
    assert people.screen(Screen(ISSUE_BOX, GROUP)) == 'issues'  # naming issues, the group choice folded away
    assert people.screen(Screen({'tag': 'vote-list', 'class': ['vote-list'], 'props': {}})) == 'vote'
    solutions = Screen({'tag': 'q-input', 'props': {'data-draft': 'solution-12'}},
                       {'tag': 'q-btn', 'props': {'data-solution': '7', 'aria-pressed': 'false'}},
                       {'tag': 'q-btn', 'props': {'data-solution': '9', 'aria-pressed': 'true'}})
    assert people.screen(solutions) == 'solutions'
    assert phones.solution_boxes(solutions) == {12: 0} and phones.endorsable(solutions) == {7: False, 9: True}
    assert people.screen(Screen({'tag': 'div', 'text': 'Themes'})) == 'other'


@pytest.mark.parametrize('text', ['Dots left: 2 of 3', 'Puntos restantes: 2 de 3', 'النقاط المتبقية: 3 من 2'])
def test_dots_left_are_read_in_any_language(text) -> None:
    assert people.dots_left(Screen({'tag': 'vote-list', 'class': ['vote-list'], 'props': {'dots_left': text}})) == 2
    assert people.dots_left(Screen(ISSUE_BOX)) is None


def test_the_samples_speak_the_apps_four_languages() -> None:
    samples = people.load_samples()
    assert set(samples) == set(LOCALES)
    assert sum(s['share'] for s in samples.values()) == pytest.approx(1.0)
    for sample in samples.values():
        assert len(sample['issues']) >= 6 and len(sample['solutions']) >= 3
        assert all(0 < len(text) <= 280 for text in sample['issues'] + sample['solutions'])  # a card's limit
    rng = random.Random(7)
    voices = [people.voice(rng, samples) for _ in range(200)]
    assert {v.language for v in voices} == set(LOCALES)
    assert all(len(set(v.issues)) == len(v.issues) in (2, 3) for v in voices)
    assert all(set(v.issues) <= set(samples[v.language]['issues']) for v in voices)


def test_quick_pace_is_a_tenth_of_a_human_one() -> None:
    rng = random.Random(3)
    assert all(1.0 <= people.QUICK.seconds(rng, 10, 40) <= 4.0 for _ in range(100))
    assert all(10 <= people.Pace().seconds(rng, 10, 40) <= 40 for _ in range(100))


def test_a_person_leaves_when_the_page_leaves_the_practice_room() -> None:
    def phone_in(code: str) -> Screen:
        return Screen(ISSUE_BOX, {'tag': 'div', 'class': ['spcp-outbox'], 'props': {'data-room': code}})
    me = people.Voice('en', 'en', ('An issue',), 'A solution')

    def person(tab: Screen) -> people.Person:
        return people.Person(tab, 'PRA123', me, pace=people.QUICK, gate=people.Gate(0.1), tally=people.Tally(),
                             rng=random.Random(1), appeal={})
    assert not person(phone_in('PRA123')).moved()
    assert not person(Screen(ISSUE_BOX)).moved()        # still building its screen
    assert person(phone_in('PLN456')).moved()            # the hall went to the plenary: not for simulated phones
