"""Following runs: node view, verdict and exit code, transitions, Ctrl-C, log locations.

The Glue responses go through a real boto3 client with botocore's Stubber, which checks every response against
the Glue service model; these tests cover the client-side logic, not a live service.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from glue_shapes import (
    ALL_SUCCEEDED,
    CRAWLED,
    JOB_FAILED_TWICE,
    RUNNING,
    WORKFLOW,
    at,
    crawl,
    crawler_node,
    workflow_run,
)
from rich.console import Console

from glueflow.follow import (
    EXIT_FAILED,
    EXIT_OK,
    Follower,
    FollowTarget,
    PollPolicy,
    exit_code,
    log_locations,
    print_summary,
    run_status,
)

RUN = "wr_0001"


@pytest.fixture
def glue() -> Iterator[tuple[Any, Stubber]]:
    client = boto3.client("glue", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def _expect_run(stubber: Stubber, response: dict[str, Any]) -> None:
    stubber.add_response("get_workflow_run", response, {"Name": WORKFLOW, "RunId": RUN, "IncludeGraph": True})


def test_nodes_come_in_dag_order_with_display_names_attempts_and_durations() -> None:
    status = run_status("customer_purchases", JOB_FAILED_TWICE["Run"])

    assert [(n.name, n.type) for n in status.nodes] == [
        ("source", "CRAWLER"),
        ("map_purchases", "JOB"),
        ("target", "CRAWLER"),
    ]
    job = status.nodes[1]
    assert (job.state, job.attempts, job.error, job.job_run_id) == (
        "FAILED",
        2,
        "ValueError: bad row",
        "jr_map-purchases_1",
    )
    assert job.duration(datetime.now(UTC)) == 14.0  # first attempt's start to the last attempt's end
    assert status.nodes[2].state == "NOT RUN"


def test_a_completed_run_with_a_failed_node_is_a_failure() -> None:
    status = run_status("customer_purchases", JOB_FAILED_TWICE["Run"])

    assert status.status == "COMPLETED"
    assert not status.succeeded
    assert exit_code([status]) == EXIT_FAILED


def test_exit_code_is_zero_only_when_every_node_that_ran_succeeded() -> None:
    good = run_status("a", ALL_SUCCEEDED["Run"])
    stopped = run_status("b", {**ALL_SUCCEEDED["Run"], "Status": "STOPPED"})
    running = run_status("c", RUNNING["Run"])

    assert exit_code([good]) == EXIT_OK
    assert exit_code([good, running]) == EXIT_OK  # `status` of a run still going is not a failure
    assert exit_code([good, stopped]) == EXIT_FAILED
    assert running.nodes[1].state == "PENDING"


def test_aws_polling_backs_off_while_nothing_changes_and_restarts_on_a_change() -> None:
    policy = PollPolicy.for_env(local=False)
    waits = [policy.initial]
    for changed in (False, False, False, True, False):
        waits.append(policy.next(waits[-1], changed))

    assert waits == [2.0, 3.0, 4.5, 6.75, 2.0, 3.0]
    assert PollPolicy.for_env(local=True).next(0.1, False) <= 0.2


def _follower(glue: Any, console: Console, on_interrupt: Any = None, sleeps: list[float] | None = None) -> Follower:
    def sleep(seconds: float) -> None:
        if sleeps is not None:
            sleeps.append(seconds)

    return Follower(
        glue,
        [FollowTarget("customer_purchases", WORKFLOW, RUN)],
        console,
        policy=PollPolicy.for_env(local=False),
        live=False,
        on_interrupt=on_interrupt or (lambda runs: "continue"),
        sleep=sleep,
    )


def test_following_prints_one_line_per_transition_until_the_run_ends(glue: tuple[Any, Stubber]) -> None:
    client, stubber = glue
    for response in (RUNNING, RUNNING, CRAWLED, JOB_FAILED_TWICE):
        _expect_run(stubber, response)
    console = Console(record=True, width=200)
    sleeps: list[float] = []

    [final] = _follower(client, console, sleeps=sleeps).follow()

    lines = [line.split("  ", 1)[1] for line in console.export_text().splitlines()]
    assert lines == [
        "customer_purchases  run wr_0001  RUNNING",
        "customer_purchases  source (CRAWLER)  RUNNING  attempt 0",
        "customer_purchases  source (CRAWLER)  SUCCEEDED  attempt 0  30.0s",
        "customer_purchases  map_purchases (JOB)  RUNNING  attempt 0",
        "customer_purchases  map_purchases (JOB)  FAILED  attempt 1  14.0s  ValueError: bad row",
        "customer_purchases  target (CRAWLER)  NOT RUN",
        "customer_purchases  run wr_0001  COMPLETED",  # a run's end comes after its last nodes
    ]
    assert sleeps == [2.0, 3.0, 2.0]  # backed off while unchanged, reset after the change
    assert final.status == "COMPLETED" and not final.succeeded


def test_ctrl_c_then_stop_stops_the_run_and_follows_it_to_stopped(glue: tuple[Any, Stubber]) -> None:
    client, stubber = glue
    _expect_run(stubber, RUNNING)
    _expect_run(stubber, RUNNING)  # polled again when Ctrl-C arrives, for the prompt
    stubber.add_response("stop_workflow_run", {}, {"Name": WORKFLOW, "RunId": RUN})
    _expect_run(stubber, {"Run": {**ALL_SUCCEEDED["Run"], "Status": "STOPPED"}})
    interrupts = iter([KeyboardInterrupt()])
    asked: list[int] = []

    def sleep(seconds: float) -> None:
        if error := next(interrupts, None):
            raise error

    follower = _follower(client, Console(record=True), on_interrupt=lambda runs: asked.append(len(runs)) or "stop")
    follower.sleep = sleep

    [final] = follower.follow()

    assert asked == [1]
    assert final.status == "STOPPED"
    assert exit_code([final]) == EXIT_FAILED


def test_ctrl_c_then_detach_returns_at_once_leaving_the_run_going(glue: tuple[Any, Stubber]) -> None:
    client, stubber = glue
    _expect_run(stubber, RUNNING)
    _expect_run(stubber, RUNNING)

    def sleep(seconds: float) -> None:
        raise KeyboardInterrupt

    follower = _follower(client, Console(record=True), on_interrupt=lambda runs: "detach")
    follower.sleep = sleep

    [last] = follower.follow()

    assert follower.detached and last.status == "RUNNING"


def test_failed_aws_nodes_point_at_their_cloudwatch_log_group_and_stream() -> None:
    status = run_status("customer_purchases", JOB_FAILED_TWICE["Run"])
    job = status.nodes[1]

    lines = log_locations(status, job, "dev", "eu-west-1", local=False)

    assert (
        lines[0]
        == "CloudWatch log group /aws-glue/jobs/error, stream jr_map-purchases_1 (stdout: /aws-glue/jobs/output)"
    )
    assert "/aws-glue/jobs/logs-v2" in lines[1]
    assert lines[2].startswith("https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:")
    assert "jr_map-purchases_1" in lines[2]


def test_failed_crawls_point_at_the_crawler_log_stream() -> None:
    run = workflow_run(
        RUN,
        "COMPLETED",
        [
            crawler_node(
                "source",
                {
                    **crawl("FAILED", 0, 5, "no data"),
                    "LogGroup": "/aws-glue/crawlers",
                    "LogStream": f"{WORKFLOW}-source",
                },
            )
        ],
        end=6,
    )
    status = run_status("customer_purchases", run["Run"])

    [crawler] = status.failed_nodes

    assert log_locations(status, crawler, "dev", "eu-west-1", local=False)[0] == (
        f"CloudWatch log group /aws-glue/crawlers, stream {WORKFLOW}-source"
    )


def test_local_failures_point_at_the_logs_command() -> None:
    status = run_status("customer_purchases", JOB_FAILED_TWICE["Run"])

    lines = log_locations(status, status.nodes[1], "local", "us-east-1", local=True)

    assert lines[0] == f"glueflow logs --env local -p customer_purchases --node map_purchases --run-id {RUN}"


def test_the_summary_names_failed_nodes_their_errors_and_glue_s_own_status() -> None:
    console = Console(record=True, width=160)
    status = run_status("customer_purchases", JOB_FAILED_TWICE["Run"])

    print_summary(console, [status], env_name="dev", region="eu-west-1", local=False, now=at(60))

    text = console.export_text()
    assert "map_purchases" in text and "FAILED" in text and "ValueError: bad row" in text
    assert "1 node(s) failed; Glue still says COMPLETED" in text
    assert "/aws-glue/jobs/error" in text


def test_on_a_terminal_the_live_table_shows_every_node_and_ends_with_the_final_states(
    glue: tuple[Any, Stubber],
) -> None:
    client, stubber = glue
    for response in (RUNNING, ALL_SUCCEEDED):
        _expect_run(stubber, response)
    console = Console(record=True, width=120, force_terminal=True)
    follower = _follower(client, console)
    follower.live = True

    [final] = follower.follow()

    text = console.export_text()
    assert final.succeeded
    for name in ("source", "map_purchases", "target"):
        assert name in text
    assert "customer_purchases wr_0001: COMPLETED" in text
