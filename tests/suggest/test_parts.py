"""The grouping help's small parts: language, theme names, centring, duplicates as cards arrive."""
from __future__ import annotations

import numpy as np

from spcp.suggest.grouping import MODEL_TUNING, centre, clusters, duplicate_pairs
from spcp.suggest.language import detect
from spcp.suggest.naming import theme_name

from .labelled import load


def test_every_labelled_card_gets_its_language() -> None:
    cards = load('dev') + load('holdout')
    assert [detect(c.text) for c in cards] == [c.lang for c in cards]
    assert [detect(t) for t in ('Intérpretes', 'Street lights', 'Привет всем')] == ['es', 'en', 'ru']


def test_a_theme_is_named_from_its_own_words_in_its_majority_language() -> None:
    texts = ['Street lights broken on Maple Avenue', 'Broken street lights near the park',
             'Las luces de la calle están rotas', 'Officers never get out of the car']
    langs = ['en', 'en', 'es', 'en']
    assert theme_name([0, 1, 2], texts, langs) == 'Street, lights, broken'
    hindi = ['थाने में दुभाषिया नहीं मिलता', 'दुभाषिया न होने से शिकायत दर्ज नहीं होती', 'Interpreters please']
    name = theme_name([0, 1, 2], hindi, ['hi', 'hi', 'en'])
    assert 'दुभाषिया' in name.split(', ') and len(name.split(', ')) == 3  # the word both Hindi cards share
    assert all(word in hindi[0] + hindi[1] for word in name.split(', '))


def test_centring_takes_each_language_off_its_mean() -> None:
    rng = np.random.default_rng(0)
    topic = rng.normal(size=(8, 32))
    english, spanish = rng.normal(size=32) * 3, rng.normal(size=32) * 3
    vectors = np.vstack([topic + english, topic + spanish])  # the same eight topics in two "languages"
    before = (vectors @ vectors.T - 1e9 * np.eye(16)).argmax(axis=1)
    assert all((i < 8) == (j < 8) for i, j in enumerate(before))  # as they come: nearest in the same language
    centred = centre(vectors, ['en'] * 8 + ['es'] * 8)
    nearest = (centred @ centred.T - 2 * np.eye(16)).argmax(axis=1)
    assert list(nearest) == [*range(8, 16), *range(8)]  # each card's nearest is its topic in the other language


def test_clusters_and_duplicates_on_small_sets() -> None:
    assert clusters(np.ones((1, 3)), 0.5) == [[0]]
    same = np.array([[1.0, 0, 0], [0.99, 0.01, 0], [0, 1.0, 0]])
    assert duplicate_pairs(same, same, MODEL_TUNING)[0][:2] == (0, 1)
    assert duplicate_pairs(same, same, MODEL_TUNING, rows=[2]) == []  # only pairs with a new card
