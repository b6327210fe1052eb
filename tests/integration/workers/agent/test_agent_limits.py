"""The agent never runs more downloads at once than `max_concurrent_downloads`."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from chalicelib.domain.stage_protocol import SCHEMA, Stage
from tests.integration.workers.agent.harness import Harness, make_harness
from workers.agent.agent import Agent
from workers.agent.flow_answers import FlowAnswers
from workers.agent.settings import AgentSettings
from workers.agent.task import StageTask


class SlowRunner:
    """Stands in for the task runner: each task takes a while; concurrency is recorded."""

    def __init__(self, harness: Harness) -> None:
        self.harness = harness
        self.running = 0
        self.most = 0
        self.done: list[str] = []
        self.lock = threading.Lock()

    def run(self, task: StageTask) -> str:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(0.6)
        self.harness.sqs.delete_message(QueueUrl=task.queue_url,
                                        ReceiptHandle=task.receipt_handle)
        with self.lock:
            self.running -= 1
            self.done.append(task.ticket_id)
        return "success"


def test_downloads_are_limited_to_the_configured_number(agent_aws: str, tmp_path: Path) -> None:
    harness = make_harness(agent_aws, tmp_path,
                           orchestrator={"max_concurrent_downloads": 2})
    for n in range(5):
        body = {"schema": SCHEMA, "stage": Stage.DOWNLOAD.value, "ticket_id": f"t{n}",
                "task_token": f"token-{n}", "priority": 100, "work": None, "results": {}}
        harness.sqs.send_message(QueueUrl=harness.queue(Stage.DOWNLOAD),
                                 MessageBody=json.dumps(body))
    settings = AgentSettings.from_config(harness.config, tmp_path)
    runner = SlowRunner(harness)
    answers = FlowAnswers(harness.sfn, harness.sqs)
    agent = Agent(settings, harness.sqs, answers, runner,  # type: ignore[arg-type]
                  lambda ticket_id: None)
    thread = threading.Thread(target=agent.run, kwargs={"once": True}, daemon=True)
    thread.start()
    thread.join(timeout=60)
    assert sorted(runner.done) == [f"t{n}" for n in range(5)]
    assert runner.most == 2
