"""The server side of the phone's outbox (``assets/outbox.js``).

In a browser, a phone's taps do not go through NiceGUI's click events: each becomes an outbox item
kept in the phone's localStorage with its own key and full content (a submit carries its text) and
is sent with ``emitEvent('spcp_outbox', item)`` to whatever page of the room is open, again after
any drop or reload, until this side acknowledges it. The domain's receipts make every key count
once. An acknowledgement says: ``done``; ``retry`` (a limit: keep it, send again later); ``kept``
(refused for good: the phone gives the typed words back); ``dropped`` (refused for good, nothing
typed to give back). The click handlers stay for NiceGUI's simulated users, which run no script.
"""
from __future__ import annotations

import json
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from nicegui import ui

from .. import group_commit
from ..actions import Outcome
from ..domain import cards, solutions, voting
from .widgets import tell

if TYPE_CHECKING:
    from .phone import PhoneScreen

MAX_KEY_LENGTH = 64


def outbox_js(**action: object) -> str:
    """A button's browser-side handler: put the tap into the outbox (never NiceGUI's ``emit``)."""
    return f'() => window.spcpOutbox && window.spcpOutbox.send({json.dumps(action)})'


class Outbox:
    """Receives one phone's outbox items for its room and acknowledges each."""

    def __init__(self, screen: PhoneScreen) -> None:
        self.screen = screen
        tr = screen.tr
        labels = {'offline': tr('Offline: your words are kept and will be sent when the connection is back.'),
                  'waiting': tr('Waiting to send: {n}'), 'kept': tr('Not sent. Your text is kept here:'),
                  'dismiss': tr('OK')}
        self.config = ui.element('div').classes('spcp-outbox hidden')
        self.config.props['data-room'] = screen.view.code
        self.config.props['data-labels'] = json.dumps(labels, ensure_ascii=False)
        ui.on('spcp_outbox', lambda e: self.receive(e.args))

    def follow(self, code: str) -> None:
        """The page moved to another room (the plenary): new items go there."""
        self.config.props['data-room'] = code
        self.config.update()

    def receive(self, item: Any) -> Coroutine[Any, Any, None] | None:
        """Do the item's action at once (items are done in the order they came); a done is told once the
        commit is on disk (the returned coroutine, which NiceGUI awaits in the page's context), since the
        phone forgets an item it is told is done."""
        if not isinstance(item, dict) or item.get('room') != self.screen.view.code:
            return None
        key = item.get('key')
        if not isinstance(key, str) or not key.isalnum() or not 8 <= len(key) <= MAX_KEY_LENGTH:
            return None  # not ours: a well-formed phone never sends it
        outcome = self.perform(item, key)
        if outcome is None:
            self.ack(key, 'dropped')
            return None
        if outcome.done:
            return self.acknowledge_when_synced(item, key, outcome)
        self.acknowledge(item, key, outcome)
        return None

    async def acknowledge_when_synced(self, item: dict, key: str, outcome: Outcome) -> None:
        await group_commit.synced()  # spcp/group_commit.py: the commit's sync, off the event loop
        self.acknowledge(item, key, outcome)

    def acknowledge(self, item: dict, key: str, outcome: Outcome) -> None:
        tell(self.screen.tr, outcome, done=self.done_text(item))
        if outcome.done:
            self.ack(key, 'done')
        elif outcome.retry:
            self.ack(key, 'retry', int(outcome.params.get('seconds', 5)))
        else:
            self.ack(key, 'kept' if item.get('text') else 'dropped')

    def perform(self, item: dict, key: str) -> Outcome | None:
        """The domain action the item asks for, through the phone's one seam (None: malformed)."""
        act, kind = self.screen.act, item.get('kind')
        number = {name: item.get(name) for name in ('card_id', 'theme_id', 'solution_id')}
        if any(v is not None and (not isinstance(v, int) or isinstance(v, bool)) for v in number.values()):
            return None
        text = item.get('text') if isinstance(item.get('text'), str) else ''
        if kind == 'submit':
            return act(cards.submit, text=text, key=key)
        if kind in ('dot', 'undot') and number['card_id'] is not None:
            return act(voting.add_dot if kind == 'dot' else voting.remove_dot, card_id=number['card_id'], key=key)
        if kind == 'propose' and number['theme_id'] is not None:
            return act(solutions.propose, theme_id=number['theme_id'], text=text, key=key)
        if kind == 'endorse' and number['solution_id'] is not None:
            return act(solutions.endorse, solution_id=number['solution_id'], endorsed=item.get('endorsed') is True)
        return None

    def done_text(self, item: dict) -> str | None:
        tr = self.screen.tr
        return {'submit': tr('Added. Thank you.'), 'propose': tr('Proposed. Thank you.')}.get(item.get('kind'))

    @staticmethod
    def ack(key: str, state: str, seconds: int = 0) -> None:
        ui.run_javascript(f'window.spcpOutbox && window.spcpOutbox.ack({json.dumps(key)}, '
                          f'{json.dumps(state)}, {int(seconds)})')
