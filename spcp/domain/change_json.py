"""Changes as JSON and back: how a change made in one server process reaches the pages of another
(``spcp/relay.py``, over PostgreSQL LISTEN/NOTIFY).

Each change is a frozen dataclass whose fields are typed (ints, text, views of cards, themes...). Pydantic,
already here through SQLModel, reads those type hints: it writes a change as plain JSON values and builds
the same dataclass back (a tuple written as a list comes back a tuple). A new change type needs nothing
here, only to subclass :class:`~spcp.domain.changes.Change` in a module imported below;
``tests/domain/test_change_json.py`` round-trips every subclass it finds.
"""
from __future__ import annotations

import json
from functools import cache
from typing import Any

from pydantic import TypeAdapter

from . import action_plan, council, plenary, setup  # noqa: F401 (their change types join the registry)
from .changes import Change


class UnknownChange(ValueError):
    """A change named by another process that this one does not know (a different version of the app)."""


def change_types() -> dict[str, type[Change]]:
    """Every change type by its class name (names are unique: a test checks it)."""
    found: dict[str, type[Change]] = {}
    waiting = [Change]
    while waiting:
        for subclass in waiting.pop().__subclasses__():
            found[subclass.__name__] = subclass
            waiting.append(subclass)
    return found


@cache
def _adapter(kind: type[Change]) -> TypeAdapter:
    return TypeAdapter(kind)


@cache
def _types() -> dict[str, type[Change]]:
    return change_types()


def to_plain(change: Change) -> dict[str, Any]:
    """``{'type': class name, 'data': its fields as JSON values}``."""
    return {'type': type(change).__name__, 'data': _adapter(type(change)).dump_python(change, mode='json')}


def from_plain(plain: dict[str, Any]) -> Change:
    kind = _types().get(plain.get('type', ''))
    if kind is None:
        raise UnknownChange(f'unknown change type {plain.get("type")!r}')
    return _adapter(kind).validate_python(plain['data'])


def dumps(changes: list[Change]) -> str:
    """The changes as one compact JSON text (control characters escaped, so PostgreSQL takes it)."""
    return json.dumps([to_plain(change) for change in changes], ensure_ascii=False, separators=(',', ':'))


def loads(text: str) -> list[Change]:
    return [from_plain(plain) for plain in json.loads(text)]
