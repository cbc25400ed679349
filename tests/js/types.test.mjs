// The package's types (package/index.d.ts) against a TypeScript consumer
// (package/types-test/consumer.ts), with TypeScript from npm: the consumer compiles, and
// a copy of it with a deliberate type error does not.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

function tsc(project) {
  return spawnSync(process.execPath, [TSC, '--noEmit', '-p', project], { encoding: 'utf8' });
}

test('the TypeScript consumer compiles against index.d.ts', () => {
  const out = tsc(join(ROOT, 'package', 'types-test'));
  assert.equal(out.status, 0, `${out.stdout}${out.stderr}`);
});

test('a type error in the consumer fails the check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shop-recs-types-'));
  try {
    cpSync(join(ROOT, 'package', 'types-test'), join(dir, 'types-test'), { recursive: true });
    cpSync(join(ROOT, 'package', 'index.d.ts'), join(dir, 'index.d.ts'));
    const consumer = join(dir, 'types-test', 'consumer.ts');
    // A backend the API does not have, and a score read as a string.
    writeFileSync(consumer, `${readFileSync(consumer, 'utf8')}
export async function wrong(rec: import('shop-recs').Recommender): Promise<string> {
  const where: 'gpu' = rec.backend;
  return (await rec.recommend('x')).items[0].score.toUpperCase() + where;
}
`);
    const out = tsc(join(dir, 'types-test'));
    assert.notEqual(out.status, 0, 'tsc must fail');
    assert.match(out.stdout, /error TS2322: Type 'Backend' is not assignable to type '"gpu"'/);
    assert.match(out.stdout, /Property 'toUpperCase' does not exist on type 'number'/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
