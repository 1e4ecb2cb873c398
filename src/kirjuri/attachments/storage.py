"""The file store: where attachment bytes live, behind a small interface (`FileStore`) that a local
folder implements here and an S3-compatible object store can implement later.

Invariants:
- keys are chosen by the store, never by a client: `<company_id>/<2 hex>/<32 hex>` (random, so
  two uploads of the same bytes are two objects and deleting one never touches the other); a key
  of any other shape is refused before it reaches the file system;
- bytes become visible under a key only by `commit()`, after they were written whole, counted,
  hashed and synced (`stage()` writes to a temporary file of the store; `os.replace` is atomic);
- a staged file that is not committed is deleted (`discard()`); a committed file whose metadata
  row never committed is garbage, found by `LocalFileStore.keys()` minus the stored keys (and
  temporary files by their age) — the service deletes it itself when the transaction rolls back,
  so garbage is left only by a crash between the two.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Protocol

READ_CHUNK = 64 * 1024
_KEY = re.compile(r"^[1-9][0-9]{0,18}/[0-9a-f]{2}/[0-9a-f]{32}$")


class StagedFile(Protocol):
    """A file being received: written chunk by chunk, counted and hashed on the way."""

    @property
    def size(self) -> int: ...

    @property
    def sha256(self) -> str: ...

    def write(self, data: bytes) -> None: ...

    def discard(self) -> None:
        """Throw the bytes away (idempotent; also after a failed or finished commit)."""
        ...


class FileStore(Protocol):
    def stage(self) -> StagedFile: ...

    def commit(self, staged: StagedFile, *, company_id: int) -> str:
        """Make the staged bytes durable under a new key of the company and return the key."""
        ...

    def open(self, key: str) -> BinaryIO:
        """The stored bytes for reading (`FileNotFoundError` when there are none)."""
        ...

    def delete(self, key: str) -> None:
        """Remove the bytes (a missing key is no error)."""
        ...


class _LocalStaged:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._hash = hashlib.sha256()
        self._size = 0
        self._file: BinaryIO | None = os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")

    @property
    def size(self) -> int:
        return self._size

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    def write(self, data: bytes) -> None:
        if self._file is None:
            raise ValueError("staged file is closed")
        self._file.write(data)
        self._hash.update(data)
        self._size += len(data)

    def finish(self) -> None:
        if self._file is not None:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            self._file = None

    def discard(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self.path.unlink(missing_ok=True)


class LocalFileStore:
    """Files under `root` (`settings.var_dir / "files"`): `tmp/` for staged uploads, then one folder
    per company with 256 sub-folders."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.tmp = root / "tmp"

    def stage(self) -> _LocalStaged:
        self.tmp.mkdir(parents=True, exist_ok=True)
        return _LocalStaged(self.tmp / f"{secrets.token_hex(16)}.part")

    def commit(self, staged: StagedFile, *, company_id: int) -> str:
        if not isinstance(staged, _LocalStaged):
            raise TypeError("not staged by this store")
        token = secrets.token_hex(16)
        key = f"{company_id}/{token[:2]}/{token}"
        target = self._path(key)
        staged.finish()
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged.path, target)
        return key

    def open(self, key: str) -> BinaryIO:
        return self._path(key).open("rb")

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def keys(self) -> Iterator[str]:
        """Every committed key (for an operator's sweep of garbage: keys without a row)."""
        for path in self.root.glob("*/*/*"):
            key = path.relative_to(self.root).as_posix()
            if _KEY.match(key):
                yield key

    def _path(self, key: str) -> Path:
        if not _KEY.match(key):
            raise ValueError("malformed storage key")
        return self.root / key


def read_chunks(file: BinaryIO, size: int = READ_CHUNK) -> Iterator[bytes]:
    """The file's bytes in chunks, closing it at the end (or when the consumer stops early)."""
    with file:
        while chunk := file.read(size):
            yield chunk


def local_store(var_dir: Path) -> LocalFileStore:
    """The default store of a server whose data lives under `var_dir` (`var_dir/files`)."""
    return LocalFileStore(var_dir / "files")
