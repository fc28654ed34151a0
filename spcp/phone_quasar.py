"""A phone page's own Quasar and Vue: only the Quasar components and plugins a phone uses, their styles, and
Vue without its template compiler.

NiceGUI's page template loads all of Quasar (``quasar.umd.prod.js``: 503 KB, 130 KB as brotli), the
biggest file of a phone's first load: on the slow phone (1.6 Mbit/s) it alone took ~0.65 s on the wire,
and the page cannot mount before it has run. At install, ``python -m spcp.phone_quasar``
(``scripts/phone_quasar/build.mjs``, Node.js) builds the same global ``Quasar`` from Quasar's own sources
with only the parts ``scripts/phone_quasar/parts.json`` lists (105 KB, 31 KB as brotli), and NiceGUI's two
Quasar style sheets without the rules of the components left out (33 KB -> 19 KB as brotli), into
``.cache/phone-quasar/``. Beside them, in DOMPurify's place (11 KB as brotli), ``escape_html.mjs``: a phone
shows no element that sanitizes HTML, and one that ever asked would get its text escaped.

Vue was then the last file to arrive (54 KB as brotli, with the compiler that turns a component's
``template`` into a render function in the browser, at 4x CPU throttling). The build also copies npm's
runtime-only Vue of the same version (35 KB) and compiles the template of every Vue component module
(NiceGUI's elements and ours) into ``components/<digest of its source>.js``, the same module with a render
function in its template's place. Every page is served those compiled modules at NiceGUI's own component
URLs (:attr:`Bundle.compiled`; a full Vue runs them as well); a phone page's HTML names the bundle's files
instead of NiceGUI's (spcp/phone_html.py); every other page (boards, organizers) keeps all of Quasar, the
full Vue and DOMPurify.

They are used only if they were built from NiceGUI's Quasar and Vue versions with the parts the list holds
now (the script's first line says so). Otherwise (no Node.js at install, a NiceGUI upgrade, a list changed
and not built again) phones load all of Quasar and Vue as before, and the log says why once at start-up.
``tests/pages/test_phone_quasar.py`` walks a phone through every phase and fails on a Quasar component
the list lacks, and on a component or slot it shows with a template left to compile; the browser tests
fail on any unknown ``<q-...>`` element left in a page, and on a rule of Quasar's style sheets that applies
to a phone page but was trimmed.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nicegui

from .static_files import NICEGUI_STATIC, Root, always

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / 'scripts' / 'phone_quasar'
PARTS = BUILD / 'parts.json'
OUT_DIR = ROOT / '.cache' / 'phone-quasar'
# NiceGUI's file -> the bundle's, which a phone page names in its place (Quasar's names are kept)
SWAPS = {'quasar.umd.prod.js': 'quasar.umd.prod.js', 'quasar.unimportant.prod.css': 'quasar.unimportant.prod.css',
         'quasar.important.prod.css': 'quasar.important.prod.css', 'dompurify.mjs': 'dompurify.mjs',
         'vue.esm-browser.prod.js': 'vue.runtime.esm-browser.prod.js'}
FILES = tuple(SWAPS.values())
NICEGUI_FILES = f'/_nicegui/{nicegui.__version__}/static/'
NICEGUI_QUASAR = NICEGUI_FILES + FILES[0]
NICEGUI_ELEMENTS = Path(nicegui.__file__).parent / 'elements'
OUR_COMPONENTS = ROOT / 'spcp' / 'pages' / 'components'
BANNER = re.compile(rb'/\* spcp phone quasar (\{.*?\}) \*/')


@dataclass(frozen=True)
class Bundle:
    folder: Path
    digest: str
    compiled: dict[Path, Path] = field(default_factory=dict)  # a component's source -> its compiled module

    @property
    def prefix(self) -> str:
        return f'/phone-quasar/{self.digest}/'  # the content's digest in the URL: cached for good

    @property
    def url(self) -> str:
        return self.prefix + FILES[0]

    @property
    def paths(self) -> list[Path]:
        return [self.folder / name for name in FILES]

    def root(self) -> Root:
        """Where :class:`static_files.PrecompressedStatic` answers them (pre-compressed, immutable)."""
        return Root(self.prefix, lambda relative: self.folder / relative if relative in FILES else None, always)


def nicegui_quasar_version() -> str:
    return _banner_version('quasar.umd.prod.js', rb'Quasar Framework v(\S+)')


def nicegui_vue_version() -> str:
    return _banner_version('vue.esm-browser.prod.js', rb'vue v(\S+)')


def _banner_version(name: str, pattern: bytes) -> str:
    """The version a file of NiceGUI's names in its first lines ('' if none)."""
    found = re.search(pattern, (NICEGUI_STATIC / name).read_bytes()[:200])
    return found.group(1).decode() if found else ''


def component_sources() -> list[Path]:
    """The Vue component modules whose templates the build compiles: NiceGUI's elements' and ours."""
    return sorted([*NICEGUI_ELEMENTS.glob('*.js'), *OUR_COMPONENTS.glob('*.js')])


def compiled_components(folder: Path) -> dict[Path, Path]:
    """Each component source whose compiled module the build made from exactly its current text."""
    found = {}
    for source in component_sources():
        compiled = folder / 'components' / f'{hashlib.sha256(source.read_bytes()).hexdigest()[:16]}.js'
        if compiled.is_file():
            found[source.resolve()] = compiled
    return found


def wanted() -> dict[str, Any]:
    """What the bundle must have been built from: NiceGUI's Quasar and Vue versions and the parts listed now."""
    parts = json.loads(PARTS.read_text(encoding='utf-8'))
    return {'quasar': nicegui_quasar_version(), 'vue': nicegui_vue_version(), 'components': parts['components'],
            'plugins': parts['plugins']}


def built_from(path: Path) -> dict[str, Any] | None:
    """What the bundle at ``path`` says it was built from (None: missing, or not such a bundle)."""
    try:
        with path.open('rb') as file:
            found = BANNER.match(file.readline())
    except OSError:
        return None
    return json.loads(found.group(1)) if found else None


def load(folder: Path = OUT_DIR) -> Bundle | None:
    """The phone's Quasar and Vue if they are there and current; None (phones load all of them) otherwise."""
    made = built_from(folder / FILES[0])
    if made is None or not all((folder / name).is_file() for name in FILES):
        log.warning('phones load all of Quasar and Vue: %s was not built (scripts/install.sh builds it with Node.js)',
                    folder)
        return None
    try:
        current = wanted()
    except (OSError, ValueError, KeyError):  # an installed copy without scripts/phone_quasar/parts.json
        log.warning('phones load all of Quasar and Vue: %s cannot be read', PARTS)
        return None
    if made != current:
        log.warning('phones load all of Quasar and Vue: %s was built from %s, not %s; run scripts/install.sh',
                    folder, made, current)
        return None
    digest = hashlib.sha256(b''.join((folder / name).read_bytes() for name in FILES)).hexdigest()[:16]
    return Bundle(folder, digest, compiled_components(folder))


def build(out_dir: Path = OUT_DIR) -> None:
    """Builds the files with Node.js (``npm ci --prefix scripts/phone_quasar`` first)."""
    subprocess.run(['node', str(BUILD / 'build.mjs'), str(NICEGUI_STATIC), str(out_dir),
                    *map(str, component_sources())], check=True)


if __name__ == '__main__':
    build()
