"""The message catalogs: find every message the app shows, keep the translations in step, compile.

    python -m spcp.catalogs extract   # spcp/locales/messages.pot: the code, the session plans, the groups
    python -m spcp.catalogs update    # merge the template into every locale's messages.po
    python -m spcp.catalogs compile   # .po -> .mo (both README commands run this after installing)
    python -m spcp.catalogs check     # untranslated, fuzzy or placeholder-changing messages; exit 1 if any

Messages are found by the functions that take them: ``tr('...')``, ``tr.plural('...', '...', n)``,
``msgid('...')`` for constants, the domain's errors (``DomainError('...')``) and refusals
(``Outcome.refused('...')``). (A keyword's name cannot also be an argument: ``frame(tr, 'x')``
would hide ``'x'`` from extraction, so pages pass text already translated: ``frame(tr, tr('x'))``.)
Phase titles and prompts come from the session plans in ``sessions/``.
"""
from __future__ import annotations

import re
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from .i18n import CATALOG_DIR, DEFAULT_LOCALE, DOMAIN, LOCALES
from .settings import SESSIONS_DIR

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATE = CATALOG_DIR / f'{DOMAIN}.pot'
KEYWORDS = {
    'tr': None, 'plural': (1, 2), 'msgid': None,
    'DomainError': None, 'NotAllowed': None, 'NotFound': None, 'refused': None,
}
SAME_AS_ENGLISH = 'same-as-english'  # a flag for a translation that is rightly the English text (e.g. "OK")
PLACEHOLDER = re.compile(r'\{(\w+)\}')


def _code_messages() -> Iterator[tuple[str | tuple[str, str], str, int]]:
    """(message, file, line) for every message in the package's code."""
    for filename, line, message, _comments, _context in extract_from_dir(
            PACKAGE_DIR, method_map=[('migrations/**', 'ignore'), ('**.py', 'python')], keywords=KEYWORDS):
        yield message, f'spcp/{filename}', line


def _plan_messages() -> Iterator[tuple[str, str, int]]:
    """Phase titles and prompts of every session plan (they are message ids too)."""
    for path in sorted(SESSIONS_DIR.glob('*.toml')):
        plan = tomllib.loads(path.read_text(encoding='utf-8'))
        for phase in plan.get('phases', []):
            for key in ('title', 'prompt'):
                if phase.get(key):
                    yield phase[key], f'sessions/{path.name}', 0


def extract() -> Catalog:
    """Every message the app can show, as a gettext template."""
    catalog = Catalog(project='SPCP Live', charset='utf-8', fuzzy=False)
    for message, where, line in [*_code_messages(), *_plan_messages()]:
        if message and message != ('', ''):
            catalog.add(message, locations=[(where, line)])
    return catalog


def _read(locale: str) -> Catalog:
    path = CATALOG_DIR / locale / 'LC_MESSAGES' / f'{DOMAIN}.po'
    with path.open('rb') as handle:
        return read_po(handle, locale=locale)


def _write(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open('wb') as handle:
        write_po(handle, catalog, width=100, sort_output=True, include_lineno=False)


def update() -> None:
    """Write the template and merge it into every locale's catalog (new messages come in empty)."""
    template = extract()
    _write(TEMPLATE, template)
    for locale in translated_locales():
        path = CATALOG_DIR / locale / 'LC_MESSAGES' / f'{DOMAIN}.po'
        catalog = _read(locale) if path.is_file() else Catalog(locale=locale, project='SPCP Live')
        catalog.update(template, no_fuzzy_matching=True)
        catalog.fuzzy = False  # a fuzzy header is left out of the .mo, and its Plural-Forms with it
        catalog.obsolete.clear()
        _write(path, catalog)


def compile_all() -> list[Path]:
    """Compile every ``.po`` into the ``.mo`` the app loads."""
    written = []
    for locale in translated_locales():
        po = CATALOG_DIR / locale / 'LC_MESSAGES' / f'{DOMAIN}.po'
        if po.is_file():
            mo = po.with_suffix('.mo')
            with mo.open('wb') as handle:
                write_mo(handle, _read(locale))
            written.append(mo)
    return written


def translated_locales() -> list[str]:
    return [code for code in LOCALES if code != DEFAULT_LOCALE]


@dataclass(frozen=True)
class Problem:
    locale: str
    message: str
    what: str

    def __str__(self) -> str:
        return f'{self.locale}: {self.what}: {self.message!r}'


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def _check_message(locale: str, expected: Message, found: Message | None) -> Iterator[Problem]:
    key = expected.id if isinstance(expected.id, str) else expected.id[0]
    ids = [expected.id] if isinstance(expected.id, str) else list(expected.id)
    strings = [] if found is None else ([found.string] if isinstance(found.string, str) else list(found.string))
    if found is None or not all(strings) or found.fuzzy:
        yield Problem(locale, key, 'not translated' if found is None or not all(strings) else 'fuzzy')
        return
    wanted = set().union(*(_placeholders(i) for i in ids))
    for text in strings:
        if _placeholders(text) - wanted or (_placeholders(ids[0]) - {'n'}) - _placeholders(text):
            yield Problem(locale, key, f'placeholders differ in {text!r}')
    if strings[0] == ids[0] and SAME_AS_ENGLISH not in found.flags and any(ch.isalpha() for ch in ids[0]):
        yield Problem(locale, key, 'same as the English (flag it same-as-english if that is right)')


def check() -> list[Problem]:
    """Every message the app shows has a real translation in every catalog, with the same placeholders."""
    template = extract()
    problems: list[Problem] = []
    for locale in translated_locales():
        catalog = _read(locale)
        if catalog.fuzzy:
            problems.append(Problem(locale, '', 'the header is marked fuzzy: its plural rule would be ignored'))
        for expected in template:
            if expected.id:
                problems += _check_message(locale, expected, catalog.get(expected.id))
    return problems


def main(argv: list[str]) -> int:
    command = argv[0] if argv else 'check'
    if command == 'extract':
        _write(TEMPLATE, extract())
    elif command == 'update':
        update()
    elif command == 'compile':
        for path in compile_all():
            print(f'compiled {path.relative_to(PACKAGE_DIR.parent)}')
    elif command == 'check':
        problems = check()
        for problem in problems:
            print(problem)
        print(f'{len(problems)} problem(s)')
        return 1 if problems else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
