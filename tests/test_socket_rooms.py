"""spcp/socket_rooms.py: python-socketio's rooms with an index by socket give python-socketio's own answers,
without walking every room when a socket leaves."""
from __future__ import annotations

import asyncio
import hashlib
import inspect

import socketio
import socketio.packet
from bidict import bidict
from hypothesis import given, settings
from hypothesis import strategies as st
from socketio.base_manager import BaseManager

from spcp import socket_rooms
from spcp.socket_rooms import IndexedRooms

NAMESPACES = ['/', '/other']
SOCKETS = [f'eio{i}' for i in range(5)]
ROOMS = ['a', 'b', 'c']


class Server:
    """What a manager asks of its server: new socket ids."""

    packet_class = socketio.packet.Packet

    def __init__(self) -> None:
        self.eio = self
        self.made = 0

    def generate_id(self) -> str:
        self.made += 1
        return f'sid{self.made}'


def managers() -> tuple[socketio.AsyncManager, socketio.AsyncManager]:
    plain, indexed = socketio.AsyncManager(), socketio.AsyncManager()
    plain.set_server(Server())
    indexed.set_server(Server())
    socket_rooms.install(type('S', (), {'manager': indexed})())
    assert isinstance(indexed, IndexedRooms)
    return plain, indexed


def connect(manager: BaseManager, eio_sid: str, namespace: str) -> str | None:
    """A socket connects to a namespace: python-socketio's steps without their awaits."""
    sid = BaseManager.pre_connect(manager, eio_sid, namespace)
    return sid and BaseManager.connect(manager, sid, namespace)


def apply(manager: BaseManager, step: tuple) -> object:
    """One operation as python-socketio's server makes it; its answer (or the error it raised)."""
    kind, namespace, socket, room = step
    sid = manager.sid_from_eio_sid(socket, namespace)
    try:
        if kind == 'connect':
            return connect(manager, socket, namespace) if sid is None else None
        if sid is None:
            return None
        if kind == 'enter':
            return manager.basic_enter_room(sid, namespace, room)
        if kind == 'leave':
            return manager.basic_leave_room(sid, namespace, room)
        if kind == 'pre_disconnect':
            return manager.pre_disconnect(sid, namespace)
        if kind == 'disconnect':
            return manager.basic_disconnect(sid, namespace)
        if kind == 'close':
            return manager.basic_close_room(room, namespace)
        return sorted(map(str, manager.get_rooms(sid, namespace)))
    except ValueError as error:
        return type(error).__name__


steps = st.lists(st.tuples(st.sampled_from(['connect', 'enter', 'leave', 'pre_disconnect', 'disconnect', 'close',
                                            'rooms']),
                           st.sampled_from(NAMESPACES), st.sampled_from(SOCKETS), st.sampled_from(ROOMS)),
                 max_size=60)


@settings(max_examples=500, deadline=None)
@given(steps)
def test_the_index_answers_as_python_socketio_does(sequence) -> None:
    plain, indexed = managers()
    for step in sequence:
        assert apply(indexed, step) == apply(plain, step), step
        assert indexed.rooms == plain.rooms
        assert indexed.pending_connect == plain.pending_connect
        assert indexed.pending_disconnect == plain.pending_disconnect
    index = {(ns, sid): set(rooms) for (ns, sid), rooms in indexed.rooms_of.items()}
    assert index == {(ns, sid): {room for room, members in rooms.items() if sid in members}
                     for ns, rooms in plain.rooms.items() for sid in rooms.get(None, {})}


class Counting(bidict):
    """A room that counts how often somebody asks whether a socket is in it."""
    looked = 0

    def __contains__(self, key: object) -> bool:
        Counting.looked += 1
        return super().__contains__(key)


def test_a_socket_leaving_looks_only_at_its_own_rooms() -> None:
    """With 2,000 rooms, one socket's disconnect touches its two rooms, not all of them (python-socketio walked
    every room twice: 0.4-0.6 s for a hall of 1,000 phones leaving at once)."""
    plain, indexed = managers()
    for manager in (plain, indexed):
        for i in range(1000):
            sid = connect(manager, f'eio{i}', '/')
            manager.basic_enter_room(sid, '/', f'client{i}')
    looked = {}
    for name, manager in (('plain', plain), ('indexed', indexed)):
        Counting.looked = 0
        for room in manager.rooms['/'].values():
            room.__class__ = Counting
        sid = manager.sid_from_eio_sid('eio7', '/')
        assert manager.get_rooms(sid, '/') in (['sid8', 'client7'], ['client7', 'sid8'])
        manager.basic_disconnect(sid, '/')
        assert 'client7' not in manager.rooms['/']
        looked[name] = Counting.looked
    assert looked['plain'] > 4000
    assert looked['indexed'] == 0
    assert indexed.rooms == plain.rooms


def test_a_manager_made_as_such_indexes_from_the_start() -> None:
    manager = IndexedRooms()
    manager.set_server(Server())
    sid = connect(manager, 'eio0', '/')
    assert manager.get_rooms(sid, '/') == [sid]


def test_another_manager_is_left_alone() -> None:
    class Elsewhere(socketio.AsyncManager):
        pass

    manager = Elsewhere()
    socket_rooms.install(type('S', (), {'manager': manager})())
    assert type(manager) is Elsewhere


def test_installed_on_a_manager_in_use_the_index_holds_its_sockets() -> None:
    manager = socketio.AsyncManager()
    manager.set_server(Server())
    sid = connect(manager, 'eio0', '/')
    manager.basic_enter_room(sid, '/', 'client0')
    socket_rooms.install(type('S', (), {'manager': manager})())
    assert manager.get_rooms(sid, '/') == [sid, 'client0']
    manager.basic_disconnect(sid, '/')
    assert manager.rooms == {'/': {}} or manager.rooms == {}
    assert manager.rooms_of == {}


class Sending(Server):
    """A server that records what its manager sends, and from which task."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[tuple[str, object, bool]] = []  # (engine.io socket, its packet, sent in the emitter's task)
        self.emitter: asyncio.Task | None = None

    async def _send_eio_packet(self, eio_sid: str, pkt) -> None:
        self.sent.append((eio_sid, pkt.encode(), asyncio.current_task() is self.emitter))


EMITS = [('update', {'1': {'text': 'Vote'}}, 'client0', None), ('update', ('a', 2), 'client1', None),
         ('log', None, 'client0', None), ('update', {'x': 1}, 'client0', 'sid1'), ('update', {'x': 1}, 'shared', None),
         ('update', {'x': 1}, None, None), ('update', {'x': 1}, 'nobody', None),
         ('download', {'content': b'bytes'}, 'client1', None)]


async def test_a_message_for_one_socket_is_sent_in_place_as_python_socketio_would_send_it() -> None:
    """The same packets to the same sockets as python-socketio's emit, in the emitter's own task when the room
    has one socket (a NiceGUI page's), through python-socketio's tasks otherwise."""
    sent = {}
    for name, manager in zip(('plain', 'indexed'), (socketio.AsyncManager(), IndexedRooms()), strict=True):
        server = Sending()
        manager.set_server(server)
        for i in range(2):
            sid = connect(manager, f'eio{i}', '/')
            manager.basic_enter_room(sid, '/', f'client{i}')
            manager.basic_enter_room(sid, '/', 'shared')
        server.emitter = asyncio.current_task()
        for event, data, room, skip in EMITS:
            await manager.emit(event, data, '/', room=room, skip_sid=skip)
        sent[name] = server.sent
    assert [(eio, pkt) for eio, pkt, _ in sent['indexed']] == [(eio, pkt) for eio, pkt, _ in sent['plain']]
    assert len(sent['plain']) == 9  # client0 twice and client1 once, both twice (shared, everyone), bytes: 2 parts
    assert not any(in_place for *_, in_place in sent['plain'])
    assert [in_place for *_, in_place in sent['indexed']] == [True, True, True, False, False, False, False, True,
                                                              True]


def test_the_replaced_methods_are_python_socketio_5s() -> None:
    """basic_disconnect, get_rooms and emit are rewritten from these: a python-socketio whose code differs fails here
    until the copy is compared with it again (and the digests updated)."""
    digests = {name: hashlib.sha256(inspect.getsource(getattr(BaseManager, name)).encode()).hexdigest()[:16]
               for name in ('basic_disconnect', 'get_rooms', 'basic_enter_room', 'basic_leave_room')}
    digests['emit'] = hashlib.sha256(inspect.getsource(socketio.AsyncManager.emit).encode()).hexdigest()[:16]
    assert digests == {'basic_disconnect': '2933b50bc4b2ea7b', 'get_rooms': '56a1017f85af9f91',
                       'basic_enter_room': '3f509586d2d7f47e', 'basic_leave_room': 'e27f3eea06d1c6a6',
                       'emit': '01ccd5b82b4f955e'}
