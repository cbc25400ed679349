// What bench/backends.mjs and bench/pieces.mjs share: the repository's root, their
// command-line options (`--quick`, `--out DIR` and named values) and how they stop.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

/** The value after `name` on the command line, or `fallback`. */
export function option(name, fallback) {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : fallback;
}

/** `--quick`: a few cells only, written under bench/tmp/quick/ unless `--out` says otherwise. */
export const quick = args.includes('--quick');
export const out = option('--out', quick ? join(ROOT, 'bench', 'tmp', 'quick') : join(ROOT, 'bench'));

/** Ends the script with `message` on stderr and exit status 1. */
export function fail(message) {
  process.stderr.write(`error: ${message}\n`);
  process.exit(1);
}
