"""The seeding reaper under a storage budget: seeded torrents are kept for reuse until the
catalog names them (least recently used first), and never one still seeding to its goal."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from chalicelib.config import parse_config
from workers.agent.seeding_reaper import SeedingReaper
from workers.agent.settings import AgentSettings
from workers.agent.ticket_workdir import TicketWorkdir
from workers.torrent.client import TorrentNotFound, TorrentState, TorrentStatus

HASHES = {"old": "a" * 40, "new": "b" * 40, "young": "c" * 40}


def status(info_hash: str, ratio: float) -> TorrentStatus:
    return TorrentStatus(info_hash=info_hash, name=info_hash[:4], state=TorrentState.SEEDING,
                         progress=1.0, download_speed_bps=0, upload_speed_bps=0,
                         eta_seconds=None, downloaded_bytes=1000,
                         uploaded_bytes=int(ratio * 1000), ratio=ratio,
                         seeding_time_seconds=60, save_path=Path("/dl"), wanted_bytes=1000)


class Client:
    def __init__(self, ratios: dict[str, float]) -> None:
        self.ratios = ratios
        self.removed: list[str] = []

    def status(self, info_hash: str) -> TorrentStatus:
        if info_hash not in self.ratios:
            raise TorrentNotFound(info_hash)
        return status(info_hash, self.ratios[info_hash])

    def remove(self, info_hash: str, *, delete_data: bool) -> None:
        self.removed.append(info_hash)
        del self.ratios[info_hash]


@dataclass
class Kept:
    info_hash: str


class Catalog:
    """Names the cleanup candidates it was told to (the DynamoDB adapter's LRU rule is
    tested against moto in tests/integration/adapters/aws/test_torrent_catalog.py)."""

    def __init__(self, candidates: list[str]) -> None:
        self.candidates = candidates
        self.asked: list[int] = []
        self.removed: list[str] = []

    def get_cleanup_candidates(self, max_bytes: int) -> list[Kept]:
        self.asked.append(max_bytes)
        return [Kept(h) for h in self.candidates]

    def update_seeding(self, info_hash: str, ratio: float, seeding_secs: int) -> None:
        return None

    def remove(self, info_hash: str) -> None:
        self.removed.append(info_hash)

    def register_torrent(self, *args: object, **kwargs: object) -> None:
        return None


def setup(tmp_path: Path) -> AgentSettings:
    config = parse_config({"auth": {"method": "none"},
                           "torrent_client": {"seed_ratio": 1.0}}, {})
    settings = AgentSettings.from_config(config, tmp_path)
    for ticket, info_hash in HASHES.items():
        TicketWorkdir(settings.work_dir, ticket).update(info_hash=info_hash,
                                                        place_result={"files": []})
    return settings


def test_without_a_budget_every_seeded_torrent_goes(tmp_path: Path) -> None:
    settings = setup(tmp_path)
    client = Client({HASHES["old"]: 1.5, HASHES["new"]: 2.0, HASHES["young"]: 0.1})
    removed = SeedingReaper(settings, client, Catalog([])).sweep()  # type: ignore[arg-type]
    assert sorted(removed) == sorted([HASHES["old"], HASHES["new"]])


def test_with_a_budget_only_the_catalogs_candidates_go(tmp_path: Path) -> None:
    settings = setup(tmp_path)
    client = Client({HASHES["old"]: 1.5, HASHES["new"]: 2.0, HASHES["young"]: 0.1})
    # The catalog names the old torrent, and (wrongly) one still seeding: it must stay.
    catalog = Catalog([HASHES["old"], HASHES["young"]])
    reaper = SeedingReaper(settings, client, catalog, budget_bytes=5000)  # type: ignore[arg-type]
    assert reaper.sweep() == [HASHES["old"]]
    assert catalog.asked == [5000] and catalog.removed == [HASHES["old"]]
    assert set(client.ratios) == {HASHES["new"], HASHES["young"]}
