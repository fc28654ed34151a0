"""spcp.domain.cards (and text.clean_text): submitting, cleaning, hiding, editing and merging cards."""
from __future__ import annotations

import pytest
from sqlmodel import func, select

from spcp.domain import cards, views, voting
from spcp.domain.changes import CardChanged, CardRemoved, VotesChanged
from spcp.domain.errors import DomainError, NotFound
from spcp.domain.models import Card, Receipt, Vote
from spcp.domain.phases import PHASES
from spcp.domain.text import clean_text

from .conftest import said


def _count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


# -- clean_text -----------------------------------------------------------------------------------


@pytest.mark.parametrize(('raw', 'clean'), [
    ('  Police stop youth too often  ', 'Police stop youth too often'),
    ('<script>alert(1)</script>', '<script>alert(1)</script>'),
    ('a\x00b\x07c\x1bd\x7fe', 'abcde'),
    ('line one   \n   line two', 'line one\nline two'),
    ('a\n\n\n\n\nb', 'a\n\nb'),
    ('a\r\nb', 'a\nb'),
    ('\u202eevil', 'evil'),                            # bidi override is a format control: dropped
    ('क्‍ष', 'क्\u200dष'),                          # zero-width joiner kept (Hindi)
    ('مرحبا\u200f', 'مرحبا\u200f'),                     # right-to-left mark kept (Arabic)
    ('{name} {0} %s', '{name} {0} %s'),
])
def test_clean_text(raw, clean):
    assert clean_text(raw, 280) == clean


@pytest.mark.parametrize('raw', ['', '   ', '\n\t\n', '\x00\x01', None, 42, ['text']])
def test_clean_text_refuses_empty(raw):
    with pytest.raises(DomainError) as info:
        clean_text(raw, 280)
    assert said(info.value) == 'Please write some text.'


def test_clean_text_length_limit_counts_cleaned_text():
    assert clean_text('x' * 10, 10) == 'x' * 10
    assert clean_text('   ' + 'x' * 10 + '   ', 10) == 'x' * 10
    with pytest.raises(DomainError) as info:
        clean_text('x' * 11, 10)
    assert '10' in said(info.value) and '11' in said(info.value)


# -- submitting ----------------------------------------------------------------------------------


@pytest.fixture
def issues(room, fac, goto):
    goto(fac, room, 'issues')
    return room


def test_submit_card(session, issues, p1, key, new_session):
    view, changes = cards.submit(session, p1, issues.id, '  Nobody explains traffic stops \x00 ', key())
    assert view.text == 'Nobody explains traffic stops'
    assert (view.author_id, view.theme_id, view.hidden, view.votes, view.merged_count) == \
        (p1.participant_id, None, False, 0, 0)
    assert changes == [CardChanged(issues.id, view)]
    stored = new_session().get(Card, view.id)
    assert stored.text == view.text and stored.room_id == issues.id


def test_markup_is_kept_literally(session, issues, p1, key):
    view, _ = cards.submit(session, p1, issues.id, '<script>alert("x")</script> <b>bold</b>', key())
    assert view.text == '<script>alert("x")</script> <b>bold</b>'


@pytest.mark.parametrize('phase', [p for p in PHASES if p != 'issues'])
def test_submit_only_while_naming_issues(session, room, fac, p1, goto, key, phase):
    goto(fac, room, phase)
    with pytest.raises(DomainError, match='naming issues'):
        cards.submit(session, p1, room.id, 'too late', key())
    assert _count(session, Card) == 0


@pytest.mark.parametrize('text', ['', '    ', '\x00\x00'])
def test_empty_card_refused(session, issues, p1, key, text):
    with pytest.raises(DomainError):
        cards.submit(session, p1, issues.id, text, key())
    assert _count(session, Card) == 0 and _count(session, Receipt) == 0


def test_over_long_card_refused_with_the_limit(session, issues, p1, key):
    limit = issues.max_card_length
    cards.submit(session, p1, issues.id, 'y' * limit, key())
    with pytest.raises(DomainError) as info:
        cards.submit(session, p1, issues.id, 'y' * (limit + 1), key())
    assert str(limit) in said(info.value)
    assert str(limit + 1) in said(info.value)
    assert _count(session, Card) == 1


def test_room_card_length_setting_is_used(session, issues, p1, key):
    issues.max_card_length = 20
    session.commit()
    with pytest.raises(DomainError) as info:
        cards.submit(session, p1, issues.id, 'z' * 21, key())
    assert said(info.value) == 'Please keep it to 20 characters or fewer (now 21).'


def test_max_cards_per_participant(session, issues, p1, p2, key):
    issues.max_cards_per_participant = 3
    session.commit()
    for i in range(3):
        cards.submit(session, p1, issues.id, f'issue {i}', key())
    with pytest.raises(DomainError) as info:
        cards.submit(session, p1, issues.id, 'one more', key())
    assert '3' in said(info.value)
    cards.submit(session, p2, issues.id, 'someone else may still write', key())
    assert _count(session, Card) == 4


def test_standard_plan_allows_twelve_cards(session, issues, p1, key):
    for i in range(12):
        cards.submit(session, p1, issues.id, f'issue {i}', key())
    with pytest.raises(DomainError):
        cards.submit(session, p1, issues.id, 'thirteen', key())


def test_same_key_twice_is_one_card(session, issues, p1, new_session):
    first, changes = cards.submit(session, p1, issues.id, 'Slow response times', 'key-1')
    assert len(changes) == 1
    again, changes = cards.submit(new_session(), p1, issues.id, 'Slow response times', 'key-1')
    assert changes == []
    assert again.id == first.id and again.text == first.text
    assert _count(session, Card) == 1 and _count(session, Receipt) == 1


def test_retry_after_the_phase_moved_on_still_returns_the_card(session, room, fac, p1, goto):
    goto(fac, room, 'issues')
    first, _ = cards.submit(session, p1, room.id, 'Slow response times', 'key-1')
    goto(fac, room, 'vote')
    again, changes = cards.submit(session, p1, room.id, 'Slow response times', 'key-1')
    assert again.id == first.id and changes == []


def test_key_of_another_participant_refused(session, issues, p1, p2):
    from spcp.domain.errors import NotAllowed
    cards.submit(session, p1, issues.id, 'mine', 'key-1')
    with pytest.raises(NotAllowed):
        cards.submit(session, p2, issues.id, 'theirs', 'key-1')
    assert [c.participant_id for c in session.exec(select(Card))] == [p1.participant_id]


def test_refused_submit_leaves_no_receipt(session, issues, p1):
    with pytest.raises(DomainError):
        cards.submit(session, p1, issues.id, 'x' * 1000, 'key-1')
    view, changes = cards.submit(session, p1, issues.id, 'shorter now', 'key-1')
    assert view.text == 'shorter now' and len(changes) == 1


# -- hiding and editing ------------------------------------------------------------------------------


def test_hide_and_show_card(session, issues, fac, p1, p2, write, new_session):
    card_id = write(p1, issues, 'You are all idiots')
    assert [c.id for c in views.snapshot(session, p2, issues.id).cards] == [card_id]
    changes = cards.set_hidden(session, fac, issues.id, card_id, True)
    assert len(changes) == 1 and isinstance(changes[0], CardChanged)
    assert changes[0].card.id == card_id and changes[0].card.hidden is True
    assert cards.set_hidden(session, fac, issues.id, card_id, True) == []
    assert new_session().get(Card, card_id).hidden is True
    assert views.snapshot(new_session(), p2, issues.id).cards == ()
    assert views.snapshot(new_session(), p1, issues.id).cards == ()  # the author too
    assert [c.hidden for c in views.snapshot(new_session(), fac, issues.id).cards] == [True]

    (shown,) = cards.set_hidden(session, fac, issues.id, card_id, False)
    assert shown == CardChanged(issues.id, shown.card) and shown.card.hidden is False
    assert [c.id for c in views.snapshot(new_session(), p2, issues.id).cards] == [card_id]


def test_hide_unknown_card(session, issues, fac):
    with pytest.raises(NotFound):
        cards.set_hidden(session, fac, issues.id, 12345, True)
    with pytest.raises(NotFound):
        cards.set_hidden(session, fac, issues.id, '1', True)


def test_edit_card(session, issues, fac, p1, write):
    card_id = write(p1, issues, 'police dont listen')
    (change,) = cards.edit(session, fac, issues.id, card_id, '  Police do not listen  ')
    assert change.card.text == 'Police do not listen'
    assert change.card.author_id == p1.participant_id
    with pytest.raises(DomainError):
        cards.edit(session, fac, issues.id, card_id, ' ')
    assert session.get(Card, card_id).text == 'Police do not listen'


# -- merging ---------------------------------------------------------------------------------------------


def test_merge_moves_votes_and_refunds_extra_dots(session, issues, fac, p1, p2, join, write, goto, key,
                                                  new_session):
    p3 = join(issues)
    a = write(p1, issues, 'Slow response')
    b = write(p2, issues, 'Police take forever to come')
    c = write(p3, issues, 'Response times are too long')
    d = write(p3, issues, 'Unrelated')
    goto(fac, issues, 'vote')
    for card in (a, b, c):
        voting.add_dot(session, p1, issues.id, card, key())      # p1 on all three duplicates
    voting.add_dot(session, p2, issues.id, b, key())             # p2 on one duplicate
    voting.add_dot(session, p3, issues.id, d, key())             # p3 elsewhere

    changes = cards.merge(session, fac, issues.id, a, [b, c])

    assert [ch for ch in changes if isinstance(ch, CardRemoved)] == [CardRemoved(issues.id, b),
                                                                      CardRemoved(issues.id, c)]
    (kept,) = [ch for ch in changes if isinstance(ch, CardChanged)]
    assert kept.card.id == a and kept.card.merged_count == 2
    assert kept.card.votes == 2  # p1 keeps one dot (the per-card limit), p2's dot moved
    by_voter = {ch.participant_id: ch for ch in changes if isinstance(ch, VotesChanged)}
    assert set(by_voter) == {p1.participant_id, p2.participant_id}
    assert (by_voter[p1.participant_id].dots_on_card, by_voter[p1.participant_id].dots_left) == (1, 2)
    assert (by_voter[p2.participant_id].dots_on_card, by_voter[p2.participant_id].dots_left) == (1, 2)
    assert all(ch.card_id == a and ch.total == 2 for ch in by_voter.values())

    fresh = new_session()
    assert fresh.exec(select(func.count()).select_from(Vote).where(Vote.card_id.in_([b, c]))).one() == 0
    assert fresh.exec(select(func.count()).select_from(Vote).where(Vote.card_id == d)).one() == 1
    me = views.snapshot(fresh, p1, issues.id).me
    assert me.dots_left == 2 and me.dots == {a: 1}
    staff = views.snapshot(fresh, fac, issues.id)
    assert [c.id for c in staff.cards] == [a, d]
    assert staff.card(a).merged_count == 2 and staff.card(a).votes == 2
    assert [c.id for c in views.snapshot(fresh, p2, issues.id).cards] == [a, d]
    # the refunded dot can be spent again
    voting.add_dot(fresh, p1, issues.id, d, key())


def test_merge_keeps_up_to_the_rooms_per_card_limit(session, issues, fac, p1, write, goto, key):
    issues.max_dots_per_card = 2
    session.commit()
    a = write(p1, issues, 'one')
    b = write(p1, issues, 'two')
    goto(fac, issues, 'vote')
    for card in (a, a, b):
        voting.add_dot(session, p1, issues.id, card, key())
    changes = cards.merge(session, fac, issues.id, a, [b])
    (votes,) = [ch for ch in changes if isinstance(ch, VotesChanged)]
    assert (votes.total, votes.dots_on_card, votes.dots_left) == (2, 2, 1)


def test_merged_card_is_gone(session, issues, fac, p1, write, key):
    a = write(p1, issues, 'one')
    b = write(p1, issues, 'two')
    cards.merge(session, fac, issues.id, a, [b])
    for act in (lambda: cards.set_hidden(session, fac, issues.id, b, True),
                lambda: cards.edit(session, fac, issues.id, b, 'x'),
                lambda: cards.merge(session, fac, issues.id, b, [a]),
                lambda: cards.merge(session, fac, issues.id, a, [b])):
        with pytest.raises(NotFound):
            act()
    assert session.get(Card, b).merged_into_id == a


def test_merge_takes_the_merged_card_out_of_its_theme(session, issues, fac, p1, write):
    from spcp.domain import themes
    a = write(p1, issues, 'one')
    b = write(p1, issues, 'two')
    theme_id, _ = themes.group(session, fac, issues.id, [b], 'T')
    cards.merge(session, fac, issues.id, a, [b])
    assert session.get(Card, b).theme_id is None
    (theme,) = views.snapshot(session, fac, issues.id).themes
    assert theme.id == theme_id and theme.card_ids == ()


@pytest.mark.parametrize('others', [[], 'self'])
def test_merge_needs_two_cards(session, issues, fac, p1, write, others):
    a = write(p1, issues, 'one')
    with pytest.raises(DomainError, match='two cards'):
        cards.merge(session, fac, issues.id, a, [a] if others == 'self' else others)


def test_merge_refuses_other_rooms_cards(session, issues, room_b, fac, fac_b, p1, join, write, goto):
    a = write(p1, issues, 'one')
    goto(fac_b, room_b, 'issues')
    other = write(join(room_b), room_b, 'room B')
    with pytest.raises(NotFound):
        cards.merge(session, fac, issues.id, a, [other])
    assert session.get(Card, other).merged_into_id is None
