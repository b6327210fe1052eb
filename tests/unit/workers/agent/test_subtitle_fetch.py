from __future__ import annotations

from pathlib import Path

from chalicelib.domain.subtitles import SubtitleFile, SubtitleWanted, language
from workers.agent.subtitle_fetch import SubtitleFetcher


class RecordingSource:
    name = "opensubtitles"

    def __init__(self, files: list[SubtitleFile]) -> None:
        self.files = files
        self.asked: list[SubtitleWanted] = []

    def fetch(self, wanted: SubtitleWanted) -> list[SubtitleFile]:
        self.asked.append(wanted)
        return [f for f in self.files if f.language in wanted.languages]


def test_without_ids_an_episode_is_searched_by_title_season_and_episode(tmp_path: Path) -> None:
    video = tmp_path / "not-media.mkv"  # ffprobe sees no streams: every language is missing
    video.write_bytes(b"nothing")
    output = tmp_path / ".main.partial"
    source = RecordingSource([])
    fetched = SubtitleFetcher(source).fetch(video, output, ("ger", "xx"), {
        "title": "Dark", "year": "2017", "season": 1, "episode": "2"})
    [wanted] = source.asked
    assert (wanted.title, wanted.year, wanted.season, wanted.episode, wanted.imdb_id) == (
        "Dark", 2017, 1, 2, None)
    assert [lang.code for lang in wanted.languages] == ["de"]
    assert fetched.sidecars == ()
    assert list(fetched.notes) == [{"language": "xx", "missing": "unknown language code"},
                                   {"language": "ger", "missing": "not on opensubtitles"}]


def test_a_found_language_is_written_as_the_outputs_sidecar(tmp_path: Path) -> None:
    video = tmp_path / "not-media.mkv"
    video.write_bytes(b"nothing")
    output = tmp_path / ".main.partial"
    source = RecordingSource([SubtitleFile(language("de"), b"1\n", "srt", "opensubtitles",
                                           "file_id 5")])
    fetched = SubtitleFetcher(source).fetch(video, output, ("deu",), {"tmdb_id": 1396})
    assert fetched.sidecars == (tmp_path / ".main.deu.srt",)
    assert (tmp_path / ".main.deu.srt").read_bytes() == b"1\n"
    assert source.asked[0].tmdb_id == 1396
