"""The plenary in pages: the organizer makes it from the dashboard (every room's top themes), opens it,
every open phone switches to it in place (the same page, no reload, no new scan), the hall votes with
the rooms' dot rules, the board shows where each theme came from and ranks the result."""
from __future__ import annotations

from nicegui.testing import User

from spcp import db
from spcp.domain import access, cards, plenary, rooms, themes, views, voting
from spcp.domain.models import Room

from .conftest import settle, vote, vote_list


def room_with_theme(room, writer_actor_device: str, text: str, theme: str) -> None:
    """The room names an issue, votes it and groups it into ``theme`` (straight through the domain)."""
    with db.session() as session:
        actor, _ = rooms.join(session, room.code, writer_actor_device)
        fac = access.facilitator(session, room.code, room.key)
        rooms.set_phase(session, fac, room.id, 'issues')
        card, _ = cards.submit(session, actor, room.id, text, f'k-{writer_actor_device}')
        rooms.set_phase(session, fac, room.id, 'vote')
        voting.add_dot(session, actor, room.id, card.id, f'v-{writer_actor_device}')
        rooms.set_phase(session, fac, room.id, 'themes')
        themes.group(session, fac, room.id, [card.id], theme)


async def test_the_hall_moves_to_the_plenary_and_votes(create_user, event) -> None:
    a, b = event.rooms
    room_with_theme(a, 'writer-a', 'The street lights are out', 'Street lights')
    room_with_theme(b, 'writer-b', 'Nobody speaks Spanish at the station', 'Language')
    phones = [create_user() for _ in range(3)]
    for phone, room in zip(phones, [a, a, b], strict=True):
        await phone.open(f'/r/{room.code}')
        await phone.should_see('Themes')
    organizer: User = create_user()
    await organizer.open(f'/organize/{event.id}?key={event.organizer_key}')
    await organizer.should_see('Not made yet', marker='plenary-status')

    organizer.find(marker='plenary-make').click()
    await settle()
    await organizer.should_see('2 themes', marker='plenary-status')
    with db.session() as session:
        hall = plenary.plenary_of(session, event.id)
    pages = [phone.client for phone in phones]

    organizer.find(marker='plenary-open').click()
    organizer.find(marker='plenary-confirm').click()
    await settle()
    await settle()
    for phone, page in zip(phones, pages, strict=True):
        assert phone.client is page  # the same page: switched in place, not reloaded
        await phone.should_see(f'Test event · {hall.name}')
        await phone.should_see('Welcome')
    await organizer.should_see('Everyone is there', marker='plenary-status')

    board = organizer
    await board.open(f'/board/{hall.join_code}')  # an organizer's browser opens every board of its event
    await board.should_see('Street lights')
    await board.should_see('From: Room 1')
    facilitate_org(event, hall, rooms.set_phase, 'vote')
    await settle()
    for phone in phones:
        await phone.should_see('Dots left: 3 of 3')
    vote(phones[0], 'Language')
    vote(phones[1], 'Language')
    vote(phones[2], 'Street lights')
    await settle()
    assert {c['text'] for c in vote_list(phones[2]).cards} == {'Street lights', 'Language'}
    facilitate_org(event, hall, rooms.reveal_votes, True)
    facilitate_org(event, hall, rooms.set_phase, 'wrapup')
    await settle()
    result = [label.text for label in board.find(marker='plenary-result').elements.pop().descendants()
              if hasattr(label, 'text') and label.text]
    assert result[:3] == ['#1', 'Language', '2 dots']
    await phones[0].should_see('#1')


def facilitate_org(event, hall: Room, action, *args) -> None:
    """Run the plenary as the organizer (its facilitator), through the domain, and publish."""
    from spcp import live
    with db.session() as session:
        org = access.organizer(session, event.id, event.organizer_key)
        result = action(session, org, hall.id, *args)
    live.publish(result[1] if isinstance(result, tuple) else result)


async def test_a_phone_opened_after_the_move_lands_in_the_plenary(create_user, event) -> None:
    a = event.rooms[0]
    room_with_theme(a, 'writer-a', 'Lights', 'Lights')
    with db.session() as session:
        org = access.organizer(session, event.id, event.organizer_key)
        hall, _ = plenary.create(session, org, event.id)
        plenary.open_plenary(session, org, event.id)
    late: User = create_user()
    await late.open(f'/r/{a.code}')  # the poster's code of its room, after the hall moved
    await late.should_see(f'Test event · {hall.name}')


async def test_how_each_group_voted_shows_only_groups_of_five_or_more(create_user, event) -> None:
    """The plenary's wrap-up and the dashboard chart the groups: 5 community members, 6 officers and 5 faith
    leaders are drawn; 2 youth and 3 others are not (nor written anywhere: only together, 5, could they be
    shown without singling anyone out, and the domain hides them), and the page says why."""
    a, b = event.rooms
    room_with_theme(a, 'writer-a', 'Lights', 'Lights')
    room_with_theme(b, 'writer-b', 'Language', 'Language')
    with db.session() as session:
        org = access.organizer(session, event.id, event.organizer_key)
        hall, _ = plenary.create(session, org, event.id)
        plenary.open_plenary(session, org, event.id)
        rooms.set_phase(session, org, hall.id, 'vote')
        ids = {c.text: c.id for c in views.room_state(session, hall.id).base.cards}
        people = ['community'] * 5 + ['law_enforcement'] * 6 + ['faith'] * 5 + ['youth'] * 2 + ['other'] * 3
        for n, group in enumerate(people):
            voter, _ = rooms.join(session, hall.join_code, f'voter-{n}')
            rooms.set_phase(session, org, hall.id, 'welcome')
            rooms.choose_group(session, voter, hall.id, group)
            rooms.set_phase(session, org, hall.id, 'vote')
            voting.add_dot(session, voter, hall.id, ids['Lights' if group != 'law_enforcement' else 'Language'],
                           f'dot-{n}')
        rooms.set_phase(session, org, hall.id, 'wrapup')
    organizer: User = create_user()
    await organizer.open(f'/organize/{event.id}?key={event.organizer_key}')
    await organizer.open(f'/board/{hall.join_code}')
    await organizer.should_see('How each group voted')
    chart = organizer.find(marker='groups-chart').elements.pop()
    texts = [getattr(e, 'text', '') for e in chart.descendants()]
    assert {'Community member', 'Law enforcement', 'Faith leader'} <= set(texts)
    assert 'Youth' not in texts and 'Other' not in texts
    assert '100% of their dots' in texts  # each shown group put all its dots on one theme
    assert 'Groups differ' in texts
    await organizer.should_see('Groups with fewer than 5 voters are not shown, so no one can be singled out.')

    await organizer.open(f'/organize/{event.id}')
    organizer.find(marker='groups').elements.pop().set_value(True)
    await organizer.should_see('No group had 5 or more voters, so no group is shown.')  # each room: one voter
    await organizer.should_see('Faith leader')  # the plenary's
