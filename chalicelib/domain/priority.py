"""Priority bands: SQS has no priorities, so each stage has one queue per band.

Consumers always drain the higher band first, and order each received batch by priority.
"""

from __future__ import annotations

from enum import StrEnum


class Band(StrEnum):
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


BANDS_HIGH_FIRST: tuple[Band, ...] = (Band.HIGH, Band.NORMAL, Band.LOW)
HIGH_FROM = 500
NORMAL_FROM = 100


def band_for(priority: int) -> Band:
    """The queue band of a ticket priority (0..65535; the default 100 is NORMAL)."""
    if priority >= HIGH_FROM:
        return Band.HIGH
    if priority >= NORMAL_FROM:
        return Band.NORMAL
    return Band.LOW
