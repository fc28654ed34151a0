"""The fonts every document we print or export embeds: the Noto files in ``assets/fonts``.

Noto Sans for Latin text first, then Noto Sans Devanagari, Noto Naskh Arabic and (monochrome) Noto
Emoji for the characters it lacks. The files are woff2 (what the browser fetches); fpdf2 and
matplotlib are handed TrueType copies made once per process. Shared by the posters (``posters.py``)
and the reports (``exports/pdf.py``, ``exports/charts.py``).
"""
from __future__ import annotations

import atexit
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


@cache
def font_files() -> dict[str, tuple[Path, Path]]:
    """Our woff2 fonts as TrueType files, converted once per process into a private temporary folder:
    fpdf2 reads woff2 too, but rebuilds its glyphs for every document (half a second each time)."""
    folder = Path(tempfile.mkdtemp(prefix='spcp-fonts-'))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)

    @cache
    def converted(name: str) -> Path:
        font = TTFont(FONTS / name)
        font.flavor = None
        path = folder / Path(name).with_suffix('.ttf').name
        font.save(path)
        return path

    return {family: (converted(regular), converted(bold)) for family, (regular, bold) in FAMILIES.items()}


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
