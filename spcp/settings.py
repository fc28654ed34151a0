"""Runtime settings, read once from the environment and an optional settings file.

Every value has a named environment variable (the CLI sets them from its flags). Limits may also
be written in ``<data dir>/settings.toml`` (keys in lower case, without the ``SPCP_`` prefix, e.g.
``joins_per_address = 6``); the environment wins over the file. SECURITY.md lists every limit.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SESSIONS_DIR = PROJECT_ROOT / 'sessions'
ASSETS_DIR = PROJECT_ROOT / 'assets'
DEFAULT_PLAN = SESSIONS_DIR / 'spcp-one-day.toml'
SETTINGS_FILE = 'settings.toml'

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
    return str(file_values.get(name, default))


def _count(text: str, name: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f'{name} must be a whole number, not {text!r}') from None
    if value < 0:
        raise ValueError(f'{name} must be 0 (no limit) or more, not {value}')
    return value


def load() -> Settings:
    data_dir = Path(os.environ.get('SPCP_DATA_DIR', SESSIONS_DIR / 'data')).resolve()
    file_values = _file_values(data_dir)
    return Settings(
        host=os.environ.get('SPCP_HOST', '0.0.0.0'),
        port=int(os.environ.get('SPCP_PORT', '8080')),
        data_dir=data_dir,
        database_url=os.environ.get('SPCP_DATABASE_URL', f'sqlite:///{data_dir / "spcp.sqlite3"}'),
        public_url=os.environ.get('SPCP_PUBLIC_URL') or None,
        joins_per_address=_count(_value('joins_per_address', file_values, DEFAULT_JOINS_PER_ADDRESS),
                                 'SPCP_JOINS_PER_ADDRESS'),
        rates={name: _value(name, file_values, default) for name, default in DEFAULT_RATES.items()},
        tls_cert=Path(os.environ['SPCP_TLS_CERT']) if os.environ.get('SPCP_TLS_CERT') else None,
        tls_key=Path(os.environ['SPCP_TLS_KEY']) if os.environ.get('SPCP_TLS_KEY') else None,
    )
