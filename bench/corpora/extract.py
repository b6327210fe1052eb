"""Turn other parsers' published test expectations into bench rows (facts only, no code).

Run once per source refresh, for example:
    python -m bench.corpora.extract anitomy  data.json  <commit>
    python -m bench.corpora.extract ptn  input.json output_raw.json  <commit>
    python -m bench.corpora.extract sonarr-absolute  AbsoluteEpisodeNumberParserFixture.cs  <commit>
    python -m bench.corpora.extract ptt  <directory of PTT's tests/test_*.py>  <commit>
    python -m bench.corpora.extract srp  ReleaseParser.test.js  <commit>
Each row keeps its provenance: `src_repo`, `src_path`, `commit`, `src_index` (the position of
the case in the source file). The rules that map a source's fields onto the CLI's keys are
written in bench/corpora/README.md; a case the rules cannot express is left out, never edited.
"""

from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
_EXTRA_TYPES = {"ed", "op", "ncop", "nced", "pv", "preview", "sp", "special", "cm", "menu"}


def resolution_bucket(value: str | None) -> str | None:
    """'1280x720' / '720' / '720p' / '1080i' -> the CLI's resolution; None when not standard."""
    if not value:
        return None
    text = value.lower().replace("×", "x").replace(" ", "")
    if text in ("4k", "uhd"):
        return "2160p"
    match = re.fullmatch(r"(?:\d{3,4}x)?(\d{3,4})[pi]?", text)
    if match is None:
        return None
    height = int(match.group(1))
    return {480: "480p", 576: "576p", 720: "720p", 1080: "1080p", 2160: "2160p"}.get(height)


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() else None


def _anitomy_episode(title: str, value: Any) -> int | list[int] | None:
    if isinstance(value, str):
        return _int(value)
    if isinstance(value, list) and len(value) == 2 and all(_int(v) is not None for v in value):
        first, last = int(value[0]), int(value[1])
        # "01+02", "8 & 10" list two episodes; "01-04", "01 ~ 04" a range.
        listed = re.search(rf"0*{first}\D{{0,3}}[+&,]\D{{0,3}}0*{last}(?!\d)", title)
        return [first, last] if listed else list(range(first, last + 1))
    return None


def anitomy_rows(data: list[dict[str, Any]], commit: str) -> dict[str, list[dict[str, Any]]]:
    """anitomy test/data.json: title, episode, season, year -> anime; resolution separately."""
    anime, resolution = [], []
    for index, case in enumerate(data):
        title, out = case["input"], case["output"]
        provenance = {
            "src_repo": "erengy/anitomy",
            "src_path": "test/data.json",
            "commit": commit,
            "src_index": index,
        }
        bucket = resolution_bucket(out.get("video_resolution"))
        if bucket is not None:
            resolution.append({"title": title, "expect": {"resolution": bucket}, **provenance})
        kinds = out.get("type")
        kinds = kinds if isinstance(kinds, list) else [kinds] if kinds else []
        if kinds:
            continue  # anime types (OP, ED, OVA, TV, Movie): see README, rule 2
        expect: dict[str, Any] = {}
        if out.get("title"):
            expect["title"] = out["title"]
        if "episode" in out and "episode_alt" not in out:
            episode = _anitomy_episode(title, out["episode"])
            if episode is not None:
                expect["episode"] = episode
        if _int(out.get("season")) is not None:
            expect["season"] = int(out["season"])
        if _int(out.get("year")) is not None:
            expect["year"] = int(out["year"])
        if expect:
            anime.append({"title": title, "expect": expect, **provenance})
    return {"anime_anitomy": anime, "resolution_anitomy": resolution}


def ptn_rows(
    titles: list[str], outputs: list[dict[str, Any]], commit: str
) -> dict[str, list[dict[str, Any]]]:
    """parse-torrent-title (platelminto) tests/files: TV, movie and resolution sets."""
    tv, movie, resolution = [], [], []
    for index, (title, out) in enumerate(zip(titles, outputs, strict=True)):
        provenance = {
            "src_repo": "platelminto/parse-torrent-title",
            "src_path": "tests/files/output_raw.json",
            "commit": commit,
            "src_index": index,
        }
        bucket = resolution_bucket(out.get("resolution"))
        if bucket is not None:
            resolution.append({"title": title, "expect": {"resolution": bucket}, **provenance})
        if "day" in out or "month" in out:
            continue  # dated episodes: the CLI has no date field (README, rule 4)
        expect: dict[str, Any] = {"title": out["title"]}
        if isinstance(out.get("year"), int):
            expect["year"] = out["year"]
        season, episode = out.get("season"), out.get("episode")
        if season is None and episode is None:
            movie.append({"title": title, "expect": expect, **provenance})
            continue
        if isinstance(season, list):
            expect["seasons"] = season
        elif season is not None:
            expect["season"] = season
        if episode is not None:
            expect["episode"] = episode
        tv.append({"title": title, "expect": expect, **provenance})
    return {"tv_ptn": tv, "movie_ptn": movie, "resolution_ptn": resolution}


_TEST_CASE = re.compile(r'^\s*\[TestCase\((".*)\)\]\s*$')
_SONARR_PATH = "src/NzbDrone.Core.Test/ParserTests/AbsoluteEpisodeNumberParserFixture.cs"
_SEASON_IN_NAME = re.compile(r"\sS\d{1,2}$")


_ARGUMENT = re.compile(r'"((?:[^"\\]|\\.)*)"|(-?\d+(?:\.\d+)?)[mMdD]?')


def _csharp_arguments(text: str) -> list[Any]:
    """'"a", "b", 007, 0' -> ['a', 'b', 7, 0]."""
    values: list[Any] = []
    for match in _ARGUMENT.finditer(text):
        if match.group(1) is not None:
            values.append(json.loads(f'"{match.group(1)}"'))
        else:
            number = match.group(2)
            values.append(float(number) if "." in number else int(number))
    return values


def sonarr_absolute_rows(source: str, commit: str) -> dict[str, list[dict[str, Any]]]:
    """Sonarr AbsoluteEpisodeNumberParserFixture: the single and multi-episode test methods."""
    rows: list[dict[str, Any]] = []
    pending: list[tuple[int, str]] = []
    for number, line in enumerate(source.splitlines(), start=1):
        case = _TEST_CASE.match(line)
        if case is not None:
            pending.append((number, case.group(1)))
            continue
        if "public void" not in line:
            continue
        method = line.split("public void", 1)[1].split("(", 1)[0].strip()
        for line_number, arguments in pending:
            row = _sonarr_row(method, _csharp_arguments(arguments))
            if row is not None:
                rows.append(
                    {
                        **row,
                        "src_repo": "Sonarr/Sonarr",
                        "src_path": _SONARR_PATH,
                        "commit": commit,
                        "test_method": method,
                        "src_line": line_number,
                    }
                )
        pending = []
    return {"anime_sonarr_absolute": rows}


def _sonarr_row(method: str, arguments: list[Any]) -> dict[str, Any] | None:
    if method == "should_parse_absolute_numbers":
        title, series, absolute, season, _ = arguments
        if season != 0:
            return None  # both numberings at once (README, rule 3)
        episode: int | list[int] = absolute
    elif method == "should_parse_multi_episode_absolute_numbers":
        title, series, first, last = arguments
        episode = list(range(first, last + 1))
    else:
        return None
    if _SEASON_IN_NAME.search(series):
        return None  # "Show S2 - 07": the season in the series name (README, rule 7)
    return {"title": title, "expect": {"title": series, "episode": episode}}


_PTT_REPO = "dreulavelle/PTT"


def _literal(node: ast.expr) -> Any:
    """A test's expected value: a literal, or `list(range(a, b))` as PTT writes ranges."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "list"
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Call)
        and isinstance(node.args[0].func, ast.Name)
        and node.args[0].func.id == "range"
    ):
        bounds = [ast.literal_eval(argument) for argument in node.args[0].args]
        return list(range(*bounds))
    if isinstance(node, ast.Dict):
        return {_literal(k): _literal(v) for k, v in zip(node.keys, node.values, strict=True) if k}
    if isinstance(node, ast.List):
        return [_literal(item) for item in node.elts]
    return ast.literal_eval(node)


def _ptt_episode(value: Any) -> int | list[int] | None:
    """PTT's episode list -> the CLI's episode: one number, a list, or None for []."""
    if not isinstance(value, list) or not all(isinstance(v, int) for v in value):
        return None
    return value[0] if len(value) == 1 else (list(value) or None)


def _ptt_expect(names: list[str], values: list[Any]) -> dict[str, Any] | None:
    """Map one parametrised PTT case onto CLI keys; None when nothing the CLI has is asserted."""
    case = dict(zip(names, values, strict=True))
    expect: dict[str, Any] = {}
    output = case.get("expected_output")
    if isinstance(output, dict):
        if "date" in output:
            return None  # dated episodes: the CLI has no date field (README, rule 4)
        if isinstance(output.get("title"), str):
            expect["title"] = output["title"]
        if isinstance(output.get("year"), int):
            expect["year"] = output["year"]
        if isinstance(output.get("seasons"), list):
            expect["seasons"] = output["seasons"]
        if isinstance(output.get("episodes"), list):
            expect["episode"] = _ptt_episode(output["episodes"])
        bucket = resolution_bucket(output.get("resolution"))
        if bucket is not None:
            expect["resolution"] = bucket
        return expect or None
    if isinstance(case.get("expected_title"), str):
        expect["title"] = case["expected_title"]
    if "expected_episode" in case:
        expect["episode"] = _ptt_episode(case["expected_episode"])
    if isinstance(case.get("expected_seasons"), list):
        expect["seasons"] = case["expected_seasons"]
    if "expected_year" in case:
        present = case.get("expect_year_presence", True)
        expect["year"] = case["expected_year"] if present else None
    if "expected_resolution" in case:
        bucket = resolution_bucket(case["expected_resolution"])
        if bucket is not None:
            expect["resolution"] = bucket
    return expect or None


def ptt_rows(directory: Path, commit: str) -> dict[str, list[dict[str, Any]]]:
    """PTT (dreulavelle, a Python port of TheBeastLT's parse-torrent-title) tests/test_*.py.

    Every `@pytest.mark.parametrize("release_name, expected_...", [...])` case is read with
    `ast` (no code runs); title, year, seasons, episodes and resolution are kept. Rows that
    assert seasons or episodes (empty lists included: "no episode here") go to `tv_ptt`, the
    others with a title or year to `title_ptt`, resolutions to `resolution_ptt`.
    """
    tv: list[dict[str, Any]] = []
    titles: list[dict[str, Any]] = []
    resolution: list[dict[str, Any]] = []
    for path in sorted(directory.glob("test_*.py")):
        if path.name == "test_date.py":
            continue  # dated episodes (README, rule 4)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef):
                continue
            for decorator in function.decorator_list:
                if not (
                    isinstance(decorator, ast.Call)
                    and getattr(decorator.func, "attr", "") == "parametrize"
                    and len(decorator.args) == 2
                    and isinstance(decorator.args[1], ast.List)
                ):
                    continue
                names = [n.strip() for n in ast.literal_eval(decorator.args[0]).split(",")]
                if names[0] != "release_name":
                    continue
                for index, element in enumerate(decorator.args[1].elts):
                    if not isinstance(element, ast.Tuple):
                        continue
                    values = [_literal(item) for item in element.elts]
                    expect = _ptt_expect(names, values)
                    if expect is None:
                        continue
                    row = {
                        "title": values[0],
                        "src_repo": _PTT_REPO,
                        "src_path": f"tests/{path.name}",
                        "commit": commit,
                        "test_function": function.name,
                        "src_index": index,
                    }
                    if "resolution" in expect:
                        resolution.append(
                            {**row, "expect": {"resolution": expect.pop("resolution")}}
                        )
                    if not expect:
                        continue
                    episodic = expect.get("seasons") is not None or "episode" in expect
                    (tv if episodic else titles).append({**row, "expect": expect})
    key = ("title", "expect")
    return {
        "tv_ptt": [_ordered(row, key) for row in tv],
        "title_ptt": [_ordered(row, key) for row in titles],
        "resolution_ptt": [_ordered(row, key) for row in resolution],
    }


def _ordered(row: dict[str, Any], first: tuple[str, ...]) -> dict[str, Any]:
    """The row with its title and expectation first, as the other sets write them."""
    return {**{k: row[k] for k in first}, **{k: v for k, v in row.items() if k not in first}}


_SRP_CASE = re.compile(
    r"ReleaseParser\(\s*'((?:[^'\\]|\\.)*)'\s*,\s*'[^']*'\s*\)\.toString\(\),\s*"
    r"'((?:[^'\\]|\\.)*)'"
)
_SRP_REPO = "pr0pz/scene-release-parser"


def _srp_numbers(value: str) -> int | list[int] | None:
    """'7' -> 7, '01-02' -> [1, 2], '5-8' -> [5, 6, 7, 8]."""
    bounds = [int(part) for part in value.split("-") if part.isdigit()]
    if len(bounds) == 1:
        return bounds[0]
    if len(bounds) == 2 and bounds[0] < bounds[1]:
        return list(range(bounds[0], bounds[1] + 1))
    return None


def srp_rows(source: str, commit: str) -> dict[str, list[dict[str, Any]]]:
    """pr0pz/scene-release-parser test/ReleaseParser.test.js: 'Key: value / ...' expectations.

    Music rows need an artist (title or song -> album); TV and anime rows keep the show (or the
    title when there is no show), season and episode; movie rows the title and year. Music
    videos and the other types (games, apps, books) are left out.
    """
    music: list[dict[str, Any]] = []
    tv: list[dict[str, Any]] = []
    movie: list[dict[str, Any]] = []
    for index, case in enumerate(_SRP_CASE.finditer(source)):
        title = case.group(1).replace("\\'", "'")
        fields = dict(
            part.split(": ", 1) for part in case.group(2).split(" / ") if ": " in part
        )
        kind = fields.get("Type")
        year = int(fields["Year"]) if fields.get("Year", "").isdigit() else None
        expect: dict[str, Any] = {}
        if kind == "Music" and "Artist" in fields:
            expect["artist"] = fields["Artist"]
            album = fields.get("Title") or fields.get("Song")
            if album:
                expect["album"] = album
            target = music
        elif kind in ("TV", "Anime"):
            expect["title"] = fields.get("Show") or fields["Title"]
            if fields.get("Season", "").isdigit():
                expect["season"] = int(fields["Season"])
            episode = _srp_numbers(fields["Episode"]) if "Episode" in fields else None
            if episode is not None:
                expect["episode"] = episode
            target = tv
        elif kind == "Movie":
            expect["title"] = fields["Title"]
            target = movie
        else:
            continue
        if year is not None:
            expect["year"] = year
        target.append(
            {
                "title": title,
                "expect": expect,
                "src_repo": _SRP_REPO,
                "src_path": "test/ReleaseParser.test.js",
                "commit": commit,
                "src_index": index,
            }
        )
    return {"music_srp": music, "tv_srp": tv, "movie_srp": movie}


def _write(sets: dict[str, list[dict[str, Any]]]) -> None:
    for name, rows in sets.items():
        with (HERE / f"{name}.jsonl").open("w", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(f"{name}: {len(rows)} rows")


def main(argv: list[str]) -> int:
    """`anitomy DATA COMMIT`, `ptn INPUT OUTPUT_RAW COMMIT`, `sonarr-absolute FIXTURE COMMIT`
    or `ptt TESTS_DIR COMMIT` or `srp TEST_JS COMMIT`."""
    if argv[:1] == ["anitomy"] and len(argv) == 3:
        data = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
        _write(anitomy_rows(data, argv[2]))
        return 0
    if argv[:1] == ["ptn"] and len(argv) == 4:
        titles = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
        outputs = json.loads(Path(argv[2]).read_text(encoding="utf-8"))
        _write(ptn_rows(titles, outputs, argv[3]))
        return 0
    if argv[:1] == ["sonarr-absolute"] and len(argv) == 3:
        _write(sonarr_absolute_rows(Path(argv[1]).read_text(encoding="utf-8"), argv[2]))
        return 0
    if argv[:1] == ["ptt"] and len(argv) == 3:
        _write(ptt_rows(Path(argv[1]), argv[2]))
        return 0
    if argv[:1] == ["srp"] and len(argv) == 3:
        _write(srp_rows(Path(argv[1]).read_text(encoding="utf-8"), argv[2]))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
