"""Which language a card is written in: by its script (Devanagari, Arabic...), and for Latin script by
common words (English or Spanish). Enough for what the grouping needs, which is to tell the room's
languages apart so that each can be centred on its own mean (see ``grouping.centre``): a card in a
language we do not know gets a label of its own script, which is as good for that purpose."""
from __future__ import annotations

import re
import unicodedata

WORD = re.compile(r'\w+', re.UNICODE)


def listed(words: str) -> frozenset[str]:
    return frozenset(words.split())


# the most common short words of each Latin-script language we tell apart (lower case, no accents)
COMMON = {
    'en': listed('the and of to in is are was for on with that this they we our not no it be at by from have has '
                    'do does don t when there their get what who us you my too very more'),
    'es': listed('el la los las de del y en que por para con no una un es son se su sus al lo nos nuestro nuestra '
                    'muy mas cuando hay como pero les ni este esta estan sin donde porque'),
}
SCRIPTS = (('DEVANAGARI', 'hi'), ('ARABIC', 'ar'), ('BENGALI', 'bn'), ('GURMUKHI', 'pa'), ('CYRILLIC', 'ru'),
           ('CJK', 'zh'), ('HANGUL', 'ko'), ('HIRAGANA', 'ja'), ('KATAKANA', 'ja'), ('THAI', 'th'),
           ('HEBREW', 'he'), ('GREEK', 'el'), ('TAMIL', 'ta'), ('TELUGU', 'te'), ('GUJARATI', 'gu'))


def plain(word: str) -> str:
    """Lower case without accents (Spanish 'más' and 'mas' are one word here)."""
    return ''.join(c for c in unicodedata.normalize('NFD', word.lower()) if not unicodedata.combining(c))


def script_of(text: str) -> str | None:
    """The language a non-Latin script stands for, by the script most of the letters are in."""
    counts: dict[str, int] = {}
    for char in text:
        if char.isalpha() and ord(char) > 0x24F:
            name = unicodedata.name(char, '')
            found = next((lang for script, lang in SCRIPTS if name.startswith(script)), None)
            if found:
                counts[found] = counts.get(found, 0) + 1
    letters = sum(c.isalpha() for c in text)
    best = max(counts, key=counts.__getitem__, default=None)
    return best if best and counts[best] * 2 >= letters else None


def detect(text: str) -> str:
    """'en', 'es', 'hi', 'ar'... (Latin script: English unless Spanish words or signs say otherwise)."""
    by_script = script_of(text)
    if by_script:
        return by_script
    words = [plain(w) for w in WORD.findall(text)]
    hits = {lang: sum(w in common for w in words) for lang, common in COMMON.items()}
    if any(ord(c) in (0xF1, 0xD1, 0xBF, 0xA1) for c in text):  # ñ Ñ ¿ ¡ say Spanish
        hits['es'] += 2
    best = max(hits, key=hits.__getitem__)
    if hits[best] > 0:
        return best
    # a short card with none of those words ("Intérpretes", "Street lights"): Spanish if it has its accents
    return 'es' if any(c in 'áéíóúüÁÉÍÓÚÜ' for c in text) else 'en'
