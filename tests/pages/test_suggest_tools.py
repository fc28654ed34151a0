"""The grouping help on the board, with simulated users and the real model: suggested duplicates merged
or dismissed with one tap, suggested themes accepted, renamed, rejected, a card moved, and a grouping
made by hand left alone by a new suggestion."""
from __future__ import annotations

import asyncio

import pytest
from nicegui import ui
from nicegui.testing import User
from nicegui.testing.user_interaction import UserInteraction

from spcp.domain import rooms, themes
from spcp.pages.components import suggest_tools
from spcp.suggest import worker

from .conftest import card_ids, facilitate, settle, write
from .test_remote import board_cards, found, texts

SLOW_911 = 'Police take more than an hour to answer emergency calls at night'
SLOW_911_ES = 'La policía tarda más de una hora en responder a las llamadas de emergencia de noche'
INTERPRETERS = 'There are no interpreters at the police station for people who speak Spanish'
INTERPRETERS_ES = 'No hay intérpretes en la estación de policía para quienes hablan español'
OTHERS = ['The streetlights on our block have been broken for months',
          'Hate graffiti was painted on the mosque and nobody was charged',
          'Officers need training to calm situations down before using force',
          'Teenagers only meet officers when something goes wrong',
          'Filing a complaint against an officer leads nowhere']


@pytest.fixture(autouse=True)
def look_at_each_card(monkeypatch) -> None:
    """These tests look at what one card changes: a board looks for duplicates at every card here (in a room it
    looks at most every LOOK_EVERY_S; test_looks_are_spaced_while_cards_keep_coming checks that)."""
    monkeypatch.setattr(suggest_tools, 'LOOK_EVERY_S', 0.0)


async def helped(user: User) -> None:
    """Let the grouping help's thread finish what it was given, and the page take the answer in."""
    for _ in range(3):
        await asyncio.get_running_loop().run_in_executor(worker._executor, lambda: None)  # noqa: SLF001
        await asyncio.sleep(0.05)


async def room_with(create_user, room, *cards: str) -> User:
    phone, board = create_user(), create_user()
    await phone.open(f'/r/{room.code}')
    facilitate(room, rooms.set_phase, 'issues')
    await settle()
    await write(phone, *cards)
    await board.open(f'/board/{room.code}?key={room.key}')
    await helped(board)
    return board


def click(user: User, element: ui.element) -> None:
    UserInteraction(user, {element}, None).click()


def pairs(board: User) -> list[list[str]]:
    return [[child.text for child in pair.default_slot.children if isinstance(child, ui.label)]
            for pair in found(board, 'duplicate-pair')]


async def test_a_duplicate_in_another_language_is_merged_with_one_tap(create_user, event) -> None:
    room = event.rooms[0]
    board = await room_with(create_user, room, SLOW_911, INTERPRETERS, *OTHERS, SLOW_911_ES)
    assert pairs(board) == [[SLOW_911, SLOW_911_ES]]
    board.find(marker='merge-duplicate').click()
    await settle()
    await helped(board)
    assert SLOW_911_ES not in board_cards(board) and SLOW_911 in board_cards(board)
    kept = next(e for e in found(board, 'board-card') if e.text == SLOW_911)
    assert kept.props['title'] == f'{SLOW_911}\n{SLOW_911_ES}'  # the merged wording stays on the kept card
    assert pairs(board) == []


async def test_a_dismissed_duplicate_stays_dismissed_as_cards_arrive(create_user, event) -> None:
    room = event.rooms[0]
    board = await room_with(create_user, room, SLOW_911, INTERPRETERS, *OTHERS, SLOW_911_ES)
    board.find(marker='dismiss-duplicate').click()
    assert pairs(board) == []
    phone = create_user()
    await phone.open(f'/r/{room.code}')
    await write(phone, INTERPRETERS_ES)  # a new duplicate of another card is flagged; the dismissed one is not
    await helped(board)
    assert pairs(board) == [[INTERPRETERS, INTERPRETERS_ES]]
    assert sorted(board_cards(board)) == sorted([SLOW_911, INTERPRETERS, *OTHERS, SLOW_911_ES, INTERPRETERS_ES])


def suggested(board: User) -> list[tuple[str, list[str]]]:
    """Each suggested theme's name and card texts, as the board shows them."""
    shown = []
    for box in found(board, 'suggested-theme'):
        name = next(e for e in box.descendants() if 'suggested-name' in e._markers)  # noqa: SLF001
        shown.append((name.value, sorted(e.text for e in box.descendants() if 'suggested-card' in e._markers)))  # noqa: SLF001
    return shown


async def open_themes(create_user, room) -> User:
    board = await room_with(create_user, room, SLOW_911, INTERPRETERS, *OTHERS, SLOW_911_ES, INTERPRETERS_ES)
    facilitate(room, rooms.set_phase, 'themes')
    await settle()
    return board


async def test_suggested_themes_are_accepted_renamed_or_rejected(create_user, event) -> None:
    room = event.rooms[0]
    board = await open_themes(create_user, room)
    board.find(marker='suggest-themes').click()
    await helped(board)
    proposals = dict((tuple(cards), name) for name, cards in suggested(board))
    # the same issue in two languages lands in one theme
    assert {tuple(sorted([SLOW_911, SLOW_911_ES])), tuple(sorted([INTERPRETERS, INTERPRETERS_ES]))} <= set(proposals)
    assert texts(board, 'suggest-note') == [
        'Suggested themes: accept, rename or reject each. Nothing is grouped until you accept.']
    assert all(proposals.values())  # each named from its cards' words
    assert sorted(texts(board, 'suggested-card')) == sorted([SLOW_911, SLOW_911_ES, INTERPRETERS, INTERPRETERS_ES,
                                                              *OTHERS])  # the rest: "not in a theme yet"
    assert card_ids(room) and not [t for t in themes_of(room)]  # nothing grouped by suggesting

    first = found(board, 'suggested-theme')[0]
    first_cards = suggested(board)[0][1]
    name_input = next(e for e in first.descendants() if 'suggested-name' in e._markers)  # noqa: SLF001
    name_input.set_value('Slow answers and interpreters')  # renamed before accepting
    click(board, next(e for e in first.descendants() if 'accept-theme' in e._markers))  # noqa: SLF001
    await settle()
    assert themes_of(room) == [('Slow answers and interpreters', sorted(first_cards))]
    assert len(suggested(board)) == len(proposals) - 1
    click(board, found(board, 'reject-theme')[0])
    await settle()
    assert len(suggested(board)) == len(proposals) - 2 and len(themes_of(room)) == 1  # rejecting groups nothing


async def test_a_card_is_moved_to_another_suggested_theme_before_accepting(create_user, event) -> None:
    room = event.rooms[0]
    board = await open_themes(create_user, room)
    board.find(marker='suggest-themes').click()
    await helped(board)
    (first_name, first_cards), (second_name, _) = suggested(board)[:2]
    moved = first_cards[0]
    row = next(e for e in found(board, 'suggested-card') if e.text == moved).parent_slot.parent
    menu = next(e for e in row.descendants() if 'move-target' in e._markers  # noqa: SLF001
                and any(getattr(d, 'text', None) == second_name for d in e.descendants()))
    click(board, menu)
    assert moved in dict(suggested(board))[second_name] and moved not in dict(suggested(board))[first_name]


async def test_a_grouping_made_by_hand_survives_a_new_suggestion(create_user, event) -> None:
    room = event.rooms[0]
    board = await open_themes(create_user, room)
    ids = card_ids(room)
    facilitate(room, themes.group, [ids[SLOW_911], ids[INTERPRETERS_ES]], 'Made by hand')
    await settle()
    board.find(marker='suggest-themes').click()
    await helped(board)
    offered = {text for _, cards in suggested(board) for text in cards} | set(texts(board, 'suggested-card'))
    assert SLOW_911 not in offered and INTERPRETERS_ES not in offered  # cards in a theme are never suggested
    for box in found(board, 'suggested-theme'):
        click(board, next(e for e in box.descendants() if 'accept-theme' in e._markers))  # noqa: SLF001
    await settle()
    assert ('Made by hand', sorted([SLOW_911, INTERPRETERS_ES])) in themes_of(room)


def themes_of(room) -> list[tuple[str, list[str]]]:
    """(name, sorted card texts) of the room's themes, read from the database."""
    from sqlmodel import select

    from spcp import db
    from spcp.domain.models import Card, Theme
    with db.session() as session:
        found_themes = session.exec(select(Theme).where(Theme.room_id == room.id).order_by(Theme.id)).all()
        return [(t.name, sorted(c.text for c in session.exec(select(Card).where(Card.theme_id == t.id)).all()))
                for t in found_themes]



PLENARY_THEMES = [('Slow response to 911 calls', 'Street lights', 'Youth programs'),
                  ('Respuesta lenta a las llamadas de emergencia', 'Intérpretes', 'Cámaras corporales'),
                  ('Complaints go nowhere', 'Officer stress', 'Hate crimes')]


async def test_in_the_plenary_the_same_theme_from_two_rooms_is_suggested_and_merged(create_user, data_dir) -> None:
    """Three rooms' top themes in the hall (a plenary usually holds 8 or more: before that, only near-copies)."""
    from sqlmodel import Session

    from spcp import db, plan
    from spcp.domain import access, events, plenary
    from spcp.domain.models import Room

    from .conftest import EventInfo, RoomInfo
    from .test_plenary import facilitate_org, room_with_theme
    engine = db.make_engine(f'sqlite:///{data_dir / "spcp.sqlite3"}')
    with Session(engine, expire_on_commit=False) as session:
        made = events.create_event(session, 'Hall', 3, plan.load_plan())
        event = EventInfo(made.id, made.organizer_key, [RoomInfo(r.id, r.join_code, r.facilitator_key)
                                                        for r in events.rooms_of(session, made.id)])
    engine.dispose()
    for number, (room, names) in enumerate(zip(event.rooms, PLENARY_THEMES, strict=True)):
        for theme_number, name in enumerate(names):
            room_with_theme(room, f'writer-{number}-{theme_number}', f'Card for {name}', name)
    with db.session() as session:
        hall, _ = plenary.create(session, access.organizer(session, event.id, event.organizer_key), event.id)
        code, key = hall.join_code, session.get(Room, hall.id).facilitator_key
    facilitate_org(event, hall, rooms.set_phase, 'vote')
    board = create_user()
    await board.open(f'/board/{code}?key={key}')
    await helped(board)
    await board.should_see('Same theme in several rooms?')
    assert pairs(board) == [['Slow response to 911 calls', 'Respuesta lenta a las llamadas de emergencia']]
    assert not found(board, 'suggest-themes')  # the plenary votes on the rooms' themes: no new themes
    board.find(marker='merge-duplicate').click()
    await settle()
    assert 'Respuesta lenta a las llamadas de emergencia' not in board_cards(board)
    await board.should_see('From: Room 1 · Room 2')


async def test_a_new_card_that_changes_no_pair_leaves_the_shown_pairs_as_they_are(create_user, event,
                                                                                   monkeypatch) -> None:
    """Every new card looks for duplicates again; when the pairs found are the same, the pairs shown are kept
    (redrawing them for each card grew with the room and slowed every room at 1,000 participants)."""
    monkeypatch.setattr(suggest_tools, '_dismissed', {})  # kept per room id in the process: not another test's
    room = event.rooms[0]
    board = await room_with(create_user, room, SLOW_911, INTERPRETERS, *OTHERS[:4], SLOW_911_ES)
    assert pairs(board) == [[SLOW_911, SLOW_911_ES]]
    shown = [pair.id for pair in found(board, 'duplicate-pair')]
    phone = create_user()
    await phone.open(f'/r/{room.code}')
    await write(phone, OTHERS[4])
    await helped(board)
    assert OTHERS[4] in board_cards(board)
    assert pairs(board) == [[SLOW_911, SLOW_911_ES]]
    assert [pair.id for pair in found(board, 'duplicate-pair')] == shown  # the same elements, not redrawn


async def test_looks_are_spaced_while_cards_keep_coming(create_user, event, monkeypatch) -> None:
    """A board looks for duplicates at once when it opens, then at most every LOOK_EVERY_S: cards that come
    meanwhile are looked at together, once the interval is over."""
    monkeypatch.setattr(suggest_tools, 'LOOK_EVERY_S', 1.0)
    monkeypatch.setattr(suggest_tools, '_dismissed', {})
    looks: list[int] = []
    real = suggest_tools.SuggestTools.look_once

    async def counted(self):
        looks.append(len(self.shown_cards()))
        return await real(self)
    monkeypatch.setattr(suggest_tools.SuggestTools, 'look_once', counted)
    room = event.rooms[0]
    board = await room_with(create_user, room, SLOW_911, INTERPRETERS)
    assert looks == [2]  # at once, when the board opened
    phone = create_user()
    await phone.open(f'/r/{room.code}')
    await write(phone, SLOW_911_ES, INTERPRETERS_ES)
    await helped(board)
    assert looks == [2] and pairs(board) == []  # not yet: the last look was less than a second ago
    for _ in range(60):
        await asyncio.sleep(0.05)
        await helped(board)
        if len(looks) > 1:
            break
    assert looks == [2, 4]  # one look for both cards
    assert [SLOW_911, SLOW_911_ES] in pairs(board)  # what that look found is shown
