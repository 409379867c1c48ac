"""A station taken by the wrong people reveals no one's name or choice: every file in its
data directory, read without a password, while the program runs and after it stops."""

import pytest

from screening_app.domain.errors import AuthenticationFailed
from screening_app.protocol.examples import complete_answers
from tests.conftest import SMALL_ROSTER

SECRETS = [person[field] for person in SMALL_ROSTER
           for field in ("name_native", "name_latin", "isn")] + ["enlist", "repatriate"]


def readable_secrets(folder) -> dict[str, list[str]]:
    found = {}
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            hits = [secret for secret in SECRETS if secret.encode("utf-8") in data]
            if hits:
                found[str(path.relative_to(folder))] = hits
    return found


def test_a_stolen_data_directory_reveals_no_name_or_choice(roster_station, headquarters,
                                                           tmp_path):
    services = roster_station.services
    services.sync.trust_headquarters(roster_station.admin, headquarters.public_file)
    for isn, choice in (("NK-100001", "enlist"), ("CN-700001", "repatriate")):
        record = services.transcription.record(roster_station.interviewer, isn,
                                               {"answers": complete_answers(choice)}, "paper")
        services.reviews.decide(roster_station.supervisor, record.id, "approved",
                                reason="The signed paper form is complete.")
    draft = services.interviews.start(roster_station.interviewer, "NK-100002")
    services.interviews.answer(roster_station.interviewer, draft.record.id, "isn_matches", "yes")
    services.sync.export(roster_station.supervisor, services.station.data_dir / "outbox")
    services.backups.backup(roster_station.supervisor, services.station.data_dir / "backups")
    with pytest.raises(AuthenticationFailed):  # the attempt is counted, in a file of its own
        services.sign_in("ivan", "a wrong password")

    assert readable_secrets(roster_station.data_dir) == {}  # while it runs (WAL included)
    services.close()
    assert readable_secrets(roster_station.data_dir) == {}  # and after it stopped
    roster_station.reopen()
