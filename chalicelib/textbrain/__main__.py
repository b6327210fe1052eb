"""TextBrain command line.

    python -m chalicelib.textbrain parse < titles.txt     one parsed release per title
    python -m chalicelib.textbrain rank < tickets.jsonl   one ranking per ticket (see ranking.py)
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from chalicelib.domain.errors import FieldError, ValidationError
from chalicelib.textbrain.brain import BrainMode, TextBrain
from chalicelib.textbrain.decision import DEFAULT_THRESHOLD
from chalicelib.textbrain.parsing import parse
from chalicelib.textbrain.preferences import RankingPreferences
from chalicelib.textbrain.ranking import error_answer, rank_answer, read_rank_input
from chalicelib.textbrain.release import ParsedRelease

JsonValue = str | int | bool | list[str] | list[int] | None


def release_as_json(release: ParsedRelease) -> dict[str, JsonValue]:
    """The CLI's JSON shape of a parsed release (absent values are null)."""
    episode: int | list[int] | None
    if not release.episodes:
        episode = None
    elif len(release.episodes) == 1:
        episode = release.episodes[0]
    else:
        episode = list(release.episodes)
    return {
        "content_type": release.content_type.value,
        "artist": release.artist,
        "album": release.album,
        "title": release.title,
        "year": release.year,
        "season": release.season,
        "seasons": list(release.seasons),
        "episode": episode,
        "resolution": release.resolution,
        "source": release.source,
        "codec": release.codec,
        "audio_format": release.audio_format,
        "release_group": release.release_group,
        "edition": list(release.edition),
        "is_discography": release.is_discography,
        "red_flags": sorted(flag.value for flag in release.red_flags),
        "air_date": release.air_date,
        "alternative_title": release.alternative_title,
    }


def _run_parse(_: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    for line in stdin:
        title = line.rstrip("\r\n")
        if not title.strip():
            continue
        stdout.write(json.dumps(release_as_json(parse(title)), ensure_ascii=False) + "\n")
    return 0


def _section(path: str | None) -> dict[str, Any]:
    """The `[textbrain]` table of a TOML configuration file ({} without a file)."""
    if path is None:
        return {}
    try:
        with open(path, "rb") as config:
            section = tomllib.load(config).get("textbrain", {})
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise SystemExit(f"cannot read {path}: {error}") from None
    return section if isinstance(section, dict) else {}


def _run_rank(arguments: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    """Rank each input line's candidates; a bad line gets an error line and status 1."""
    section = _section(arguments.config)
    try:
        preferences = RankingPreferences.from_mapping(section)
    except ValidationError as error:
        raise SystemExit(f"{arguments.config}: {error.message}") from None
    threshold = arguments.threshold
    if threshold is None:
        threshold = section.get("auto_approve_threshold", DEFAULT_THRESHOLD)
    try:
        brain = TextBrain(BrainMode.DUMB_ONLY, auto_approve_threshold=float(threshold),
                          preferences=preferences)
    except ValidationError as error:
        raise SystemExit(f"{arguments.config}: {error.message}") from None
    except (TypeError, ValueError) as error:
        raise SystemExit(f"{arguments.config}: textbrain.auto_approve_threshold: {error}") \
            from None
    status = 0
    for number, line in enumerate(stdin, start=1):
        if not line.strip():
            continue
        try:
            try:
                data = json.loads(line)
            except json.JSONDecodeError as bad:
                raise ValidationError(FieldError("line", f"not valid JSON: {bad.msg} at column "
                                                         f"{bad.colno}")) from None
            ranked = read_rank_input(data)
            decision = brain.decide(ranked.request, ranked.candidates, ranked.files_by_hash)
            answer = rank_answer(decision, len(ranked.candidates))
        except ValidationError as error:
            answer = {**error_answer(error), "line": number}
            status = 1
        stdout.write(json.dumps(answer, ensure_ascii=False) + "\n")
    return status


def _threshold(value: str) -> float:
    number = float(value)
    if not 0.0 <= number <= 1.0:
        raise argparse.ArgumentTypeError("must lie in 0..1")
    return number


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m chalicelib.textbrain", description=__doc__)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    parse_command = commands.add_parser(
        "parse", help="read release titles, one per line on stdin; write one JSON object per line"
    )
    parse_command.set_defaults(handler=_run_parse)
    rank_command = commands.add_parser(
        "rank", help="read JSON lines {ticket, candidates}; write one ranking per line"
    )
    rank_command.add_argument("--threshold", type=_threshold, default=None,
                              help=f"auto-approve threshold (default: the config's, else "
                                   f"{DEFAULT_THRESHOLD})")
    rank_command.add_argument("--config", metavar="TOML",
                              help="read auto_approve_threshold and the video preferences "
                                   "from this file's [textbrain] section")
    rank_command.set_defaults(handler=_run_rank)
    return parser


def main(
    argv: Sequence[str] | None = None, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout
) -> int:
    """Run a subcommand; argparse exits with status 2 on bad usage."""
    arguments = _build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace, TextIO, TextIO], int] = arguments.handler
    return handler(arguments, stdin, stdout)


if __name__ == "__main__":
    sys.exit(main())
