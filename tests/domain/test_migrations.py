"""Schema migrations (spcp/migrations, run by spcp.db.make_engine).

The baseline revision is exactly what ``create_all`` made before migrations existed, the newest
revision is exactly what today's models describe, and an event file from before migrations opens,
keeps every row and gains the new columns.
"""
from __future__ import annotations

import re
import sqlite3
import threading
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import event as sa_event
from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, create_engine, select

from spcp import db
from spcp.domain.models import Card, Event, Participant, Room, Vote

# What create_all wrote into sqlite_master for the models of commit ceab448, the last version
# without migrations: the files people already have. Frozen here, never derived from the models.
BASELINE_DDL = (
    '''CREATE TABLE event (id INTEGER NOT NULL, name VARCHAR NOT NULL, organizer_key VARCHAR NOT NULL,
        "plan" JSON NOT NULL, created_at DATETIME NOT NULL, PRIMARY KEY (id))''',
    'CREATE INDEX ix_event_organizer_key ON event (organizer_key)',
    '''CREATE TABLE room (id INTEGER NOT NULL, event_id INTEGER NOT NULL, name VARCHAR NOT NULL,
        join_code VARCHAR NOT NULL, facilitator_key VARCHAR NOT NULL, phase VARCHAR NOT NULL,
        votes_revealed BOOLEAN NOT NULL, dots_per_participant INTEGER NOT NULL, max_dots_per_card INTEGER NOT NULL,
        max_card_length INTEGER NOT NULL, max_cards_per_participant INTEGER NOT NULL, top_themes INTEGER NOT NULL,
        timer_ends_at DATETIME, timer_remaining_s INTEGER, created_at DATETIME NOT NULL, PRIMARY KEY (id),
        FOREIGN KEY(event_id) REFERENCES event (id))''',
    'CREATE UNIQUE INDEX ix_room_join_code ON room (join_code)',
    'CREATE INDEX ix_room_event_id ON room (event_id)',
    '''CREATE TABLE participant (id INTEGER NOT NULL, room_id INTEGER NOT NULL, device VARCHAR NOT NULL,
        "group" VARCHAR, joined_at DATETIME NOT NULL, PRIMARY KEY (id), UNIQUE (room_id, device),
        FOREIGN KEY(room_id) REFERENCES room (id))''',
    'CREATE INDEX ix_participant_room_id ON participant (room_id)',
    '''CREATE TABLE theme (id INTEGER NOT NULL, room_id INTEGER NOT NULL, name VARCHAR NOT NULL, rank INTEGER,
        created_at DATETIME NOT NULL, PRIMARY KEY (id), FOREIGN KEY(room_id) REFERENCES room (id))''',
    'CREATE INDEX ix_theme_room_id ON theme (room_id)',
    '''CREATE TABLE card (id INTEGER NOT NULL, room_id INTEGER NOT NULL, participant_id INTEGER,
        text VARCHAR NOT NULL, hidden BOOLEAN NOT NULL, merged_into_id INTEGER, theme_id INTEGER,
        created_at DATETIME NOT NULL, PRIMARY KEY (id), FOREIGN KEY(room_id) REFERENCES room (id),
        FOREIGN KEY(participant_id) REFERENCES participant (id), FOREIGN KEY(merged_into_id) REFERENCES card (id),
        FOREIGN KEY(theme_id) REFERENCES theme (id))''',
    'CREATE INDEX ix_card_room_id ON card (room_id)',
    '''CREATE TABLE solution (id INTEGER NOT NULL, room_id INTEGER NOT NULL, theme_id INTEGER NOT NULL,
        participant_id INTEGER, text VARCHAR NOT NULL, hidden BOOLEAN NOT NULL, created_at DATETIME NOT NULL,
        PRIMARY KEY (id), FOREIGN KEY(room_id) REFERENCES room (id), FOREIGN KEY(theme_id) REFERENCES theme (id),
        FOREIGN KEY(participant_id) REFERENCES participant (id))''',
    'CREATE INDEX ix_solution_room_id ON solution (room_id)',
    'CREATE INDEX ix_solution_theme_id ON solution (theme_id)',
    '''CREATE TABLE receipt ("key" VARCHAR(64) NOT NULL, participant_id INTEGER NOT NULL, action VARCHAR NOT NULL,
        result_id INTEGER, created_at DATETIME NOT NULL, PRIMARY KEY ("key"),
        FOREIGN KEY(participant_id) REFERENCES participant (id))''',
    '''CREATE TABLE vote (id INTEGER NOT NULL, room_id INTEGER NOT NULL, card_id INTEGER NOT NULL,
        participant_id INTEGER NOT NULL, created_at DATETIME NOT NULL, PRIMARY KEY (id),
        FOREIGN KEY(room_id) REFERENCES room (id), FOREIGN KEY(card_id) REFERENCES card (id),
        FOREIGN KEY(participant_id) REFERENCES participant (id))''',
    'CREATE INDEX ix_vote_room_id ON vote (room_id)',
    'CREATE INDEX ix_vote_participant_id ON vote (participant_id)',
    'CREATE INDEX ix_vote_card_id ON vote (card_id)',
    '''CREATE TABLE endorsement (id INTEGER NOT NULL, solution_id INTEGER NOT NULL, participant_id INTEGER NOT NULL,
        PRIMARY KEY (id), UNIQUE (solution_id, participant_id), FOREIGN KEY(solution_id) REFERENCES solution (id),
        FOREIGN KEY(participant_id) REFERENCES participant (id))''',
    'CREATE INDEX ix_endorsement_solution_id ON endorsement (solution_id)',
)

# one row per table, as the earlier version wrote them (booleans 0/1, datetimes as text)
OLD_ROWS = {
    'event': {'id': 1, 'name': 'Riverside SPCP', 'organizer_key': 'org-key', 'plan': '{"phases": ["welcome"]}',
              'created_at': '2025-03-01 09:00:00.000000'},
    'room': {'id': 1, 'event_id': 1, 'name': 'Room 1', 'join_code': 'ABC123', 'facilitator_key': 'fac-key',
             'phase': 'issues', 'votes_revealed': 0, 'dots_per_participant': 3, 'max_dots_per_card': 1,
             'max_card_length': 280, 'max_cards_per_participant': 12, 'top_themes': 3, 'timer_ends_at': None,
             'timer_remaining_s': 300, 'created_at': '2025-03-01 09:00:01.000000'},
    'participant': {'id': 1, 'room_id': 1, 'device': 'device-0001', 'group': 'Residents',
                    'joined_at': '2025-03-01 09:05:00.000000'},
    'card': {'id': 1, 'room_id': 1, 'participant_id': 1, 'text': 'Street lights are out on Elm St', 'hidden': 0,
             'merged_into_id': None, 'theme_id': None, 'created_at': '2025-03-01 09:10:00.000000'},
    'vote': {'id': 1, 'room_id': 1, 'card_id': 1, 'participant_id': 1, 'created_at': '2025-03-01 09:20:00.000000'},
}
# the columns later revisions add, with the value an old row gets
ADDED = {'event': {'organizer_password_hash': None, 'date': None, 'venue': None, 'languages': '["en"]',
                   'wifi_name': None, 'wifi_password': None, 'plenary_opened_at': None},
         'room': {'expected_size': None, 'paper_participants': 0, 'review_cards': 0, 'facilitator_name': None,
                  'kind': 'breakout', 'practice': 0},
         'card': {'paper': 0, 'pending': 0, 'paper_dots': 0, 'source_theme_id': None},
         'vote': {'origin_card_id': None}}


def _url(path: Path) -> str:
    return f'sqlite:///{path}'


def _normalized(sql: str) -> str:
    return ' '.join(sql.replace('(', ' ( ').replace(')', ' ) ').replace(',', ' , ').split())


def _sql(path: Path, *statements: str, params: tuple = ()) -> list[dict]:
    """Run statements on the file with plain sqlite3 (no pragmas, no Alembic); the last one's rows."""
    with closing(sqlite3.connect(path, isolation_level=None)) as connection:
        connection.row_factory = sqlite3.Row
        connection.execute('BEGIN')  # one transaction: one sync of the file, not one per statement
        for statement in statements:
            rows = connection.execute(statement, params).fetchall()
        connection.execute('COMMIT')
    return [dict(row) for row in rows]


def _stored_ddl(path: Path) -> list[str]:
    rows = _sql(path, "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name != 'alembic_version'")
    return sorted(_normalized(row['sql']) for row in rows)


def _schema(path: Path) -> dict[str, dict]:
    """Everything the inspector reflects that a migration must get right, per table."""
    engine = create_engine(_url(path))
    try:
        insp = inspect(engine)
        return {table: {
            'columns': {c['name']: (str(c['type']), c['nullable'], c['default'], c['primary_key'])
                        for c in insp.get_columns(table)},
            'primary_key': insp.get_pk_constraint(table)['constrained_columns'],
            'indexes': sorted((i['name'], tuple(i['column_names']), bool(i['unique']))
                              for i in insp.get_indexes(table)),
            'unique': sorted((u['name'] or '', tuple(u['column_names'])) for u in insp.get_unique_constraints(table)),
            'foreign_keys': sorted((tuple(f['constrained_columns']), f['referred_table'], tuple(f['referred_columns']))
                                   for f in insp.get_foreign_keys(table)),
        } for table in insp.get_table_names() if table != 'alembic_version'}
    finally:
        engine.dispose()


def _made_by_create_all_before_migrations(path: Path, rows: dict[str, dict] | None = None) -> Path:
    """A file as the last version without migrations left it: its tables, no alembic_version."""
    with closing(sqlite3.connect(path, isolation_level=None)) as connection:
        connection.execute('PRAGMA journal_mode=WAL')
        connection.execute('BEGIN')
        for statement in BASELINE_DDL:
            connection.execute(statement)
        for table, row in (rows or {}).items():
            names = ', '.join(f'"{name}"' for name in row)
            connection.execute(f'INSERT INTO {table} ({names}) VALUES ({", ".join("?" * len(row))})',
                               tuple(row.values()))
        connection.execute('COMMIT')
    return path


def _upgraded_to(path: Path, revision: str) -> Path:
    engine = create_engine(_url(path))
    with db.migration_connection(engine) as connection:
        command.upgrade(db.migration_config(connection), revision)
    engine.dispose()
    return path


def _revision(path: Path) -> str:
    rows = _sql(path, 'SELECT version_num FROM alembic_version')
    return rows[0]['version_num'] if len(rows) == 1 else f'{len(rows)} rows'


def _rows(path: Path, table: str) -> list[dict]:
    return _sql(path, f'SELECT * FROM {table} ORDER BY rowid')


def test_revisions_form_one_line_from_baseline_to_shared_limits():
    scripts = db._scripts()
    assert [s.revision for s in reversed(list(scripts.walk_revisions()))] == ['0001_baseline', '0002_trust',
                                                                              '0003_paper_review', '0004_event_setup',
                                                                              '0005_audit', '0006_action_plan',
                                                                              '0007_plenary', '0008_practice',
                                                                              '0009_timestamps_with_zone',
                                                                              '0010_live_changes',
                                                                              '0011_shared_limits']
    assert db.head_revision() == '0011_shared_limits'
    assert db.BASELINE == '0001_baseline'


def test_baseline_revision_makes_exactly_what_create_all_made(tmp_path):
    migrated = _upgraded_to(tmp_path / 'baseline.sqlite3', '0001_baseline')
    old = _made_by_create_all_before_migrations(tmp_path / 'old.sqlite3')
    assert _schema(migrated) == _schema(old)
    assert set(_schema(migrated)) == {'event', 'room', 'participant', 'theme', 'card', 'solution', 'receipt',
                                      'vote', 'endorsement'}
    assert _stored_ddl(migrated) == _stored_ddl(old)  # even the SQL text SQLite keeps is the same


def test_head_is_exactly_what_todays_models_describe(tmp_path):
    db.make_engine(_url(tmp_path / 'head.sqlite3')).dispose()
    models = create_engine(_url(tmp_path / 'models.sqlite3'))
    SQLModel.metadata.create_all(models)
    models.dispose()
    assert _schema(tmp_path / 'head.sqlite3') == _schema(tmp_path / 'models.sqlite3')
    engine = create_engine(_url(tmp_path / 'head.sqlite3'))
    with engine.connect() as connection:  # Alembic's own comparison: names what a missing revision lacks
        context = MigrationContext.configure(connection, opts={'compare_type': True})
        assert compare_metadata(context, SQLModel.metadata) == []
    engine.dispose()


def _matches_the_models(engine: Engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={'compare_type': True})
        return compare_metadata(context, SQLModel.metadata)


@pytest.mark.postgres
def test_on_postgresql_every_revision_goes_up_to_the_models_and_back_down(postgres_database):
    """The same revisions build today's schema on PostgreSQL (the dialect branches of 0003 and 0007, the
    boolean and JSON server defaults, 0009's zoned timestamps), and every downgrade runs there too."""
    engine = create_engine(postgres_database)  # at head (the suite's migrated template); the server's zone is not UTC
    try:
        assert _matches_the_models(engine) == []
        with db.migration_connection(engine) as connection:
            command.downgrade(db.migration_config(connection), '0008_practice')
            connection.exec_driver_sql("INSERT INTO event (name, organizer_key, plan, created_at) "
                                       "VALUES ('Riverside', 'k', '{}', '2025-05-01 12:00:00')")
        db.upgrade_to_head(engine)  # 0009 reads the zone-less times as UTC, whatever the session's zone
        with Session(engine) as session:
            assert session.exec(select(Event.created_at)).one() == datetime(2025, 5, 1, 12, tzinfo=UTC)
        with db.migration_connection(engine) as connection:
            command.downgrade(db.migration_config(connection), 'base')
        assert set(inspect(engine).get_table_names()) == {'alembic_version'}
        db.upgrade_to_head(engine)
        with engine.connect() as connection:
            assert db.current_revision(connection) == db.head_revision()
        assert _matches_the_models(engine) == []
    finally:
        engine.dispose()


def test_trust_revision_adds_two_nullable_columns(tmp_path):
    path = _upgraded_to(tmp_path / 'spcp.sqlite3', '0002_trust')
    schema = _schema(path)
    assert schema['event']['columns']['organizer_password_hash'] == ('VARCHAR', True, None, 0)
    assert schema['room']['columns']['expected_size'] == ('INTEGER', True, None, 0)


def test_paper_review_revision_adds_defaulted_columns_and_goes_back_down(tmp_path):
    path = _upgraded_to(tmp_path / 'spcp.sqlite3', '0003_paper_review')
    schema = _schema(path)
    assert {name: schema['room']['columns'][name] for name in ('paper_participants', 'review_cards')} == {
        'paper_participants': ('INTEGER', False, "'0'", 0), 'review_cards': ('BOOLEAN', False, "'0'", 0)}
    assert {name: schema['card']['columns'][name][:3] for name in ('paper', 'pending', 'paper_dots')} == {
        'paper': ('BOOLEAN', False, "'0'"), 'pending': ('BOOLEAN', False, "'0'"),
        'paper_dots': ('INTEGER', False, "'0'")}
    assert schema['solution']['columns']['paper'] == ('BOOLEAN', False, "'0'", 0)
    assert schema['vote']['columns']['origin_card_id'] == ('INTEGER', True, None, 0)
    assert (('origin_card_id',), 'card', ('id',)) in schema['vote']['foreign_keys']
    engine = create_engine(_url(path))
    with db.migration_connection(engine) as connection:
        command.downgrade(db.migration_config(connection), '0002_trust')
    engine.dispose()
    assert _schema(path) == _schema(_upgraded_to(tmp_path / 'trust.sqlite3', '0002_trust'))


def test_event_setup_revision_adds_nullable_columns_and_english_and_goes_back_down(tmp_path):
    path = _upgraded_to(tmp_path / 'spcp.sqlite3', '0004_event_setup')
    columns = _schema(path)['event']['columns']
    assert {name: columns[name] for name in ('date', 'venue', 'languages', 'wifi_name', 'wifi_password')} == {
        'date': ('DATE', True, None, 0), 'venue': ('VARCHAR', True, None, 0),
        'languages': ('JSON', False, '\'["en"]\'', 0), 'wifi_name': ('VARCHAR', True, None, 0),
        'wifi_password': ('VARCHAR', True, None, 0)}
    assert _schema(path)['room']['columns']['facilitator_name'] == ('VARCHAR', True, None, 0)
    engine = create_engine(_url(path))
    with db.migration_connection(engine) as connection:
        command.downgrade(db.migration_config(connection), '0003_paper_review')
    engine.dispose()
    assert _schema(path) == _schema(_upgraded_to(tmp_path / 'paper.sqlite3', '0003_paper_review'))


def test_audit_revision_adds_its_table_and_goes_back_down(tmp_path):
    path = _upgraded_to(tmp_path / 'spcp.sqlite3', '0005_audit')
    table = _schema(path)['audit_entry']
    assert table['columns'] == {
        'id': ('INTEGER', False, None, 1), 'event_id': ('INTEGER', False, None, 0),
        'room_id': ('INTEGER', True, None, 0), 'role': ('VARCHAR', False, None, 0),
        'action': ('VARCHAR', False, None, 0), 'detail': ('VARCHAR', True, None, 0),
        'created_at': ('DATETIME', False, None, 0)}
    assert table['foreign_keys'] == [(('event_id',), 'event', ('id',))]  # no room: a removed room keeps its log
    engine = create_engine(_url(path))
    with db.migration_connection(engine) as connection:
        command.downgrade(db.migration_config(connection), '0004_event_setup')
    engine.dispose()
    assert _schema(path) == _schema(_upgraded_to(tmp_path / 'setup.sqlite3', '0004_event_setup'))


def test_action_plan_revision_adds_the_plan_and_the_council_and_goes_back_down(tmp_path):
    path = _upgraded_to(tmp_path / 'spcp.sqlite3', '0006_action_plan')
    schema = _schema(path)
    text = ('VARCHAR', True, None, 0)
    assert schema['action_item']['columns'] == {
        'id': ('INTEGER', False, None, 1), 'event_id': ('INTEGER', False, None, 0),
        'theme_id': ('INTEGER', False, None, 0), 'solution_id': ('INTEGER', True, None, 0),
        'text': ('VARCHAR', False, None, 0), 'lead': text, 'partners': text, 'responsible': text,
        'first_steps': text, 'start_date': ('DATE', True, None, 0), 'due_date': ('DATE', True, None, 0),
        'resources': text, 'success_measure': text, 'status': ('VARCHAR', False, None, 0), 'notes': text}
    assert schema['action_item']['foreign_keys'] == [(('event_id',), 'event', ('id',)),
                                                     (('solution_id',), 'solution', ('id',)),
                                                     (('theme_id',), 'theme', ('id',))]
    # the council: no participant, no room, no time; a random text key
    assert schema['council_volunteer']['columns'] == {
        'id': ('VARCHAR(32)', False, None, 1), 'event_id': ('INTEGER', False, None, 0),
        'name': ('VARCHAR', False, None, 0), 'contact': ('VARCHAR', False, None, 0), 'affiliation': text,
        'why': text}
    assert schema['council_volunteer']['foreign_keys'] == [(('event_id',), 'event', ('id',))]
    ddl = _sql(path, "SELECT sql FROM sqlite_master WHERE name = 'council_volunteer'")[0]['sql']
    assert _normalized(ddl).endswith(') WITHOUT ROWID')  # no hidden rowid counting the sign-ups
    engine = create_engine(_url(path))
    with db.migration_connection(engine) as connection:
        command.downgrade(db.migration_config(connection), '0005_audit')
    engine.dispose()
    assert _schema(path) == _schema(_upgraded_to(tmp_path / 'audit.sqlite3', '0005_audit'))


def test_plenary_revision_adds_defaulted_columns_and_goes_back_down(tmp_path):
    path = _upgraded_to(tmp_path / 'spcp.sqlite3', '0007_plenary')
    schema = _schema(path)
    assert schema['room']['columns']['kind'] == ('VARCHAR', False, "'breakout'", 0)
    assert schema['card']['columns']['source_theme_id'] == ('INTEGER', True, None, 0)
    assert (('source_theme_id',), 'theme', ('id',)) in schema['card']['foreign_keys']
    assert schema['event']['columns']['plenary_opened_at'] == ('DATETIME', True, None, 0)
    engine = create_engine(_url(path))
    with db.migration_connection(engine) as connection:
        command.downgrade(db.migration_config(connection), '0006_action_plan')
    engine.dispose()
    assert _schema(path) == _schema(_upgraded_to(tmp_path / 'plan.sqlite3', '0006_action_plan'))


def test_practice_revision_adds_a_false_flag_and_goes_back_down(tmp_path):
    path = _upgraded_to(tmp_path / 'spcp.sqlite3', '0008_practice')
    assert _schema(path)['room']['columns']['practice'] == ('BOOLEAN', False, "'0'", 0)
    engine = create_engine(_url(path))
    with db.migration_connection(engine) as connection:
        command.downgrade(db.migration_config(connection), '0007_plenary')
    engine.dispose()
    assert _schema(path) == _schema(_upgraded_to(tmp_path / 'plenary.sqlite3', '0007_plenary'))


def test_file_from_before_migrations_keeps_its_rows_and_gains_the_columns(tmp_path):
    path = _made_by_create_all_before_migrations(tmp_path / 'spcp.sqlite3', OLD_ROWS)
    engine = db.make_engine(_url(path))
    try:
        assert _revision(path) == db.head_revision()
        for table, row in OLD_ROWS.items():
            assert _rows(path, table) == [{**row, **ADDED.get(table, {})}]
        assert _schema(path) == _schema(_upgraded_to(tmp_path / 'fresh.sqlite3', 'head'))
        with Session(engine) as session:  # today's models read the old rows...
            event = session.exec(select(Event)).one()
            assert (event.name, event.plan, event.organizer_password_hash) == ('Riverside SPCP',
                                                                               {'phases': ['welcome']}, None)
            assert (event.date, event.venue, event.languages, event.wifi_name) == (None, None, ['en'], None)
            room = session.exec(select(Room)).one()
            assert (room.join_code, room.phase, room.votes_revealed, room.expected_size) == ('ABC123', 'issues',
                                                                                             False, None)
            assert session.exec(select(Participant.device)).one() == 'device-0001'
            assert session.exec(select(Card.text)).one() == 'Street lights are out on Elm St'
            assert session.exec(select(Vote.card_id, Vote.participant_id)).one() == (1, 1)
            room.expected_size = 25  # ...and write the new columns
            session.add(room)
            session.commit()
        assert _rows(path, 'room')[0]['expected_size'] == 25
    finally:
        engine.dispose()


def test_opening_a_file_at_head_again_only_reads_its_version(tmp_path):
    path = tmp_path / 'spcp.sqlite3'
    db.make_engine(_url(path)).dispose()
    ddl_before = _stored_ddl(path)
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        statements.append(' '.join(statement.split()))

    sa_event.listen(Engine, 'before_cursor_execute', record)
    try:
        db.make_engine(_url(path)).dispose()
    finally:
        sa_event.remove(Engine, 'before_cursor_execute', record)
    assert [s for s in statements if not s.startswith('PRAGMA')] == [
        'SELECT alembic_version.version_num FROM alembic_version']
    assert _stored_ddl(path) == ddl_before
    assert _revision(path) == db.head_revision()


def test_a_failed_upgrade_leaves_the_old_file_as_it_was(tmp_path, monkeypatch):
    path = _made_by_create_all_before_migrations(tmp_path / 'spcp.sqlite3', OLD_ROWS)
    ddl_before = _stored_ddl(path)
    real_upgrade = command.upgrade

    def upgrade_then_crash(config, revision):
        real_upgrade(config, revision)
        raise OSError('disk full')

    monkeypatch.setattr(db.command, 'upgrade', upgrade_then_crash)
    with pytest.raises(OSError, match='disk full'):
        db.make_engine(_url(path))
    assert _stored_ddl(path) == ddl_before  # not stamped, no new columns: all or nothing
    assert _rows(path, 'event') == [OLD_ROWS['event']]
    monkeypatch.undo()
    db.make_engine(_url(path)).dispose()  # the next start upgrades it
    assert _revision(path) == db.head_revision()


def test_a_file_from_a_newer_version_is_refused_untouched(tmp_path):
    path = _upgraded_to(tmp_path / 'spcp.sqlite3', 'head')
    _sql(path, "UPDATE alembic_version SET version_num = '0099_future'")
    expected = f'newer SPCP Live (schema 0099_future, this version knows up to {db.head_revision()})'
    with pytest.raises(RuntimeError, match=re.escape(expected)):
        db.make_engine(_url(path))
    assert _revision(path) == '0099_future'


def _open_at_once(path: Path, openers: int = 4) -> list[BaseException]:
    """``openers`` threads open the file with ``db.make_engine`` at the same moment; what they raised."""
    start = threading.Barrier(openers)
    errors: list[BaseException] = []

    def open_it() -> None:
        start.wait()
        try:
            db.make_engine(_url(path)).dispose()
        except BaseException as error:  # noqa: BLE001  (reported by the caller's assertion)
            errors.append(error)

    threads = [threading.Thread(target=open_it) for _ in range(openers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


def test_new_files_opened_by_several_at_once_are_never_locked(tmp_path):
    """Switching a new file to WAL made SQLite answer "database is locked" at once, busy timeout or not, when
    another connection switched it too: 21 of 200 new files failed (and CI failed once) before db._use_wal."""
    failures = [error for n in range(20) for error in _open_at_once(tmp_path / f'new{n}.sqlite3')]
    assert failures == []


def test_processes_opening_a_new_file_at_once_upgrade_it_once(tmp_path):
    path = tmp_path / 'spcp.sqlite3'
    assert _open_at_once(path) == []
    assert _revision(path) == db.head_revision()
    assert _schema(path) == _schema(_upgraded_to(tmp_path / 'fresh.sqlite3', 'head'))
