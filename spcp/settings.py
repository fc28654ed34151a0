"""Runtime settings, read once from the environment and an optional settings file.

Every value has a named environment variable (the CLI sets them from its flags). Limits and the
server's address may also be written in ``<data dir>/settings.toml`` (keys in lower case, without
the ``SPCP_`` prefix, e.g. ``joins_per_address = 6`` or ``port = 9000``). Precedence: a command's
flag, then the ``SPCP_*`` variable, then the file, then the default. ``spcp serve`` writes the
address it runs with into the file (:func:`remember`), so ``spcp event create`` on the same data
folder prints the links that server answers. SECURITY.md lists every limit.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .proxies import Network
from .proxies import parse as parse_proxies

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SESSIONS_DIR = PROJECT_ROOT / 'sessions'
ASSETS_DIR = PROJECT_ROOT / 'assets'
DEFAULT_PLAN = SESSIONS_DIR / 'spcp-one-day.toml'
SETTINGS_FILE = 'settings.toml'
DEFAULT_HOST = '0.0.0.0'
DEFAULT_PORT = 8080
# what `spcp serve` writes into the settings file: where it listens and the links it prints
SERVER_KEYS = ('host', 'port', 'public_url', 'tls_cert', 'tls_key')

# Rate limits in the `limits` notation ("N per period", several separated by ";"); "" turns one off.
# Sized for a real room on one hotspot: see SECURITY.md for why each number.
DEFAULT_RATES: dict[str, str] = {
    # submits, dots, endorsements, proposals, group choices by one participant (a phone that
    # reconnects sends its queued actions together: the short window allows such a burst)
    'actions_per_participant': '30 per 10 seconds;120 per minute',
    # the same actions from one network address (phones on a hotspot each have their own address)
    'actions_per_address': '60 per 10 seconds;300 per minute',
    # wrong room codes typed or opened from one address (codes cannot be tried one after another)
    'code_guesses_per_address': '10 per minute;60 per hour',
    # pages opened from one address: each one costs the server a NiceGUI client
    'page_loads_per_address': '30 per 10 seconds;120 per minute',
}
DEFAULT_JOINS_PER_ADDRESS = 4   # new participants one network address may create in one room


@dataclass(frozen=True)
class Settings:
    host: str
    port: int
    data_dir: Path
    database_url: str
    public_url: str | None  # e.g. http://192.168.4.1:8080; None = work it out from the LAN address
    joins_per_address: int = DEFAULT_JOINS_PER_ADDRESS   # 0 = no limit
    tls_cert: Path | None = None   # with tls_key: serve HTTPS
    tls_key: Path | None = None
    rates: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_RATES))
    loop_watch: bool = False  # log where the event loop was blocked over 100 ms (spcp/loop_watch.py)
    trusted_proxies: tuple[Network, ...] = ()  # whose X-Forwarded-For names the phone (spcp/proxies.py)


def _file_values(data_dir: Path) -> dict[str, object]:
    path = data_dir / SETTINGS_FILE
    if not path.is_file():
        return {}
    with path.open('rb') as handle:
        return tomllib.load(handle)


def _value(name: str, file_values: dict[str, object], default: object) -> str:
    """``SPCP_NAME`` from the environment, else ``name`` from the settings file, else the default."""
    env = os.environ.get(f'SPCP_{name.upper()}')
    if env is not None:
        return env
    value = file_values.get(name, default)
    return ','.join(map(str, value)) if isinstance(value, list) else str(value)  # a TOML list: trusted_proxies


def _count(text: str, name: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f'{name} must be a whole number, not {text!r}') from None
    if value < 0:
        raise ValueError(f'{name} must be 0 (no limit) or more, not {value}')
    return value


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f'port must be a whole number, not {text!r}') from None
    if not 1 <= value <= 65535:
        raise ValueError(f'port must be between 1 and 65535, not {value}')
    return value


def _path(text: str) -> Path | None:
    return Path(text).expanduser() if text.strip() else None


def load() -> Settings:
    """The settings: for each value its ``SPCP_*`` variable, else ``<data dir>/settings.toml``, else the
    default. An empty variable counts as set (``SPCP_PUBLIC_URL=`` means: work the address out).
    Raises ValueError (a bad value) or tomllib.TOMLDecodeError (a broken file)."""
    data_dir = Path(os.environ.get('SPCP_DATA_DIR', SESSIONS_DIR / 'data')).resolve()
    file_values = _file_values(data_dir)
    return Settings(
        host=_value('host', file_values, DEFAULT_HOST).strip() or DEFAULT_HOST,
        port=_port(_value('port', file_values, DEFAULT_PORT)),
        data_dir=data_dir,
        database_url=os.environ.get('SPCP_DATABASE_URL', f'sqlite:///{data_dir / "spcp.sqlite3"}'),
        public_url=_value('public_url', file_values, '').strip().rstrip('/') or None,
        joins_per_address=_count(_value('joins_per_address', file_values, DEFAULT_JOINS_PER_ADDRESS),
                                 'SPCP_JOINS_PER_ADDRESS'),
        rates={name: _value(name, file_values, default) for name, default in DEFAULT_RATES.items()},
        tls_cert=_path(_value('tls_cert', file_values, '')),
        tls_key=_path(_value('tls_key', file_values, '')),
        loop_watch=_value('loop_watch', file_values, '').strip().lower() in ('1', 'true', 'yes', 'on'),
        trusted_proxies=parse_proxies(_value('trusted_proxies', file_values, '')),
    )


def from_file(data_dir: Path) -> dict[str, object]:
    """The server values ``load`` takes from the settings file (no variable overrides them)."""
    values = _file_values(Path(data_dir))
    return {name: values[name] for name in SERVER_KEYS
            if name in values and os.environ.get(f'SPCP_{name.upper()}') is None}


def server_values(cfg: Settings) -> dict[str, object]:
    """What ``spcp serve`` remembers of ``cfg`` (None: the key is removed, the default applies)."""
    return {'host': cfg.host, 'port': cfg.port, 'public_url': cfg.public_url,
            'tls_cert': str(Path(cfg.tls_cert).resolve()) if cfg.tls_cert else None,
            'tls_key': str(Path(cfg.tls_key).resolve()) if cfg.tls_key else None}


_KEY_LINE = re.compile(r'\s*([A-Za-z0-9_-]+)\s*=')
FILE_HEADER = ('# SPCP Live settings. `spcp serve` writes the address it runs with here (host, port, public_url,\n'
               '# tls_*); a flag or an SPCP_* variable wins over this file. Limits may go here too: see SECURITY.md.\n')


def _updated(text: str, values: dict[str, object]) -> str:
    """``text`` with the top-level ``values`` replaced, added or (None) removed; every other line kept."""
    lines = text.splitlines()
    end = next((i for i, line in enumerate(lines) if line.lstrip().startswith('[')), len(lines))  # first table
    top, tables = lines[:end], lines[end:]
    done: set[str] = set()
    kept: list[str] = []
    for line in top:
        match = _KEY_LINE.match(line)
        name = match.group(1) if match else None
        if name not in values:
            kept.append(line)
        elif values[name] is not None and name not in done:
            kept.append(f'{name} = {json.dumps(values[name])}')  # a JSON string or number is valid TOML
            done.add(name)
    while kept and not kept[-1].strip():
        kept.pop()
    kept += [f'{name} = {json.dumps(value)}' for name, value in values.items()
             if value is not None and name not in done]
    return '\n'.join(kept + ([''] if tables else []) + tables) + '\n'


def remember(data_dir: Path, values: dict[str, object]) -> bool:
    """Write ``values`` into ``<data dir>/settings.toml``, keeping the rest of the file. False (and the
    file untouched) when the result would not read back as exactly the old settings plus ``values``:
    a file written in a way this simple editor does not understand is left for its author."""
    path = Path(data_dir) / SETTINGS_FILE
    old_text = path.read_text(encoding='utf-8') if path.is_file() else FILE_HEADER
    try:
        old = tomllib.loads(old_text)
        new_text = _updated(old_text, values)
        new = tomllib.loads(new_text)
    except tomllib.TOMLDecodeError:
        return False
    wanted = {name: value for name, value in {**old, **values}.items() if value is not None}
    if new != wanted:
        return False
    if new_text != old_text or not path.is_file():
        _write(path, new_text)
    return True


def _write(path: Path, text: str) -> None:
    """Replace ``path`` in one step (a crash leaves the old or the new file, never half of one); 0600."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix='.settings-', suffix='.toml')
    try:
        with os.fdopen(handle, 'w', encoding='utf-8') as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
