"""``spcp demo --finished``: a sample day played through the domain from spcp/demo_day.toml, checked against
that file and the domain's own views (every room at Wrap-up, the plenary voted and revealed, the plan and the
council), and every export made from it. The report's first page, rendered with pdftoppm, is the README's
picture: SPCP_UPDATE_SCREENSHOTS=1 refreshes docs/screenshots/report-page1.png."""
from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from PIL import Image
from sqlmodel import Session, select
from typer.testing import CliRunner

from spcp import db
from spcp.cli import app
from spcp.db import make_engine
from spcp.demo import load_day
from spcp.domain import access, action_plan, council, plenary, views
from spcp.domain.access import Actor
from spcp.domain.events import rooms_of
from spcp.domain.models import Event
from spcp.exports import registry

DAY = load_day()
SHOT = Path(__file__).resolve().parents[1] / 'docs' / 'screenshots' / 'report-page1.png'


@dataclass(frozen=True)
class Demo:
    data_dir: Path
    output: str           # what the first `spcp demo --finished` printed
    again: str            # ... and the second
    event_id: int
    organizer: Actor


@pytest.fixture(scope='module')
def demo(tmp_path_factory) -> Iterator[Demo]:
    """The command run twice into an empty data folder (the second run reuses the event), then the plain demo."""
    folder = tmp_path_factory.mktemp('demo') / 'data'
    before, engine = dict(os.environ), db._engine
    try:
        runs = [CliRunner().invoke(app, ['demo', *extra, '--data-dir', str(folder), '--public-url',
                                         'http://10.0.0.7:8080']) for extra in (['--finished'], ['--finished'], [])]
    finally:
        os.environ.clear()
        os.environ.update(before)
        if db._engine is not engine and db._engine is not None:
            db._engine.dispose()
        db._engine = engine
    assert [r.exit_code for r in runs] == [0, 0, 0], [r.output for r in runs]
    database = make_engine(f'sqlite:///{folder / "spcp.sqlite3"}')
    with Session(database) as session:
        event = session.exec(select(Event).where(Event.name == DAY['event']['name'])).one()
        organizer = access.organizer(session, event.id, event.organizer_key)
    database.dispose()
    yield Demo(folder, runs[0].output, runs[1].output, event.id, organizer)


@pytest.fixture
def session(demo: Demo) -> Iterator[Session]:
    engine = make_engine(f'sqlite:///{demo.data_dir / "spcp.sqlite3"}')
    with Session(engine) as opened:
        yield opened
    engine.dispose()


def test_the_command_prints_the_links_once_made(demo: Demo, session: Session) -> None:
    assert demo.output == demo.again  # made once, then reused
    assert [e.name for e in session.exec(select(Event).order_by(Event.id))] == [DAY['event']['name'], 'SPCP Live demo']
    hall = plenary.plenary_of(session, demo.event_id)
    for room in rooms_of(session, demo.event_id):
        assert f'http://10.0.0.7:8080/board/{room.join_code}?key={room.facilitator_key}' in demo.output
    assert f'http://10.0.0.7:8080/board/{hall.join_code}?key={hall.facilitator_key}' in demo.output
    assert f'export {demo.event_id} --format pdf' in demo.output


def test_every_room_ran_its_whole_session(demo: Demo, session: Session) -> None:
    for room, spec in zip(rooms_of(session, demo.event_id), DAY['rooms'], strict=True):
        view = views.snapshot(session, demo.organizer, room.id)
        assert (view.name, view.phase, view.revealed) == (spec['name'], 'wrapup', True)
        assert view.participants == len(spec['groups']) and view.paper_participants == spec.get('paper_people', 0)
        shown = {c.text: c for c in view.cards if not c.hidden}
        wanted = [c for t in spec['themes'] for c in t['cards']] + spec.get('loose', [])
        assert {c['text']: c['dots'] + c.get('paper_dots', 0) for c in wanted} == {t: c.votes for t, c in shown.items()}
        assert [c.text for c in view.cards if c.hidden] == spec['hidden']
        assert sum(c.merged_count for c in shown.values()) == sum(len(c.get('duplicates', [])) for c in wanted)
        names = {t.id: t.name for t in view.themes}
        by_dots = sorted(spec['themes'], key=lambda t: -sum(c['dots'] + c.get('paper_dots', 0) for c in t['cards']))
        assert [names[t] for t in view.top_themes_ids] == [t['name'] for t in by_dots]  # ranked by their dots
        endorsed = {s.text: s.endorsements for s in view.solutions}
        assert endorsed == {s['text']: s['endorsements'] for t in spec['themes'] for s in t['solutions']}


def test_the_plenary_voted_merged_and_closed(demo: Demo, session: Session) -> None:
    hall = plenary.plenary_of(session, demo.event_id)
    view = views.snapshot(session, demo.organizer, hall.id)
    assert (view.phase, view.revealed) == ('wrapup', True)
    ranked = sorted(((c.text, c.votes) for c in view.cards if not c.hidden), key=lambda c: -c[1])
    assert ranked == [(v['card'], v['dots']) for v in DAY['plenary']['votes']]
    merged = {c.text: {text for _id, text in c.merged} for c in view.cards}
    assert all(merged[keep] == set(others) for keep, *others in DAY['plenary']['merge'])
    assert view.participants == sum(len(r['groups']) for r in DAY['rooms'])  # the whole hall moved there


def test_the_plan_and_the_council(demo: Demo, session: Session) -> None:
    plan = action_plan.action_plan(session, demo.organizer, demo.event_id)
    assert [p.name for p in plan.priorities] == [p['theme'] for p in DAY['plan']]  # the plenary's order
    for priority, spec in zip(plan.priorities, DAY['plan'], strict=True):
        items = {i.text: i for i in priority.items}
        for wanted in spec['items']:
            item = items[wanted['action']]
            assert {f: getattr(item, f) for f in wanted if f != 'action'} == {
                f: v.isoformat() if f.endswith('_date') else v for f, v in wanted.items() if f != 'action'}
    statuses = {i.status for p in plan.priorities for i in p.items}
    assert statuses == {'not_started', 'on_track', 'lagging', 'done'}
    people = council.council(session, demo.organizer, demo.event_id)
    assert sorted(p.name for p in people) == sorted(p['name'] for p in DAY['council'])


@pytest.fixture(scope='module')
def made(demo: Demo) -> dict[str, bytes]:
    engine = make_engine(f'sqlite:///{demo.data_dir / "spcp.sqlite3"}')
    out = {}
    with Session(engine) as session:
        for fmt in registry.RENDERERS:
            buffer = io.BytesIO()
            registry.export(session, demo.organizer, demo.event_id, fmt, buffer)
            out[fmt] = buffer.getvalue()
    engine.dispose()
    return out


def test_every_export_renders_the_day(made: dict[str, bytes]) -> None:
    items = sum(len(p['items']) for p in DAY['plan'])
    book = openpyxl.load_workbook(io.BytesIO(made['xlsx']))
    assert book['Action plan'].max_row == 1 + items and book['Council volunteers'].max_row == 1 + len(DAY['council'])
    assert book['Plenary']['C2'].value == DAY['plenary']['votes'][0]['dots']
    names = zipfile.ZipFile(io.BytesIO(made['csv'])).namelist()
    assert len(names) == len(book.sheetnames) == 12
    document = Document(io.BytesIO(made['docx']))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith('Heading')]
    assert {'Plenary', 'Action plan', 'Council volunteers', 'How the day ran', *(r['name'] for r in DAY['rooms'])} \
        <= set(headings)
    archive = json.loads(made['json'])
    assert len(archive['tables']['action_item']['rows']) == items
    text = subprocess.run(['pdftotext', '-', '-'], input=made['pdf'], capture_output=True, check=True).stdout.decode()
    squeezed = re.sub(r'\s+', '', text)
    for wanted in (DAY['event']['name'], 'Action plan', DAY['council'][0]['name'], DAY['rooms'][2]['name']):
        assert re.sub(r'\s+', '', wanted) in squeezed, wanted


def test_the_reports_first_page(made: dict[str, bytes], tmp_path: Path) -> None:
    if shutil.which('pdftoppm') is None:
        pytest.skip('pdftoppm is needed (apt-get install poppler-utils)')
    (tmp_path / 'report.pdf').write_bytes(made['pdf'])
    subprocess.run(['pdftoppm', '-r', '90', '-png', '-f', '1', '-l', '1', '-singlefile', str(tmp_path / 'report.pdf'),
                    str(tmp_path / 'page1')], check=True, timeout=60)
    page = Image.open(tmp_path / 'page1.png').convert('L')
    assert page.size == (745, 1053)  # A4 at 90 dpi
    inked = page.point(lambda value: 255 if value < 128 else 0).histogram()[255]
    assert inked > 15_000  # title, rooms, the plenary's chart and table drawn, not a blank page
    if os.environ.get('SPCP_UPDATE_SCREENSHOTS') == '1':
        SHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(tmp_path / 'page1.png', SHOT)
