"""Every screen in every language: walk a room through all its phases with a phone and a board in
Spanish, Hindi and Arabic (plus the home and organizer pages), and fail on any English message id
left on a non-English page (untranslated, or text that never went through the catalog)."""
from __future__ import annotations

import pytest
from nicegui.testing import User

from spcp import catalogs

from .conftest import every_phase

TEXT_PROPS = ('label', 'placeholder', 'aria-label', 'alt', 'data-count', 'data-merged')


def english_messages() -> set[str]:
    """Message ids a translation must change (plain ones: with parameters they never show as is)."""
    same = set()
    for locale in catalogs.translated_locales():
        same |= {m.id for m in catalogs._read(locale) if catalogs.SAME_AS_ENGLISH in m.flags}  # noqa: SLF001
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogs.extract() if m.id}
    return {i for i in ids if '{' not in i and any(ch.isalpha() for ch in i)} - same


def shown(user: User) -> set[str]:
    """Every text a person can read or hear on the page."""
    texts = set()
    for element in user.client.elements.values():
        texts.add(getattr(element, 'text', '') or '')
        texts.update(str(element.props.get(name) or '') for name in TEXT_PROPS)
        options = getattr(element, 'options', None)
        if isinstance(options, dict):
            texts.update(map(str, options.values()))
        labels = element.props.get('labels')  # a custom component's translated labels (the vote list's)
        if isinstance(labels, dict):
            texts.update(map(str, labels.values()))
    return {text for text in texts if text}


@pytest.mark.parametrize('locale', ['es', 'hi', 'ar'])
async def test_no_english_left_on_any_screen(create_user, event, locale) -> None:
    english = english_messages()
    room = event.rooms[0]
    home, phone, board, organizer = (create_user() for _ in range(4))
    for user in (home, phone, board, organizer):
        user.http_client.headers['Accept-Language'] = locale
    await home.open('/')
    await board.open(f'/board/{room.code}?key={room.key}')
    await organizer.open(f'/organize/{event.id}?key={event.organizer_key}')
    await phone.open(f'/r/{room.code}')
    screens = {'home': shown(home), 'organizer': shown(organizer)}

    async for phase in every_phase(room):
        screens[f'phone {phase}'] = shown(phone)
        screens[f'board {phase}'] = shown(board)

    left = {name: sorted(texts & english) for name, texts in screens.items() if texts & english}
    assert left == {}, f'English left on {locale} screens: {left}'
