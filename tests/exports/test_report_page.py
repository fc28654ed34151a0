"""The report's first page as a picture: the PDF export (the Word report's twin, same blocks) rendered with
pdftoppm. SPCP_UPDATE_SCREENSHOTS=1 refreshes docs/screenshots/report-page1.png (looked at by eye)."""
from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from sqlmodel import Session

from spcp.db import make_engine
from spcp.exports import registry

SHOT = Path(__file__).resolve().parents[2] / 'docs' / 'screenshots' / 'report-page1.png'


def test_first_page_renders(day, organizer, tmp_path: Path) -> None:
    if shutil.which('pdftoppm') is None:
        pytest.skip('pdftoppm is needed (apt-get install poppler-utils)')
    engine = make_engine(f'sqlite:///{day.path}')
    out = io.BytesIO()
    with Session(engine) as session:
        registry.export(session, organizer, day.event_id, 'pdf', out)
    engine.dispose()
    (tmp_path / 'report.pdf').write_bytes(out.getvalue())
    subprocess.run(['pdftoppm', '-r', '90', '-png', '-f', '1', '-l', '1', '-singlefile', str(tmp_path / 'report.pdf'),
                    str(tmp_path / 'page1')], check=True, timeout=60)
    page = Image.open(tmp_path / 'page1.png').convert('L')
    assert page.size == (745, 1053)  # A4 at 90 dpi
    inked = page.point(lambda value: 255 if value < 128 else 0).histogram()[255]
    assert inked > 8_000  # title, chart bars and tables drawn (about 9,700 dark pixels), not a blank page
    if os.environ.get('SPCP_UPDATE_SCREENSHOTS') == '1':
        SHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(tmp_path / 'page1.png', SHOT)
