"""The revised lists, from approved records only (the latest approved record of each
person counts): one list per outcome of the choice, as the protocol names them (for the
default protocol: to be repatriated, and removed, refusing repatriation), and separately
the unscreened, the not completed and those awaiting a supervisor's decision. Exported as
CSV (spreadsheet formulas neutralised) and as a PDF signed by the station."""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from screening_app.domain.accounts import Actor, Role
from screening_app.domain.canonical import utc_now
from screening_app.domain.messages import N_
from screening_app.protocol.definition import Protocol
from screening_app.protocol.vocabulary import (
    AWAITING_REVIEW_LIST,
    NOT_COMPLETED_LIST,
    UNSCREENED_LIST,
    list_title,
)
from screening_app.services.authz import require_role
from screening_app.services.keys import KeyService
from screening_app.store.connection import write_transaction
from screening_app.store.durable import make_folders, write_atomically
from screening_app.store.interviews import InterviewRepository
from screening_app.store.reviews import CampQueries
from screening_app.store.station import Station

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_HEADER = ("isn", "name_native", "name_latin", "compound", "detail")


@dataclass(frozen=True)
class RevisedLists:
    # (file name, title, rows): one per outcome of the choice, in the protocol's order.
    by_outcome: tuple[tuple[str, str, list[tuple]], ...]
    not_completed: list[tuple]
    awaiting_review: list[tuple]
    unscreened: list[tuple]

    def rows(self, slug: str) -> list[tuple]:
        """The rows of one list, by its file name ("repatriate", "unscreened")."""
        return next(rows for name, _title, rows in self.sections() if name == slug)

    def sections(self) -> list[tuple[str, str, list[tuple]]]:
        return [
            *self.by_outcome,
            (NOT_COMPLETED_LIST, "Not completed · 미완료 · 未完成", self.not_completed),
            (AWAITING_REVIEW_LIST, "Awaiting a supervisor's decision · 검토 대기 · 待审核",
             self.awaiting_review),
            (UNSCREENED_LIST, "Not screened · 미면담 · 未面谈", self.unscreened),
        ]


def neutralise(value) -> str:
    """A value a spreadsheet would run as a formula is written as text."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


class ListService:
    def __init__(self, station: Station, keys: KeyService,
                 current_protocol: Callable[[], Protocol]):
        self._station = station
        self._db = station.db
        self._keys = keys
        self._current_protocol = current_protocol

    def build(self, actor: Actor) -> RevisedLists:
        require_role(actor, Role.SUPERVISOR, Role.ADMIN, action=N_("produce the revised lists"))
        outcomes = InterviewRepository(self._db, self._station.review).final_outcomes()
        camp = CampQueries(self._db)
        states = camp.latest_states()
        # A choice the current protocol does not have (taken on another) gets a list of
        # its own, named by the choice: no one approved is left off.
        by_choice = {outcome.option: (outcome.list_slug, list_title(outcome), [])
                     for outcome in self._current_protocol().outcomes}
        lists = RevisedLists((), [], [], [])
        for isn, native, latin, compound, approved_id, latest_id in camp.people_for_lists():
            person = (isn, native, latin, compound)
            if approved_id is not None:
                outcome, choice, reason = outcomes[approved_id]
                if outcome == "completed" and choice is not None:
                    by_choice.setdefault(choice, (choice, choice, []))[2].append((*person, ""))
                else:
                    lists.not_completed.append((*person, reason or ""))
            elif latest_id is None:
                lists.unscreened.append((*person, ""))
            elif outcomes[latest_id][0] == "not_completed":
                lists.not_completed.append((*person, outcomes[latest_id][2] or ""))
            else:
                state = states.get(latest_id, "received").replace("_", " ")
                lists.awaiting_review.append((*person, f"latest record {state}"))
        return RevisedLists(tuple(by_choice.values()), lists.not_completed,
                            lists.awaiting_review, lists.unscreened)

    def export(self, actor: Actor, folder: Path) -> tuple[list[Path], RevisedLists]:
        """CSV files and one signed PDF in ``folder``; the export is an event. Returns the
        files and the lists they hold."""
        from screening_app.records.revised_lists import SIGNATURE_BOX, render_revised_lists
        from screening_app.records.signing import sign_pdf

        lists = self.build(actor)
        identity = self._keys.signing_identity(actor)
        # Each file whole and durable before the export is reported: a power cut must not
        # leave an empty or half list taken for the real one.
        folder = make_folders(folder)
        written = []
        for slug, _title, rows in lists.sections():
            text = io.StringIO(newline="")
            writer = csv.writer(text)
            writer.writerow(CSV_HEADER)
            writer.writerows([neutralise(v) for v in row] for row in rows)
            written.append(write_atomically(folder / f"{slug}.csv",
                                            text.getvalue().encode("utf-8-sig")))
        seq, head = self._station.events.head()
        made_at = utc_now()
        pdf = render_revised_lists(
            station_id=self._station.station_id, camp=self._station.camp,
            demo=self._station.demo, made_at=made_at[:16].replace("T", " "),
            chain_head=f"{seq}:{head}",
            sections=[(title, rows) for _, title, rows in lists.sections()])
        pdf = sign_pdf(pdf, identity, field_name="StationSignature", box=SIGNATURE_BOX,
                       visible_lines=[("DEMO · " if self._station.demo else "")
                                      + f"Signed by station {self._station.station_id}",
                                      f"Revised lists, {made_at[:16].replace('T', ' ')} UTC"],
                       reason="Revised lists", location=self._station.camp,
                       info={"/ScreeningChainHead": f"{seq}:{head}"})
        written.append(write_atomically(folder / "revised-lists.pdf", pdf))
        with write_transaction(self._db):
            self._station.events.append(
                "lists.exported",
                {"folder": str(folder), "counts": {slug: len(rows)
                                                   for slug, _, rows in lists.sections()}},
                actor_id=actor.user_id)
        return written, lists
