"""A short name for a suggested theme, from its cards' own words, in the language most of them use.

The words that set the theme apart: for the theme's cards in its majority language, each word counts
once per card, weighted by how rare it is among that language's other cards in the set (so "police",
on every card, names nothing). The two or three best, in the order they first appear, make the name.
No model, no translation: the facilitator renames with one tap if the name does not fit.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

from .language import listed, plain

LETTERS = re.compile(r"(?:[^\W\d_]|[\u0300-\u036f\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962\u0963"
                     r"\u064b-\u065f\u0670])+(?:['’-](?:[^\W\d_]|[\u0900-\u0903\u093a-\u094f])+)*")
MAX_WORDS = 3
MAX_LENGTH = 60

# words that carry no theme: function words, and the program's own (every card is about police and community)
STOP = {
    'en': listed('''a an the and or but of to in on at by for with from into over about as is are was were be been being
        it its this that these those they them their there here we our us you your i my me he she his her him
        not no nor do does did don't dont doesn't didn't have has had can can't cannot could should would will
        just very too so more most much many some any all every each other only than then when what who whom
        which how why where if because while after before up out even also again still get gets got like
        there's it's i'm we're they're isn't aren't won't can’t don’t
        police officer officers cop cops community people need needs want wants make made'''),
    'es': listed('''el la los las un una unos unas de del al y o u pero en con por para sin sobre entre a ante que qué
        es son fue ser está están estaba hay ha han se su sus lo le les nos nuestro nuestra nuestros nuestras
        mi mis tu yo él ella ellos ellas no ni muy más mas también como cuando donde porque aunque si ya solo
        este esta estos estas ese esa eso uno otra otro todos todo toda cada hasta desde
        policía policia policías policias agente agentes comunidad gente necesitamos queremos'''),
    'hi': listed('''का की के को में से पर और या है हैं था थे थी हो होता होती होते होने होनी चाहिए नहीं भी तो ही
        एक यह वह ये वे वाले वालों वाला वाली जाती जाता जाते रहा रही रहे रहती रहते
        इस उस इन उन जो कि कर करना करने करते करती किया गया गई गए हम हमें हमारे हमारी आप
        अपनी अपने अपना कोई कुछ बहुत लिए साथ तक बाद जब तब क्योंकि लेकिन पुलिस समुदाय लोग लोगों'''),
    'ar': listed('''في من على إلى الى عن مع أن ان إن لا لم لن ما هو هي هم نحن أنا هذا هذه ذلك تلك التي الذي الذين
        و أو ثم كل بعض قد كان كانت يكون عند عندما لأن بسبب حتى أيضا أيضاً بين بعد قبل غير فقط جدا جداً
        الشرطة شرطة المجتمع الناس نريد نحتاج يجب'''),
}


def words_of(text: str, lang: str) -> list[tuple[str, str]]:
    """(key, word as shown) for the card's words that may name a theme, each once, in order."""
    stop = STOP.get(lang, set())
    seen: dict[str, str] = {}
    for number, word in enumerate(LETTERS.findall(text)):
        key = plain(word) if lang not in ('hi', 'ar') else word
        if key in seen or word.lower() in stop or key in stop or len(key) < (2 if lang in ('hi', 'ar') else 3):
            continue
        seen[key] = word if number else word.lower()  # a capital only where it is not the card's first word
    return list(seen.items())


def theme_name(members: Sequence[int], texts: Sequence[str], languages: Sequence[str]) -> str:
    """The name of the theme made of rows ``members`` of the whole set ``texts``."""
    lang = Counter(languages[i] for i in members).most_common(1)[0][0]
    own = [i for i in members if languages[i] == lang]
    same_language = [i for i in range(len(texts)) if languages[i] == lang]
    in_theme = Counter(key for i in own for key, _ in words_of(texts[i], lang))
    shown: dict[str, str] = {}
    order: dict[str, int] = {}
    for i in own:
        for key, word in words_of(texts[i], lang):
            shown.setdefault(key, word)
            order.setdefault(key, len(order))
    # rare outside the theme, common inside it: a word on every card of the room names nothing
    outside = [i for i in same_language if i not in set(own)]
    df_out = Counter(key for i in outside for key, _ in words_of(texts[i], lang))
    score = {k: n * math.log((len(outside) + 2) / (df_out[k] + 1)) + 0.01 * len(k) for k, n in in_theme.items()}
    best = sorted(score, key=lambda k: (-score[k], order[k]))[:MAX_WORDS]
    if not best:
        return texts[own[0]][:MAX_LENGTH]
    name = ', '.join(shown[k] for k in sorted(best, key=order.__getitem__))
    return (name[:1].upper() + name[1:])[:MAX_LENGTH]
