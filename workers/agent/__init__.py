"""The on-prem agent: polls the stage queues and does download, convert and place for real.

Run it with ``python -m workers.agent --config config.toml``; see ``agent.Agent``.
"""
