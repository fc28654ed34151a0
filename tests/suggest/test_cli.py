"""``spcp suggest --in FILE --json``: the contract other tools read, from a text file or a CSV file."""
from __future__ import annotations

import json

from typer.testing import CliRunner

from spcp.cli import app

CARDS = ['Police take more than an hour to answer emergency calls at night',
         'La policía tarda más de una hora en responder a las llamadas de emergencia de noche',
         '',
         'There are no interpreters at the police station for people who speak Spanish',
         'No hay intérpretes en la estación de policía para quienes hablan español',
         'The parking lot was full this morning']


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ['suggest', *args])
    return result.exit_code, result.output


def test_one_card_per_line_gives_themes_the_unthemed_pile_and_duplicates(tmp_path) -> None:
    path = tmp_path / 'cards.txt'
    path.write_text('\n'.join(CARDS) + '\n', encoding='utf-8')
    code, out = run('--in', str(path), '--json')
    assert code == 0, out
    found = json.loads(out)
    assert set(found) == {'themes', 'unthemed', 'duplicates'}
    assert sorted(sorted(t['cards']) for t in found['themes']) == [[0, 1], [3, 4]]  # line 2 is blank: no card
    assert all(isinstance(t['name'], str) and t['name'] for t in found['themes'])
    assert found['unthemed'] == [5]
    assert all(len(pair) == 2 and pair[0] < pair[1] for pair in found['duplicates'])


def test_a_csv_file_is_read_from_its_text_column(tmp_path) -> None:
    path = tmp_path / 'paper.csv'
    rows = [t for t in CARDS if t]
    path.write_text('room,text\n' + ''.join(f'1,"{t}"\n' for t in rows), encoding='utf-8')
    code, out = run('--in', str(path), '--json')
    assert code == 0, out
    found = json.loads(out)
    assert sorted(sorted(t['cards']) for t in found['themes']) == [[0, 1], [2, 3]]
    assert found['unthemed'] == [4]


def test_without_json_it_prints_each_theme_with_its_cards(tmp_path) -> None:
    path = tmp_path / 'cards.txt'
    path.write_text('\n'.join(CARDS), encoding='utf-8')
    code, out = run('--in', str(path))
    assert code == 0, out
    assert '  0: ' + CARDS[0] in out and 'No theme yet\n  5: ' + CARDS[5] in out


def test_a_csv_without_a_text_column_or_a_missing_file_is_refused(tmp_path) -> None:
    path = tmp_path / 'paper.csv'
    path.write_text('room,words\n1,hello\n', encoding='utf-8')
    code, out = run('--in', str(path), '--json')
    assert code == 2 and 'no "text" column' in out
    code, out = run('--in', str(tmp_path / 'missing.txt'))
    assert code == 2 and 'cannot read' in out
