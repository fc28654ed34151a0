"""The domain layer is plain Python: no NiceGUI, so it can be tested and reused without a UI."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import spcp.domain

DOMAIN_DIR = Path(spcp.domain.__file__).parent
MODULES = sorted(DOMAIN_DIR.glob('*.py'))
UI_PACKAGES = ('nicegui', 'fastapi', 'starlette')


def _imports(path: Path) -> list[tuple[int, str]]:
    """(level, dotted name) of every import: level 0 is absolute, 1 is ``from .``, 2 is ``from ..``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding='utf-8'), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(0, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.module:
                found.append((node.level, node.module))
            else:
                found += [(node.level, alias.name) for alias in node.names]
    return found


def test_all_domain_modules_are_checked():
    expected = {'models', 'access', 'events', 'rooms', 'cards', 'voting', 'themes', 'solutions', 'views',
                'changes', 'phases', 'text', 'errors'}
    assert expected <= {p.stem for p in MODULES}


@pytest.mark.parametrize('path', MODULES, ids=lambda p: p.name)
def test_domain_module_does_not_import_ui(path):
    for level, name in _imports(path):
        root = name.split('.')[0]
        if level == 0:
            assert root not in UI_PACKAGES, f'{path.name} imports {name}'
            if root == 'spcp':  # absolute imports of the app stay in the domain too
                assert name.startswith('spcp.domain'), f'{path.name} imports {name}'
        else:
            # relative imports stay inside the domain: it never translates (no i18n), it gives message ids
            assert level == 1, f'{path.name} imports {"." * level}{name}'


def test_importing_the_domain_does_not_load_nicegui():
    modules = ' '.join(f'spcp.domain.{p.stem}' for p in MODULES if p.stem != '__init__')
    code = (f'import importlib, sys\nfor m in "{modules} spcp.db spcp.plan".split(): importlib.import_module(m)\n'
            'bad = sorted(m for m in sys.modules if m.split(".")[0] in ("nicegui", "fastapi", "starlette"))\n'
            'print(",".join(bad))\n')
    result = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=60,
                            cwd=DOMAIN_DIR.parent.parent)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ''
