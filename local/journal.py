"""A write-ahead journal: records appended to numbered segment files, made durable by fsync.

Each record is framed as `<length u32><crc32 u32><payload>` so that a record torn by a crash in
the middle of an append is detected on reading and dropped (with everything after it in that
segment, which a crash cannot have written). Durability is a group commit: the writer that
finds no fsync in progress syncs everything appended so far, the others wait for it.

Segments let a snapshot cover a prefix of the journal: `rotate()` starts a new segment, and
once a snapshot taken after the rotation is safely on disk, `discard_before()` deletes the
older segments.
"""

from __future__ import annotations

import logging
import os
import re
import struct
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger("quentin.local.journal")

_HEADER = struct.Struct("<II")
_NAME = re.compile(r"^journal-(\d{8})\.log$")
MAX_RECORD_BYTES = 64 * 1024 * 1024


def frame(payload: bytes) -> bytes:
    """One record as it is stored: length, checksum, payload."""
    return _HEADER.pack(len(payload), zlib.crc32(payload)) + payload


def read_records(path: Path) -> tuple[list[bytes], int]:
    """The intact records of one segment and the offset where the intact part ends."""
    data = path.read_bytes()
    records: list[bytes] = []
    offset = 0
    while offset + _HEADER.size <= len(data):
        length, crc = _HEADER.unpack_from(data, offset)
        start = offset + _HEADER.size
        payload = data[start:start + length]
        if length > MAX_RECORD_BYTES or len(payload) != length or zlib.crc32(payload) != crc:
            break
        records.append(payload)
        offset = start + length
    return records, offset


def segment_paths(directory: Path) -> list[tuple[int, Path]]:
    """Every segment in the directory, oldest first."""
    found = []
    for path in directory.iterdir() if directory.exists() else ():
        match = _NAME.match(path.name)
        if match:
            found.append((int(match.group(1)), path))
    return sorted(found)


def replay(directory: Path, first_segment: int = 0) -> Iterator[bytes]:
    """Every intact record of the segments numbered `first_segment` or later, in order.

    A torn tail (a crash during an append) is cut off the file, so the next append cannot
    land behind garbage.
    """
    for number, path in segment_paths(directory):
        if number < first_segment:
            continue
        records, good = read_records(path)
        size = path.stat().st_size
        if good < size:
            log.warning("dropping a torn journal tail",
                        extra={"segment": path.name, "offset": good, "bytes": size - good})
            with path.open("r+b") as f:
                f.truncate(good)
                f.flush()
                os.fsync(f.fileno())
        yield from records


class Journal:
    """Appends records to the newest segment; `wait_durable` returns once they are on disk."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        existing = segment_paths(directory)
        self._segment = existing[-1][0] + 1 if existing else 1
        self._lock = threading.Lock()  # guards the file, the counters and the segment number
        self._synced_cond = threading.Condition()
        self._appended = 0  # records appended since open
        self._durable = 0  # records known to be on disk
        self._syncing = False
        self._bytes = 0  # bytes in the current segment
        self._fd = self._open_segment(self._segment)

    @property
    def segment(self) -> int:
        """The number of the segment new records go to."""
        return self._segment

    @property
    def segment_bytes(self) -> int:
        return self._bytes

    def _open_segment(self, number: int) -> int:
        path = self.directory / f"journal-{number:08d}.log"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        _fsync_directory(self.directory)  # the new name itself must survive a crash
        return fd

    def append(self, payload: bytes) -> int:
        """Write one record (not yet durable); return its position for `wait_durable`."""
        data = frame(payload)
        with self._lock:
            view = memoryview(data)
            while view:
                written = os.write(self._fd, view)
                view = view[written:]
            self._bytes += len(data)
            self._appended += 1
            return self._appended

    def wait_durable(self, position: int) -> None:
        """Return once the record at `position` (and every one before it) is on disk."""
        with self._synced_cond:
            while self._durable < position:
                if self._syncing:
                    self._synced_cond.wait()
                    continue
                self._syncing = True
                with self._lock:
                    target, fd = self._appended, self._fd
                self._synced_cond.release()
                synced = False
                try:
                    os.fdatasync(fd)
                    synced = True
                finally:
                    self._synced_cond.acquire()
                    self._syncing = False
                    if synced:
                        self._durable = max(self._durable, target)
                    self._synced_cond.notify_all()

    def rotate(self) -> int:
        """Close the current segment (durably) and start the next; return the new number.

        The caller must keep appends out while rotating if it needs a clean boundary.
        """
        with self._synced_cond:
            while self._syncing:
                self._synced_cond.wait()
            with self._lock:
                os.fdatasync(self._fd)
                os.close(self._fd)
                self._durable = self._appended
                self._segment += 1
                self._bytes = 0
                self._fd = self._open_segment(self._segment)
                return self._segment

    def discard_before(self, segment: int) -> None:
        """Delete the segments a snapshot now covers."""
        for number, path in segment_paths(self.directory):
            if number < segment:
                path.unlink(missing_ok=True)
        _fsync_directory(self.directory)

    def close(self) -> None:
        with self._synced_cond:
            while self._syncing:
                self._synced_cond.wait()
            with self._lock:
                os.fdatasync(self._fd)
                os.close(self._fd)
                self._durable = self._appended


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
