// The package runs in workers it starts itself: its worker imports the wasm glue by a
// name chosen at run time, and the rayon pool's threads load their helper script from
// next to the glue. A bundler cannot follow either, so the package is not bundled: its
// files are copied as they are into dist/shop-recs/, and the import of 'shop-recs' is
// left for the browser, pointing there. Everything else is bundled as usual.
import { cpSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defineConfig } from 'vite';

const require = createRequire(import.meta.url);
const packageDir = dirname(require.resolve('shop-recs/package.json'));

export default defineConfig({
  build: {
    target: 'es2022',
    rollupOptions: {
      external: ['shop-recs'],
      // Relative to the bundle, which Vite writes to dist/assets/.
      output: { paths: { 'shop-recs': '../shop-recs/js/recommender.js' } },
    },
  },
  plugins: [{
    name: 'copy-shop-recs',
    writeBundle({ dir }) {
      cpSync(join(packageDir, 'dist'), join(dir, 'shop-recs'), { recursive: true });
    },
  }],
});
