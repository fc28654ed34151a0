"""The finished sample day (``spcp demo --finished``) as a new user opens it: a room's board and the plenary's at
Wrap-up, and the organizer's dashboard with every room."""
from __future__ import annotations

from sqlmodel import Session

from spcp import db
from spcp.demo import ensure_finished_demo, load_day
from spcp.domain import plenary
from spcp.domain.events import rooms_of


def finished_day(data_dir) -> dict:
    """The sample day in this test's data folder: its links' parts."""
    engine = db.make_engine(f'sqlite:///{data_dir / "spcp.sqlite3"}')
    with Session(engine, expire_on_commit=False) as session:
        event = ensure_finished_demo(session)
        first = rooms_of(session, event.id)[0]
        hall = plenary.plenary_of(session, event.id)
        found = {'event': (event.id, event.organizer_key), 'room': (first.join_code, first.facilitator_key),
                 'hall': (hall.join_code, hall.facilitator_key)}
    engine.dispose()
    return found


async def test_the_boards_and_the_dashboard_show_the_finished_day(create_user, data_dir) -> None:
    day, links = load_day(), finished_day(data_dir)
    room, hall = day['rooms'][0], day['plenary']['votes']
    board = create_user()
    await board.open('/board/{}?key={}'.format(*links['room']))
    await board.should_see(room['themes'][0]['name'])                     # Wrap-up: the top themes ...
    await board.should_see(room['themes'][0]['solutions'][0]['text'])     # ... and their solutions
    plenary_board = create_user()
    await plenary_board.open('/board/{}?key={}'.format(*links['hall']))
    await plenary_board.should_see(hall[0]['card'])                       # the hall's first priority
    organizer = create_user()
    await organizer.open('/organize/{}?key={}'.format(*links['event']))
    await organizer.should_see(day['event']['name'])
    for spec in day['rooms']:
        await organizer.should_see(spec['name'])
