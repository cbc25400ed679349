"""Schemathesis hooks for scripts/contract.sh (loaded through SCHEMATHESIS_HOOKS).

The one rule of a catalog that JSON Schema cannot say: no two products share an
identifier (a product's identifier is its `slug` when that is a non-empty string, else
its `id`, a number written as Rust writes it). The document says all it can
(`uniqueItems`, and `anyOf` for a slug or an id); this filter keeps catalogs that
repeat an identifier out of what Schemathesis generates for POST /catalogs, so that
`positive_data_acceptance` checks every other rule. The server's refusal of a repeated
identifier is tested in the Rust suite (catalog validation and the server's tests).
"""
import math
from decimal import Decimal

import schemathesis


def identifier(product):
    if not isinstance(product, dict):
        return None
    slug = product.get("slug")
    if isinstance(slug, str) and slug:
        return slug
    value = product.get("id")
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # As Rust writes an f64: the shortest digits that read back, without an exponent
        # (1e3 is "1000", 1.0 is "1", -0.0 is "-0").
        if value == 0:
            return "-0" if math.copysign(1, value) < 0 else "0"
        return format(Decimal(repr(value)).normalize(), "f")
    return value


def repeats_an_identifier(body):
    products = body.get("products") if isinstance(body, dict) else body
    if not isinstance(products, list):
        return False
    seen = set()
    for product in products:
        key = identifier(product)
        if not isinstance(key, str):
            continue
        if key in seen:
            return True
        seen.add(key)
    return False


@schemathesis.hook
def filter_body(ctx, body):
    operation = ctx.operation
    if operation is not None and operation.method.upper() == "POST" and operation.path == "/catalogs":
        return not repeats_an_identifier(body)
    return True
