"""Wanted subtitle languages a video lacks, fetched from a remote SubtitleSource as sidecars.

The convert stage asks this after ffmpeg has run: each language of
`constraints.subtitle_languages` with no text stream in the source is searched on the remote
source (OpenSubtitles) by the ticket's ids, else its title/year/season/episode, and written
as `<stem>.<language>.srt` beside the output, so it is placed like an extracted one. A miss
or an outage is only noted: subtitles never fail a ticket.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.subtitles import SubtitleWanted, language
from chalicelib.ports import SubtitleSource
from workers.media.subtitles import TEXT_CODECS, subtitle_streams

log = logging.getLogger("quentin.agent.subtitles")


@dataclass(frozen=True)
class FetchedSubtitles:
    sidecars: tuple[Path, ...]
    notes: tuple[dict[str, Any], ...]  # per language: its source and origin, or why missing


class SubtitleFetcher:
    def __init__(self, source: SubtitleSource) -> None:
        self._source = source

    def fetch(self, video: Path, output: Path, wanted_codes: tuple[str, ...],
              metadata: Mapping[str, Any]) -> FetchedSubtitles:
        """Sidecars for `output` in each of `wanted_codes` that `video` does not embed."""
        embedded = {s.language for s in subtitle_streams(video) if s.codec in TEXT_CODECS}
        missing: dict[str, Any] = {}
        notes: list[dict[str, Any]] = []
        for code in wanted_codes:
            try:
                lang = language(code)
            except ValidationError:
                notes.append({"language": code, "missing": "unknown language code"})
                continue
            if not embedded & {*lang.file_codes, code.lower()}:
                missing.setdefault(lang.code, (code.lower(), lang))
        if not missing:
            return FetchedSubtitles((), tuple(notes))
        wanted = _wanted(tuple(lang for _, lang in missing.values()), metadata, video)
        try:
            found = self._source.fetch(wanted)
        except Exception as exc:  # any outage: the video is delivered without these
            log.warning("subtitles from %s failed: %s", self._source.name, exc)
            notes += [{"language": label, "missing": f"{self._source.name}: {exc}"}
                      for label, _ in missing.values()]
            return FetchedSubtitles((), tuple(notes))
        written: list[Path] = []
        by_code = {f.language.code: f for f in found}
        for code, (label, _) in missing.items():
            got = by_code.get(code)
            if got is None:
                notes.append({"language": label, "missing": f"not on {self._source.name}"})
                continue
            # The label is the ticket's own code, as embedded streams are labelled by tag.
            target = output.with_name(f"{output.stem}.{label}.srt")
            target.write_bytes(got.data)
            written.append(target)
            notes.append({"language": label, "source": got.source, "origin": got.origin})
        return FetchedSubtitles(tuple(written), tuple(notes))


def _wanted(languages: tuple[Any, ...], metadata: Mapping[str, Any],
            video: Path) -> SubtitleWanted:
    def number(key: str) -> int | None:
        value = metadata.get(key)
        try:
            return int(value) if value not in (None, "") else None
        except (TypeError, ValueError):
            return None

    imdb = metadata.get("imdb_id")
    title = metadata.get("title")
    return SubtitleWanted(languages, imdb_id=str(imdb) if imdb else None,
                          tmdb_id=number("tmdb_id"), title=str(title) if title else None,
                          year=number("year"), season=number("season"),
                          episode=number("episode"), video_path=str(video))
