"""The ``spcp`` command: run the app, create events, print their links.

    spcp serve [--host 0.0.0.0] [--port 8080] [--data-dir DIR] [--public-url URL] [--tls-cert F --tls-key F]
               [--trusted-proxies IP,NETWORK]
    spcp demo [--finished] [--data-dir DIR] [--port N] [--public-url URL]
    spcp event create --name NAME --rooms N [--plan PATH] [--date YYYY-MM-DD] [--venue TEXT] [--languages en,es]
                      [--wifi-name NAME] [--wifi-password TEXT] [--dots N] [--minutes PHASE=N ...]
                      [--room-name NAME ...] [--facilitator NAME ...] [--expected-size N ...]
                      [--data-dir DIR] [--port N] [--public-url URL] [--json]
    spcp event links [--event ID] [--data-dir DIR] [--port N] [--public-url URL] [--json]
    spcp posters EVENT --out FILE.pdf [--data-dir DIR] [--port N] [--public-url URL]
    spcp suggest --in CARDS.txt|CARDS.csv [--json]
    spcp room rotate-key CODE [--data-dir DIR]
    spcp organizer set-password EVENT [--data-dir DIR] [--remove]
    spcp export EVENT --format xlsx|csv|docx|pdf|json --out PATH [--language en|es|hi|ar] [--data-dir DIR]
    spcp import ARCHIVE.json --data-dir DIR
    spcp event delete EVENT [--data-dir DIR] [--yes]

Flags become the ``SPCP_*`` environment variables that :func:`spcp.settings.load` reads, so the
web pages (which read the settings too) see the same values. ``spcp serve`` writes the address it
runs with (host, port, public URL, certificate) into ``<data dir>/settings.toml``; the commands that
print links read it, so they print the addresses that server answers. A flag wins over its
``SPCP_*`` variable, which wins over the file. Bad input gives one line on stderr and exit code 2,
never a traceback.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import sys
import tomllib
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import select

from . import db, hardening, settings
from .domain.errors import DomainError
from .domain.phases import PHASES
from .domain.setup import LANGUAGES, EventDetails, RoomDetails
from .i18n import english
from .settings import DEFAULT_PLAN, SESSIONS_DIR, Settings

EXIT_BAD_INPUT = 2
EXIT_FAILURE = 1

app = typer.Typer(name='spcp', help='SPCP Live: live breakout rooms for Strengthening Police and '
                  'Community Partnerships.', add_completion=False, no_args_is_help=True,
                  pretty_exceptions_enable=False, rich_markup_mode=None)
event_app = typer.Typer(help='Set up events and their breakout rooms.', no_args_is_help=True,
                        rich_markup_mode=None)
app.add_typer(event_app, name='event')
room_app = typer.Typer(help='Manage one breakout room.', no_args_is_help=True, rich_markup_mode=None)
app.add_typer(room_app, name='room')
organizer_app = typer.Typer(help="Protect an event's organizer page.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(organizer_app, name='organizer')

DataDir = Annotated[Path, typer.Option('--data-dir', envvar='SPCP_DATA_DIR',
                                       help='Folder for the database and the app secret.')]
DEFAULT_DATA_DIR = SESSIONS_DIR / 'data'
Port = Annotated[int | None, typer.Option('--port', envvar='SPCP_PORT', min=1, max=65535,
                                          help='Port of the server in the links (default: the one `spcp serve` '
                                          'last ran with on this data folder, else 8080).')]
PublicUrl = Annotated[str | None, typer.Option('--public-url', envvar='SPCP_PUBLIC_URL',
                                               help='Address phones use, e.g. http://192.168.4.1:8080 (default: '
                                               'the one `spcp serve` last ran with, else worked out from the '
                                               'LAN address; "" = work it out).')]
_URL = re.compile(r'https?://[^/\s?#]+(/[^\s?#]*)?')


def said(error: DomainError) -> str:
    """A domain refusal in English, for the terminal."""
    return english()(error.msgid, **error.params)


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    typer.echo(f'spcp: error: {" ".join(str(message).split())}', err=True)
    raise typer.Exit(code)


def cfg_file(data_dir: Path) -> Path:
    return Path(data_dir).expanduser().resolve() / settings.SETTINGS_FILE


def configure(*, data_dir: Path, host: str | None = None, port: int | None = None,
              public_url: str | None = None) -> Settings:
    """Put the flags into the environment, load the settings and open the database."""
    os.environ['SPCP_DATA_DIR'] = str(Path(data_dir).expanduser().resolve())
    if host is not None:
        os.environ['SPCP_HOST'] = host
    if port is not None:
        os.environ['SPCP_PORT'] = str(port)
    if public_url is not None:
        os.environ['SPCP_PUBLIC_URL'] = public_url.strip().rstrip('/')
    try:
        cfg = settings.load()
    except (ValueError, tomllib.TOMLDecodeError) as error:
        fail(f'bad setting (flag, SPCP_* variable or {cfg_file(data_dir)}): {error}')
    if cfg.public_url and not _URL.fullmatch(cfg.public_url):
        fail(f'the public URL must look like http://192.168.4.1:8080, not {cfg.public_url!r}')
    try:
        hardening.prepare(cfg.data_dir)  # the database, its -wal/-shm and the folder: this account only
        db.configure(cfg.database_url)
    except (OSError, SQLAlchemyError, RuntimeError) as error:  # RuntimeError: a file from a newer version
        fail(f'cannot open the database {db.shown(cfg.database_url)}: {error}', EXIT_FAILURE)
    return cfg


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(envvar='SPCP_HOST', help='Address to listen on; 0.0.0.0 lets '
                                             'phones on the same Wi-Fi or hotspot connect, 127.0.0.1 only this '
                                             'laptop (default: the last one used with this data folder, else '
                                             '0.0.0.0).')] = None,
    port: Annotated[int | None, typer.Option(envvar='SPCP_PORT', min=1, max=65535, help='Port to listen on '
                                             '(default: the last one used with this data folder, else '
                                             '8080).')] = None,
    data_dir: DataDir = DEFAULT_DATA_DIR,
    public_url: PublicUrl = None,
    tls_cert: Annotated[Path | None, typer.Option('--tls-cert', envvar='SPCP_TLS_CERT', help='Certificate file '
                                                  '(PEM) to serve HTTPS; needs --tls-key.')] = None,
    tls_key: Annotated[Path | None, typer.Option('--tls-key', envvar='SPCP_TLS_KEY',
                                                 help='Private key file (PEM) of the certificate.')] = None,
    trusted_proxies: Annotated[str | None, typer.Option(
        '--trusted-proxies', envvar='SPCP_TRUSTED_PROXIES', help='Proxies in front of this server whose '
        'X-Forwarded-For names the phone, e.g. 127.0.0.1,10.0.0.0/24 (default: none; see SECURITY.md).')] = None,
) -> None:
    """Run SPCP Live (creates the demo event if the database has no event yet).

    Remembers its host, port, public URL and certificate in <data dir>/settings.toml for the next
    start and for the links `spcp event create` prints."""
    from .demo import ensure_demo
    from .domain.models import Event

    if (tls_cert is None) != (tls_key is None):
        fail('HTTPS needs both --tls-cert and --tls-key')
    if tls_cert is not None:
        os.environ['SPCP_TLS_CERT'] = str(Path(tls_cert).resolve())
        os.environ['SPCP_TLS_KEY'] = str(Path(tls_key).resolve())
    if trusted_proxies is not None:
        os.environ['SPCP_TRUSTED_PROXIES'] = trusted_proxies  # checked by configure(): a bad entry stops here
    cfg = configure(data_dir=data_dir, host=host, port=port, public_url=public_url)
    remembered = remembered_values(data_dir)  # after configure: a flag is a variable now, and wins
    for path in (cfg.tls_cert, cfg.tls_key):
        if path is not None and not Path(path).is_file():
            fail(f'no such file: {path}')
    if (cfg.tls_cert is None) != (cfg.tls_key is None):
        fail(f'HTTPS needs both tls_cert and tls_key (see {cfg_file(data_dir)})')
    if remembered:
        typer.echo(f'Using {remembered} as last time (from {cfg_file(data_dir)}; a flag changes it).')
    remember_server(cfg)
    from . import backups
    backups.start(cfg.database_url, cfg.data_dir)  # a copy of the database every few minutes, in a thread
    with db.session() as session:
        if session.exec(select(Event.id)).first() is None:
            event = ensure_demo(session)
            typer.echo(f'No event yet: created the demo event "{event.name}" with its rooms.')
    from . import server
    server.start(cfg)


_NAMES = {'host': 'host', 'port': 'port', 'public_url': 'public URL', 'tls_cert': 'certificate',
          'tls_key': 'certificate key'}


def remembered_values(data_dir: Path) -> str:
    """The server values the settings file will supply, as words ('' when none)."""
    try:
        values = settings.from_file(Path(data_dir).expanduser().resolve())
    except (OSError, tomllib.TOMLDecodeError):
        return ''  # settings.load() will report a broken file
    return ', '.join(f'{_NAMES[name]} {value}' for name, value in values.items())


def remember_server(cfg: Settings) -> None:
    """Write where this server listens into the settings file; a failure only costs matching links."""
    try:
        written = settings.remember(cfg.data_dir, settings.server_values(cfg))
    except OSError as error:
        written, reason = False, str(error)
    else:
        reason = 'it is written in a way this program does not rewrite'
    if not written:
        typer.echo(f'spcp: note: cannot record host and port in {cfg.data_dir / settings.SETTINGS_FILE} ({reason}): '
                   'give `spcp event create` the same --port and --public-url.', err=True)


@app.command()
def demo(data_dir: DataDir = DEFAULT_DATA_DIR, port: Port = None, public_url: PublicUrl = None,
         finished: Annotated[bool, typer.Option('--finished', help='A sample day that has already run: four rooms '
                                                'at Wrap-up, the plenary, an action plan and a council, to look '
                                                'at the boards, the dashboard and every export.')] = False) -> None:
    """Create the demo event (once) and print its links."""
    from .demo import ensure_demo, ensure_finished_demo, finished_links
    from .links import base_url, describe_event, format_event

    cfg = configure(data_dir=data_dir, port=port, public_url=public_url)
    with db.session() as session:
        if finished:
            typer.echo(finished_links(session, ensure_finished_demo(session), base_url(cfg), data_dir))
        else:
            typer.echo(format_event(describe_event(session, ensure_demo(session), base_url(cfg))))


# what `spcp event create` sets up besides the name and the rooms (spcp.domain.setup checks it)
EventDate = Annotated[str | None, typer.Option('--date', metavar='YYYY-MM-DD',
                                               help='Day of the event (on the posters).')]
Venue = Annotated[str | None, typer.Option('--venue', metavar='TEXT', help='Where it takes place (on the posters).')]
Languages = Annotated[str, typer.Option('--languages', metavar='CODES', help='Languages of the posters, '
                                        f'comma-separated, from {",".join(LANGUAGES)}.')]
WifiName = Annotated[str | None, typer.Option('--wifi-name', metavar='NAME', help='Wi-Fi network on the posters.')]
WifiPassword = Annotated[str | None, typer.Option('--wifi-password', metavar='TEXT', help='Its password, printed '
                                                  'on the posters for everyone in the hall.')]
Dots = Annotated[int | None, typer.Option('--dots', metavar='N', help="Dots per participant (default: the plan's).")]
Minutes = Annotated[list[str] | None, typer.Option('--minutes', metavar='PHASE=N', help='Minutes of a phase, e.g. '
                                                   f'issues=25 (repeat; phases: {", ".join(PHASES)}; default: '
                                                   "the plan's).")]
RoomNames = Annotated[list[str] | None, typer.Option('--room-name', metavar='NAME', help='Name of the next room, in '
                                                     'order (repeat; rooms not named are Room 1, Room 2...).')]
Facilitators = Annotated[list[str] | None, typer.Option('--facilitator', metavar='NAME', help='Facilitator of the '
                                                        'next room, in order (repeat).')]
ExpectedSizes = Annotated[list[int] | None, typer.Option('--expected-size', metavar='N', help='People expected in a '
                                                         'room: once for every room, or once per room.')]


@event_app.command('create')
def event_create(
    name: Annotated[str, typer.Option('--name', help='Name of the event, e.g. "Riverside SPCP, 12 May".')],
    rooms: Annotated[int, typer.Option('--rooms', help='Number of breakout rooms.')],
    plan: Annotated[Path, typer.Option('--plan', help='Session plan (TOML).')] = DEFAULT_PLAN,
    date: EventDate = None,
    venue: Venue = None,
    languages: Languages = 'en',
    wifi_name: WifiName = None,
    wifi_password: WifiPassword = None,
    dots: Dots = None,
    minutes: Minutes = None,
    room_names: RoomNames = None,
    facilitators: Facilitators = None,
    expected: ExpectedSizes = None,
    data_dir: DataDir = DEFAULT_DATA_DIR,
    port: Port = None,
    public_url: PublicUrl = None,
    as_json: Annotated[bool, typer.Option('--json', help='Print one JSON document (for scripts).')] = False,
) -> None:
    """Create an event with its breakout rooms and print the join codes and links.

    The links use the host, port and public URL `spcp serve` last ran with on this data folder
    (kept in its settings.toml) unless --port or --public-url say otherwise."""
    from .domain.errors import DomainError
    from .domain.events import MAX_ROOMS
    from .domain.setup import create_event
    from .links import base_url, describe_event, format_event
    from .plan import PlanError, load_plan

    if not name.strip():
        fail('the event needs a name: --name "Riverside SPCP"')
    if not 1 <= rooms <= MAX_ROOMS:
        fail(f'--rooms must be between 1 and {MAX_ROOMS} (got {rooms})')
    details = event_details(name, date, venue, languages, wifi_name, wifi_password)
    room_list = room_details(rooms, room_names or [], facilitators or [], expected or [])
    phase_minutes = parse_minutes(minutes or [])
    try:
        session_plan = load_plan(plan)
    except PlanError as error:
        fail(str(error))
    cfg = configure(data_dir=data_dir, port=port, public_url=public_url)
    try:
        with db.session() as session:
            event = create_event(session, details, session_plan, room_list, dots=dots, minutes=phase_minutes)
            info = describe_event(session, event, base_url(cfg))
    except DomainError as error:
        fail(said(error))
    except SQLAlchemyError as error:
        fail(f'cannot save the event in {db.shown(cfg.database_url)}: {error}', EXIT_FAILURE)
    if as_json:
        typer.echo(json.dumps(info, indent=2))
    else:
        typer.echo(format_event(info))


def event_details(name: str, date: str | None, venue: str | None, languages: str, wifi_name: str | None,
                  wifi_password: str | None) -> EventDetails:
    """The event's details from the flags (the domain checks them further)."""
    try:
        day = dt.date.fromisoformat(date.strip()) if date else None
    except ValueError:
        fail(f'--date must be a day like 2025-05-12 (got {date!r})')
    codes = tuple(code.strip().lower() for code in languages.split(',') if code.strip())
    unknown = [code for code in codes if code not in LANGUAGES]
    if unknown or not codes:
        fail(f'--languages takes one or more of {",".join(LANGUAGES)}, comma-separated (got {languages!r})')
    return EventDetails(name, day, venue, codes, wifi_name, wifi_password)


def room_details(rooms: int, names: list[str], facilitators: list[str], expected: list[int]) -> list[RoomDetails]:
    """Each room's name, facilitator and expected size from the repeated flags, in order."""
    for flag, values in (('--room-name', names), ('--facilitator', facilitators), ('--expected-size', expected)):
        if len(values) > rooms:
            fail(f'{flag} was given {len(values)} times for {rooms} room(s)')
    if len(expected) not in (0, 1, rooms):
        fail(f'--expected-size: give it once for every room, or once per room ({rooms} times)')
    sizes = expected * rooms if len(expected) == 1 else expected
    return [RoomDetails(names[i] if i < len(names) else f'Room {i + 1}',
                        facilitators[i] if i < len(facilitators) else None,
                        sizes[i] if i < len(sizes) else None) for i in range(rooms)]


def parse_minutes(values: list[str]) -> dict[str, int] | None:
    """``['issues=25', 'vote=10']`` -> ``{'issues': 25, 'vote': 10}`` (None: the plan's minutes)."""
    minutes: dict[str, int] = {}
    for value in values:
        phase, _, number = value.partition('=')
        if phase.strip() not in PHASES or not number.strip().isdigit():
            fail(f'--minutes takes PHASE=N with a phase among {", ".join(PHASES)}, e.g. issues=25 (got {value!r})')
        minutes[phase.strip()] = int(number)
    return minutes or None


@event_app.command('links')
def event_links(
    event_id: Annotated[int | None, typer.Option('--event', help='Event id (default: every event).')] = None,
    data_dir: DataDir = DEFAULT_DATA_DIR,
    port: Port = None,
    public_url: PublicUrl = None,
    as_json: Annotated[bool, typer.Option('--json', help='Print one JSON document (for scripts).')] = False,
) -> None:
    """Print the sign-in links (with their keys) of the organizer and of every room's board."""
    from .domain.models import Event
    from .links import base_url, describe_event, format_event

    cfg = configure(data_dir=data_dir, port=port, public_url=public_url)
    with db.session() as session:
        query = select(Event).order_by(Event.id)
        events = [e for e in session.exec(query).all() if event_id is None or e.id == event_id]
        if not events:
            fail(f'no event with id {event_id}' if event_id is not None else 'no event yet')
        infos = [describe_event(session, event, base_url(cfg)) for event in events]
    typer.echo(json.dumps(infos, indent=2) if as_json else '\n\n'.join(format_event(i) for i in infos))


@app.command()
def posters(
    event_id: Annotated[int, typer.Argument(metavar='EVENT', help='The event id (`event_id` in '
                                            '`spcp event create --json`; see `spcp event links`).')],
    out: Annotated[Path, typer.Option('--out', metavar='FILE.pdf', help='The PDF file to write, e.g. posters.pdf.')],
    data_dir: DataDir = DEFAULT_DATA_DIR,
    port: Port = None,
    public_url: PublicUrl = None,
) -> None:
    """Write the printable posters: one page per room (QR code, room code, Wi-Fi), then a facilitator
    sheet per room with its board and remote sign-in links."""
    from .domain import access, setup
    from .domain.models import Event
    from .links import base_url
    from .posters import poster_view, render

    cfg = configure(data_dir=data_dir, port=port, public_url=public_url)
    try:
        with db.session() as session:
            event = session.get(Event, event_id)
            if event is None:
                fail(f'no event with id {event_id} (see `spcp event links`)')
            owner = access.organizer_by_proof(session, event.id, access.fingerprint(event.organizer_key))
            view = poster_view(setup.event_setup(session, owner, event.id),
                               setup.facilitator_keys(session, owner, event.id), base_url(cfg))
    except DomainError as error:
        fail(said(error))
    try:  # the facilitator sheets carry the rooms' keys: the file is this account's only
        descriptor = os.open(Path(out).expanduser(), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, 'wb') as handle:
            handle.write(render(view))
    except OSError as error:
        fail(f'cannot write {out}: {error}', EXIT_FAILURE)
    typer.echo(f'Wrote {out}: {len(view.rooms)} room poster(s) for {view.address}, then {len(view.rooms)} '
               'facilitator sheet(s). The sheets carry the board keys: give each only to its facilitator.')


@app.command()
def suggest(
    cards: Annotated[Path, typer.Option('--in', metavar='CARDS', help='One card per line, or a CSV file with a '
                                        '"text" column (paper cards typed in after the day, or any set).')],
    as_json: Annotated[bool, typer.Option('--json', help='Print {"themes": [{"name", "cards"}], "unthemed": [...], '
                                          '"duplicates": [[i, j]]} (0-based line numbers).')] = False,
) -> None:
    """Suggest themes and duplicate cards for a file of cards, on this laptop, touching no event."""
    from .suggest import cli as suggest_cli

    try:
        typer.echo(suggest_cli.main(cards.expanduser(), as_json))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        fail(f'cannot read {cards}: {error}')


@room_app.command('rotate-key')
def room_rotate_key(
    code: Annotated[str, typer.Argument(help='The room code, e.g. KMR-472.')],
    data_dir: DataDir = DEFAULT_DATA_DIR,
) -> None:
    """Give a room's board a new key: every browser signed in with the old link is signed out."""
    from .domain import access
    from .domain.errors import DomainError
    from .domain.models import Event
    from .links import base_url, facilitator_url

    cfg = configure(data_dir=data_dir)
    try:
        with db.session() as session:
            room = access.room_by_code(session, code)
            event = session.get(Event, room.event_id)
            owner = access.organizer_by_proof(session, event.id, access.fingerprint(event.organizer_key))
            key, _ = access.rotate_facilitator_key(session, owner, room.id)
            typer.echo(f'New board link for {room.name}: {facilitator_url(base_url(cfg), room.join_code, key)}')
    except DomainError as error:
        fail(said(error))
    typer.echo('The old link no longer signs in, and boards signed in with it are signed out.')


@organizer_app.command('set-password')
def organizer_set_password(
    event_id: Annotated[int, typer.Argument(metavar='EVENT', help='The event id (see `spcp event links`).')],
    data_dir: DataDir = DEFAULT_DATA_DIR,
    remove: Annotated[bool, typer.Option('--remove', help='Remove the password: the link alone signs in.')] = False,
) -> None:
    """Ask for a password after the organizer link (typed here, stored as a slow salted hash)."""
    from .domain import passwords
    from .domain.errors import DomainError

    configure(data_dir=data_dir)
    password = None if remove else typer.prompt('Organizer password', hide_input=True, confirmation_prompt=True)
    try:
        with db.session() as session:
            passwords.set_organizer_password(session, event_id, password)
    except DomainError as error:
        fail(said(error))
    typer.echo('Password removed.' if remove else 'Password set: the organizer link now asks for it.')


def existing_data(data_dir: Path) -> Settings:
    """Open the data folder's database, refusing a folder that has none (instead of making an empty one)."""
    folder = Path(data_dir).expanduser().resolve()
    if not (folder / 'spcp.sqlite3').is_file() and 'SPCP_DATABASE_URL' not in os.environ:
        fail(f'no SPCP Live data in {folder} (give the --data-dir that `spcp serve` uses)')
    return configure(data_dir=data_dir)


def event_owner(session, event_id: int):
    """The event's organizer, as the laptop's owner acts (the commands run where the data is)."""
    from .domain import access
    from .domain.models import Event

    event = session.get(Event, event_id)
    if event is None:
        fail(f'no event with id {event_id} (see `spcp event links`)')
    return event, access.organizer_by_proof(session, event.id, access.fingerprint(event.organizer_key))


def write_private_file(path: Path, data: bytes) -> None:
    """``data`` into ``path``, readable by this account only (an archive holds keys; a report, people's words)."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, 'wb') as handle:
            handle.write(data)
    except OSError as error:
        fail(f'cannot write {path}: {error}', EXIT_FAILURE)


FORMATS = ('xlsx', 'csv', 'docx', 'pdf', 'json')


@app.command('export')
def export_event(
    event_id: Annotated[int, typer.Argument(metavar='EVENT', help='The event id (`event_id` in '
                                            '`spcp event create --json`; see `spcp event links`).')],
    fmt: Annotated[str, typer.Option('--format', metavar='|'.join(FORMATS), help='xlsx: the workbook; csv: the '
                                     'same tables zipped; docx, pdf: the report; json: the archive (your own '
                                     'backup, restored by `spcp import`: never hand it over).')],
    out: Annotated[Path, typer.Option('--out', metavar='PATH', help='The file to write.')],
    language: Annotated[str, typer.Option('--language', metavar='en|es|hi|ar', help='Language of the headers '
                                          'and the report.')] = 'en',
    data_dir: DataDir = DEFAULT_DATA_DIR,
) -> None:
    """Export an event: the workbook, the tables as CSV, the report (Word or PDF), or the full archive."""
    from .exports.registry import RENDERERS, browser_secret, export

    if fmt not in RENDERERS:
        fail(f'--format takes one of {", ".join(FORMATS)} (got {fmt!r})')
    if language not in LANGUAGES:
        fail(f'--language takes one of {", ".join(LANGUAGES)} (got {language!r})')
    out = Path(out).expanduser()
    if out.is_dir() or not out.parent.is_dir():
        fail(f'--out must be a file in an existing folder (got {out})')
    cfg = existing_data(data_dir)
    buffer = io.BytesIO()
    try:
        with db.session() as session:
            _event, owner = event_owner(session, event_id)
            export(session, owner, event_id, fmt, buffer, locale=language, browser_secret=browser_secret(cfg.data_dir))
    except DomainError as error:
        fail(said(error))
    write_private_file(out, buffer.getvalue())
    note = ' It is your own backup (keys, participants\' ids): never hand it over.' if fmt == 'json' else ''
    typer.echo(f'Wrote {out} ({len(buffer.getvalue()):,} bytes).{note}')


@app.command('import')
def import_archive(
    archive_path: Annotated[Path, typer.Argument(metavar='ARCHIVE', help='A JSON archive written by '
                                                 '`spcp export EVENT --format json`.')],
    data_dir: Annotated[Path, typer.Option('--data-dir', help='An empty (or new) folder to restore into.')],
) -> None:
    """Restore an event from its archive into an empty data folder, to carry on with it (on another laptop); with
    SPCP_DATABASE_URL set, into that PostgreSQL database (which must hold no event yet)."""
    from .exports import archive

    try:
        document = archive.load(Path(archive_path).expanduser().read_bytes())
    except OSError as error:
        fail(f'cannot read {archive_path}: {error.strerror or error}')
    except archive.ArchiveError as error:
        fail(f'{archive_path}: {error}')
    folder = Path(data_dir).expanduser().resolve()
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        fail(f'{folder} is not an empty folder: restore into a new or empty one (nothing was changed)')
    created = not folder.exists()
    # SPCP_DATABASE_URL: into that PostgreSQL database (holding no event yet); else the folder's own file
    target = os.environ.get('SPCP_DATABASE_URL') or f'sqlite:///{folder / "spcp.sqlite3"}'
    where = folder if target.startswith('sqlite') else f'{db.shown(target)} (browser secret in {folder})'
    try:
        hardening.prepare(folder)
        archive.restore(target, document)
        if document.get('browser_secret'):
            hardening.write_private(folder / hardening.SECRET_FILE, document['browser_secret'])
    except archive.ArchiveError as error:
        _empty_again(folder, created)
        fail(f'{archive_path}: {error}')
    except (OSError, SQLAlchemyError) as error:
        _empty_again(folder, created)
        fail(f'cannot restore into {where}: {error}', EXIT_FAILURE)
    rows = document['tables']
    typer.echo(f'Restored event {document["event_id"]} into {where}: {len(rows.get("room", {}).get("rows", []))} '
               f'room(s), {len(rows.get("participant", {}).get("rows", []))} participant(s), '
               f'{len(rows.get("card", {}).get("rows", []))} card(s). Carry on with: spcp serve --data-dir {folder}')


def _empty_again(folder: Path, created: bool) -> None:
    """Leave the folder as it was found (empty, or not there) after a failed restore."""
    import shutil
    for child in folder.iterdir() if folder.is_dir() else ():
        if child.is_dir():
            shutil.rmtree(child)
        else:
            child.unlink()
    if created:
        folder.rmdir()


@event_app.command('delete')
def event_delete(
    event_id: Annotated[int, typer.Argument(metavar='EVENT', help='The event id (see `spcp event links`).')],
    data_dir: DataDir = DEFAULT_DATA_DIR,
    yes: Annotated[bool, typer.Option('--yes', help='Do not ask (for scripts).')] = False,
) -> None:
    """Erase an event's data for good (after the exports), as the privacy note on the phones promises."""
    from .exports.registry import erase

    cfg = existing_data(data_dir)
    with db.session() as session:
        event, owner = event_owner(session, event_id)
        name = event.name
    if not yes and not typer.confirm(f'Erase every room, card, vote and participant of event {event_id} '
                                     f'"{name}"? This cannot be undone', default=False):
        fail('nothing was deleted', EXIT_FAILURE)
    try:
        erased, removed = erase(owner, event_id, cfg.data_dir)
    except DomainError as error:
        fail(said(error))
    except (SQLAlchemyError, OSError) as error:
        fail(f'cannot delete from {db.shown(cfg.database_url)}: {error}', EXIT_FAILURE)
    typer.echo(f'Deleted event {event_id} "{name}" ({erased} rows)' +
               (f' and the {removed} automatic backup(s) that held it.' if removed else '.'))


def main(argv: list[str] | None = None) -> None:
    """Console entry point (``spcp ...``); ``app.py`` calls ``main(['serve'])``. Exits with the command's code."""
    for stream in (sys.stdout, sys.stderr):  # a room name in Hindi must not crash a cp1252 console
        if hasattr(stream, 'reconfigure'):
            stream.reconfigure(errors='backslashreplace')
    app(args=argv, prog_name='spcp')


if __name__ == '__main__':
    main()
