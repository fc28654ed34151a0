"""The one seam every page action goes through: ``perform(actor, action, ...)``.

It opens the database session, applies the rate limits, calls the domain, writes a facilitator's or
organizer's action to the audit log (``domain/audit.py``; never a participant's), publishes the changes
to everyone looking at the room and turns a refusal into a message (a message id and its
parameters, translated where it is shown). Its :class:`Outcome` says plainly whether the action
was done. No page opens a session itself. A later multi-process or PostgreSQL version plugs in
here (and in :mod:`spcp.live`) without a page changing.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from . import db, group_commit, hardening, live
from .domain import audit
from .domain.access import Actor, Role
from .domain.changes import Change
from .domain.errors import DomainError, msgid
from .rate_limits import JoinCounter, RateLimits, SharedJoinCounter, SharedRateLimits, SharedStore
from .settings import DEFAULT_JOINS_PER_ADDRESS, DEFAULT_RATES, Settings

log = logging.getLogger(__name__)

BUSY = msgid('Not saved: the server is busy. Please try again.')
TOO_FAST = msgid('Too many at once: wait {seconds} seconds, then try again. Nothing you wrote is lost.')


@dataclass(frozen=True)
class Outcome:
    """What became of an action. ``done`` is the whole answer; the rest explains it."""
    done: bool
    value: Any = None                  # what the action made (a card, a theme id...), when done
    msgid: str | None = None           # why not, as a message id (English text) ...
    params: dict[str, object] = field(default_factory=dict)  # ... and its parameters
    retry: bool = False                # not done for now (busy, too fast): trying again later may work
    changes: tuple[Change, ...] = ()   # what it changed (already published)

    @classmethod
    def refused(cls, msgid: str, *, retry: bool = False, **params: object) -> Outcome:
        return cls(False, msgid=msgid, params=params, retry=retry)


class Limits:
    """The rate limits and the join counter of this server (set up once by the composition root): in this
    process's memory, or with a ``store`` in the database, shared by every process on it."""

    def __init__(self, rates: dict[str, str], joins_per_address: int, store: SharedStore | None = None) -> None:
        self.rates = RateLimits(rates) if store is None else SharedRateLimits(rates, store)
        self.joins = JoinCounter(joins_per_address) if store is None else SharedJoinCounter(joins_per_address, store)


_limits = Limits(DEFAULT_RATES, DEFAULT_JOINS_PER_ADDRESS)


def configure(cfg: Settings) -> Limits:
    """Start counting afresh with the settings' limits (called at start-up, and by tests). On SQLite one
    process serves the event and counts in memory; on PostgreSQL several may, so they count in it."""
    global _limits  # noqa: PLW0603
    store = None
    if make_url(cfg.database_url).get_backend_name() != 'sqlite':
        store = SharedStore(db.engine, hardening.storage_secret(cfg.data_dir))  # the same for every process
    _limits = Limits(cfg.rates, cfg.joins_per_address, store)
    return _limits


def limits() -> Limits:
    return _limits


def throttle(*limits_and_identities: tuple[str, object]) -> Outcome | None:
    """A refusal if any ``(limit name, identity)`` is over its limit, else ``None``. The try counts
    against every limit only when all allow it: a refused try uses up none of them."""
    wait = _limits.rates.hit_all(limits_and_identities)
    return None if wait is None else Outcome.refused(TOO_FAST, retry=True, seconds=round(wait))


def _split(result: object) -> tuple[object, list[Change]]:
    """Domain calls return their changes, or (what they made, their changes), or nothing."""
    if isinstance(result, tuple) and len(result) == 2 and isinstance(result[1], list):
        return result[0], result[1]
    if isinstance(result, list):
        return None, result
    return result, []


def perform(actor: Actor, action: Callable[..., Any], /, *, address: str | None = None, **kwargs: Any) -> Outcome:
    """Do ``action(session, actor, **kwargs)`` for ``actor`` (coming from network ``address``)."""
    if actor.role is Role.PARTICIPANT:
        limits_hit = [('actions_per_participant', actor.participant_id)] + ([('actions_per_address', address)]
                                                                          if address else [])
        if refusal := throttle(*limits_hit):
            return refusal
    try:
        with db.session() as session:
            value, changes = _split(action(session, actor, **kwargs))
            if actor.role is not Role.PARTICIPANT:  # every staff action done, even one that changed nothing
                changes = [*changes, *_audited(session, actor, action, kwargs, changes)]
    except DomainError as error:
        return Outcome.refused(error.msgid, **error.params)
    except SQLAlchemyError:
        log.exception('database error in %s', getattr(action, '__qualname__', action))
        return Outcome.refused(BUSY, retry=True)
    group_commit.ask()  # on disk a moment from now, off the loop; a phone's ack waits for it (pages/outbox.py)
    live.publish(changes)
    return Outcome(True, value=value, changes=tuple(changes))


def _audited(session, actor: Actor, action: Callable[..., Any], kwargs: dict[str, Any],
             changes: list[Change]) -> list[Change]:
    """The staff action, written to the audit log (its change for the organizer's page). The action is
    already committed: a log that cannot be written is logged here, never turned into a refusal."""
    try:
        recorded = audit.record(session, actor, audit.action_name(action), kwargs, changes)
    except SQLAlchemyError:
        log.exception('audit log not written for %s', audit.action_name(action))
        session.rollback()
        return []
    return [recorded] if recorded else []


def read(actor: Actor, view: Callable[..., Any], /, **kwargs: Any) -> Any:
    """A read-only domain call (a snapshot...) in its own session; a refusal raises DomainError."""
    with db.session() as session:
        return view(session, actor, **kwargs)
