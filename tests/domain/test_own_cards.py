"""spcp.domain.cards.edit_own / withdraw_own: a phone edits or withdraws its own issue while the room
is naming issues. Withdrawing deletes the card, gives its dots back and clears receipts that point at it."""
from __future__ import annotations

import pytest
from sqlmodel import Session, select

from spcp.domain import cards, themes, views, voting
from spcp.domain.changes import CardChanged, CardRemoved, ThemeChanged, VotesChanged
from spcp.domain.errors import DomainError, NotAllowed, NotFound
from spcp.domain.models import Card, Receipt, Theme, Vote
from spcp.domain.phases import PHASES

from .conftest import said, sqlite_only

NOT_MINE = 'You can only change or withdraw your own issues.'
WRONG_PHASE = 'Issues can only be changed or withdrawn while the room is naming issues.'
ABSORBED = 'Other issues were merged into this one, so only the facilitator can change it now.'
GONE = 'That card is no longer there.'
MALFORMED = 'This request is malformed. Reload the page and try again.'


@pytest.fixture
def issues(room, fac, goto):
    goto(fac, room, 'issues')
    return room


def tables(session: Session) -> dict[str, list[tuple]]:
    """Every row that an own-card action could touch, as plain tuples (compare before and after)."""
    return {
        'card': [(c.id, c.room_id, c.participant_id, c.text, c.hidden, c.merged_into_id, c.theme_id)
                 for c in session.exec(select(Card).order_by(Card.id)).all()],
        'vote': [(v.id, v.card_id, v.participant_id) for v in session.exec(select(Vote).order_by(Vote.id)).all()],
        'receipt': sorted((r.key, r.participant_id, r.action, r.result_id)
                          for r in session.exec(select(Receipt)).all()),
        'theme': [(t.id, t.name, t.rank) for t in session.exec(select(Theme).order_by(Theme.id)).all()],
    }


def refused(kind: type[DomainError], message: str, act) -> None:
    with pytest.raises(kind) as info:
        act()
    assert said(info.value) == message


# -- editing ---------------------------------------------------------------------------------------


def test_author_edits_own_card(session, issues, fac, p1, p2, write, key, new_session):
    card_id = write(p1, issues, 'Police stop youth')
    view, changes = cards.edit_own(session, p1, issues.id, card_id, '  Police stop youth too often \x00 ', key())
    assert (view.id, view.text, view.author_id) == (card_id, 'Police stop youth too often', p1.participant_id)
    assert changes == [CardChanged(issues.id, view)]
    fresh = new_session()
    assert fresh.get(Card, card_id).text == 'Police stop youth too often'
    for reader in (p1, p2, fac):
        assert [c.text for c in views.snapshot(fresh, reader, issues.id).cards] == ['Police stop youth too often']


def test_edit_to_the_same_text_changes_nothing_visible(session, issues, p1, write, key):
    card_id = write(p1, issues, 'Same words')
    view, changes = cards.edit_own(session, p1, issues.id, card_id, ' Same words ', key())
    assert view.text == 'Same words' and changes == []


def test_edit_text_is_cleaned_and_limited(session, issues, p1, write, key):
    issues.max_card_length = 10
    session.commit()
    card_id = write(p1, issues, 'short')
    refused(DomainError, 'Please write some text.', lambda: cards.edit_own(session, p1, issues.id, card_id, ' ', key()))
    with pytest.raises(DomainError) as info:
        cards.edit_own(session, p1, issues.id, card_id, 'x' * 11, key())
    assert '10' in said(info.value)
    assert session.get(Card, card_id).text == 'short'
    assert session.exec(select(Receipt).where(Receipt.action == 'edit_card')).all() == []


# -- who, when, which card -------------------------------------------------------------------------


def test_only_the_author(session, issues, fac, p1, p2, write, key, new_session):
    card_id = write(p1, issues, 'Mine')
    before = tables(new_session())
    refused(NotAllowed, NOT_MINE, lambda: cards.edit_own(session, p2, issues.id, card_id, 'Yours now', key()))
    refused(NotAllowed, NOT_MINE, lambda: cards.withdraw_own(session, p2, issues.id, card_id, key()))
    refused(NotAllowed, 'Only participants can do this.',
            lambda: cards.edit_own(session, fac, issues.id, card_id, 'Staff', key()))
    refused(NotAllowed, 'Only participants can do this.', lambda: cards.withdraw_own(session, fac, issues.id, card_id,
                                                                                     key()))
    assert tables(new_session()) == before


@pytest.mark.parametrize('phase', [p for p in PHASES if p != 'issues'])
def test_only_while_naming_issues(session, issues, fac, p1, write, goto, key, phase, new_session):
    card_id = write(p1, issues, 'Mine')
    goto(fac, issues, phase)
    before = tables(new_session())
    refused(DomainError, WRONG_PHASE, lambda: cards.edit_own(session, p1, issues.id, card_id, 'Later', key()))
    refused(DomainError, WRONG_PHASE, lambda: cards.withdraw_own(session, p1, issues.id, card_id, key()))
    assert tables(new_session()) == before


def test_hidden_card_refused(session, issues, fac, p1, write, key, new_session):
    card_id = write(p1, issues, 'Off topic')
    cards.set_hidden(session, fac, issues.id, card_id, True)
    before = tables(new_session())
    refused(NotFound, GONE, lambda: cards.edit_own(session, p1, issues.id, card_id, 'On topic now', key()))
    refused(NotFound, GONE, lambda: cards.withdraw_own(session, p1, issues.id, card_id, key()))
    assert tables(new_session()) == before


def test_merged_cards_refused(session, issues, fac, p1, p2, write, key, new_session):
    kept = write(p1, issues, 'Slow response')
    mine_merged = write(p1, issues, 'Police come late')
    theirs = write(p2, issues, 'Police take forever')
    cards.merge(session, fac, issues.id, kept, [mine_merged, theirs])
    before = tables(new_session())
    # merged away: gone
    refused(NotFound, GONE, lambda: cards.edit_own(session, p1, issues.id, mine_merged, 'x', key()))
    refused(NotFound, GONE, lambda: cards.withdraw_own(session, p1, issues.id, mine_merged, key()))
    # merged into: it speaks for p2 too, so its author can no longer change it
    refused(DomainError, ABSORBED, lambda: cards.edit_own(session, p1, issues.id, kept, 'Only mine', key()))
    refused(DomainError, ABSORBED, lambda: cards.withdraw_own(session, p1, issues.id, kept, key()))
    assert tables(new_session()) == before


def test_unknown_or_other_rooms_card(session, issues, room_b, fac_b, p1, join, goto, write, key, new_session):
    goto(fac_b, room_b, 'issues')
    pb = join(room_b)
    theirs = write(pb, room_b, 'In room B')
    before = tables(new_session())
    for card_id in (theirs, 12345, '1', None):
        refused(NotFound, GONE, lambda c=card_id: cards.edit_own(session, p1, issues.id, c, 'x', key()))
        refused(NotFound, GONE, lambda c=card_id: cards.withdraw_own(session, p1, issues.id, c, key()))
    refused(NotAllowed, 'You are not in this room.', lambda: cards.withdraw_own(session, p1, room_b.id, theirs, key()))
    assert tables(new_session()) == before


# -- idempotency -----------------------------------------------------------------------------------


def test_edit_retry_changes_nothing(session, issues, p1, write, key, new_session):
    card_id = write(p1, issues, 'First')
    k = key()
    first, changes = cards.edit_own(session, p1, issues.id, card_id, 'Second', k)
    assert changes == [CardChanged(issues.id, first)]
    before = tables(new_session())
    again, changes = cards.edit_own(new_session(), p1, issues.id, card_id, 'Third', k)
    assert (again, changes) == (first, [])
    assert tables(new_session()) == before and new_session().get(Card, card_id).text == 'Second'


def test_withdraw_retry_changes_nothing(session, issues, p1, p2, write, key, new_session):
    card_id = write(p1, issues, 'Mine')
    write(p2, issues, 'Theirs')
    k = key()
    assert cards.withdraw_own(session, p1, issues.id, card_id, k) == [CardRemoved(issues.id, card_id)]
    before = tables(new_session())
    assert cards.withdraw_own(new_session(), p1, issues.id, card_id, k) == []
    assert tables(new_session()) == before


def test_key_of_another_action_or_participant_refused(session, issues, p1, p2, key, write, new_session):
    submit_key, edit_key = key(), key()
    card_id = cards.submit(session, p1, issues.id, 'Mine', submit_key)[0].id
    cards.edit_own(session, p1, issues.id, card_id, 'Mine, reworded', edit_key)
    theirs = write(p2, issues, 'Theirs')
    before = tables(new_session())
    refused(NotAllowed, MALFORMED, lambda: cards.edit_own(session, p1, issues.id, card_id, 'x', submit_key))
    refused(NotAllowed, MALFORMED, lambda: cards.withdraw_own(session, p1, issues.id, card_id, edit_key))
    refused(NotAllowed, MALFORMED, lambda: cards.withdraw_own(session, p1, issues.id, card_id, submit_key))
    refused(NotAllowed, MALFORMED, lambda: cards.edit_own(session, p2, issues.id, theirs, 'x', edit_key))
    refused(NotAllowed, MALFORMED, lambda: cards.withdraw_own(session, p1, issues.id, card_id, ''))
    assert tables(new_session()) == before


@sqlite_only  # PostgreSQL's sequences never give an id twice
def test_retried_submit_of_a_withdrawn_card_is_refused_even_when_its_id_is_reused(session, issues, p1, p2, key,
                                                                                   new_session):
    submit_key, edit_key = key(), key()
    card_id = cards.submit(session, p1, issues.id, 'Mine', submit_key)[0].id
    cards.edit_own(session, p1, issues.id, card_id, 'Mine, reworded', edit_key)
    cards.withdraw_own(session, p1, issues.id, card_id, key())
    # SQLite gives the newest row's id to the next card: a receipt still pointing at it would find p2's card
    theirs, _ = cards.submit(session, p2, issues.id, 'Theirs', key())
    assert theirs.id == card_id
    refused(DomainError, 'You withdrew this issue.', lambda: cards.submit(session, p1, issues.id, 'Mine', submit_key))
    refused(NotFound, GONE, lambda: cards.edit_own(session, p1, issues.id, card_id, 'Mine', edit_key))
    fresh = new_session()
    assert [(c.id, c.text, c.author_id) for c in views.snapshot(fresh, p1, issues.id).cards] == \
        [(card_id, 'Theirs', p2.participant_id)]


# -- withdrawing -----------------------------------------------------------------------------------


def test_withdrawn_card_disappears_everywhere(session, issues, fac, p1, p2, write, key, new_session):
    mine = write(p1, issues, 'Mine')
    theirs = write(p2, issues, 'Theirs')
    theme_id, _ = themes.group(session, fac, issues.id, [mine, theirs], 'Policing')
    changes = cards.withdraw_own(session, p1, issues.id, mine, key())
    fresh = new_session()
    assert changes == [ThemeChanged(issues.id, views.theme_view(fresh, fresh.get(Theme, theme_id))),
                       CardRemoved(issues.id, mine)]
    assert changes[0].theme.card_ids == (theirs,)
    assert fresh.get(Card, mine) is None
    for reader in (p1, p2, fac):  # fac: the board's view, hidden cards and all
        view = views.snapshot(fresh, reader, issues.id)
        assert [c.id for c in view.cards] == [theirs]
        assert [t.card_ids for t in view.themes] == [(theirs,)]


def test_withdrawing_frees_the_card_limit(session, issues, p1, write, key):
    issues.max_cards_per_participant = 2
    session.commit()
    first = write(p1, issues, 'one')
    write(p1, issues, 'two')
    refused(DomainError, 'You have written 2 issues, the most one person can add here.',
            lambda: write(p1, issues, 'three'))
    cards.withdraw_own(session, p1, issues.id, first, key())
    assert write(p1, issues, 'three') > 0
    refused(DomainError, 'You have written 2 issues, the most one person can add here.',
            lambda: write(p1, issues, 'four'))


def test_votes_are_given_back_when_the_room_steps_back_to_issues(session, issues, fac, p1, p2, join, write, goto,
                                                                 key, new_session):
    p3 = join(issues)
    mine = write(p1, issues, 'Mine')
    other = write(p3, issues, 'Other')
    goto(fac, issues, 'vote')
    voting.add_dot(session, p1, issues.id, mine, key())
    voting.add_dot(session, p2, issues.id, mine, key())
    voting.add_dot(session, p2, issues.id, other, key())
    goto(fac, issues, 'issues')

    changes = cards.withdraw_own(session, p1, issues.id, mine, key())

    dots = issues.dots_per_participant
    assert changes == [VotesChanged(issues.id, mine, 0, p1.participant_id, 0, dots),
                       VotesChanged(issues.id, mine, 0, p2.participant_id, 0, dots - 1),
                       CardRemoved(issues.id, mine)]
    fresh = new_session()
    assert [(v[1], v[2]) for v in tables(fresh)['vote']] == [(other, p2.participant_id)]
    assert views.snapshot(fresh, p2, issues.id).me.dots_left == dots - 1
    assert views.snapshot(fresh, p2, issues.id).me.dots == {other: 1}
    assert views.snapshot(fresh, fac, issues.id).card(other).votes == 1
    goto(fac, issues, 'vote')  # the dots can be spent again, and no more than the budget
    voting.add_dot(session, p1, issues.id, other, key())
    assert views.snapshot(new_session(), p1, issues.id).me.dots_left == dots - 1


def test_other_room_untouched(session, issues, room_b, fac_b, p1, join, goto, write, key, new_session):
    goto(fac_b, room_b, 'issues')
    pb = join(room_b)
    write(pb, room_b, 'In room B')
    mine = write(p1, issues, 'Mine')
    snapshot_b = views.snapshot(new_session(), fac_b, room_b.id)
    changes = cards.edit_own(session, p1, issues.id, mine, 'Mine, reworded', key())[1]
    changes += cards.withdraw_own(session, p1, issues.id, mine, key())
    assert {c.room_id for c in changes} == {issues.id}
    assert views.snapshot(new_session(), fac_b, room_b.id) == snapshot_b
