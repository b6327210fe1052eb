"""From a work order to media jobs: conversion jobs, tags and the cover to embed. Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from chalicelib.domain.stage_protocol import WorkFile
from workers.agent.ticket_workdir import item_file_stem
from workers.media import ConversionJob, OutputFormat, TrackTags, VideoCodec
from workers.media.errors import InvalidMediaRequest
from workers.media.formats import spec_of

COVER_NAMES = ("cover", "folder", "front", "albumart", "album")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")
TAGGABLE_FORMATS = frozenset({OutputFormat.OGG_VORBIS, OutputFormat.OPUS, OutputFormat.MP3,
                              OutputFormat.AAC, OutputFormat.FLAC, OutputFormat.ALAC})


class PlanError(ValueError):
    """A work order the agent cannot turn into jobs; the message names the field."""


@dataclass(frozen=True)
class ItemPlan:
    """What to do with one work file: convert (a job) or copy as-is (`copy_from`)."""

    work: WorkFile
    source: Path
    job: ConversionJob | None
    copy_from: Path | None
    tags: TrackTags | None


def output_format(constraints: Mapping[str, Any]) -> OutputFormat:
    raw = constraints.get("format") or "original"
    try:
        return OutputFormat.parse(str(raw))
    except ValueError as exc:
        raise PlanError(f"constraints.format: {exc}") from None


def _int(mapping: Mapping[str, Any], *keys: str) -> int | None:
    for key in keys:
        value = mapping.get(key)
        if value is None or value == "":
            continue
        try:
            return int(str(value).split("/")[0])
        except ValueError:
            raise PlanError(f"{key}: {value!r} is not a whole number") from None
    return None


def _text(mapping: Mapping[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = mapping.get(key)
        if isinstance(value, list | tuple):
            value = ", ".join(str(v) for v in value) if value else None
        if value not in (None, ""):
            return str(value)
    return None


def track_tags(work: WorkFile, metadata: Mapping[str, Any]) -> TrackTags:
    """The tags of one track: its own name and numbers, the rest from the ticket's metadata."""
    return TrackTags(
        title=work.name or _text(metadata, "title"),
        artist=_text(metadata, "artist"),
        album=_text(metadata, "album"),
        album_artist=_text(metadata, "album_artist", "albumartist") or _text(metadata, "artist"),
        track_number=work.track_number,
        track_total=_int(metadata, "track_total", "tracktotal", "total_tracks"),
        disc_number=work.disc_number,
        disc_total=_int(metadata, "disc_total", "disctotal", "total_discs"),
        date=_text(metadata, "date", "year"),
        genre=_text(metadata, "genre", "genres"),
    )


def conversion_job(work: WorkFile, source: Path, output: Path,
                   constraints: Mapping[str, Any], priority: int) -> ConversionJob:
    """The ConversionJob for one media item; PlanError names a bad constraint."""
    fmt = output_format(constraints)
    codec = constraints.get("video_codec")
    try:
        return ConversionJob(
            source=source, output=output, format=fmt,
            bitrate_kbps=_int(constraints, "bitrate_kbps") if fmt is not OutputFormat.ORIGINAL
            else None,
            sample_rate_hz=_int(constraints, "sample_rate_hz"),
            bit_depth=_int(constraints, "bit_depth"),
            expected_duration_secs=work.duration_secs or None,
            video_codec=VideoCodec.parse(str(codec)) if codec and fmt.is_video else None,
            audio_languages=_languages(constraints, "audio_languages") if fmt.is_video
            else (),
            subtitle_languages=_languages(constraints, "subtitle_languages") if fmt.is_video
            else (),
            extract_subtitles=bool(constraints.get("extract_subtitles")) and fmt.is_video,
            priority=priority,
            label=work.item_id,
        )
    except (InvalidMediaRequest, ValueError) as exc:
        raise PlanError(f"item {work.item_id}: {exc}") from None


def plan_items(files: Sequence[WorkFile], sources: Mapping[str, Path], outputs_dir: Path,
               constraints: Mapping[str, Any], metadata: Mapping[str, Any], priority: int
               ) -> list[ItemPlan]:
    """A plan per work file; `sources` maps item ids to downloaded local files.

    Images are copied as they are; tracks and videos are converted (tracks also tagged
    unless `constraints.embed_metadata` is false); other files follow `constraints.format`
    only when it is 'original', else they are copied too.
    """
    fmt = output_format(constraints)
    embed = constraints.get("embed_metadata", True) is not False
    plans: list[ItemPlan] = []
    for work in files:
        source = sources.get(work.item_id)
        if source is None and work.path is None and work.file_index is None:
            continue  # mapped to nothing in the source (e.g. a cover the torrent lacks)
        if source is None:
            raise PlanError(f"item {work.item_id}: no downloaded file for it "
                            f"(results.download.files)")
        partial = outputs_dir / f".{item_file_stem(work.item_id)}.partial"
        if work.kind in ("track", "video"):
            job = conversion_job(work, source, partial, constraints, priority)
            if work.kind == "video" and embed and job.format.is_video:
                job = replace(job, title=work.name or _text(metadata, "title"))
            tags = track_tags(work, metadata) if (
                embed and work.kind == "track" and fmt in TAGGABLE_FORMATS) else None
            plans.append(ItemPlan(work, source, job, None, tags))
        else:
            plans.append(ItemPlan(work, source, None, source, None))
    return plans


def find_cover(files: Sequence[WorkFile], sources: Mapping[str, Path],
               track_dirs: Sequence[Path]) -> Path | None:
    """The cover to embed: a mapped image item (front cover first), else a cover-like
    image beside the downloaded tracks."""
    images = [(w, sources[w.item_id]) for w in files
              if w.kind == "image" and w.item_id in sources]
    images.sort(key=lambda pair: 0 if pair[1].stem.lower() in COVER_NAMES else 1)
    for _, path in images:
        if path.suffix.lower() in IMAGE_SUFFIXES and _plain_file(path):
            return path
    for directory in track_dirs:
        for name in COVER_NAMES:
            for suffix in IMAGE_SUFFIXES:
                candidate = directory / f"{name}{suffix}"
                if _plain_file(candidate):
                    return candidate
    return None


def _plain_file(path: Path) -> bool:
    # A torrent's "cover.jpg" may be a symlink to any picture on the machine: never one.
    return path.is_file() and not path.is_symlink()


def image_mime(data: bytes) -> str | None:
    """'image/jpeg' or 'image/png' from the file's magic bytes; None for anything else."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


def final_name(item_id: str, fmt: OutputFormat, source: Path) -> str:
    """The converted file's name in the work dir: the item id plus the format's extension."""
    extension = spec_of(fmt).extension or source.suffix.lstrip(".")
    stem = item_file_stem(item_id)
    return f"{stem}.{extension}" if extension else stem


def _languages(constraints: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = constraints.get(key) or ()
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise PlanError(f"constraints.{key} must be a list of language codes")
    return tuple(value)
