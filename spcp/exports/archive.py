"""The archive: every row of every table that belongs to one event, as JSON, and its restore.

Table-driven: a table belongs to an event when its foreign keys lead to ``event`` (a card through
its room, a receipt through its participant and room...), found over ``SQLModel.metadata``, so a
table added later is archived, restored and deleted without a change here. The document names its
schema (the Alembic revision it was written at): :func:`restore` builds a database at that revision,
puts the rows back with their ids and brings it to the newest revision, so an archive from an older
version restores into a newer one.

This is the organizer's own backup, never to be handed over: it holds the pseudonymous
participants (their devices' random ids), every hidden card, the rooms' keys and the browser
secret that lets phones carry on as themselves. What is handed over are the other exports.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from alembic import command
from sqlalchemy import Date, DateTime, MetaData, Table, bindparam, create_engine, delete, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool
from sqlmodel import Session, SQLModel

from .. import db
from ..domain import models  # noqa: F401  (registers the tables on SQLModel.metadata)
from ..domain.access import Actor
from ..domain.setup import require_organizer

FORMAT = 'spcp-live-archive'
NOTICE = ("The organizer's own backup of the whole event (spcp import restores it). It holds the participants' "
          "pseudonymous ids, hidden cards, the rooms' keys and the browser secret: keep it private and never hand "
          "it over; hand over the spreadsheet or the report instead.")
EVENT = 'event'


class ArchiveError(ValueError):
    """An archive that cannot be restored; the message says why, for the person restoring it."""


@dataclass(frozen=True)
class Archive:
    """One event's rows, ready to write as JSON."""
    schema: str
    event_id: int
    tables: dict[str, dict[str, list]]     # table -> {'columns': [...], 'rows': [[...], ...]}
    browser_secret: str | None = None

    def document(self) -> dict[str, Any]:
        return {'format': FORMAT, 'notice': NOTICE, 'schema': self.schema, 'event_id': self.event_id,
                'browser_secret': self.browser_secret, 'tables': self.tables}


def render(archive: Archive, out: BinaryIO) -> None:
    """The archive as UTF-8 JSON; the same rows always give the same bytes."""
    out.write(json.dumps(archive.document(), ensure_ascii=False, indent=1).encode('utf-8'))
    out.write(b'\n')


# ---------- which rows belong to an event ----------

def path_to_event(table: Table, seen: frozenset[str] = frozenset()) -> list | None:
    """The foreign keys leading from ``table`` to ``event`` (shortest, in column order), or None."""
    if table.name == EVENT:
        return []
    best = None
    for column in table.columns:
        for key in sorted(column.foreign_keys, key=lambda k: k.target_fullname):
            target = key.column.table
            if target is table or target.name in seen:
                continue  # a card merged into a card: not a way to the event
            rest = path_to_event(target, seen | {table.name})
            if rest is not None and (best is None or len(rest) + 1 < len(best)):
                best = [key, *rest]
    return best


def event_tables(metadata: MetaData) -> Iterator[tuple[Table, list]]:
    """Every table of ``metadata`` that belongs to events, parents before children, with its path."""
    for table in metadata.sorted_tables:
        path = path_to_event(table)
        if path is not None:
            yield table, path


def rows_of(table: Table, path: list, event_id: int):
    """A SELECT of the event's rows of ``table``, in primary-key order."""
    if not path:
        query = select(table).where(table.c.id == event_id)
    else:
        query = select(table)
        for key in path[:-1]:
            query = query.join(key.column.table, key.parent == key.column)
        query = query.where(path[-1].parent == event_id)
    return query.order_by(*table.primary_key.columns)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date | dt.datetime) else value


# ---------- writing, restoring, deleting ----------

def build(session: Session, actor: Actor, event_id: int, browser_secret: str | None = None) -> Archive:
    """The event's archive, for its organizer."""
    require_organizer(session, actor, event_id)
    tables = {}
    for table, path in event_tables(SQLModel.metadata):
        columns = [c.name for c in table.columns]
        rows = session.connection().execute(rows_of(table, path, event_id)).all()
        tables[table.name] = {'columns': columns, 'rows': [[_plain(v) for v in row] for row in rows]}
    return Archive(db.current_revision(session.connection()), event_id, tables, browser_secret)


def load(data: bytes) -> dict[str, Any]:
    """An archive's document, checked enough to restore it; a clear ArchiveError otherwise."""
    try:
        document = json.loads(data.decode('utf-8'))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ArchiveError(f'this is not an SPCP Live archive (not JSON: {error})') from None
    if not isinstance(document, dict) or document.get('format') != FORMAT:
        raise ArchiveError('this is not an SPCP Live archive (made by `spcp export EVENT --format json`)')
    if not isinstance(document.get('tables'), dict) or not isinstance(document.get('schema'), str):
        raise ArchiveError('this archive is damaged: it has no tables or no schema version')
    known = [s.revision for s in db._scripts().walk_revisions()]  # noqa: SLF001 (db's own revision list)
    if document['schema'] not in known:
        raise ArchiveError(f'this archive was written by a newer SPCP Live (schema {document["schema"]}; this '
                           f'version knows up to {db.head_revision()}): restore it with that version')
    return document


def restore(url: str, document: dict[str, Any]) -> None:
    """Put the archive's rows into a new, empty database at ``url`` (an SQLite file, or PostgreSQL with no
    event yet), at the archive's schema, then bring it to the newest one. One transaction: all rows or none."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        _restore(engine, document)
    finally:
        engine.dispose()


def _restore(engine: Engine, document: dict[str, Any]) -> None:
    with db.migration_connection(engine) as connection:
        _require_empty(connection, document['schema'])
        command.upgrade(db.migration_config(connection), document['schema'])
        metadata = MetaData()
        metadata.reflect(connection)
        for table, _path in event_tables(metadata):
            _insert(connection, table, document['tables'].get(table.name))
        unknown = set(document['tables']) - set(metadata.tables)
        if unknown:
            raise ArchiveError(f'this archive is damaged: tables {sorted(unknown)} do not exist at its schema')
        if connection.dialect.name == 'sqlite' and list(connection.exec_driver_sql('PRAGMA foreign_key_check')):
            raise ArchiveError('this archive is damaged: some rows point at rows it does not hold')
        if connection.dialect.name == 'postgresql':
            _continue_ids(connection, metadata)
    db.upgrade_to_head(engine)


def _require_empty(connection: Connection, schema: str) -> None:
    """A database someone already uses is never mixed with an archive (a PostgreSQL server may be shared)."""
    current = db.current_revision(connection)
    if current is None:
        return
    if connection.execute(select(SQLModel.metadata.tables['event'].c.id).limit(1)).first() is not None:
        raise ArchiveError('this database already holds an event: restore into a new, empty database')
    if current != schema:
        raise ArchiveError(f'this database is at schema {current} and the archive at {schema}: restore into a new, '
                           'empty database')


def _continue_ids(connection: Connection, metadata: MetaData) -> None:
    """PostgreSQL numbers new rows from a sequence that explicit ids leave behind: move each past its table's
    largest id, so the day carries on (SQLite takes the largest id + 1 by itself)."""
    quote = connection.dialect.identifier_preparer.quote
    for table in metadata.sorted_tables:
        if 'id' in table.c and table.c.id.primary_key and table.c.id.type.python_type is int:
            connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{quote(table.name)}', 'id'), coalesce(max(id), 1), "
                f'max(id) IS NOT NULL) FROM {quote(table.name)}')


def _insert(connection: Connection, table: Table, data: dict | None) -> None:
    if not data or not data.get('rows'):
        return
    columns = data.get('columns')
    if not isinstance(columns, list) or set(columns) - set(table.columns.keys()):
        raise ArchiveError(f'this archive is damaged: the columns of {table.name} do not match its schema')
    try:
        rows = [{name: _typed(table.c[name], value) for name, value in zip(columns, row, strict=True)}
                for row in data['rows']]
    except (TypeError, ValueError) as error:
        raise ArchiveError(f'this archive is damaged: a row of {table.name} cannot be read ({error})') from None
    # a row pointing at a later row of its own table (a card merged into a newer card): PostgreSQL checks each
    # row as it goes in, so such links are written once every row is in
    own = [key.parent.name for key in table.foreign_keys if key.column.table.name == table.name]
    connection.execute(table.insert(), [row | dict.fromkeys(own) for row in rows])
    (key,) = table.primary_key.columns
    for name in own:
        links = [{'pk': row[key.name], 'to': row[name]} for row in rows if row.get(name) is not None]
        if links:
            connection.execute(table.update().where(key == bindparam('pk')).values({name: bindparam('to')}), links)


def _typed(column, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(column.type, DateTime):
        return dt.datetime.fromisoformat(value)
    if isinstance(column.type, Date):
        return dt.date.fromisoformat(value)
    return value


def delete_event(session: Session, actor: Actor, event_id: int) -> int:
    """Erase every row of the event (children first), overwriting the freed space (SQLite's
    secure_delete), for its organizer; returns how many rows went."""
    require_organizer(session, actor, event_id)
    connection = session.connection()
    if connection.dialect.name == 'sqlite':  # PostgreSQL has no such switch: VACUUM reclaims the space later
        connection.exec_driver_sql('PRAGMA secure_delete=ON')
    erased = 0
    for table, path in reversed(list(event_tables(SQLModel.metadata))):
        (key,) = table.primary_key.columns
        ids = rows_of(table, path, event_id).with_only_columns(key).order_by(None)
        erased += connection.execute(delete(table).where(key.in_(ids.scalar_subquery()))).rowcount
    session.commit()
    return erased
