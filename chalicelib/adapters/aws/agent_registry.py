"""Agents' heartbeats on DynamoDB, in the catalog table under one partition, `agents`.

The catalog table already belongs to what the agents keep (their torrents); a separate
partition keeps heartbeats out of every catalog query (those look up `torrent#<hash>` and
the sparse content indexes, which these rows never enter). Listing is one Query.
"""

from __future__ import annotations

import json

from pynamodb.exceptions import DoesNotExist

from chalicelib.adapters.aws.searcher_models import SearcherModels
from chalicelib.domain.agents import AgentBeat

AGENTS_PARTITION = "agents"


class DynamoAgentRegistry:
    def __init__(self, models: SearcherModels) -> None:
        self._model = models.catalog

    def beat(self, beat: AgentBeat) -> None:
        self._model(AGENTS_PARTITION, beat.agent_id, info_hash="-",
                    document=json.dumps(beat.to_dict())).save()

    def get(self, agent_id: str) -> AgentBeat | None:
        try:
            row = self._model.get(AGENTS_PARTITION, agent_id)
        except DoesNotExist:
            return None
        return AgentBeat.from_dict(json.loads(row.document or "{}"))

    def agents(self) -> list[AgentBeat]:
        return sorted((AgentBeat.from_dict(json.loads(row.document or "{}"))
                       for row in self._model.query(AGENTS_PARTITION)),
                      key=lambda beat: beat.agent_id)
