"""The archive and its restore, through the commands: export JSON, import into an empty folder, export
again (byte for byte the same), the domain's views equal; bad input refused in one line; an event
deleted leaves no row behind; backups during the day."""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session
from typer.testing import CliRunner

from spcp import backups, db
from spcp.cli import app
from spcp.db import make_engine
from spcp.domain import action_plan, council, dashboard, views
from spcp.domain.access import Actor, Role, fingerprint
from spcp.domain.events import rooms_of
from spcp.exports import archive

from .conftest import Day


@pytest.fixture(autouse=True)
def isolated(monkeypatch):
    """The commands set SPCP_* variables and open db's engine: both undone after each test."""
    before = {k: v for k, v in os.environ.items() if k.startswith('SPCP_')}
    monkeypatch.delenv('SPCP_DATABASE_URL', raising=False)
    previous = db._engine
    yield
    for name in [k for k in os.environ if k.startswith('SPCP_')]:
        del os.environ[name]
    os.environ.update(before)
    if db._engine is not previous and db._engine is not None:
        db._engine.dispose()
    db._engine = previous


def run(*args: str, input: str | None = None):  # noqa: A002 (CliRunner's name)
    return CliRunner().invoke(app, list(args), input=input)


@pytest.fixture
def data(day: Day, tmp_path: Path) -> Path:
    folder = tmp_path / 'laptop-a'
    folder.mkdir()
    shutil.copyfile(day.path, folder / 'spcp.sqlite3')
    (folder / 'storage-secret.txt').write_text('the-browser-secret\n')
    return folder


def domain_views(data_dir: Path, day: Day) -> tuple:
    """What the pages show: each room as staff and as each participant (dots left...), the dashboard, the action
    plan and the council list."""
    engine = make_engine(f'sqlite:///{data_dir / "spcp.sqlite3"}')
    owner = Actor(Role.ORGANIZER, day.event_id, proof=fingerprint(day.organizer_key))
    with Session(engine) as session:
        rooms = []
        for room in rooms_of(session, day.event_id):
            state = views.room_state(session, room.id)
            people = [views.view_of(session, state, Actor(Role.PARTICIPANT, day.event_id, room.id, pid))
                      for pid in sorted(state.people)]
            rooms.append((views.snapshot(session, owner, room.id), tuple((p.me, p.cards) for p in people)))
        pulses = dashboard.dashboard(session, owner, day.event_id)
        receipts = session.exec(text('SELECT count(*) FROM receipt')).one()
        plan = action_plan.action_plan(session, owner, day.event_id)
        volunteers = council.council(session, owner, day.event_id)
    engine.dispose()
    return (tuple(rooms), replace(pulses, rooms=tuple(replace(r, timer=None) for r in pulses.rooms)), receipts,
            plan, volunteers)


def test_round_trip_is_byte_identical_and_the_day_carries_on(day: Day, data: Path, tmp_path: Path) -> None:
    first, second = tmp_path / 'a.json', tmp_path / 'b.json'
    result = run('export', str(day.event_id), '--format', 'json', '--out', str(first), '--data-dir', str(data))
    assert result.exit_code == 0, result.output
    assert 'never hand it over' in result.output and oct(first.stat().st_mode & 0o777) == '0o600'
    restored = tmp_path / 'laptop-b'
    result = run('import', str(first), '--data-dir', str(restored))
    assert result.exit_code == 0, result.output
    assert 'Restored event 1' in result.output and '4 room(s), 18 participant(s)' in result.output  # + plenary
    assert (restored / 'storage-secret.txt').read_text() == 'the-browser-secret'  # phones carry on as themselves
    result = run('export', str(day.event_id), '--format', 'json', '--out', str(second), '--data-dir', str(restored))
    assert result.exit_code == 0, result.output
    assert first.read_bytes() == second.read_bytes()
    before = domain_views(data, day)
    assert before == domain_views(restored, day)
    plan, volunteers = before[3:]
    assert sum(len(p.items) for p in plan.priorities) == 5 and len(volunteers) == 3  # present, not vacuously equal
    document = json.loads(first.read_text())
    assert document['schema'] == db.head_revision() and 'backup' in document['notice']
    assert {'event', 'room', 'participant', 'card', 'vote', 'receipt', 'audit_entry', 'action_item',
            'council_volunteer'} <= set(document['tables'])
    assert (len(document['tables']['action_item']['rows']), len(document['tables']['council_volunteer']['rows'])) \
        == (5, 3)


def test_import_refuses_a_folder_in_use_and_bad_files(day: Day, data: Path, tmp_path: Path) -> None:
    archive_file = tmp_path / 'a.json'
    assert run('export', '1', '--format', 'json', '--out', str(archive_file), '--data-dir', str(data)).exit_code == 0
    result = run('import', str(archive_file), '--data-dir', str(data))
    assert result.exit_code == 2 and 'is not an empty folder' in result.output and 'Traceback' not in result.output
    for content, said in ((b'\xff\xfe', 'not JSON'), (b'{"format": "other"}', 'not an SPCP Live archive'),
                          (json.dumps({'format': archive.FORMAT, 'schema': '9999_future', 'tables': {}}).encode(),
                           'newer SPCP Live')):
        bad = tmp_path / 'bad.json'
        bad.write_bytes(content)
        result = run('import', str(bad), '--data-dir', str(tmp_path / 'new'))
        assert result.exit_code == 2 and said in result.output, result.output
        assert not (tmp_path / 'new').exists()
    document = json.loads(archive_file.read_text())
    document['tables']['card']['rows'][0][1] = 999  # a card in a room that is not there
    bad.write_text(json.dumps(document))
    result = run('import', str(bad), '--data-dir', str(tmp_path / 'new'))
    assert result.exit_code == 2 and 'damaged' in result.output and not (tmp_path / 'new').exists()
    assert 'No such file' in run('import', str(tmp_path / 'none.json'), '--data-dir', str(tmp_path / 'n')).output


def old_schema(path: Path, revision: str) -> dict[str, set[str]]:
    """Table -> columns of a database at an older revision."""
    from alembic import command
    from sqlalchemy import create_engine, inspect

    engine = create_engine(f'sqlite:///{path}')
    with db.migration_connection(engine) as connection:
        command.upgrade(db.migration_config(connection), revision)
    names = inspect(engine)
    found = {t: {c['name'] for c in names.get_columns(t)} for t in names.get_table_names()}
    engine.dispose()
    return found


def test_an_archive_from_an_older_schema_restores_and_upgrades(day: Day, data: Path, tmp_path: Path) -> None:
    archive_file = tmp_path / 'a.json'
    run('export', '1', '--format', 'json', '--out', str(archive_file), '--data-dir', str(data))
    document = json.loads(archive_file.read_text())
    document['schema'] = OLD = '0004_event_setup'  # before the audit log, the action plan, the plenary
    old = old_schema(tmp_path / 'old.sqlite3', OLD)
    for name in list(document['tables']):  # what that version would have written: its tables, its columns
        if name not in old:
            del document['tables'][name]
            continue
        table = document['tables'][name]
        keep = [i for i, column in enumerate(table['columns']) if column in old[name]]
        table['columns'] = [table['columns'][i] for i in keep]
        table['rows'] = [[row[i] for i in keep] for row in table['rows']]
    archive_file.write_text(json.dumps(document))
    result = run('import', str(archive_file), '--data-dir', str(tmp_path / 'b'))
    assert result.exit_code == 0, result.output
    with sqlite3.connect(tmp_path / 'b' / 'spcp.sqlite3') as connection:
        assert connection.execute('SELECT version_num FROM alembic_version').fetchone()[0] == db.head_revision()
        assert connection.execute('SELECT count(*) FROM card').fetchone()[0] == 24  # 18 in the rooms, 6 in the plenary


def test_event_delete_asks_then_erases_every_row(day: Day, data: Path) -> None:
    folder = data / backups.FOLDER
    backups.backup_once(data / 'spcp.sqlite3', folder)
    result = run('event', 'delete', '1', '--data-dir', str(data), input='n\n')
    assert result.exit_code == 1 and 'nothing was deleted' in result.output
    result = run('event', 'delete', '1', '--data-dir', str(data), '--yes')
    assert result.exit_code == 0 and 'Deleted event 1' in result.output and '1 automatic backup' in result.output
    with sqlite3.connect(data / 'spcp.sqlite3') as connection:
        tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                                   "AND name != 'alembic_version'")]
        assert {t: connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables} == \
            dict.fromkeys(tables, 0)
    assert (data / 'spcp.sqlite3').read_bytes().find(b'Officers should learn') == -1  # overwritten
    assert backups.backups(folder) == []
    assert 'no event with id 1' in run('event', 'delete', '1', '--data-dir', str(data), '--yes').output


def test_export_refuses_bad_input_in_one_line(day: Day, data: Path, tmp_path: Path) -> None:
    for args, said in ((['9', '--format', 'xlsx'], 'no event with id 9'), (['1', '--format', 'txt'], '--format'),
                       (['1', '--format', 'pdf', '--language', 'fr'], '--language')):
        result = run('export', *args, '--out', str(tmp_path / 'x'), '--data-dir', str(data))
        assert result.exit_code == 2 and said in result.output and 'Traceback' not in result.output
    result = run('export', '1', '--format', 'xlsx', '--out', str(tmp_path / 'x'), '--data-dir', str(tmp_path / 'no'))
    assert result.exit_code == 2 and 'no SPCP Live data' in result.output and not (tmp_path / 'no').exists()
    result = run('export', '1', '--format', 'xlsx', '--out', str(tmp_path / 'nope' / 'x.xlsx'), '--data-dir', str(data))
    assert result.exit_code == 2 and 'existing folder' in result.output


def test_backups_copy_the_database_and_keep_the_last_few(day: Day, data: Path) -> None:
    folder = data / backups.FOLDER
    for second in range(4):
        backups.backup_once(data / 'spcp.sqlite3', folder, keep=3, now=1_700_000_000 + second)
    kept = backups.backups(folder)
    assert len(kept) == 3 and oct(kept[-1].stat().st_mode & 0o777) == '0o600'
    with sqlite3.connect(kept[-1]) as copy:
        assert copy.execute('SELECT count(*) FROM card').fetchone()[0] == 24  # 18 in the rooms, 6 in the plenary
    runner = backups.Backups(data / 'spcp.sqlite3', data / 'more', every_s=0.01, keep=2).start()
    try:
        for _ in range(500):  # bounded: the thread makes its first copies within a few hundredths of a second
            if runner.made >= 2:
                break
            runner._stop.wait(0.01)
    finally:
        runner.stop()
    assert runner.made >= 2 and 1 <= len(backups.backups(data / 'more')) <= 2
    assert backups.start('postgresql://x/y', data) is None


@pytest.mark.postgres
def test_a_laptops_day_carries_on_in_postgresql(day: Day, data: Path, tmp_path: Path, postgres_database: str,
                                                monkeypatch) -> None:
    """Export from the laptop's SQLite file, import into an empty PostgreSQL database, export again: the same
    archive; then a new card gets a fresh id (the ids carry on after the restored ones)."""
    first, second = tmp_path / 'a.json', tmp_path / 'b.json'
    assert run('export', str(day.event_id), '--format', 'json', '--out', str(first), '--data-dir', str(data)
               ).exit_code == 0
    monkeypatch.setenv('SPCP_DATABASE_URL', postgres_database)
    result = run('import', str(first), '--data-dir', str(tmp_path / 'server'))
    assert result.exit_code == 0, result.output
    assert 'Restored event 1 into postgresql' in result.output and '18 participant(s)' in result.output
    result = run('export', str(day.event_id), '--format', 'json', '--out', str(second), '--data-dir',
                 str(tmp_path / 'server'))
    assert result.exit_code == 0, result.output
    assert json.loads(first.read_text())['tables'] == json.loads(second.read_text())['tables']
    engine = make_engine(postgres_database)
    with engine.begin() as connection:
        largest = connection.execute(text('SELECT max(id) FROM card')).scalar_one()
        room_id, participant_id = connection.execute(text('SELECT room_id, id FROM participant LIMIT 1')).one()
        new = connection.execute(text("INSERT INTO card (room_id, participant_id, text, hidden, created_at, paper, "
                                      "pending, paper_dots) VALUES (:r, :p, 'after the move', false, now(), false, "
                                      "false, 0) RETURNING id"), {'r': room_id, 'p': participant_id}).scalar_one()
    assert new == largest + 1
    # a second import into the same database is refused: it already holds an event
    result = run('import', str(first), '--data-dir', str(tmp_path / 'again'))
    assert result.exit_code != 0 and 'already holds an event' in result.output
    engine.dispose()
