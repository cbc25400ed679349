// Builds the `shop-recs` npm package into package/dist/ from the release site (dist/,
// scripts/build.sh): the public API (www/js/recommender.js) and every module it reaches,
// followed through `import ... from` and `new URL('./x.js', import.meta.url)` (the
// worker and its workers), plus the two wasm builds with their glue, the rayon pool's
// worker helpers and the demo catalog. Nothing of the page's DOM modules goes in.
// `npm pack` in package/ then makes the tarball (scripts/package.sh does both).
//
//   node scripts/package.mjs        (after scripts/build.sh)
import {
  cpSync, existsSync, mkdirSync, readFileSync, rmSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const OUT = join(ROOT, 'package', 'dist');

/** The relative specifiers a module reaches: static imports and worker URLs. */
export function reached(source) {
  const found = new Set();
  for (const pattern of [/\bfrom\s+'(\.[^']+)'/g, /\bimport\s+'(\.[^']+)'/g, /new URL\('(\.[^']+)',\s*import\.meta\.url\)/g]) {
    for (const match of source.matchAll(pattern)) found.add(match[1]);
  }
  return [...found];
}

/** Every file of dist/ that `entry` (a path under dist/) reaches, itself included. */
export function closure(entry) {
  const seen = new Set();
  const queue = [resolve(entry)];
  while (queue.length > 0) {
    const file = queue.pop();
    if (seen.has(file)) continue;
    if (!existsSync(file)) throw new Error(`${relative(ROOT, file)} is imported but missing: build the site first (scripts/build.sh)`);
    seen.add(file);
    if (file.endsWith('.js')) {
      for (const specifier of reached(readFileSync(file, 'utf8'))) queue.push(resolve(dirname(file), specifier));
    }
  }
  return [...seen].map((file) => relative(DIST, file)).sort();
}

function main() {
  if (!existsSync(join(DIST, 'shop-recs_bg.wasm'))) {
    throw new Error('dist/ has no release build: run scripts/build.sh first');
  }
  const files = closure(join(DIST, 'js', 'recommender.js'));
  // Reached by other means than a literal import: the worker imports each build's glue
  // by a name in its BUILDS table, the glue fetches its wasm, the pool's threads load
  // wasm-bindgen-rayon's helpers (snippets/), and the catalog is data.
  const extra = ['shop-recs.js', 'single-thread/shop-recs.js', 'shop-recs_bg.wasm', 'single-thread/shop-recs_bg.wasm', 'snippets', 'catalog.json'];
  files.push(...extra.filter((file) => !files.includes(file)));
  rmSync(OUT, { recursive: true, force: true });
  for (const file of files) {
    mkdirSync(dirname(join(OUT, file)), { recursive: true });
    cpSync(join(DIST, file), join(OUT, file), { recursive: true });
  }
  process.stdout.write(`package/dist/: ${files.length} entries\n${files.map((f) => `  ${f}`).join('\n')}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
