"""Results the review computes from every finalised record, kept sealed to the review key
(services/reviews.py keeps the flags here).

Only a session that holds the review key's private half opens them, as it alone opens the
records they come from; the size of what is kept is padded like every sealed value. Each
is kept with the generation of the review's inputs it was computed at: the database counts
every change to a finalised record and every print (migration 0019's triggers), whoever
makes it, so a change made behind the program's back makes a kept result stale too.
"""

from sqlite_utils import Database

from screening_app.pki.review_seal import ReviewSeal


def _context(name: str) -> bytes:
    return b"review-cache:" + name.encode()


class ReviewCacheRepository:
    def __init__(self, db: Database, review: ReviewSeal | None):
        self._db = db
        self._review = review

    def generation(self) -> int:
        """How many changes the review's inputs have had (see the module's docstring)."""
        return self._db.execute("SELECT generation FROM review_inputs").fetchone()[0]

    def save(self, name: str, content: bytes, at: str) -> bool:
        """False (nothing kept) unless this session holds the review key: a session that
        cannot open every record computed its result from what it could read."""
        if self._review is None or not self._review.can_open_all:
            return False
        self._db.execute(
            "INSERT INTO review_cache (name, sealed, saved_at) VALUES (?, ?, ?)"
            " ON CONFLICT (name) DO UPDATE SET sealed = excluded.sealed,"
            " saved_at = excluded.saved_at",
            [name, self._review.seal(content, _context(name)), at])
        return True

    def saved_at(self, name: str) -> str | None:
        row = self._db.execute("SELECT saved_at FROM review_cache WHERE name = ?",
                               [name]).fetchone()
        return row[0] if row else None

    def load(self, name: str) -> bytes | None:
        """The kept content, or None when there is none or this session cannot open it."""
        row = self._db.execute("SELECT sealed FROM review_cache WHERE name = ?",
                               [name]).fetchone()
        if row is None or self._review is None or not self._review.can_open_all:
            return None
        return self._review.open(row[0], _context(name))
