from screening_app.domain.wording import count_of


def test_one_is_singular_and_any_other_count_is_plural():
    assert [count_of(n, "protocol") for n in (0, 1, 2)] == ["0 protocols", "1 protocol",
                                                             "2 protocols"]
    assert count_of(1, "roster entry", "roster entries") == "1 roster entry"
    assert count_of(3, "roster entry", "roster entries") == "3 roster entries"

