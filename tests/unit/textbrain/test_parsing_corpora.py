"""The parser against the eval corpora of Lidarr/Sonarr/Radarr/guessit expectations.

CI keeps the corpora at ../shared/corpora beside the repository clone; QT_CORPORA_DIR
overrides. The test skips when they are absent.
"""

from __future__ import annotations

import pytest

from bench.parse_bench import TARGETS, corpora_dir, load_rows, score, textbrain_fields

CORPORA = corpora_dir()


@pytest.mark.skipif(CORPORA is None, reason="eval corpora not found (set QT_CORPORA_DIR)")
@pytest.mark.parametrize("corpus", sorted(TARGETS))
def test_accuracy_meets_target(corpus: str) -> None:
    assert CORPORA is not None
    result = score(load_rows(CORPORA, corpus), textbrain_fields)
    failures = "\n".join(
        f"{title!r}: expected {exp}, got {got}" for title, exp, got in result.failures
    )
    assert result.accuracy >= TARGETS[corpus], f"{result.accuracy:.2%} < target\n{failures}"


def test_scoring_rule_normalises_text_and_compares_lists_as_sets() -> None:
    from bench.parse_bench import row_passes

    assert row_passes(
        {"title": "Marvels Agents of S.H.I.E.L.D."}, {"title": "marvels agents of s h i e l d"}
    )
    assert row_passes({"episode": [2, 1]}, {"episode": [1, 2]})
    assert not row_passes({"episode": [1, 2]}, {"episode": 1})
    assert not row_passes({"season": 1}, {"season": None})
