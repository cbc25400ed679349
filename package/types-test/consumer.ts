// A TypeScript consumer of the package's types: `tsc --noEmit -p package/types-test`
// (scripts/test.sh) must pass, and tests/js/package.test.mjs checks that a type error
// added to a copy of this file fails.
import { Recommender, RecommenderError, type Backend, type Item } from 'shop-recs';

export async function demo(file: File, signal: AbortSignal): Promise<Item[]> {
  const rec = await Recommender.create({ backend: 'auto', threads: 'auto', signal });
  const loaded = await rec.load(file, { onProgress: ({ phase, done, total }) => console.log(phase, done / total), signal });
  const count: number = loaded.count;
  const { items, backend, ms } = await rec.recommend('some-product', { top: 10, iterations: 1500, signal });
  const where: Backend = backend;
  const why: string = rec.explain();
  console.log(count, where, ms.toFixed(1), why, rec.threads);
  try {
    await rec.load([{ id: 'a', name: 'A', description: 'red wool' }]);
    await rec.load({ generate: { n: 2000, seed: 7 } });
  } catch (e) {
    if (e instanceof RecommenderError && e.code === 'bad-catalog') console.log(e.message);
  } finally {
    rec.dispose();
  }
  return items;
}
