from screening_app.domain.wording import count_of, count_records, record_counts


def test_one_is_singular_and_any_other_count_is_plural():
    assert [count_of(n, "protocol") for n in (0, 1, 2)] == ["0 protocols", "1 protocol",
                                                             "2 protocols"]
    assert count_of(1, "roster entry", "roster entries") == "1 roster entry"
    assert count_of(3, "roster entry", "roster entries") == "3 roster entries"


def test_records_are_counted_by_what_people_call_them():
    assert count_records("documents", 1) == "1 form"
    assert count_records("subjects", 2) == "2 roster entries"
    assert record_counts({"interviews": 1, "reviews": 0, "protocols": 1, "events": 12}) == \
        "1 interview, 1 protocol, 12 history events"
    assert record_counts({"interviews": 0}) == ""
