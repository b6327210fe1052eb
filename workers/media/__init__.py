"""The agent's media work: probe, convert, tag, and place files atomically."""

from workers.media.batch import BatchProgress, JobOutcome, convert_all
from workers.media.converter import ConversionResult, Converter, convert
from workers.media.errors import (
    ConversionError,
    InvalidMediaRequest,
    MediaError,
    PlacementError,
    PlacementRefused,
    ProbeError,
    TaggingError,
)
from workers.media.formats import OutputFormat, VideoCodec
from workers.media.job import ConversionJob
from workers.media.placer import (
    Placement,
    PlacementReport,
    Placer,
    RecoveryAction,
    RollbackStatus,
)
from workers.media.probe import MediaInfo, StreamInfo, probe
from workers.media.tagger import CoverArt, TrackTags, read_cover, read_tags, tag_file

__all__ = [
    "BatchProgress", "ConversionError", "ConversionJob", "ConversionResult", "Converter",
    "CoverArt", "InvalidMediaRequest", "JobOutcome", "MediaError", "MediaInfo", "OutputFormat",
    "Placement", "PlacementError", "PlacementRefused", "PlacementReport", "Placer",
    "ProbeError", "RecoveryAction", "RollbackStatus", "StreamInfo", "TaggingError",
    "TrackTags", "VideoCodec", "convert", "convert_all", "probe", "read_cover", "read_tags",
    "tag_file",
]
