"""The journal's framing, torn-tail detection, segments and group commit."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from local.journal import Journal, frame, read_records, replay, segment_paths


def _write(journal_dir: Path, *payloads: bytes) -> Path:
    journal = Journal(journal_dir)
    position = 0
    for p in payloads:
        position = journal.append(p)
    journal.wait_durable(position)
    journal.close()
    return segment_paths(journal_dir)[-1][1]


def test_records_come_back_in_order(tmp_path: Path) -> None:
    _write(tmp_path, b"one", b"", b"three" * 1000)
    assert list(replay(tmp_path)) == [b"one", b"", b"three" * 1000]


@pytest.mark.parametrize("cut", [1, 4, 7, 8, 9, 12])
def test_a_record_torn_by_a_crash_is_dropped_and_cut_off(tmp_path: Path, cut: int) -> None:
    """A crash in the middle of an append leaves a prefix of the last frame."""
    segment = _write(tmp_path, b"kept-1", b"kept-2")
    intact = segment.stat().st_size
    torn = frame(b"the-last-one")[:cut]
    with segment.open("ab") as f:
        f.write(torn)
    assert list(replay(tmp_path)) == [b"kept-1", b"kept-2"]
    assert segment.stat().st_size == intact  # the next append must not land behind garbage
    journal = Journal(tmp_path)
    journal.wait_durable(journal.append(b"after"))
    journal.close()
    assert list(replay(tmp_path)) == [b"kept-1", b"kept-2", b"after"]


def test_a_record_with_a_wrong_checksum_ends_the_segment(tmp_path: Path) -> None:
    segment = _write(tmp_path, b"good", b"flipped", b"after-flipped")
    data = bytearray(segment.read_bytes())
    data[len(frame(b"good")) + 8] ^= 0xFF  # first payload byte of the second record
    segment.write_bytes(bytes(data))
    records, good_until = read_records(segment)
    assert records == [b"good"] and good_until == len(frame(b"good"))


def test_an_absurd_length_is_not_read_as_a_record(tmp_path: Path) -> None:
    segment = _write(tmp_path, b"good")
    with segment.open("ab") as f:
        f.write(b"\xff\xff\xff\xff\x00\x00\x00\x00")
    assert read_records(segment)[0] == [b"good"]


def test_segments_before_a_snapshot_are_skipped_and_discarded(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    journal.append(b"covered")
    first = journal.rotate()
    journal.wait_durable(journal.append(b"after-the-cut"))
    assert list(replay(tmp_path, first)) == [b"after-the-cut"]
    journal.discard_before(first)
    journal.close()
    assert [n for n, _ in segment_paths(tmp_path)] == [first]
    # A new journal continues after the existing segments.
    assert Journal(tmp_path).segment == first + 1


def test_concurrent_writers_share_fsyncs_and_all_become_durable(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    done: list[int] = []

    def writer(n: int) -> None:
        for i in range(50):
            journal.wait_durable(journal.append(f"{n}-{i}".encode()))
        done.append(n)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    journal.close()
    assert sorted(done) == list(range(8))
    got = list(replay(tmp_path))
    assert len(got) == 400 and len(set(got)) == 400
    for n in range(8):  # each writer's records in its own order
        mine = [r for r in got if r.startswith(f"{n}-".encode())]
        assert mine == [f"{n}-{i}".encode() for i in range(50)]
