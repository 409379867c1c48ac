"""The review queue a page at a time: how many interviews its filters let through, and
their items one page after another in the order asked, so that opening the queue builds
the first page only, whatever the size of the camp.

Sorted and filtered in SQL where the store holds the values (store/reviews.py): the next
page goes on from the last row's value and id, so a decision or a record arriving meanwhile
neither skips nor repeats a row. The flags, each record's interpreter and its choice are
sealed to the review key and known here only once opened (the flags' background pass keeps
them): "Flagged only", the interpreter filter and sorting by the flags or by the choice
take the ids in order from the store and filter or sort them here, and the pages are then
built from those ids.
"""

from collections.abc import Callable, Sequence
from typing import Protocol

from screening_app.store.reviews import QueueFilter, QueueOrder, QueueRow, ReviewQueueQueries

# Makes the items people read from store rows (ReviewService._items).
ItemMaker = Callable[[list[QueueRow]], list]


class QueuePages(Protocol):
    """One reading of the queue: ``count`` interviews, whose items ``next_page`` gives
    in order until ``exhausted``."""

    count: int
    exhausted: bool

    def next_page(self, limit: int) -> list: ...


class SqlPages:
    """Filtered and sorted by the store: each page asks for the rows after the last."""

    def __init__(self, queries: ReviewQueueQueries, time_zone: str, filters: QueueFilter,
                 order: QueueOrder, make_items: ItemMaker):
        self._queries = queries
        self._time_zone = time_zone
        self._filters = filters
        self._order = order
        self._make_items = make_items
        self._after: tuple | None = None
        self.count = queries.count(time_zone=time_zone, filters=filters)
        self.exhausted = self.count == 0

    def next_page(self, limit: int) -> list:
        if self.exhausted:
            return []
        found = self._queries.page(time_zone=self._time_zone, filters=self._filters,
                                   order=self._order, after=self._after, limit=limit)
        self.exhausted = len(found) < limit
        if found:
            self._after = found[-1][1]
        return self._make_items([row for row, _position in found])


class HeldPages:
    """Over ids put in order beforehand: each page reads the rows of its ids."""

    def __init__(self, ids: Sequence[str], queries: ReviewQueueQueries,
                 make_items: ItemMaker):
        self._ids = list(ids)
        self._queries = queries
        self._make_items = make_items
        self._next = 0
        self.count = len(self._ids)
        self.exhausted = not self._ids

    def next_page(self, limit: int) -> list:
        chunk = self._ids[self._next:self._next + limit]
        self._next += len(chunk)
        self.exhausted = self._next >= len(self._ids)
        found = self._queries.rows(chunk)
        return self._make_items([found[i] for i in chunk if i in found])
