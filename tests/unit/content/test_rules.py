"""Content rules: dispatch per expected type, extensions, audio format fit, resolutions."""

from __future__ import annotations

import pytest

from chalicelib.content import extensions
from chalicelib.content.music import audio_quality, format_fit, quality_from_extensions
from chalicelib.content.rules import rules_for
from chalicelib.content.video import resolution_fit, resolution_lines
from chalicelib.domain.candidate import Category, SearchKind
from chalicelib.domain.request import Constraints, ContentType, OutputFormat


@pytest.mark.parametrize(
    ("expected", "family", "kind", "categories"),
    [
        (ContentType.ALBUM, "music", SearchKind.MUSIC, (Category.AUDIO,)),
        (ContentType.TRACK, "music", SearchKind.MUSIC, (Category.AUDIO,)),
        (ContentType.MOVIE, "video", SearchKind.MOVIE, (Category.MOVIES,)),
        (ContentType.TV_EPISODE, "video", SearchKind.TV, (Category.TV,)),
        (ContentType.EBOOK, "generic", SearchKind.BOOK, (Category.BOOKS_EBOOK, Category.BOOKS)),
        (ContentType.SOFTWARE, "generic", SearchKind.GENERIC, (Category.PC,)),
        (ContentType.OTHER, "generic", SearchKind.GENERIC, ()),
    ],
)
def test_rules_dispatch_on_expected_type(
    expected: ContentType, family: str, kind: SearchKind, categories: tuple[int, ...]
) -> None:
    rules = rules_for(expected)
    assert (rules.family, rules.search_kind, rules.categories) == (family, kind, categories)


def test_weights_are_read_only_and_seeders_size_are_tie_breakers() -> None:
    for expected in ContentType:
        rules = rules_for(expected)
        biggest = max(rules.weights.values())
        assert rules.weight("seeders") <= biggest / 5
        assert rules.weight("size") <= biggest / 5
        assert rules.weight("not_a_component") == 0.0
    with pytest.raises(TypeError):
        rules_for(ContentType.ALBUM).weights["artist"] = 0.0  # type: ignore[index]


@pytest.mark.parametrize(
    ("path", "ext"),
    [("a/b/Song.FLAC", "flac"), ("noext", ""), ("dir.v2/file", ""), (".hidden", ""),
     ("x.tar.gz", "gz")],
)
def test_extension_of(path: str, ext: str) -> None:
    assert extensions.extension_of(path) == ext


@pytest.mark.parametrize(
    ("label", "codec", "lossless", "kbps"),
    [("FLAC", "flac", True, None), ("FLAC 24bit", "flac", True, None),
     ("MP3 320", "mp3", False, 320), ("MP3 V0", "mp3", False, 245),
     ("Vorbis q8", "vorbis", False, 256), ("AAC 256", "aac", False, 256),
     ("Opus", "opus", False, None), ("ALAC", "alac", True, None)],
)
def test_audio_quality_reads_canonical_labels(
    label: str, codec: str, lossless: bool, kbps: int | None
) -> None:
    quality = audio_quality(label)
    assert quality is not None
    assert (quality.codec, quality.lossless, quality.bitrate_kbps) == (codec, lossless, kbps)


def test_audio_quality_unknown_label() -> None:
    assert audio_quality(None) is None
    assert audio_quality("DTS-HD") is None


def test_quality_from_extensions_prefers_lossless() -> None:
    quality = quality_from_extensions({"flac", "mp3"})
    assert quality is not None and quality.lossless and quality.codec == "flac"
    assert quality_from_extensions(set()) is None


def fit(fmt: OutputFormat, label: str | None, bitrate: int | None = None) -> tuple[float, str]:
    return format_fit(Constraints(format=fmt, bitrate_kbps=bitrate), audio_quality(label))


def test_format_fit_orders_sources_for_each_target() -> None:
    # Lossy target: lossless source > same codec > other lossy > too low a bitrate.
    assert fit(OutputFormat.OGG_VORBIS, "FLAC", 320)[0] > fit(OutputFormat.OGG_VORBIS,
                                                             "MP3 320", 320)[0]
    assert fit(OutputFormat.OGG_VORBIS, "Vorbis q9", 320)[0] == 1.0
    assert fit(OutputFormat.MP3, "MP3 320", 320) == (
        1.0, "MP3 320: same codec as the requested mp3, no transcode needed")
    assert fit(OutputFormat.MP3, "MP3 192", 320) == (
        0.3, "MP3 192: below the requested 320 kbit/s")
    # Lossless target: only lossless will do.
    assert fit(OutputFormat.FLAC, "MP3 320")[0] == 0.1
    assert fit(OutputFormat.ALAC, "FLAC")[0] == 1.0
    assert fit(OutputFormat.FLAC, None) == (0.5, "format not stated in the title")


@pytest.mark.parametrize(("label", "lines"), [("1080p", 1080), ("4K", 2160), ("720p", 720),
                                              (None, None), ("HD", None)])
def test_resolution_lines(label: str | None, lines: int | None) -> None:
    assert resolution_lines(label) == lines


def test_resolution_fit() -> None:
    assert resolution_fit("1080p", "2160p") == (1.0, "2160p meets the minimum 1080p")
    assert resolution_fit("1080p", "720p") == (0.1, "720p is below the minimum 1080p")
    assert resolution_fit(None, None) == (0.5, "resolution not stated")
