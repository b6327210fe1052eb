"""Control messages to agents over SQS, addressed to the agent that works on the ticket.

Each agent reads its own control queue (`<prefix>-agent-<id>-control`, made by the agent on
start). A cancel goes to the agents the ticket names (the one downloading, converting or
placing it, the one keeping its catalogued files); when it names none, to every agent heard
of lately, and, with none of those either, to the shared control queue older agents read.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.domain.agents import agent_queue_name, agents_holding
from chalicelib.domain.stage_protocol import control_message
from chalicelib.domain.ticket import Ticket

log = logging.getLogger("quentin.flow")
SHARED = "agent-control"


class SqsAgentControl:
    def __init__(self, sqs: Any, prefix: str, alive_agents: Callable[[], list[str]]) -> None:
        self._sqs = sqs
        self._prefix = prefix
        self._alive = alive_agents

    def cancel(self, ticket: Ticket) -> list[str]:
        """Tell the agents working on `ticket` to stop and clean up; the queues reached."""
        body = json.dumps(control_message("cancel", ticket.ticket_id))
        agents = agents_holding(ticket)
        if not agents:
            try:
                agents = self._alive()
            except Exception:  # the registry unreachable: the shared queue below still works
                log.warning("agent registry unreachable", exc_info=True)
        names = [agent_queue_name(self._prefix, a, "control") for a in agents]
        reached = [name for name in names if self._send(name, body, ticket.ticket_id)]
        if not reached and self._send(f"{self._prefix}-{SHARED}", body, ticket.ticket_id):
            reached.append(f"{self._prefix}-{SHARED}")
        return reached

    def _send(self, queue_name: str, body: str, ticket_id: str) -> bool:
        try:
            url = self._sqs.get_queue_url(QueueName=queue_name)["QueueUrl"]
            self._sqs.send_message(QueueUrl=url, MessageBody=body)
        except ClientError as exc:
            # An agent that never started has no queue: it holds nothing of the ticket.
            log.warning("cancel not sent to %s: %s", queue_name,
                        exc.response["Error"]["Code"], extra={"ticket_id": ticket_id})
            return False
        return True
