"""SIGKILL in the middle of a room: nothing the server acknowledged is lost, no retry counts twice.

Phones (raw clients, each with its own cookie jar) submit issues, then place and take back dots,
as fast as the server answers. A submit is acknowledged by the "Added. Thank you." notification;
a dot, sent as the phone's outbox sends it, by the outbox's acknowledgement (``done`` for its key).
The server is killed with SIGKILL while they are at it, started again on the same data folder, and
each phone reloads (same cookie: same participant) and retries the one action it was waiting for,
with the same key, as the browser would. Then the database must hold exactly what was acknowledged plus those retries.
"""
from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import requests

from .conftest import LiveServer, People, wait_until
from .rawclient import RawClient

PHONES = 6
ACTIONS_PER_PHONE = 20     # bounded stream; under the per-participant limit of 30 per 10 seconds
KILL_AFTER_ACKS = 24       # kill once this many actions were acknowledged in all (mid-stream)
ACK_TIMEOUT_S = 3.0
ADDED = 'Added. Thank you.'


@dataclass
class Phone:
    jar: requests.Session
    client: RawClient
    acked: list[tuple] = field(default_factory=list)   # (what, key) the server acknowledged
    pending: tuple | None = None                        # sent (or about to be), not acknowledged
    stopped_by: str = ''


def submit(phone: Phone, text: str, key: str) -> None:
    client = phone.client
    shown = len(client.notifications())
    client.type_into(client.find_one(label='Your issue'), text)
    client.click(client.find_one(text='Add issue'), key)
    client.wait_for_notification(ADDED, after=shown, timeout=ACK_TIMEOUT_S)


def card_id(client: RawClient, text: str) -> int:
    """The id of the card showing ``text`` in the phone's vote list (one element, its cards fetched)."""
    return next(card['id'] for card in client.vote_cards() if card['text'] == text)


def dot(phone: Phone, text: str, add: bool, key: str) -> None:
    """A tap on the card (add) or its take-back, sent as the phone's outbox sends it; acknowledged by the
    server's ``done`` for that key, which is what the browser's outbox waits for."""
    client = phone.client
    room = client.element(client.find_one(classes='spcp-outbox'))['props']['data-room']
    client.send_outbox({'key': key, 'room': room, 'kind': 'dot' if add else 'undot', 'card_id': card_id(client, text)})
    client.wait_for(lambda: client.outbox_acks(key), timeout=ACK_TIMEOUT_S, what=f'acknowledgement of {key}')
    assert client.outbox_acks(key) == ['done'], f'{text!r} {add}: {client.outbox_acks(key)}'


def stream(phone: Phone, actions: list[tuple], act: Callable[[Phone, tuple, str], None]) -> None:
    """Do the actions one after the other until the stream ends or the server goes away."""
    for n, action in enumerate(actions):
        key = uuid.uuid4().hex[:16]  # made in the browser per action (letters and digits, as CLIENT_KEY_JS)
        phone.pending = (action, key)
        try:
            act(phone, action, key)
        except Exception as error:  # noqa: BLE001 (a killed server shows up as any of several errors)
            phone.stopped_by = f'action {n}: {error!r}'[:300]
            return
        phone.acked.append((action, key))
        phone.pending = None


def run_until_killed(live: LiveServer, phones: list[Phone], plans: list[list[tuple]],
                     act: Callable[[Phone, tuple, str], None]) -> None:
    threads = [threading.Thread(target=stream, args=(phone, plan, act), daemon=True)
               for phone, plan in zip(phones, plans, strict=True)]
    for thread in threads:
        thread.start()
    wait_until(lambda: sum(len(p.acked) for p in phones) >= KILL_AFTER_ACKS, timeout=10, what='acknowledgements')
    live.kill()
    for thread in threads:
        thread.join(timeout=ACK_TIMEOUT_S + 2)
    assert not any(thread.is_alive() for thread in threads)
    assert all(p.pending is None or p.stopped_by for p in phones)
    assert all(len(p.acked) < len(plan) for p, plan in zip(phones, plans, strict=True)), 'killed after the stream'


def reload_and_retry(live: LiveServer, room: dict, phones: list[Phone], act: Callable[[Phone, tuple, str], None]):
    """Restart on the same folder; each phone reloads and sends its unacknowledged action again."""
    live.start()
    for phone in phones:
        phone.client.open(room['join_url'])
        if phone.pending:
            action, key = phone.pending
            act(phone, action, key)  # must be acknowledged now: the server is up
            phone.acked.append(phone.pending)
            phone.pending = None


def card_texts(live: LiveServer, room: dict) -> Counter:
    rows = live.query('SELECT text FROM card WHERE room_id = ?', live.room_id(room['code']))
    return Counter(text for (text,) in rows)


def dots_per_card(live: LiveServer, room: dict) -> Counter:
    rows = live.query('SELECT card.text FROM vote JOIN card ON card.id = vote.card_id WHERE vote.room_id = ?',
                      live.room_id(room['code']))
    return Counter(text for (text,) in rows)


def expected_dots(phones: list[Phone]) -> Counter:
    """Replay each phone's acknowledged dots: add puts the card in its set, take-back removes it."""
    total: Counter = Counter()
    for phone in phones:
        mine: set[str] = set()
        for (text, add), _key in phone.acked:
            (mine.add if add else mine.discard)(text)
        total.update(mine)
    return total


def test_sigkill_twice_loses_no_acknowledged_action(live: LiveServer, people: People) -> None:
    room = live.rooms[4]
    people.advance(people.board(room), room, 'issues')
    phones = [Phone(jar, people.phone(room, jar)) for jar in (requests.Session() for _ in range(PHONES))]

    # 1. issues, killed mid-stream
    plans = [[(f'phone {i} issue {n}',) for n in range(ACTIONS_PER_PHONE)] for i in range(PHONES)]
    run_until_killed(live, phones, plans, lambda phone, action, key: submit(phone, action[0], key))
    stored = card_texts(live, room)
    acked = [action[0] for phone in phones for action, _ in phone.acked]
    assert [text for text in acked if text not in stored] == []           # 0 acknowledged submits lost
    reload_and_retry(live, room, phones, lambda phone, action, key: submit(phone, action[0], key))
    everything = {action[0] for phone in phones for action, _ in phone.acked}
    assert card_texts(live, room) == Counter(everything)                   # each once, retries included

    # 2. dots, each phone putting a dot on a card and taking it back, card after card; killed again
    people.advance(people.board(room), room, 'vote')
    for phone in phones:  # their pages follow the phase change live
        phone.acked, phone.pending = [], None
    texts = sorted(everything)
    plans = [[(texts[(i + n // 2) % len(texts)], n % 2 == 0) for n in range(ACTIONS_PER_PHONE - 1)]
             for i in range(PHONES)]  # an odd count: some phones end with a dot placed
    run_until_killed(live, phones, plans, lambda phone, action, key: dot(phone, *action, key))
    reload_and_retry(live, room, phones, lambda phone, action, key: dot(phone, *action, key))
    assert dots_per_card(live, room) == expected_dots(phones)
    assert card_texts(live, room) == Counter(everything)                   # the kills cost no card either
