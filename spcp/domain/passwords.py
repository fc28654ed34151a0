"""Organizer passwords, for events that want more than the organizer link: a standard slow hash
(scrypt from the standard library), salted, compared in constant time."""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from sqlmodel import Session

from .errors import DomainError, NotFound
from .models import Event

MIN_LENGTH = 8
MAX_LENGTH = 200
# scrypt cost: about 50 ms and 16 MiB per check on a laptop, far too slow to try passwords in bulk
N, R, P = 2 ** 14, 8, 1


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32)


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, N, R, P)
    encoded = (base64.b64encode(salt).decode(), base64.b64encode(digest).decode())
    return '$'.join(('scrypt', str(N), str(R), str(P), *encoded))


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split('$')
        if scheme != 'scrypt':
            return False
        expected = base64.b64decode(digest)
        actual = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def set_organizer_password(session: Session, event_id: int, password: str | None) -> None:
    """Set (or with ``None`` remove) the event's organizer password. Only the CLI calls this: who
    can run commands on the laptop already holds every key."""
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound('No event has the id {id}.', id=event_id)
    if password is not None and not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise DomainError('A password has between {min} and {max} characters.', min=MIN_LENGTH, max=MAX_LENGTH)
    event.organizer_password_hash = None if password is None else hash_password(password)
    session.commit()


def needs_password(session: Session, event_id: int) -> bool:
    event = session.get(Event, event_id)
    return bool(event and event.organizer_password_hash)


def check_organizer_password(session: Session, event_id: int, password: str) -> bool:
    event = session.get(Event, event_id)
    if event is None or not event.organizer_password_hash or not isinstance(password, str):
        return False
    return verify_password(password[:MAX_LENGTH], event.organizer_password_hash)
