"""The room's card list, fetched by every voting phone from one address (spcp/pages/card_lists.py): only
for the room's participants, gzipped once, the same list for the same cards, and what a list no longer
kept answers (the phone then asks its element for a fresh one)."""
from __future__ import annotations

import gzip
import json

import requests

from ..seeding import write_cards
from .conftest import LiveServer, People

# typed by the phone; with the many seeded beside them, a list too big to ride in the element (vote_list.INLINE_BYTES)
TEXTS = ['Street lights are out', 'Nobody answers the phone', 'La policía no habla español']
SEEDED = [f'Seeded issue {i}: officers stop young people on the east side again and again without saying why, '
          'and nobody ever explains what happened afterwards, so people stop calling and stop trusting them.'
          for i in range(40)]


def voting_room(people: People, room: dict, live: LiveServer):
    board = people.board(room)
    people.advance(board, room, 'issues')
    writer = people.phone(room)
    for text in TEXTS:
        shown = len(writer.notifications())
        writer.type_into(writer.find_one(label='Your issue'), text)
        writer.click(writer.find_one(text='Add issue'))
        writer.wait_for_notification('Added. Thank you.', after=shown)
    write_cards(live.database, room['code'], SEEDED)
    people.advance(board, room, 'vote')
    return writer


def test_phones_of_the_room_fetch_the_same_list_once_encoded(live: LiveServer, people: People) -> None:
    room = live.rooms[5]
    writer = voting_room(people, room, live)
    other = people.phone(room)
    src = [p.element(p.find_one(classes='vote-list'))['props']['src'] for p in (writer, other)]
    assert src[0] == src[1] and src[0].startswith(f'/room-cards/{live.room_id(room["code"])}/')
    assert [c['text'] for c in other.vote_cards()] == TEXTS + SEEDED
    raw = other.http.get(live.base_url + src[0], headers={'Accept-Encoding': 'gzip'}, stream=True)
    assert raw.headers['Content-Encoding'] == 'gzip' and 'immutable' in raw.headers['Cache-Control']
    assert [c['text'] for c in json.loads(gzip.decompress(raw.raw.read()))] == TEXTS + SEEDED  # the bytes as sent
    plain = other.http.get(live.base_url + src[0], headers={'Accept-Encoding': 'identity'})
    assert 'Content-Encoding' not in plain.headers and [c['text'] for c in plain.json()] == TEXTS + SEEDED
    # answered ahead of the middleware (card_lists.CardListRoute), with the headers every answer carries
    for answer in (raw, plain):
        assert answer.headers['X-Content-Type-Options'] == 'nosniff' and answer.headers['X-Frame-Options'] == 'DENY'
        assert answer.headers['Referrer-Policy'] == 'no-referrer' and 'Content-Security-Policy' in answer.headers


def test_only_a_participant_of_the_room_gets_the_list(live: LiveServer, people: People) -> None:
    room, elsewhere = live.rooms[6], live.rooms[3]
    writer = voting_room(people, room, live)
    src = writer.element(writer.find_one(classes='vote-list'))['props']['src']
    stranger = requests.get(live.base_url + src)  # no cookie: not anyone's browser
    assert stranger.status_code == 403 and 'Street' not in stranger.text
    assert 'Set-Cookie' not in stranger.headers  # and fetching a list does not make it one
    cookie = writer.http.cookies['session']
    head, signature = cookie.rsplit('.', 1)
    forged = f'{head}.{"A" if signature[0] != "A" else "B"}{signature[1:]}'  # the writer's session, signature broken
    assert requests.get(live.base_url + src, cookies={'session': forged}).status_code == 403
    assert requests.get(live.base_url + src, cookies={'session': cookie}).status_code == 200  # the writer's own
    other_room = people.phone(elsewhere)  # a participant, but of another room
    assert other_room.http.get(live.base_url + src).status_code == 403


def test_a_list_no_longer_kept_is_not_found(live: LiveServer, people: People) -> None:
    room = live.rooms[7]
    writer = voting_room(people, room, live)
    src = writer.element(writer.find_one(classes='vote-list'))['props']['src']
    gone = src.rsplit('/', 1)[0] + '/' + '0' * 32
    assert writer.http.get(live.base_url + gone).status_code == 404
