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
