"""Each reader in their own language: a room with an English, a Spanish, a Hindi and an Arabic phone
and an English board. Every change reaches each phone in that phone's language, not the clicker's."""
from __future__ import annotations

import pytest
from nicegui import ui
from nicegui.testing import User

from spcp.domain import rooms
from spcp.i18n import translator

from .conftest import facilitate, settle

LOCALES = ('en', 'es', 'hi', 'ar')


async def phone_in(create_user, room, locale: str) -> User:
    phone = create_user()
    phone.http_client.headers['Accept-Language'] = locale
    await phone.open(f'/r/{room.code}')
    return phone


@pytest.mark.parametrize(('header', 'html'), [
    ('ar', '<html lang="ar" dir="rtl">'), ('ar-SA,ar;q=0.9', '<html lang="ar" dir="rtl">'),
    ('hi-IN,hi;q=0.9,en;q=0.8', '<html lang="hi">'), ('es-MX', '<html lang="es">'), ('fr', '<html lang="en-US">'),
])
async def test_a_new_phone_gets_its_browsers_language_in_the_first_html(user: User, event, header, html) -> None:
    response = await user.http_client.get(f'/r/{event.rooms[0].code}', headers={'Accept-Language': header})
    assert response.status_code == 200
    assert html in response.text[:200]
    locale = html.split('"')[1][:2]
    title = translator(locale)('SPCP Live')
    assert f'<title>{title}</title>' in response.text


async def test_every_phone_reads_the_room_in_its_own_language(create_user, event) -> None:
    room = event.rooms[0]
    board = create_user()
    await board.open(f'/board/{room.code}?key={room.key}')
    phones = {locale: await phone_in(create_user, room, locale) for locale in LOCALES}
    for locale, phone in phones.items():
        await phone.should_see(translator(locale)('Welcome'))
    facilitate(room, rooms.set_phase, 'issues')
    await settle()
    for locale, phone in phones.items():
        tr = translator(locale)
        await phone.should_see(tr('Name the issues'))
        await phone.should_see(tr('What hinders trust between the police and the community here? One issue per card.'))
        await phone.should_see(tr.plural('{n} issue in the room so far', '{n} issues in the room so far', 0))

    phones['ar'].find(marker='issue-input').type('الشرطة لا تشرح سبب التوقيف')
    phones['ar'].find(translator('ar')('Add issue')).click()   # the Arabic phone is the one that clicks
    await settle()
    await phones['ar'].should_see(translator('ar')('Added. Thank you.'))
    for locale, phone in phones.items():  # ...and each other phone hears of it in its own language
        tr = translator(locale)
        await phone.should_see(tr.plural('{n} issue in the room so far', '{n} issues in the room so far', 1))
    await board.should_see('الشرطة لا تشرح سبب التوقيف')
    await board.should_see('Name the issues')  # the board stays in its facilitator's language

    facilitate(room, rooms.set_phase, 'vote')
    await settle()
    for locale, phone in phones.items():
        tr = translator(locale)
        await phone.should_see(tr('Dots left: {n} of {total}', n=3, total=3))


async def test_a_refusal_is_shown_in_the_readers_language(create_user, event) -> None:
    room = event.rooms[0]
    hindi = await phone_in(create_user, room, 'hi')
    facilitate(room, rooms.set_phase, 'issues')
    await settle()
    hindi.find(marker='issue-input').type('\u200d\u200d')  # nothing visible
    hindi.find(translator('hi')('Add issue')).click()
    await hindi.should_see(translator('hi')('Please write some text.'))


async def test_the_language_switch_is_remembered(create_user, event) -> None:
    room = event.rooms[0]
    phone = await phone_in(create_user, room, 'en')
    await phone.should_see('Welcome')
    phone.find(marker='language').elements.pop().set_value('es')
    await settle()
    await phone.open(f'/r/{room.code}')  # what the reload does in a browser
    await phone.should_see(translator('es')('Welcome'))
    await phone.open('/')  # every screen follows the choice
    await phone.should_see(translator('es')('Type the room code shown on the screen.'))


async def test_board_language_is_the_facilitators_choice(create_user, event) -> None:
    room = event.rooms[0]
    board = create_user()
    board.http_client.headers['Accept-Language'] = 'es'
    await board.open(f'/board/{room.code}?key={room.key}')
    await board.should_see(translator('es')('Next phase'))
    phone = await phone_in(create_user, room, 'ar')
    await phone.should_see(translator('ar')('Welcome'))


async def test_the_switch_lists_each_language_in_itself(user: User, event) -> None:
    await user.open('/')
    switch = user.find(marker='language').elements.pop()
    assert isinstance(switch, ui.select)
    assert switch.options == {'en': 'English', 'es': 'Español', 'hi': 'हिन्दी', 'ar': 'العربية'}
