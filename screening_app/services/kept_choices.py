"""Every finalised record's choice, opened once and kept sealed to the review key, so that
the review queue and the dashboard open one sealed value instead of one per record.

A choice is kept by the SHA-256 of the sealed value it was opened from. A finalised record
never changes, so what is kept stays true for every value it names; a choice altered
behind the program's back is another sealed value, and is opened afresh. The review's
flags pass (a background task) keeps them; until it has, each record is opened as before.
"""

import hashlib
import json
from collections.abc import Callable, Iterable

from screening_app.domain.canonical import canonical_json, utc_now
from screening_app.store.interviews import InterviewRepository
from screening_app.store.review_cache import ReviewCacheRepository

CHOICES_CACHE = "choices"

# (interview id, plain choice column, sealed choice column) -> the choice, or None
ChoiceReader = Callable[[str, str | None, bytes | None], str | None]


def sealed_key(sealed: bytes | None) -> str | None:
    """How a kept choice names the sealed value it was opened from."""
    return hashlib.sha256(sealed).hexdigest() if sealed is not None else None


class KeptChoices:
    def __init__(self, cache: ReviewCacheRepository, interviews: InterviewRepository):
        self._cache = cache
        self._interviews = interviews

    def reader(self) -> ChoiceReader:
        """A reader of many records' choices: the kept ones as kept, the others opened."""
        kept = self._load()

        def choice_of(interview_id: str, plain: str | None, sealed: bytes | None):
            key = sealed_key(sealed)
            if key in kept:
                return kept[key]
            return self._interviews.choice_of(interview_id, plain, sealed)
        return choice_of

    def keep(self, rows: Iterable[tuple[str, str | None, bytes | None]]) -> None:
        """Keep the choice of every (id, plain, sealed) row given, as kept before or opened
        now; inside the caller's write transaction. Kept only by a session that opens
        every record."""
        kept = self._load()
        choices = {}
        for interview_id, plain, sealed in rows:
            if sealed is None:
                continue
            key = sealed_key(sealed)
            # What was kept stays true (a finalised record never changes): only the
            # records finalised since are opened.
            choices[key] = kept[key] if key in kept else self._interviews.choice_of(
                interview_id, plain, sealed)
        self._cache.save(CHOICES_CACHE, canonical_json(choices).encode(), utc_now())

    def _load(self) -> dict[str, str | None]:
        content = self._cache.load(CHOICES_CACHE)
        try:
            kept = json.loads(content) if content is not None else {}
        except ValueError:
            return {}  # kept in a shape this program does not read: opened one by one
        return kept if isinstance(kept, dict) else {}
