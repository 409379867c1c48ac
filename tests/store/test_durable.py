"""Files written outside the database appear whole or not at all."""

import pytest

from screening_app.store import durable


def test_a_file_is_replaced_whole(tmp_path):
    path = durable.write_atomically(tmp_path / "keys.json", b"first")
    durable.write_atomically(path, b"second")
    assert path.read_bytes() == b"second"
    assert [p.name for p in tmp_path.iterdir()] == ["keys.json"]


def test_a_failed_write_leaves_the_old_file_and_nothing_else(tmp_path, monkeypatch):
    path = durable.write_atomically(tmp_path / "keys.json", b"first")

    def disk_full(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(durable.os, "replace", disk_full)
    with pytest.raises(OSError):
        durable.write_atomically(path, b"second")
    assert path.read_bytes() == b"first"
    assert [p.name for p in tmp_path.iterdir()] == ["keys.json"]
