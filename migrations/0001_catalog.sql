-- The shop's catalog: one row per product, with the catalog format's fields. Plain types
-- that SQLite and Postgres both read the same way; shop-recs writes it through the same
-- parser and checks as a catalog file (`shop-recs import`, `PUT /products/{slug}`).
CREATE TABLE products (
    slug        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    category    TEXT,
    -- The tags, a JSON array of strings.
    tags        TEXT NOT NULL DEFAULT '[]',
    price       DOUBLE PRECISION,
    -- Catalog order: the file's order on import, each new product after the others.
    position    BIGINT NOT NULL
);

CREATE INDEX products_by_position ON products (position);

-- One row: every write to products bumps it in the same transaction. A server caches the
-- tokenized catalog of one version and reloads it when the version moves.
CREATE TABLE catalog_version (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    version   BIGINT NOT NULL
);

INSERT INTO catalog_version (singleton, version) VALUES (1, 0);
