"""A table of many thousand rows laid out a page at a time.

reportlab splits a long table at a page's end by making a new table of every row left, so a
list of 200,000 people costs time in the square of its length (43 s for 20,000 rows of a
bare table here, most of a day for 200,000). ``PagedTable`` hands reportlab a window of rows
at a time, more than a page holds: each page costs the same whatever the length. The
header row repeats at the top of every page, as ``repeatRows`` does.
"""

from collections.abc import Callable, Sequence

from reportlab.platypus import Flowable, Table

# More rows than the tallest page holds at the smallest row (758 points of A4 at 14-15).
WINDOW = 56


class PagedTable(Flowable):
    """``make(rows)`` builds the table (its first row the header) for a window of rows."""

    def __init__(self, header: Sequence, rows: Sequence[Sequence],
                 make: Callable[[list], Table], window: int = WINDOW):
        super().__init__()
        self.header, self.rows, self.make, self.window = list(header), rows, make, window

    @staticmethod
    def of(header: Sequence, rows: Sequence[Sequence], make: Callable[[list], Table],
           window: int = WINDOW) -> Flowable:
        """The table itself when it is short, else one laid out a page at a time."""
        if len(rows) <= window:
            return make([list(header), *rows])
        return PagedTable(header, rows, make, window)

    def wrap(self, available_width, available_height):
        # Taller than any page (it has more rows than a page holds): the frame splits it.
        self.width, self.height = available_width, available_height + 1
        return self.width, self.height

    def split(self, available_width, available_height):
        window = self.make([self.header, *self.rows[:self.window]])
        parts = window.split(available_width, available_height)
        if not parts:
            return []  # not even the header and one row fit here: the next page
        placed = len(parts[0]._cellvalues) - 1  # the rows on this page, header aside
        if placed <= 0:
            return []
        return [parts[0], PagedTable.of(self.header, self.rows[placed:], self.make,
                                        self.window)]

    def draw(self):  # never drawn whole: always split first
        raise AssertionError("a paged table is drawn a page at a time")
