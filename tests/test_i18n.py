"""Translations: negotiation, plural forms, placeholders, and the catalogs' completeness."""
from __future__ import annotations

import gettext

import pytest

from spcp import catalogs, i18n
from spcp.i18n import Translator, negotiate, translator


@pytest.mark.parametrize(('header', 'expected'), [
    ('ar', 'ar'), ('ar-EG,ar;q=0.9,en;q=0.8', 'ar'), ('hi-IN', 'hi'), ('es-419,es;q=0.9', 'es'),
    ('fr-FR,fr;q=0.9', 'en'), ('fr;q=1,es;q=0.5', 'es'), ('en;q=0.2,hi;q=0.8', 'hi'), ('', 'en'), (None, 'en'),
    ('de,ar;q=0', 'en'), ('garbage;q=x,es', 'es'), ('*', 'en'),
])
def test_negotiate_picks_the_best_supported_language(header, expected):
    assert negotiate(header) == expected


def test_an_unknown_locale_gets_english():
    assert translator('xx').locale == 'en' and translator(None).locale == 'en'
    assert translator('en')('Add issue') == 'Add issue'


def test_directions():
    assert translator('ar').rtl and translator('ar').direction == 'rtl'
    assert [translator(code).direction for code in ('en', 'es', 'hi')] == ['ltr'] * 3


def test_params_are_filled_and_numbers_use_the_locale_digits():
    en = translator('en')
    assert en('Dots left: {n} of {total}', n=2, total=3) == 'Dots left: 2 of 3'
    assert en.number(12345) == '12,345' and translator('es').number(12345) == '12.345'


class FakeArabic(gettext.NullTranslations):
    """Arabic's six CLDR plural forms, as its catalog's Plural-Forms header selects them."""
    FORMS = ('zero {n}', 'one', 'two', 'few {n}', 'many {n}', 'other {n}')

    def ngettext(self, msgid1, msgid2, n):
        index = 0 if n == 0 else 1 if n == 1 else 2 if n == 2 else 3 if 3 <= n % 100 <= 10 \
            else 4 if 11 <= n % 100 <= 99 else 5
        return self.FORMS[index]


def test_plural_uses_the_catalogs_form_for_n():
    tr = Translator('ar', FakeArabic())
    assert [tr.plural('{n} dot', '{n} dots', n) for n in (0, 1, 2, 5, 11, 100)] == \
        ['zero 0', 'one', 'two', 'few 5', 'many 11', 'other 100']


def test_the_real_arabic_catalog_has_six_plural_forms():
    catalog = catalogs._read('ar')  # noqa: SLF001
    assert catalog.num_plurals == 6 and not catalog.fuzzy


def test_every_message_is_extracted_from_every_source():
    found = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogs.extract() if m.id}
    assert 'Add issue' in found                                      # code: tr(...)
    assert 'Voting is closed right now.' in found                    # domain errors
    assert 'Law enforcement' in found                                # group names (msgid)
    assert 'What hinders trust between the police and the community here? One issue per card.' in found  # plan
    assert 'Too many at once: wait {seconds} seconds, then try again. Nothing you wrote is lost.' in found
    assert '{n} issue in the room so far' in found                   # plural


def test_catalogs_are_complete_and_keep_their_placeholders():
    """Fails on any message the app shows that a catalog lacks, leaves fuzzy or the same as the
    English (unless flagged same-as-english), or whose {placeholders} differ."""
    problems = catalogs.check()
    assert problems == [], '\n'.join(map(str, problems[:40]))


def test_the_check_catches_a_dropped_placeholder(monkeypatch):
    from babel.messages.catalog import Catalog
    broken = Catalog(locale='es', fuzzy=False)
    broken.add('Dots left: {n} of {total}', 'Puntos: {n}')
    broken.add('SPCP Live', 'SPCP Live')
    template = Catalog()
    template.add('Dots left: {n} of {total}')
    template.add('SPCP Live')
    template.add('Add issue')
    monkeypatch.setattr(catalogs, 'extract', lambda: template)
    monkeypatch.setattr(catalogs, '_read', lambda locale: broken)
    monkeypatch.setattr(catalogs, 'translated_locales', lambda: ['es'])
    whats = sorted(p.what.split(' in ')[0] for p in catalogs.check())
    assert whats == ['not translated', 'placeholders differ', 'same as the English (flag it same-as-english if that '
                                                              'is right)']


def test_domain_and_pages_share_one_default():
    assert i18n.DEFAULT_LOCALE == 'en' and set(i18n.LOCALES) == {'en', 'es', 'hi', 'ar'}
