"""The fonts every document we print or export embeds: the Noto files in ``assets/fonts``.

Noto Sans for Latin text first, then Noto Sans Devanagari, Noto Naskh Arabic and (monochrome) Noto
Emoji for the characters it lacks. The files are woff2 (what the browser fetches); fpdf2 and
matplotlib are handed TrueType copies made once per process. Shared by the posters (``posters.py``)
and the reports (``exports/pdf.py``, ``exports/charts.py``).
"""
from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import tempfile
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF

from .settings import ASSETS_DIR

FONTS = ASSETS_DIR / 'fonts'
FAMILIES = {  # family -> (regular, bold) files; Latin first, the others fill in what it lacks
    'latin': ('noto-sans-latin-400-normal.woff2', 'noto-sans-latin-700-normal.woff2'),
    'deva': ('noto-sans-devanagari-devanagari-400-normal.woff2', 'noto-sans-devanagari-devanagari-700-normal.woff2'),
    'arab': ('noto-naskh-arabic-arabic-400-normal.woff2', 'noto-naskh-arabic-arabic-700-normal.woff2'),
    'emoji': ('noto-emoji-emoji-400-normal.woff2', 'noto-emoji-emoji-400-normal.woff2'),  # one weight only
}
FALLBACKS = ['deva', 'arab', 'emoji']


CACHE_DIR = Path(__file__).resolve().parent.parent / '.cache' / 'fonts'   # git-ignored, as .cache/static


@cache
def font_files() -> dict[str, tuple[Path, Path]]:
    """Our woff2 fonts as TrueType files: fpdf2 reads woff2 too, but rebuilds its glyphs for every document
    (half a second each time), and matplotlib reads TrueType only. Converting takes 2.4 s (Noto Emoji alone
    1.3 s), so the copies are kept in ``.cache/fonts`` named by the original's SHA-256: paid once per machine
    and font, not per process; a private temporary folder when the checkout is read-only."""
    folder = _cache_folder()

    @cache
    def converted(name: str) -> Path:
        digest = hashlib.sha256((FONTS / name).read_bytes()).hexdigest()[:16]
        path = folder / f'{Path(name).stem}-{digest}.ttf'
        if not path.exists():
            font = TTFont(FONTS / name)
            font.flavor = None
            partial = path.with_suffix(f'.{os.getpid()}.part')
            font.save(partial)
            partial.replace(path)  # atomic: another process never reads half a file
        return path

    return {family: (converted(regular), converted(bold)) for family, (regular, bold) in FAMILIES.items()}


def _cache_folder() -> Path:
    try:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        probe = CACHE_DIR / f'.probe-{os.getpid()}'
        probe.touch()
        probe.unlink()
        return CACHE_DIR
    except OSError:
        folder = Path(tempfile.mkdtemp(prefix='spcp-fonts-'))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        return folder


def add_fonts(pdf: FPDF) -> None:
    """Give ``pdf`` our families ('latin' to set; the others as fallbacks for what Latin lacks)."""
    for family, (regular, bold) in font_files().items():
        pdf.add_font(family, '', regular)
        pdf.add_font(family, 'B', bold)
    pdf.set_fallback_fonts(FALLBACKS, exact_match=False)


def needs_shaping(text: str) -> bool:
    """Whether HarfBuzz must lay ``text`` out: scripts from Hebrew on (Arabic, Devanagari...) join, reorder or
    combine their letters; Latin does not, and shaping every width measured while wrapping costs seconds."""
    return any(ord(ch) >= 0x0590 for ch in text)


@cache
def matplotlib_families() -> tuple[str, ...]:
    """The family names to give a matplotlib text (it falls back along the list, glyph by glyph, and shapes
    with libraqm), registered with its font manager once."""
    from matplotlib import font_manager

    names = []
    for regular, bold in font_files().values():
        for path in dict.fromkeys((regular, bold)):
            font_manager.fontManager.addfont(str(path))
        names.append(font_manager.FontProperties(fname=str(regular)).get_name())
    return tuple(names)
