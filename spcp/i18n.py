"""Translations. Every screen knows its reader's locale and translates with a :class:`Translator`.

There is deliberately no ambient locale (no context variable): a change published by one phone
runs every other phone's update in the publisher's context, so each screen keeps the translator
of its own reader and passes it down. The domain never translates: a refusal carries a message id
and its parameters, translated where it is shown.

Catalogs are standard gettext files handled with Babel: ``spcp/locales/<locale>/LC_MESSAGES/
messages.po`` in the repository, compiled to ``.mo`` at install time (``python -m spcp.catalogs
compile``, run by both README commands). The English text is the message id, so a message
missing from a catalog falls back to readable English. Plural forms follow each catalog's CLDR
``Plural-Forms`` (Arabic has six).
"""
from __future__ import annotations

import gettext
import io
import logging
from functools import cache, lru_cache
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

log = logging.getLogger(__name__)

DEFAULT_LOCALE = 'en'
# locale -> its name in itself (what the language switch shows)
LOCALES: dict[str, str] = {'en': 'English', 'es': 'Español', 'hi': 'हिन्दी', 'ar': 'العربية'}
CATALOG_DIR = Path(__file__).resolve().parent / 'locales'
DOMAIN = 'messages'


class Translator:
    """One reader's language: ``tr('Add issue')``, ``tr.plural('{n} dot', '{n} dots', n)``."""

    def __init__(self, locale: str, translations: gettext.NullTranslations) -> None:
        self.locale = locale
        self._translations = translations
        self.rtl = Locale.parse(locale).text_direction == 'rtl'

    @property
    def direction(self) -> str:
        return 'rtl' if self.rtl else 'ltr'

    def __call__(self, message: str, /, **params: object) -> str:
        """Translate ``message`` and fill in its ``{named}`` parameters (numbers in the locale's digits)."""
        return self._fill(self._translations.gettext(message), params)

    def plural(self, one: str, many: str, n: int, /, **params: object) -> str:
        """The form of ``one``/``many`` that the reader's language uses for ``n`` (``{n}`` is filled in)."""
        return self._fill(self._translations.ngettext(one, many, n), {'n': n, **params})

    def number(self, n: int | float) -> str:
        """A number in the locale's own digits and separators (CLDR's default numbering system)."""
        return _formatted(self.locale, n)

    def _fill(self, text: str, params: dict[str, object]) -> str:
        if not params:
            return text
        shown = {k: self.number(v) if isinstance(v, int) and not isinstance(v, bool) else v for k, v in params.items()}
        return text.format(**shown)


@lru_cache(maxsize=8192, typed=True)
def _formatted(locale: str, n: int | float) -> str:
    """Babel's formatting, once per locale and number: it took ~0.1 ms a call, and a phase change formats the
    same few counts ("Dots left: 5 of 5") for every phone of the hall."""
    return format_decimal(n, locale=locale, numbering_system='default')


def _load(locale: str) -> gettext.NullTranslations:
    """The compiled catalog; compiled in memory from the ``.po`` if the ``.mo`` is missing or older."""
    folder = CATALOG_DIR / locale / 'LC_MESSAGES'
    po, mo = folder / f'{DOMAIN}.po', folder / f'{DOMAIN}.mo'
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open('rb') as handle:
            return gettext.GNUTranslations(handle)
    if not po.is_file():
        return gettext.NullTranslations()
    log.info('compiling %s in memory (run `python -m spcp.catalogs compile`)', po)
    with po.open('rb') as handle:
        catalog = read_po(handle, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


@cache
def translator(locale: str | None) -> Translator:
    """The translator of a supported locale (anything else gets English)."""
    code = locale if locale in LOCALES else DEFAULT_LOCALE
    return Translator(code, gettext.NullTranslations() if code == DEFAULT_LOCALE else _load(code))


def negotiate(accept_language: str | None) -> str:
    """The best supported locale for a browser's ``Accept-Language`` header (English if none fits)."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or '').split(',')):
        tag, _, quality = part.strip().partition(';q=')
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            continue
        primary = tag.strip().split('-')[0].split('_')[0].lower()
        if primary in LOCALES and weight > 0:
            ranked.append((-weight, position, primary))
    return min(ranked)[2] if ranked else DEFAULT_LOCALE


def english() -> Translator:
    """For the terminal (CLI output) and logs, which stay in English."""
    return translator(DEFAULT_LOCALE)
