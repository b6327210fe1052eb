"""Reusable test support: a loopback BitTorrent swarm and sample content."""
