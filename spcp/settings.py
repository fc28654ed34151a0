"""Runtime settings, read once from the environment (the CLI sets them from its flags)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SESSIONS_DIR = PROJECT_ROOT / 'sessions'
ASSETS_DIR = PROJECT_ROOT / 'assets'
DEFAULT_PLAN = SESSIONS_DIR / 'spcp-one-day.toml'


@dataclass(frozen=True)
class Settings:
    host: str
    port: int
    data_dir: Path
    database_url: str
    public_url: str | None  # e.g. http://192.168.4.1:8080; None = work it out from the LAN address


def load() -> Settings:
    data_dir = Path(os.environ.get('SPCP_DATA_DIR', SESSIONS_DIR / 'data')).resolve()
    return Settings(
        host=os.environ.get('SPCP_HOST', '0.0.0.0'),
        port=int(os.environ.get('SPCP_PORT', '8080')),
        data_dir=data_dir,
        database_url=os.environ.get('SPCP_DATABASE_URL', f'sqlite:///{data_dir / "spcp.sqlite3"}'),
        public_url=os.environ.get('SPCP_PUBLIC_URL') or None,
    )
