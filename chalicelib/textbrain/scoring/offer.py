"""What one candidate offers, gathered once: its parse, its normalised title, its files."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from chalicelib.domain.candidate import TorrentCandidate, TorrentFile
from chalicelib.textbrain.mapping import FileMapping
from chalicelib.textbrain.release import ParsedRelease


@dataclass(frozen=True)
class Offer:
    """A candidate as the scoring components see it.

    `mapping` is set when the file list is known; `title` is the normalised raw title.
    """

    candidate: TorrentCandidate
    parsed: ParsedRelease
    title: str
    files: Sequence[TorrentFile] | None
    mapping: FileMapping | None
    durations: Mapping[str, float]

    @property
    def is_pack(self) -> bool:
        """A discography or collection: many releases in one torrent."""
        return self.parsed.is_discography or self.parsed.is_collection
