"""The blocklist: releases never to grab again, by info hash and by normalised release title.

A release is often listed by several indexers, each decorating its title a little
differently ("[rarbg]", "www.site.org - ", dots for spaces, "-Obfuscated"). The title key
folds those away so blocking a release on one indexer blocks it on every other one too.
The release group itself is kept: another group's encode is another release.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.domain.errors import FieldError, ValidationError
from chalicelib.domain.magnet import normalise_info_hash

MAX_TITLE_LENGTH = 500
MAX_REASON_LENGTH = 1000

_I = re.IGNORECASE
_TLD = r"(?:com|org|net|to|se|me|cc|info|ws|xyz|re|is|ag|tv|eu|io|co|in|ru|nu|ch|lol|pw|mx)"
# "www.site.org - Title", "[site.com] Title", "【site.net】Title"
_SITE_PREFIX = re.compile(
    rf"^\s*[\[({{【]?\s*(?:www\.)?[a-z0-9-]+\.{_TLD}\s*[\])}}】]?\s*[-:|]*\s*", _I
)
_SITE_TAG = re.compile(rf"[\[({{]\s*(?:www\.)?[a-z0-9-]+\.{_TLD}\s*[\])}}]", _I)
# Tags trackers and reposters append; they say where a release was seen, not what it is.
_TRACKER_TAG = re.compile(
    r"[\[({]\s*(?:rarbg|rartv|eztv(?:\.\w+)?|ettv|tgx|torrentgalaxy|1337x|publichd|"
    r"glodls|kat|isohunt|zooqle|limetorrents|nyaa(?:\.si)?)\s*[\])}]",
    _I,
)
_REPOST_SUFFIX = re.compile(r"[-_. ](?:obfuscated|scrambled|postbot|xpost|repost|rp)\s*$", _I)
_EXTENSION = re.compile(r"\.(?:torrent|nzb|mkv|mp4|avi|m4v|epub|zip|rar)\s*$", _I)
_NOT_WORD = re.compile(r"[\W_]+")


def release_title_key(title: str) -> str:
    """The release title folded for blocklisting: decorations, case and punctuation dropped.

    'www.Site.org - Pink.Floyd-Animals-WEB-2016-GRP [rarbg]' and
    'Pink Floyd - Animals WEB 2016 GRP' give the same key.
    """
    text = unicodedata.normalize("NFKC", title).strip()
    for _ in range(2):  # a title may carry a tracker tag after an extension, or vice versa
        text = _SITE_PREFIX.sub("", text)
        text = _SITE_TAG.sub(" ", text)
        text = _TRACKER_TAG.sub(" ", text).strip()
        text = _EXTENSION.sub("", text).strip()
        text = _REPOST_SUFFIX.sub("", text).strip()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_WORD.sub(" ", plain).strip()


def block_entry_id(info_hash: str | None, title_key: str) -> str:
    """The entry's key: its info hash, or a digest of the title key when no hash is known."""
    if info_hash:
        return info_hash
    return "title:" + hashlib.sha256(title_key.encode("utf-8")).hexdigest()[:40]


@dataclass(frozen=True)
class BlockEntry:
    """One blocked release: who blocked it, when, and why."""

    entry_id: str
    title: str
    title_key: str
    reason: str
    actor: str
    blocked_at: datetime
    info_hash: str | None = None

    @classmethod
    def create(
        cls, info_hash: str | None, title: str, reason: str, actor: str, at: datetime
    ) -> BlockEntry:
        """A validated entry; ValidationError names each bad field."""
        errors: list[FieldError] = []
        hash_value: str | None = None
        if info_hash:
            try:
                hash_value = normalise_info_hash(info_hash)
            except ValueError as e:
                errors.append(FieldError("info_hash", str(e)))
        key = release_title_key(title) if title else ""
        if not key:
            errors.append(FieldError("title", "must name the release"))
        elif len(title) > MAX_TITLE_LENGTH:
            errors.append(FieldError("title", f"must be at most {MAX_TITLE_LENGTH} characters"))
        if not reason.strip():
            errors.append(FieldError("reason", "must say why the release is blocked"))
        elif len(reason) > MAX_REASON_LENGTH:
            errors.append(FieldError("reason", f"must be at most {MAX_REASON_LENGTH} characters"))
        if not actor:
            errors.append(FieldError("actor", "must not be empty"))
        if errors:
            raise ValidationError(errors)
        return cls(
            entry_id=block_entry_id(hash_value, key),
            title=title.strip(),
            title_key=key,
            reason=reason.strip(),
            actor=actor,
            blocked_at=at,
            info_hash=hash_value,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "entry_id": self.entry_id,
            "info_hash": self.info_hash,
            "title": self.title,
            "title_key": self.title_key,
            "reason": self.reason,
            "actor": self.actor,
            "blocked_at": self.blocked_at.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BlockEntry:
        return cls(
            entry_id=data["entry_id"],
            title=data["title"],
            title_key=data["title_key"],
            reason=data["reason"],
            actor=data["actor"],
            blocked_at=datetime.fromisoformat(data["blocked_at"]),
            info_hash=data.get("info_hash"),
        )
