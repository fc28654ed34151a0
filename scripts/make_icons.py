"""Regenerate assets/icons.json: the Material Icons our pages use, as SVG paths.

    .venv/bin/python scripts/make_icons.py          # write assets/icons.json
    .venv/bin/python scripts/make_icons.py --check  # exit 1 if it is out of date

Why: NiceGUI's Material Icons font is 128.6 KB for the ~35 icons we draw (two on a joining phone),
fetched late (only once an icon is laid out) and invisible until it arrives (``font-display:
block``). ``spcp/icons.py`` hands Quasar an ``iconMapFn`` that draws each name listed here as an
inline SVG (no request at all); a name not listed still renders with the full font.

Which names: every icon name spcp/ writes (``icon='x'``, ``ui.icon('x')``, ``icon=x`` in a props
string, ``props['icon'] = 'x'``, ``('icon', 'x')``, a literal passed to one of our own functions'
``icon`` parameter, ``icon="x"`` in our .js/.vue files), plus the names Quasar's own components
draw from its icon set for the NiceGUI elements spcp/ uses (an expansion's arrow, a select's
dropdown arrow, a notification's type icon...), read from NiceGUI's bundled Quasar. The glyphs come
from NiceGUI's bundled font itself (its ligature table gives name -> glyph), so they look exactly
as before. Needs fontTools (a test extra; the server only reads the JSON).
"""
from __future__ import annotations

import argparse
import ast
import json
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import nicegui

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SOURCES = PROJECT_ROOT / 'spcp'
OUTPUT = PROJECT_ROOT / 'assets' / 'icons.json'
NICEGUI_STATIC = Path(nicegui.__file__).parent / 'static'
UNITS = 512  # the font's em: glyphs are drawn in a 512 x 512 box, baseline at 0, ascent 512

# NiceGUI element (ui.NAME) -> the keys of Quasar's icon set its Quasar component may draw
QUASAR_ICONS: dict[str, tuple[str, ...]] = {
    'input': ('field.clear', 'field.error'),
    'textarea': ('field.clear', 'field.error'),
    'number': ('field.clear', 'field.error'),
    'select': ('arrow.dropdown', 'chip.remove', 'chip.selected', 'field.clear', 'field.error'),
    'input_chips': ('chip.remove', 'field.clear', 'field.error'),
    'expansion': ('expansionItem.icon', 'expansionItem.denseIcon'),
    'notify': ('type.positive', 'type.negative', 'type.warning', 'type.info'),
    'notification': ('type.positive', 'type.negative', 'type.warning', 'type.info'),
    'dropdown_button': ('arrow.dropdown',),
    'chip': ('chip.remove', 'chip.selected'),
    'table': ('table.arrowUp', 'table.warning', 'table.firstPage', 'table.prevPage', 'table.nextPage',
              'table.lastPage'),
    'pagination': ('pagination.first', 'pagination.prev', 'pagination.next', 'pagination.last'),
    'rating': ('rating.icon',),
    'stepper': ('stepper.done', 'stepper.active', 'stepper.error'),
    'tabs': ('tabs.left', 'tabs.right', 'tabs.up', 'tabs.down'),
    'tree': ('tree.icon',),
    'upload': ('uploader.done', 'uploader.clear', 'uploader.add', 'uploader.upload', 'uploader.removeQueue',
               'uploader.removeUploaded', 'type.negative'),
    'date': ('datetime.arrowLeft', 'datetime.arrowRight'),
    'time': ('datetime.now',),
    'color_picker': ('colorPicker.spectrum', 'colorPicker.tune', 'colorPicker.palette', 'type.negative'),
    'carousel': ('carousel.left', 'carousel.right', 'carousel.up', 'carousel.down', 'carousel.navigationIcon'),
}
# names NiceGUI's own element code writes (ui.input's password toggle)
NICEGUI_ICONS: dict[str, tuple[str, ...]] = {'input': ('visibility', 'visibility_off')}

JS_ICON = re.compile(r'''\bicon\s*[=:]\s*["']([a-z0-9_]+)["']|<q-icon[^>]*\bname=["']([a-z0-9_]+)["']''')
PROPS_ICON = re.compile(r'(?:^|\s)icon=([a-z0-9_]+)')


# ---------- which names spcp/ uses ----------

def _literal(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _call_name(call: ast.Call) -> str | None:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None


def icon_parameters(trees: Iterable[ast.AST]) -> dict[str, int]:
    """Our own functions with an ``icon`` parameter: name -> its position among the call's arguments."""
    found: dict[str, int] = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                names = [a.arg for a in node.args.posonlyargs + node.args.args]
                if 'icon' in names:
                    position = names.index('icon')
                    found[node.name] = position - 1 if names[:1] in (['self'], ['cls']) else position
    return found


def names_in_tree(tree: ast.AST, parameters: dict[str, int]) -> Iterator[str]:
    """Icon names written as literals in one module (every form listed in this file's docstring)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            yield from _names_in_call(node, parameters)
        elif isinstance(node, ast.Tuple) and len(node.elts) == 2 and _literal(node.elts[0]) == 'icon':
            yield from filter(None, [_literal(node.elts[1])])
        elif isinstance(node, ast.Dict):
            yield from (v for k, v in zip(node.keys, map(_literal, node.values), strict=True)
                        if _literal(k) == 'icon' and v)
        elif isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Subscript) \
                and _literal(node.targets[0].slice) == 'icon' and _literal(node.value):
            yield _literal(node.value)


def _names_in_call(call: ast.Call, parameters: dict[str, int]) -> Iterator[str]:
    name = _call_name(call)
    yield from filter(None, (_literal(k.value) for k in call.keywords if k.arg == 'icon'))
    if name == 'icon' and call.args and _literal(call.args[0]):  # ui.icon('x')
        yield _literal(call.args[0])
    if name == 'props':
        for argument in call.args:
            yield from PROPS_ICON.findall(_literal(argument) or '')
    position = parameters.get(name or '')
    if position is not None and position < len(call.args) and _literal(call.args[position]):
        yield _literal(call.args[position])


def elements_in_tree(tree: ast.AST) -> Iterator[str]:
    """The NiceGUI elements a module uses: every ``ui.NAME``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == 'ui':
            yield node.attr


def quasar_icon_set() -> dict[str, dict[str, str]]:
    """Quasar's default (material-icons) icon set, read from the Quasar bundled with NiceGUI."""
    bundle = (NICEGUI_STATIC / 'quasar.umd.prod.js').read_text(encoding='utf-8')
    start = bundle.index('name:"material-icons",') + len('name:"material-icons",')
    depth, end = 1, start
    while depth:  # the rest of the object literal, up to its closing brace
        depth += {'{': 1, '}': -1}.get(bundle[end], 0)
        end += 1
    literal = re.sub(r'([{,])([A-Za-z]\w*):', r'\1"\2":', '{' + bundle[start:end])
    return {k: v for k, v in json.loads(literal).items() if isinstance(v, dict)}


def used_names(sources: Path = SOURCES) -> set[str]:
    """Every icon name spcp/ draws, its own and its Quasar components'."""
    trees = [ast.parse(path.read_text(encoding='utf-8')) for path in sorted(sources.rglob('*.py'))]
    parameters = icon_parameters(trees)
    names = {name for tree in trees for name in names_in_tree(tree, parameters)}
    for path in sorted([*sources.rglob('*.js'), *sources.rglob('*.vue')]):
        names |= {a or b for a, b in JS_ICON.findall(path.read_text(encoding='utf-8'))}
    icon_set = quasar_icon_set()
    for element in {e for tree in trees for e in elements_in_tree(tree)}:
        for key in QUASAR_ICONS.get(element, ()):
            group, item = key.split('.')
            names.add(icon_set[group][item])
        names |= set(NICEGUI_ICONS.get(element, ()))
    return names


# ---------- the glyphs ----------

def material_font() -> Path:
    """NiceGUI's Material Icons (regular) font file, as its fonts.css names it."""
    css = (NICEGUI_STATIC / 'fonts.css').read_text(encoding='utf-8')
    face = re.search(r'font-family: "Material Icons";[^}]*?src: url\(([^)]+)\)', css)
    if face is None:
        raise SystemExit("no 'Material Icons' face in NiceGUI's fonts.css")
    return NICEGUI_STATIC / face.group(1)


def svg_paths(names: Iterable[str]) -> dict[str, str]:
    """name -> SVG path (y down, in a 512 x 512 box) of that icon's glyph in the Material Icons font."""
    from fontTools.pens.svgPathPen import SVGPathPen
    from fontTools.pens.transformPen import TransformPen
    from fontTools.ttLib import TTFont

    font = TTFont(material_font())
    reverse = {glyph: code for code, glyph in font.getBestCmap().items()}
    ligatures = {}  # the ligature table spells each icon's name: 'a','d','d' -> glyph of 'add'
    for lookup in font['GSUB'].table.LookupList.Lookup:
        for table in lookup.SubTable:
            for first, entries in getattr(table, 'ligatures', {}).items():
                for entry in entries:
                    spelled = chr(reverse[first]) + ''.join(chr(reverse[c]) for c in entry.Component)
                    ligatures[spelled] = entry.LigGlyph
    glyphs = font.getGlyphSet()
    paths = {}
    for name in sorted(names):
        if name not in ligatures:
            raise SystemExit(f'{name!r} is not a Material Icons name (NiceGUI {nicegui.__version__})')
        if font['hmtx'][ligatures[name]][0] != UNITS:
            raise SystemExit(f'{name!r} is not {UNITS} units wide: the fixed viewBox would not fit it')
        pen = SVGPathPen(glyphs, ntos=lambda value: str(round(value)))
        glyphs[ligatures[name]].draw(TransformPen(pen, (1, 0, 0, -1, 0, UNITS)))  # font y up -> SVG y down
        paths[name] = pen.getCommands()
    return paths


def build() -> dict:
    return {'generated_by': 'scripts/make_icons.py', 'nicegui': nicegui.__version__, 'font': material_font().name,
            'viewbox': f'0 0 {UNITS} {UNITS}', 'icons': svg_paths(used_names())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--check', action='store_true', help='exit 1 if assets/icons.json is out of date')
    args = parser.parse_args()
    text = json.dumps(build(), indent=1, sort_keys=True) + '\n'
    if args.check:
        current = OUTPUT.read_text(encoding='utf-8') if OUTPUT.exists() else ''
        sys.exit(0 if current == text else f'{OUTPUT} is out of date: run scripts/make_icons.py')
    OUTPUT.write_text(text, encoding='utf-8')
    print(f'{OUTPUT}: {len(json.loads(text)["icons"])} icons, {len(text)} bytes')


if __name__ == '__main__':
    main()
