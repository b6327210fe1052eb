"""TextBrain command line: `python -m chalicelib.textbrain parse < titles.txt`."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from chalicelib.textbrain.parsing import parse
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
    }


def _run_parse(_: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    for line in stdin:
        title = line.rstrip("\r\n")
        if not title.strip():
            continue
        stdout.write(json.dumps(release_as_json(parse(title)), ensure_ascii=False) + "\n")
    return 0


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m chalicelib.textbrain", description=__doc__)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    parse_command = commands.add_parser(
        "parse", help="read release titles, one per line on stdin; write one JSON object per line"
    )
    parse_command.set_defaults(handler=_run_parse)
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
