from datetime import UTC, datetime, timedelta, timezone

import pytest

from chalicelib.domain.candidate import (
    SearchKind,
    SearchQuery,
    TorrentCandidate,
    normalise_text,
    utc,
)

HEX = "2d69a861bef5a9f2cdf791b7328e37b7953205e1"


def test_search_query_refuses_blank_text_and_bad_numbers() -> None:
    with pytest.raises(ValueError, match="text"):
        SearchQuery("   ")
    with pytest.raises(ValueError, match="season"):
        SearchQuery("show", SearchKind.TV, season=-1)
    with pytest.raises(ValueError, match="categories"):
        SearchQuery("x", categories=(0,))


def test_normalise_text_collapses_whitespace_and_case() -> None:
    assert normalise_text("  Pink \t Floyd\nANIMALS ") == "pink floyd animals"


def test_utc_converts_and_assumes_utc_for_naive() -> None:
    eastern = timezone(timedelta(hours=-4))
    assert utc(datetime(2015, 3, 14, 17, 10, 42, tzinfo=eastern)) == datetime(
        2015, 3, 14, 21, 10, 42, tzinfo=UTC
    )
    assert utc(datetime(2015, 3, 14, 17, 0)).tzinfo is UTC


def test_candidate_round_trips_through_dict() -> None:
    candidate = TorrentCandidate(
        title="Album",
        indexer="Local",
        indexer_id="all",
        info_hash=HEX,
        size=5,
        publish_date=datetime(2020, 1, 1, tzinfo=UTC),
        categories=(3000, 3040),
    )
    data = candidate.to_dict()
    assert data["publish_date"] == "2020-01-01T00:00:00+00:00"
    assert data["categories"] == [3000, 3040]
    assert TorrentCandidate.from_dict(data) == candidate
