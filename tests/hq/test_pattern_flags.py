"""Headquarters tests the review's patterns on every station's records together: a
compound-day split over two laptops, each holding fewer interviews than a day needs to be
tested, is one pattern at headquarters."""

from screening_app.domain.canonical import canonical_json, sha256_hex
from screening_app.hq import flags as pattern_flags
from tests.hq.test_web import client, sign_in  # noqa: F401 - the fixture

_count = iter(range(1, 10_000))


def held(store, station_id: str, camp: str, records: list[tuple[str, str, str]],
         fields=lambda n: {}) -> list[str]:
    """(compound, day, choice) interviews held from a station, taken by 'ivan' there;
    ``fields(n)`` gives the nth its own further fields."""
    ids = []
    with store.transaction():
        if store.station(station_id) is None:
            store.insert_station(station_id, camp, "(certificate)", sha256_hex(station_id),
                                 "2026-11-01T00:00:00.000Z")
        for n, (compound, day, choice) in enumerate(records):
            number = next(_count)
            record = {"id": f"{station_id}-{number:05d}", "station_id": station_id,
                      "subject_isn": f"NK-{number:06d}", "status": "final",
                      "outcome": "completed", "choice": choice,
                      "started_at": f"{day}T01:00:00.000Z", "ended_at": f"{day}T01:30:00.000Z",
                      "finalised_at": f"{day}T01:30:00.000Z", "interviewer_id": "u-ivan",
                      "interviewer_name": "ivan",
                      "answers": {"interpreter_name": "Kim Li"},
                      "subject_snapshot": {"isn": f"NK-{number:06d}", "compound": compound},
                      **fields(n)}
            store.insert_interview(station_id, record, sha256_hex(canonical_json(record)))
            ids.append(record["id"])
    return ids


def laptop(store, station_id: str, camp: str = "Koje-do") -> list[str]:
    """Ten interviews of Compound 76 on the pressed day, all 'repatriate', and twenty on
    other days, half and half."""
    pressed = held(store, station_id, camp, [("Compound 76", "1952-04-15", "repatriate")] * 10)
    held(store, station_id, camp, [("Compound 76", "1952-04-14", choice)
                                   for choice in ("repatriate", "enlist") * 5])
    held(store, station_id, camp, [("Compound 76", "1952-04-16", choice)
                                   for choice in ("repatriate", "enlist") * 5])
    return pressed


def found(client):  # noqa: F811 - a test client, not the fixture
    """The patterns' file: the first download starts the build that finds them (with the
    merged lists) and says they are being prepared; the file comes once it has ended."""
    response = client.get(f"/lists/{pattern_flags.CSV_FILE}")
    if response.status_code == 202:
        assert client.app.state.kept_lists.wait(60)
        response = client.get(f"/lists/{pattern_flags.CSV_FILE}")
    assert response.status_code == 200, response.text
    return response


def test_a_compound_day_split_over_two_stations_is_one_pattern(hq, client):  # noqa: F811
    pressed = laptop(hq.store, "KOJE-01") + laptop(hq.store, "KOJE-02")
    held(hq.store, "PUSAN-01", "Pusan", [("Compound 9", "1952-04-15", "enlist")] * 3)
    flags = pattern_flags.pattern_flags(hq.store)
    (camp,) = [f for f in flags if f.scope == "Koje-do"]
    assert camp.flag.kind == "compound_uniform"
    assert camp.flag.explanation.startswith(
        "In Compound 76 on 1952-04-15, 20 of 20 completed interviews (100%) recorded")
    assert sorted(camp.flag.interview_ids) == sorted(pressed)
    assert [f.scope for f in flags if f.scope == pattern_flags.OPERATION] == [
        pattern_flags.OPERATION]
    # One station alone holds ten: fewer than a day needs to be tested.
    alone = [record for station, record in hq.store.interview_records()
             if station == "KOJE-01"]
    assert len(alone) == 30

    sign_in(client)
    assert "Not looked for yet" in client.get("/").text  # found when the lists are made
    response = found(client)
    page = client.get("/").text
    assert "Patterns across stations (2)" in page and "In Compound 76 on 1952-04-15" in page
    assert "on the records as they are now" in page
    rows = response.content.decode("utf-8-sig").splitlines()
    assert rows[0] == "scope,flag,explanation,interviews,interview_ids"
    assert rows[1].startswith("Koje-do,Compound answered as one,") and ",20," in rows[1]
    client.cookies.clear()  # signed out: the file is not given
    assert client.get(f"/lists/{pattern_flags.CSV_FILE}",
                      follow_redirects=False).status_code == 303


def test_names_in_a_pattern_are_escaped_on_the_page_and_neutralised_in_the_export(
        hq, client):  # noqa: F811
    compound = "Compound <b>76</b>"
    held(hq.store, "KOJE-01", "=SUM(1)", [(compound, "1952-04-15", "enlist")] * 16)
    sign_in(client)
    rows = found(client).content.decode("utf-8-sig").splitlines()
    page = client.get("/").text
    patterns = page.split("<h2 id=patterns>")[1]
    assert "Compound &lt;b&gt;76&lt;/b&gt;" in patterns and "<b>" not in patterns
    assert rows[1].startswith("'=SUM(1),")  # a spreadsheet reads text, not a formula


def held_protocol(store):
    """The default protocol, held at headquarters as a station's bundle brings it."""
    from screening_app.protocol import default_protocol

    protocol = default_protocol()
    with store.transaction():
        store.insert_protocol(protocol.sha256, protocol.id, protocol.version,
                              canonical_json(protocol.source), "2026-11-01T00:00:00.000Z")
    return protocol


def interpreter_named_by(protocol):
    """``named(name, person)``: the further fields (for ``held``) of an interview whose
    interpreter is written ``name`` and is ``person`` on the station's list."""
    def named(name: str, person: str):
        return lambda n: {
            "protocol_sha256": protocol.sha256, "protocol_id": protocol.id,
            "protocol_version": protocol.version, "answers": {"interpreter_name": name},
            "journal": [{"at": "1952-04-14T01:05:00.000Z", "step": "language",
                         "question": "interpreter_name", "value": name, "person": person}]}
    return named


def camp_flag(flags, kind: str):
    """The one flag of ``kind`` for the camp Koje-do."""
    (flag,) = [f.flag for f in flags if f.flag.kind == kind and f.scope == "Koje-do"]
    return flag


def test_an_interpreter_written_two_ways_is_one_person_by_the_id_the_records_keep(hq):
    """A station's records keep the id of the interpreter on its list with the name as
    written: at headquarters, the 30 interviews written "Kim Li" or "Gim Ri" with one id
    are one interpreter (tested, and flagged), where each spelling alone has too few."""
    named = interpreter_named_by(held_protocol(hq.store))

    ids = held(hq.store, "KOJE-01", "Koje-do",
               [("Compound 76", f"1952-04-{14 + n % 3}", "enlist") for n in range(30)],
               lambda n: named("Kim Li" if n < 16 else "Gim  Ri", "p-kim")(n))
    held(hq.store, "KOJE-01", "Koje-do",
         [("Compound 76", f"1952-04-{14 + n % 3}", choice)
          for n, choice in enumerate(("enlist", "repatriate") * 15)],
         named("Pak Su", "p-pak"))
    skewed = camp_flag(pattern_flags.pattern_flags(hq.store), "interpreter_skew")
    assert skewed.explanation.startswith("Interpreter Kim Li: 100%") \
        and "in 30 interviews" in skewed.explanation
    assert sorted(skewed.interview_ids) == sorted(ids)


def listed(store, station_id: str, events: list[tuple[str, dict]]) -> None:
    """Events of a station's list of known people, as its bundles bring them."""
    with store.transaction():
        for seq, (kind, payload) in enumerate(events, start=1):
            store.insert_event(station_id, {
                "seq": seq, "id": f"{station_id}-e{seq}", "at": "1952-04-13T00:00:00.000Z",
                "actor_id": "u-sup", "kind": kind, "interview_id": None, "payload": payload,
                "prev_hash": "0" * 64, "hash": sha256_hex(f"{station_id}{seq}")})


def test_one_interpreter_on_two_stations_lists_is_one_person_at_headquarters(hq):
    """Each station's list gives the interpreter its own id and romanises the name its own
    way: "Pak Sung-ho" at KOJE-01, "Pak Song-ho" at KOJE-02, "Bak Seong-ho" at KOJE-03
    (whose records name "Park S.", an entry merged into him); the native name is the same.
    Ten interviews at each: at headquarters one interpreter with thirty, flagged once,
    under one of the lists' names (of names given equally often, the first in alphabetical
    order); each station alone has too few."""
    from screening_app.services.known_people import ADDED_EVENT, MERGED_EVENT

    named = interpreter_named_by(held_protocol(hq.store))

    days = [f"1952-04-{14 + n % 3}" for n in range(30)]
    skewed = []
    for station_id, name, person in (("KOJE-01", "Pak Sung-ho", "p-1"),
                                     ("KOJE-02", "Pak Song-ho", "p-9"),
                                     ("KOJE-03", "Park S.", "p-8")):
        held(hq.store, station_id, "Koje-do", [], lambda n: {})  # the station, then its list
        skewed += held(hq.store, station_id, "Koje-do",
                       [("Compound 76", day, "enlist") for day in days[:10]],
                       named(name, person))
        held(hq.store, station_id, "Koje-do",
             [("Compound 76", day, choice)
              for day, choice in zip(days, ("enlist", "repatriate") * 15, strict=False)],
             named(f"Choe Han {station_id}", "p-2"))
    listed(hq.store, "KOJE-01", [(ADDED_EVENT, {"id": "p-1", "role": "interpreter",
                                                "name": "Pak Sung-ho", "name_native": "박성호"})])
    listed(hq.store, "KOJE-02", [(ADDED_EVENT, {"id": "p-9", "role": "interpreter",
                                                "name": "Pak Song-ho", "name_native": "박성호"})])
    listed(hq.store, "KOJE-03", [
        (ADDED_EVENT, {"id": "p-7", "role": "interpreter", "name": "Bak Seong-ho",
                       "name_native": "박성호"}),
        (ADDED_EVENT, {"id": "p-8", "role": "interpreter", "name": "Park S.",
                       "name_native": None}),
        (MERGED_EVENT, {"id": "p-8", "role": "interpreter", "name": "Park S.",
                        "into": "p-7", "into_name": "Bak Seong-ho"})])

    flag = camp_flag(pattern_flags.pattern_flags(hq.store), "interpreter_skew")
    assert flag.explanation.startswith("Interpreter Bak Seong-ho: 100%") \
        and "in 30 interviews" in flag.explanation
    assert sorted(flag.interview_ids) == sorted(skewed)
