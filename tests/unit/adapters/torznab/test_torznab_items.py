from chalicelib.adapters.torznab.documents import parse_xml
from chalicelib.adapters.torznab.items import parse_feed

HEAD = (
    '<?xml version="1.0"?><rss version="2.0" xmlns:torznab="http://torznab.com/schemas/2015/feed">'
    "<channel><title>Chan</title>"
)
TAIL = "</channel></rss>"


def _feed(items: str) -> tuple[list, int]:  # type: ignore[type-arg]
    feed = parse_feed(parse_xml((HEAD + items + TAIL).encode(), "idx"), "idx")
    return list(feed.candidates), feed.dropped


def test_item_without_magnet_or_link_is_dropped_and_counted() -> None:
    candidates, dropped = _feed(
        "<item><title>kept</title><link>http://x/1.torrent</link></item>"
        "<item><title>no link</title><size>5</size></item>"
        "<item><link>http://x/2.torrent</link></item>"
    )
    assert [c.title for c in candidates] == ["kept"]
    assert dropped == 2


def test_leechers_from_peers_and_peers_from_leechers() -> None:
    candidates, _ = _feed(
        "<item><title>a</title><link>http://x/a</link>"
        '<torznab:attr name="seeders" value="5"/><torznab:attr name="peers" value="9"/></item>'
        "<item><title>b</title><link>http://x/b</link>"
        '<torznab:attr name="seeders" value="5"/><torznab:attr name="leechers" value="2"/></item>'
        "<item><title>c</title><link>http://x/c</link>"
        '<torznab:attr name="seeders" value="7"/><torznab:attr name="peers" value="3"/></item>'
    )
    assert [(c.seeders, c.leechers, c.peers) for c in candidates] == [
        (5, 4, 9),
        (5, 2, 7),
        (7, 0, 3),
    ]


def test_info_hash_from_base32_magnet_when_no_infohash_attr() -> None:
    candidates, _ = _feed(
        "<item><title>a</title>"
        '<enclosure url="magnet:?xt=urn:btih:VU2QYN66WU7FTPXSG3TFDRXW6KTEBPBF&amp;dn=a" '
        'type="application/x-bittorrent;x-scheme-handler/magnet" length="0"/></item>'
    )
    (candidate,) = candidates
    assert candidate.info_hash == "ad350c37deb53e59bef236e651c6f6f2a640bc25"
    assert candidate.magnet_uri == "magnet:?xt=urn:btih:VU2QYN66WU7FTPXSG3TFDRXW6KTEBPBF&dn=a"
    assert candidate.size is None


def test_volume_factors_files_indexer_and_bad_numbers() -> None:
    candidates, _ = _feed(
        "<item><title>a</title><link>http://x/a</link>"
        '<jackettindexer id="rutracker">RuTracker</jackettindexer>'
        "<comments>http://x/details/1#comments</comments>"
        "<pubDate>not a date</pubDate>"
        '<torznab:attr name="downloadvolumefactor" value="0"/>'
        '<torznab:attr name="uploadvolumefactor" value="2"/>'
        '<torznab:attr name="files" value="12"/>'
        '<torznab:attr name="seeders" value="many"/>'
        '<torznab:attr name="infohash" value="nonsense"/>'
        '<torznab:attr name="category" value="3040"/>'
        "<category>3040</category><category>Audio</category></item>"
    )
    (candidate,) = candidates
    assert candidate.indexer == "RuTracker"
    assert candidate.indexer_id == "idx"
    assert candidate.download_volume_factor == 0.0
    assert candidate.upload_volume_factor == 2.0
    assert candidate.files_count == 12
    assert candidate.seeders is None
    assert candidate.info_hash is None
    assert candidate.publish_date is None
    assert candidate.categories == (3040,)
    assert candidate.info_url == "http://x/details/1"


def test_empty_feed_is_fine() -> None:
    assert _feed("") == ([], 0)
