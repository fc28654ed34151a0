"""One renderer per export format behind one registry, shared by ``spcp export`` and the organizer's
downloads page (as Datasette's output renderers are): ``RENDERERS[format].render(source, out)``.

A renderer takes either the event's tables (``tables.build``: what is handed over) or its archive
(``archive.build``: the organizer's own backup, every row). Its module is imported when first used:
python-docx and matplotlib cost a second to import, and a server that never exports never pays it.
"""
from __future__ import annotations

import importlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from sqlmodel import Session

from .. import backups, db, hardening
from ..domain.access import Actor
from ..domain.errors import msgid
from ..i18n import translator
from . import archive, tables

TABLES, ARCHIVE = 'tables', 'archive'


@dataclass(frozen=True)
class Renderer:
    format: str         # what --format takes
    label: str          # a message id: the download's name
    extension: str
    media_type: str
    source: str         # TABLES or ARCHIVE
    module: str         # spcp.exports.<module>.render(source, out)

    def render(self, source: Any, out: BinaryIO) -> None:
        importlib.import_module(f'{__package__}.{self.module}').render(source, out)


RENDERERS: dict[str, Renderer] = {r.format: r for r in (
    Renderer('xlsx', msgid('Spreadsheet (Excel)'), 'xlsx',
             'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', TABLES, 'xlsx'),
    Renderer('csv', msgid('Tables (CSV, zipped)'), 'zip', 'application/zip', TABLES, 'csv'),
    Renderer('docx', msgid('Report (Word)'), 'docx',
             'application/vnd.openxmlformats-officedocument.wordprocessingml.document', TABLES, 'docx'),
    Renderer('pdf', msgid('Report (PDF)'), 'pdf', 'application/pdf', TABLES, 'pdf'),
    Renderer('json', msgid('Archive (JSON, your own backup)'), 'json', 'application/json', ARCHIVE, 'archive'),
)}


def source(session: Session, actor: Actor, event_id: int, renderer: Renderer, *, locale: str = 'en',
           browser_secret: str | None = None) -> Any:
    """What ``renderer`` renders, read for the event's organizer (a refusal raises DomainError)."""
    if renderer.source == ARCHIVE:
        return archive.build(session, actor, event_id, browser_secret)
    return tables.build(tables.read_event(session, actor, event_id), translator(locale))


def export(session: Session, actor: Actor, event_id: int, fmt: str, out: BinaryIO, *, locale: str = 'en',
           browser_secret: str | None = None) -> None:
    renderer = RENDERERS[fmt]
    renderer.render(source(session, actor, event_id, renderer, locale=locale, browser_secret=browser_secret), out)


def export_bytes(actor: Actor, event_id: int, fmt: str, *, locale: str = 'en',
                 browser_secret: str | None = None) -> bytes:
    """The export as bytes, in a session of its own (the downloads page runs this off the event loop)."""
    out = io.BytesIO()
    with db.session() as session:
        export(session, actor, event_id, fmt, out, locale=locale, browser_secret=browser_secret)
    return out.getvalue()


def browser_secret(data_dir: Path) -> str | None:
    """The data folder's browser secret (phones' ids are signed with it): the archive carries it."""
    path = Path(data_dir) / hardening.SECRET_FILE
    return path.read_text(encoding='utf-8').strip() if path.is_file() else None


def erase(actor: Actor, event_id: int, data_dir: Path) -> tuple[int, int]:
    """Delete the event's data for good: its rows (freed space overwritten, the write-ahead log emptied) and
    the automatic backups that held it (a running server makes new ones). Returns (rows, backups) removed."""
    with db.session() as session:
        rows = archive.delete_event(session, actor, event_id)
    with db.engine().connect() as connection:
        if connection.dialect.name == 'sqlite':  # the erased rows' old pages leave the write-ahead log too
            connection.exec_driver_sql('PRAGMA wal_checkpoint(TRUNCATE)')
    old = backups.backups(Path(data_dir) / backups.FOLDER)
    for path in old:
        path.unlink(missing_ok=True)
    return rows, len(old)


def file_name(event_name: str, fmt: str) -> str:
    """``spcp-riverside-spcp.xlsx``: the event's name in plain letters, for the downloads folder."""
    words = ''.join(ch if ch.isascii() and ch.isalnum() else ' ' for ch in event_name.lower()).split()
    stem = '-'.join(['spcp', *words])[:60].rstrip('-')
    return f'{stem}{"-archive" if RENDERERS[fmt].source == ARCHIVE else ""}.{RENDERERS[fmt].extension}'
