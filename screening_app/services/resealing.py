"""Records finalised before the station had a review key, sealed at a reviewer's sign-in.

A station upgraded from before review keys holds its earlier choices, forms and signatures
in clear, where any account's password reads them. The first supervisor or admin who signs
in afterwards (whose session opens the review key) seals them, once, in one transaction
with an event saying how many: nothing they say changes, so each record keeps its hash and
each form its digest (see store/resealing.py and README, "Protecting the station").
"""

from screening_app.domain.accounts import Actor
from screening_app.store import resealing
from screening_app.store.connection import empty_the_log, write_transaction
from screening_app.store.station import Station

SEALED_EVENT = "records.sealed"


def seal_records_in_clear(station: Station, actor: Actor) -> resealing.Resealed:
    if not station.review.can_open_all or not resealing.in_clear(station.db):
        return resealing.Resealed(0, 0)
    with write_transaction(station.db):
        done = resealing.seal_what_is_in_clear(station.db, station.review)
        station.events.append(SEALED_EVENT, {"interviews": done.interviews,
                                             "documents": done.documents,
                                             "signatures": done.signatures},
                              actor_id=actor.user_id)
    # The pages as they were before sealing are still in the write-ahead log until it is
    # checkpointed; empty it now rather than at some later close.
    empty_the_log(station.db)
    return done
