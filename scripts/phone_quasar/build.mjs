// Builds the phone page's own Quasar and Vue (see spcp/phone_quasar.py), offline once installed:
//   node scripts/phone_quasar/build.mjs NICEGUI_STATIC OUT_DIR COMPONENT.js...   (scripts/install.sh runs it)
// OUT_DIR/quasar.umd.prod.js: NiceGUI's global `Quasar` with only the components and plugins of parts.json,
// built from Quasar's sources; OUT_DIR/quasar.{unimportant,important}.prod.css: NiceGUI's two Quasar style
// sheets without the rules of the components left out; OUT_DIR/dompurify.mjs: escape_html.mjs, in DOMPurify's place;
// OUT_DIR/vue.runtime.esm-browser.prod.js: Vue without its template compiler; OUT_DIR/components/<digest>.js: each
// Vue component given whose template could be compiled, with a render function in its template's place.
import { compile } from '@vue/compiler-dom';
import * as esbuild from 'esbuild';
import postcss from 'postcss';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const [niceguiStatic, outDir, ...componentSources] = process.argv.slice(2);
if (!niceguiStatic || !outDir) throw new Error('usage: node build.mjs NICEGUI_STATIC OUT_DIR COMPONENT.js...');
const parts = JSON.parse(readFileSync(join(here, 'parts.json'), 'utf8'));
const quasarDir = join(here, 'node_modules', 'quasar');
const version = JSON.parse(readFileSync(join(quasarDir, 'package.json'), 'utf8')).version;
const vueDir = join(here, 'node_modules', 'vue');
const vueVersion = JSON.parse(readFileSync(join(vueDir, 'package.json'), 'utf8')).version;

// The same global as Quasar's own UMD entry (quasar/src/index.umd.js), which NiceGUI's page uses:
// Quasar.install, Quasar.lang, Quasar.Notify...; the language files add to Quasar.Lang.
const entry = `
import { ${parts.components.join(', ')} } from 'quasar/src/components.js';
import { ${['Dark', 'Lang', 'IconSet', ...parts.plugins].join(', ')} } from 'quasar/src/plugins.js';
import Quasar from 'quasar/src/vue-plugin.js';
const components = { ${parts.components.join(', ')} };
const plugins = { ${parts.plugins.join(', ')} };
window.Quasar = {
  version: Quasar.version,
  install(app, opts) { Quasar.install(app, { components, plugins, ...opts }); },
  lang: Lang, iconSet: IconSet, Dark, Lang, IconSet, ...components, ...plugins,
};`;

// Vue comes from the page (NiceGUI's template sets window.Vue before Quasar's script runs).
const vueFromPage = { name: 'vue-from-page', setup(build) {
  build.onResolve({ filter: /^vue$/ }, () => ({ path: 'vue', namespace: 'page' }));
  build.onLoad({ filter: /.*/, namespace: 'page' }, () => ({ contents: 'module.exports = window.Vue' }));
}};
// Quasar's sources re-export every component from one index (components.js): marked free of side
// effects, the ones not named above are left out (a component's module only defines it).
const onlyWhatIsUsed = { name: 'only-what-is-used', setup(build) {
  build.onResolve({ filter: /\.js$/ }, async (args) => {
    if (args.pluginData === 'inner' || !args.importer.includes('/quasar/src/')) return undefined;
    const found = await build.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, pluginData: 'inner' });
    return { ...found, sideEffects: false };
  });
}};

mkdirSync(outDir, { recursive: true });
const made = JSON.stringify({ quasar: version, vue: vueVersion, components: parts.components, plugins: parts.plugins });
await esbuild.build({
  stdin: { contents: entry, resolveDir: here, sourcefile: 'phone-quasar-entry.js' },
  bundle: true, minify: true, format: 'iife', target: 'es2020', outfile: join(outDir, 'quasar.umd.prod.js'),
  plugins: [vueFromPage, onlyWhatIsUsed], legalComments: 'none', logLevel: 'warning',
  banner: { js: `/* spcp phone quasar ${made} */\n/*! Quasar Framework v${version} (c) 2015-present Razvan Stoenescu, MIT License */` },
  define: { __QUASAR_VERSION__: JSON.stringify(version), __QUASAR_SSR__: 'false', __QUASAR_SSR_SERVER__: 'false',
            __QUASAR_SSR_CLIENT__: 'false', __QUASAR_SSR_PWA__: 'false' },
});

// Style sheets: a component's classes are named after it (QExpansionItem: .q-expansion-item, ...__header,
// ...--dense). A rule is left out when each of its selectors names a component that is neither listed in
// parts.json (NiceGUI puts .q-input on its input) nor named in the built script (QInput draws .q-field through
// a composable, not QField's own module); everything else stays.
const kebab = (name) => 'q-' + name.slice(1).replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
const componentsDir = join(quasarDir, 'src', 'components');
const script = readFileSync(join(outDir, 'quasar.umd.prod.js'), 'utf8');
const leftOut = new Set(readdirSync(componentsDir).flatMap((dir) => readdirSync(join(componentsDir, dir))
  .filter((file) => /^Q[A-Z]\w*\.js$/.test(file)).map((file) => kebab(file.slice(0, -3))))
  .filter((block) => !script.includes(block) && !parts.components.map(kebab).includes(block)));
const namesLeftOut = (selector) => [...selector.matchAll(/\.(q-[\w-]+)/g)]
  .some(([, name]) => leftOut.has(name.split('__')[0].split('--')[0]));

for (const name of ['quasar.unimportant.prod.css', 'quasar.important.prod.css']) {
  const sheet = postcss.parse(readFileSync(join(niceguiStatic, name), 'utf8'));
  sheet.walkRules((rule) => {
    if (rule.parent.type === 'atrule' && rule.parent.name.endsWith('keyframes')) return;
    if (rule.selectors.every(namesLeftOut)) rule.remove();
  });
  sheet.walkAtRules((atRule) => { if (atRule.nodes?.length === 0) atRule.remove(); });
  writeFileSync(join(outDir, name), sheet.toString());
}

copyFileSync(join(here, 'escape_html.mjs'), join(outDir, 'dompurify.mjs'));

// Vue without its compiler (35 KB as brotli instead of 53 KB): a phone page's components come compiled (below), and
// nothing a phone shows has a template of its own (tests/pages/test_phone_quasar.py walks every phase to be sure).
copyFileSync(join(vueDir, 'dist', 'vue.runtime.esm-browser.prod.js'), join(outDir, 'vue.runtime.esm-browser.prod.js'));

// A component module whose one `template: \`...\`` is plain text becomes the same module with `render` in its
// place: the compiler's module output (helpers imported from "vue", which the page's import map names) before
// it. Identifiers are prefixed with _ctx. as in a single-file component (no `with`, which only a compiled-at-run-
// time render may use). Any other module is left out: it is served as it is, and compiled by a full Vue.
const componentsOut = join(outDir, 'components');
rmSync(componentsOut, { recursive: true, force: true });  // none left from sources that changed since
mkdirSync(componentsOut, { recursive: true });
for (const file of componentSources) {
  const source = readFileSync(file, 'utf8');
  const templates = [...source.matchAll(/template:\s*`([^`]*)`/g)];
  if (templates.length !== 1 || templates[0][1].includes('${')) continue;
  let code;
  try {
    // the template as the browser's compiler gets it: the literal's value, its escapes (\u2212 ...) applied
    const template = new Function(`return \`${templates[0][1]}\`;`)();
    ({ code } = compile(template, { mode: 'module', prefixIdentifiers: true, hoistStatic: true }));
  } catch (error) {  // left as it is (a full Vue would fail on it too, where it is ever shown)
    console.warn(`${file}: template not compiled: ${error.message}`);
    continue;
  }
  const render = code.replace('export function render(', 'function __spcp_render(');
  const digest = createHash('sha256').update(source).digest('hex').slice(0, 16);
  writeFileSync(join(componentsOut, `${digest}.js`), `${render}\n${source.replace(templates[0][0], 'render: __spcp_render')}`);
}
