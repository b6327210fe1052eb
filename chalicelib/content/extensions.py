"""Which file extensions hold which kind of content."""

from __future__ import annotations

LOSSLESS_AUDIO = frozenset({"flac", "alac", "ape", "wav", "wv", "aiff", "aif", "dsf", "dff"})
LOSSY_AUDIO = frozenset({"mp3", "ogg", "oga", "opus", "m4a", "aac", "wma", "mpc"})
AUDIO = LOSSLESS_AUDIO | LOSSY_AUDIO
VIDEO = frozenset({"mkv", "mp4", "avi", "m4v", "mov", "wmv", "ts", "m2ts", "webm", "mpg", "mpeg",
                   "divx", "ogm", "rmvb", "flv"})
IMAGE = frozenset({"jpg", "jpeg", "png", "gif", "webp", "bmp"})
EBOOK = frozenset({"epub", "mobi", "azw", "azw3", "pdf", "djvu", "fb2", "cbz", "cbr"})
SOFTWARE = frozenset({"exe", "msi", "dmg", "pkg", "deb", "rpm", "appimage", "iso", "zip", "7z",
                      "rar", "tar", "gz", "xz", "bz2"})
# ALAC is stored in .m4a like AAC; the extension alone cannot tell them apart.
AMBIGUOUS_AUDIO = frozenset({"m4a"})


def extension_of(path: str) -> str:
    """The lower-case extension of the last path segment without its dot; '' when none."""
    name = path.rsplit("/", 1)[-1]
    if "." not in name.strip("."):
        return ""
    return name.rsplit(".", 1)[-1].lower()
