// Recommendations for one product of the package's bundled catalog, on the backend the
// package picks for this page, with its reasons. Vite bundles this file; the package
// itself is copied as it is (vite.config.js says why).
import { Recommender } from 'shop-recs';

const $ = (id) => document.getElementById(id);

try {
  const rec = await Recommender.create();
  const catalog = new URL('shop-recs/catalog.json', document.baseURI);
  await rec.load(catalog);
  const products = await (await fetch(catalog)).json();
  const first = (products.products ?? products)[0];
  const target = String(first.id ?? first.slug);
  const { items, backend, ms } = await rec.recommend(target, { top: 5 });
  $('target').textContent = `Because you looked at ${target}:`;
  for (const item of items) {
    const li = document.createElement('li');
    li.textContent = `${item.name} (${item.score.toFixed(3)})`;
    Object.assign(li.dataset, { id: item.id, score: String(item.score) });
    $('items').append(li);
  }
  $('backend').textContent = backend;
  $('ms').textContent = ms.toFixed(1);
  $('why').textContent = rec.explain();
  Object.assign(document.body.dataset, { state: 'done', backend, target });
} catch (e) {
  $('target').textContent = `Could not recommend: ${e.message} (${e.code})`;
  Object.assign(document.body.dataset, { state: 'error', code: e.code ?? '' });
}
