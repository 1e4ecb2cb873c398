"""The local file store: staging counts and hashes, commit makes the bytes visible under a random
key of the company, keys of any other shape never reach the file system."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from kirjuri.attachments.storage import LocalFileStore, read_chunks


def test_stage_commit_open_delete(tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path)
    staged = store.stage()
    staged.write(b"hello, ")
    staged.write(b"world")
    assert (staged.size, staged.sha256) == (12, hashlib.sha256(b"hello, world").hexdigest())
    assert list(store.keys()) == []  # staged bytes are not visible
    key = store.commit(staged, company_id=42)
    company, shard, name = key.split("/")
    assert (company, shard) == ("42", name[:2]) and len(name) == 32
    assert list(store.keys()) == [key]
    assert list((tmp_path / "tmp").iterdir()) == []
    with store.open(key) as file:
        assert file.read() == b"hello, world"
    staged.discard()  # after a commit: nothing happens
    assert list(store.keys()) == [key]
    store.delete(key)
    store.delete(key)  # missing: no error
    assert list(store.keys()) == []
    with pytest.raises(FileNotFoundError):
        store.open(key)


def test_same_bytes_twice_are_two_objects(tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path)
    keys = []
    for _ in range(2):
        staged = store.stage()
        staged.write(b"same")
        keys.append(store.commit(staged, company_id=1))
    assert keys[0] != keys[1]
    store.delete(keys[0])
    with store.open(keys[1]) as file:
        assert file.read() == b"same"


def test_discard_removes_the_staged_bytes(tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path)
    staged = store.stage()
    staged.write(b"x" * 1000)
    staged.discard()
    staged.discard()
    assert list((tmp_path / "tmp").iterdir()) == []
    with pytest.raises(ValueError, match="closed"):
        staged.write(b"more")


@pytest.mark.parametrize(
    "key",
    ["../../etc/passwd", "1/ab/../../../../etc/passwd", "/etc/passwd", "1/ab/" + "g" * 32, "0/ab/" + "a" * 32, ""],
)
def test_malformed_keys_are_refused(tmp_path: Path, key: str) -> None:
    store = LocalFileStore(tmp_path)
    with pytest.raises(ValueError, match="malformed storage key"):
        store.open(key)
    with pytest.raises(ValueError, match="malformed storage key"):
        store.delete(key)


def test_read_chunks_closes_the_file(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"a" * 100_000)
    file = path.open("rb")
    assert b"".join(read_chunks(file, 4096)) == b"a" * 100_000
    assert file.closed
