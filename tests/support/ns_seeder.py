"""A libtorrent seeder run inside a test's network namespace (see tests/support/netns.py).

`python -m tests.support.ns_seeder ADDRESS TORRENT DATA_DIR`: seeds TORRENT from DATA_DIR on
ADDRESS only, prints its port and "seeding" once ready, and exits when stdin closes.
"""

from __future__ import annotations

import sys
import time

import libtorrent as lt


def main(address: str, torrent: str, data_dir: str) -> None:
    session = lt.session({
        "listen_interfaces": f"{address}:0", "outgoing_interfaces": address,
        "enable_dht": False, "enable_lsd": False, "enable_upnp": False, "enable_natpmp": False,
        "enable_outgoing_utp": False, "enable_incoming_utp": False, "alert_mask": 0,
    })
    params = lt.add_torrent_params()
    params.ti = lt.torrent_info(torrent)
    params.save_path = data_dir
    handle = session.add_torrent(params)
    deadline = time.monotonic() + 30
    while not handle.status().is_seeding:
        if time.monotonic() > deadline:
            sys.exit("not seeding after 30 s")
        time.sleep(0.05)
    print(session.listen_port(), flush=True)
    print("seeding", flush=True)
    sys.stdin.read()  # until the test closes our stdin
    print(handle.status().total_payload_upload, flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
