// Types of the `shop-recs` package's public API (dist/js/recommender.js).

/** Where recommendations are scored. */
export type Backend = 'pool' | 'workers' | 'single';

export interface CreateOptions {
  /** 'auto' (the default) picks by the rule in the README; a name asks for that backend. */
  backend?: 'auto' | Backend;
  /** 'auto' (every core) or a count: the pool's threads, or the Workers backend's workers. */
  threads?: 'auto' | number;
  /** Bytes the catalog's copies may take in all (default 640 MiB). */
  memoryBudget?: number;
  signal?: AbortSignal | null;
}

/** A product of a catalog, as JSON gives it (see docs/catalog-format.md). */
export interface ProductInput {
  id?: string | number;
  slug?: string;
  name?: string;
  title?: string;
  description?: string;
  category?: string | null;
  tags?: string[] | string;
  price?: number | null;
  [field: string]: unknown;
}

export type CatalogSource =
  | Blob
  | string
  | URL
  | ProductInput[]
  | { generate: { n: number; seed?: number; skew?: number } };

export interface LoadProgress {
  phase: 'parsing' | 'generating' | 'indexing' | 'preparing';
  done: number;
  total: number;
  unit?: 'bytes' | 'products';
}

export interface LoadOptions {
  onProgress?: ((progress: LoadProgress) => void) | null;
  signal?: AbortSignal | null;
}

export interface Loaded {
  /** Products in the catalog. */
  count: number;
  /** Reading, parsing and building it (or generating it), in ms. */
  ms: number;
  /** The threads that built it. */
  threads: number;
  /** The catalog's tables in memory, in bytes. */
  bytes: number;
}

export interface RecommendOptions {
  /** Recommendations to return, 1 to 1000 (default 10). */
  top?: number;
  /** MinHash signature length, 1 to 100000 (default 1500). */
  iterations?: number;
  signal?: AbortSignal | null;
}

export interface Item {
  id: string;
  name: string;
  category: string | null;
  score: number;
  [field: string]: unknown;
}

export interface Recommendations {
  items: Item[];
  backend: Backend;
  /** The scoring's own time in the worker, in ms. */
  ms: number;
}

export type RecommenderErrorCode =
  | 'bad-catalog'
  | 'no-catalog'
  | 'unknown-product'
  | 'out-of-memory'
  | 'crashed'
  | 'cancelled'
  | 'unavailable'
  | 'disposed';

export class RecommenderError extends Error {
  readonly code: RecommenderErrorCode;
}

export class Recommender {
  private constructor();
  /** Starts the package's worker, and the pool when the pool is chosen. */
  static create(options?: CreateOptions): Promise<Recommender>;
  /** Where the next `recommend` runs. */
  readonly backend: Backend;
  /** The pool's threads, or the Workers backend's workers. */
  readonly threads: number;
  load(source: CatalogSource, options?: LoadOptions): Promise<Loaded>;
  recommend(id: string, options?: RecommendOptions): Promise<Recommendations>;
  /** Why this backend, one reason a line. */
  explain(): string;
  /** Ends the worker, its pool and its workers; later calls fail with 'disposed'. */
  dispose(): void;
}

// TIMING AND TEST HOOKS: the layer below Recommender, which the demo page uses to time
// every backend itself (docs/package.md, "Timing and test hooks"). Use Recommender unless
// you measure backends yourself; the shapes of `run` and `timeline` are protocol.js's.

/** A request's failure in EngineSession. */
export class WorkerError extends Error {
  /** The wasm instance can no longer be used: the session is over. */
  readonly fatal: boolean;
  /** The worker was ended on purpose (a cancel, terminate). */
  readonly stopped: boolean;
  /** The abort's reason, when an AbortSignal ended it. */
  readonly cancelled: unknown;
  readonly code: string | null;
}

export interface CallOptions {
  onProgress?: ((progress: Record<string, unknown>) => void) | null;
  signal?: AbortSignal | null;
}

export interface PoolStart {
  build: 'threaded' | 'single-thread';
  poolThreads: number;
  wasmInitMs: number;
  poolStartMs: number;
}

export type SessionSource =
  | { file: Blob }
  | { url: string }
  | { generate: { n: number; seed: number; skew?: number } };

/** Rounds of the pool at work that `timeline` runs. */
export const TIMELINE_ROUNDS: number;

export class EngineSession {
  /** Starts a fresh worker; `onCrash` hears of a crash outside any request's answer. */
  constructor(onCrash?: ((message: string) => void) | null);
  /** Sessions' workers this page runs now. */
  static readonly live: number;
  readonly alive: boolean;
  probe(options?: { signal?: AbortSignal | null }): Promise<{ nestedWorkers: boolean }>;
  init(
    options: { build: 'threaded' | 'single-thread'; threads?: number; testHooks?: boolean },
    call?: { signal?: AbortSignal | null },
  ): Promise<PoolStart>;
  load(source: SessionSource, options?: CallOptions): Promise<Record<string, unknown>>;
  product(id: string): Promise<Record<string, unknown> | null>;
  search(query: string, limit: number): Promise<{ matches: Record<string, unknown>[]; total: number }>;
  /** TIMING HOOK: timed runs of each mode, interleaved run by run. */
  run(request: Record<string, unknown>, options?: CallOptions): Promise<Record<string, unknown>>;
  /** TIMING HOOK: which pool thread scored each candidate, and when. */
  timeline(request: { product: string; iterations: number; top: number }, options?: CallOptions): Promise<Record<string, unknown>>;
  serverInfo(base: string): Promise<{ available: boolean; reason?: string; [field: string]: unknown }>;
  /** TEST HOOK, refused unless `init` had `testHooks`: the worker fails on purpose. */
  debug(kind: 'panic' | 'panic-in-pool' | 'exhaust-memory' | 'crash', message?: string): Promise<never>;
  terminate(reason?: string): void;
}
