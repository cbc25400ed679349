// Recommendations for one product of the package's bundled catalog, on the backend the
// package picks for this page (the pool when the page is cross-origin isolated, else
// share-nothing workers or one thread), with its reasons.
import { Recommender } from 'shop-recs';

const $ = (id) => document.getElementById(id);
const product = new URLSearchParams(location.search).get('product');

try {
  const rec = await Recommender.create();
  const catalog = new URL('./node_modules/shop-recs/dist/catalog.json', location.href);
  await rec.load(catalog);
  const products = await (await fetch(catalog)).json();
  const target = product ?? (products.products ?? products)[0].id ?? (products.products ?? products)[0].slug;
  const { items, backend, ms } = await rec.recommend(String(target), { top: 5 });
  $('target').textContent = `Because you looked at ${target}:`;
  for (const item of items) {
    const li = document.createElement('li');
    li.textContent = `${item.name} (${item.score.toFixed(3)})`;
    li.dataset.id = item.id;
    li.dataset.score = String(item.score);
    $('items').append(li);
  }
  $('backend').textContent = backend;
  $('ms').textContent = ms.toFixed(1);
  $('why').textContent = rec.explain();
  Object.assign(document.body.dataset, { state: 'done', backend, target: String(target) });
} catch (e) {
  $('target').textContent = `Could not recommend: ${e.message} (${e.code})`;
  Object.assign(document.body.dataset, { state: 'error', code: e.code ?? '' });
}
