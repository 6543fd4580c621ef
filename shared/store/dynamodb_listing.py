"""Paginated listings over one or more sorted partitions, with an exact `limit`.

Every listing is ordered by entity id (ids sort by creation time). A listing may span several
partitions that share that order, e.g. all alerts = the `active`, `triggered` and `cancelled`
partitions of gsi1, merged. Filters are applied here, after reading: DynamoDB's `Limit` counts
items read, not items kept, so we keep querying until `limit` items pass (or nothing is left).
One item more than asked is looked for, so the last page says there is no next one. A record
that changes partition between the reads of two (a notification sent meanwhile) is in both, next
to itself in the merge: it is listed once, as the first partition read it.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator, Sequence

import msgspec

from shared.errors import InvalidInput
from shared.paging import decode_cursor, encode_cursor
from shared.store.dynamodb_client import DynamoClient
from shared.store.dynamodb_codec import Item
from shared.store.dynamodb_expr import Expr
from shared.store.dynamodb_layout import INDEX

_UPPER = "~"  # sorts after every character an id is made of
_FILTERED_PAGE_SIZE = 100


class Source(msgspec.Struct, frozen=True):
    """A partition whose sort key is `prefix` + entity id: of gsi1 by default, else the table's."""

    pk: str
    index: bool = True
    prefix: str = ""


class ItemPage(msgspec.Struct, frozen=True):
    items: list[Item]
    next_cursor: str | None


def list_page(
    db: DynamoClient,
    sources: Sequence[Source],
    kind: str,
    limit: int,
    cursor: str | None,
    *,
    descending: bool = False,
    keep: Callable[[Item], bool] | None = None,
) -> ItemPage:
    if limit < 1:
        raise InvalidInput("limit must be at least 1", code="invalid_limit")
    after = decode_cursor(cursor, kind)
    # Without a filter, limit + 1 items per partition settle the page. With one, read in larger
    # pages: a small Limit would cost one round trip per few items skipped.
    page_size = limit + 1 if keep is None else max(limit + 1, _FILTERED_PAGE_SIZE)
    streams = [_stream(db, source, after, descending, page_size) for source in sources]
    found: list[tuple[str, Item]] = []
    previous = None
    for entry in heapq.merge(*streams, key=lambda pair: pair[0], reverse=descending):
        if entry[0] == previous:  # it moved between partitions while they were read: in both
            continue
        previous = entry[0]
        if keep is None or keep(entry[1]):
            found.append(entry)
            if len(found) > limit:
                break
    more = len(found) > limit
    found = found[:limit]
    return ItemPage([item for _, item in found], encode_cursor(found[-1][0]) if more else None)


def _stream(
    db: DynamoClient, source: Source, after: str | None, descending: bool, page_size: int
) -> Iterator[tuple[str, Item]]:
    """(entity id, item) in order, strictly past `after`, read a page at a time on demand."""
    e = Expr()
    pk_name, sk_name = ("gsi1pk", "gsi1sk") if source.index else ("pk", "sk")
    condition = f"{e.n(pk_name)} = {e.v(source.pk)}"
    if after is None:
        if source.prefix:
            condition += f" AND begins_with({e.n(sk_name)}, {e.v(source.prefix)})"
    elif descending:
        mark = e.v(source.prefix + after)
        if source.prefix:
            condition += f" AND {e.n(sk_name)} BETWEEN {e.v(source.prefix)} AND {mark}"
        else:
            condition += f" AND {e.n(sk_name)} < {mark}"
    else:
        mark = e.v(source.prefix + after)
        if source.prefix:
            condition += f" AND {e.n(sk_name)} BETWEEN {mark} AND {e.v(source.prefix + _UPPER)}"
        else:
            condition += f" AND {e.n(sk_name)} > {mark}"
    query = e.params(KeyConditionExpression=condition)
    query.update(ScanIndexForward=not descending, Limit=page_size)
    if source.index:
        query["IndexName"] = INDEX
    else:
        query["ConsistentRead"] = True
    skip = len(source.prefix)
    for page in db.pages(**query):
        for item in page:
            entity_id = item[sk_name]["S"][skip:]
            if entity_id != after:  # BETWEEN includes the cursor's own item
                yield entity_id, item
