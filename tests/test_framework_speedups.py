"""The shortcuts of spcp/framework_speedups.py give the libraries' own answers."""
from __future__ import annotations

import asyncio
import functools

import pytest
import socketio.packet
from nicegui.helpers import functions

from spcp import framework_speedups
from spcp.framework_speedups import ElementUpdatePacket, expects_arguments

nicegui_check = functions.expects_arguments if functions.expects_arguments is not expects_arguments \
    else framework_speedups._nicegui_expects_arguments  # noqa: SLF001 (the original, to compare with)


class Thing:
    def plain(self): ...
    def one(self, event): ...
    def defaulted(self, event=None): ...
    def star(self, *args): ...
    def keywords(self, **kwargs): ...
    def keyword_only(self, *, event): ...
    def keyword_default(self, *, event=None): ...
    @classmethod
    def klass(cls, event): ...
    @classmethod
    def klass_plain(cls): ...
    @staticmethod
    def static(event): ...
    async def coroutine(self, event): ...
    def __call__(self, event): ...


def wrapped(func):
    @functools.wraps(func)
    def inner(*args, **kwargs):
        return func(*args, **kwargs)
    return inner


def positional_only(a, /): ...
def positional_only_default(a=1, /): ...
def self_in_star(*args): ...
def mixed(a, b=2, *args, c, d=4, **kwargs): ...
def mixed_defaults(a=1, *, c=3): ...


thing = Thing()
CALLABLES = [
    lambda: None, lambda e: None, lambda e=None: None, lambda *a: None, lambda **k: None, lambda *, e: None,
    thing.plain, thing.one, thing.defaulted, thing.star, thing.keywords, thing.keyword_only,
    thing.keyword_default, Thing.klass, Thing.klass_plain, Thing.static, thing.coroutine, Thing.one, Thing.plain,
    thing, functools.partial(Thing.one, thing), wrapped(Thing.one), wrapped(lambda: None), positional_only,
    positional_only_default, self_in_star, mixed, mixed_defaults, Thing().__init__, print, len,
    functools.partial(mixed, 1), functools.partial(mixed, 1, c=2),
]
for name in ('plain', 'one', 'star', 'keyword_only'):  # bound to an object of another class (MethodType by hand)
    CALLABLES.append(getattr(Thing, name).__get__(object()))


@pytest.mark.parametrize('func', CALLABLES, ids=lambda f: repr(f)[:60])
def test_expects_arguments_answers_as_nicegui_does(func) -> None:
    assert expects_arguments(func) == nicegui_check(func)


def test_installed_for_nicegui_and_its_socket_server() -> None:
    from nicegui import core, helpers
    framework_speedups.install()
    assert helpers.expects_arguments is expects_arguments
    assert core.sio.packet_class is ElementUpdatePacket


def test_element_updates_are_not_walked_but_a_download_still_goes_as_bytes() -> None:
    update = ['update', {'5': {'props': {'nested': [{'deep': 'text'}]}}, '_id': 3}]
    walked: list[object] = []
    original = socketio.packet.Packet.data_is_binary.__func__

    def counting(cls, data):
        walked.append(data)
        return original(cls, data)
    socketio.packet.Packet.data_is_binary = classmethod(counting)
    try:
        assert ElementUpdatePacket(socketio.packet.EVENT, data=update).packet_type == socketio.packet.EVENT
        assert walked == []
        download = ['download', {'src': b'%PDF-1.7', 'filename': 'report.pdf', '_id': 4}]
        packet = ElementUpdatePacket(socketio.packet.EVENT, data=download)
        assert packet.packet_type == socketio.packet.BINARY_EVENT and walked
        assert packet.encode()[1] == b'%PDF-1.7'  # the attachment, as python-socketio sends it
    finally:
        socketio.packet.Packet.data_is_binary = classmethod(original)


def test_a_message_from_a_phone_decodes_as_before() -> None:
    encoded = '2["event",{"id":5,"listener_id":"x","args":["hello"]}]'
    assert ElementUpdatePacket(encoded_packet=encoded).data == socketio.packet.Packet(encoded_packet=encoded).data


def test_the_outbox_loop_replaced_is_nicegui_3_18s() -> None:
    """outbox_loop is a copy of this NiceGUI loop, waiting without a timeout: a NiceGUI whose loop differs fails
    here until the copy is compared with it again (and this digest updated)."""
    import hashlib
    import inspect
    source = inspect.getsource(framework_speedups.NICEGUI_OUTBOX_LOOP)
    assert hashlib.sha256(source.encode()).hexdigest() == \
        'efb7d8934c322314ea07ef57f5558569fca7194e93c755c7bc7c8d36dca16d1a'
    assert 'wait_for(self._enqueue_event.wait(), timeout=1.0)' in source


async def test_an_outbox_sends_without_a_timer_and_stops_when_told(user) -> None:
    """A page's updates and messages still go out (the user fixture's client runs the loop), and stop() ends
    the loop at once: it waits on the event that stop() sets, with no timer behind it."""
    from nicegui import ui
    from nicegui.outbox import Outbox

    framework_speedups.install()
    assert Outbox.loop is framework_speedups.outbox_loop

    @ui.page('/speedups')
    def page() -> None:
        label = ui.label('before')
        ui.button('change', on_click=lambda: label.set_text('after'))

    await user.open('/speedups')
    user.find('change').click()
    await user.should_see('after')
    outbox = user.client.outbox
    task = asyncio.get_running_loop().create_task(outbox.loop())
    await asyncio.sleep(0.05)
    assert not task.done()  # waiting for something to send
    outbox.stop()
    await asyncio.wait_for(task, timeout=1.0)


async def test_an_outbox_whose_page_has_no_socket_waits_for_one_and_stops_when_deleted(user) -> None:
    """A page without its socket (never connected, or in its reconnect window): the loop waits for the
    handshake's event, which NiceGUI's deletion of the client sets too (after stopping the outbox)."""
    from nicegui import ui

    framework_speedups.install()

    @ui.page('/speedups-waiting')
    def page() -> None:
        ui.label('here')

    await user.open('/speedups-waiting')
    client = user.client
    tab_id, client.tab_id = client.tab_id, None  # the socket gone
    try:
        client._connected.set()  # noqa: SLF001 (as an earlier handshake left it)
        task = asyncio.get_running_loop().create_task(client.outbox.loop())
        await asyncio.sleep(0.05)
        assert not task.done() and client._connected._waiters  # noqa: SLF001 (waiting on it, not polling)
        client.outbox.stop()
        client._connected.set()  # noqa: SLF001 (what Client.delete does after stopping the outbox)
        await asyncio.wait_for(task, timeout=1.0)
    finally:
        client.tab_id = tab_id
