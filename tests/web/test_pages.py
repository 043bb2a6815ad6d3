"""The web console over HTTP on `glueflow serve`'s endpoint, on a finished run of a small pipeline: every page
renders what the Glue API says, user data is escaped, logs download only through a run's own job runs and crawls."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path
from urllib.parse import quote

import pytest
from markupsafe import escape

from glueflow import cost
from glueflow.web import logs as logfiles

from .conftest import HOSTILE, Console

pytestmark = pytest.mark.slow


def _run_path(console: Console) -> str:
    return f"/workflows/{console.workflow}/runs/{console.run_id}"


def _section(html: str, node_id: str) -> str:
    """The details section of one node on a run page."""
    start = html.index(f'<section class="node-detail" id="node-{node_id}"')
    return html[start : html.index("</section>", start)]


def _api_run(console: Console) -> dict:
    return console.services.runtime.call(
        "GetWorkflowRun", {"Name": console.workflow, "RunId": console.run_id, "IncludeGraph": True}
    )["Run"]


def _node_ids(console: Console) -> dict[str, str]:
    return {n["Name"]: n["UniqueId"] for n in _api_run(console)["Graph"]["Nodes"]}


def test_the_home_page_lists_the_pipeline_with_its_last_run(console: Console) -> None:
    status, headers, html = console.get("/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    row = html[html.index(f'data-workflow="{console.workflow}"') :]
    row = row[: row.index("</tr>")]
    assert ">console_demo</a>" in row and "A crawl, a job, a job that fails, and its handler." in row
    assert "COMPLETED" in row and "3 / 1" in row  # Glue: COMPLETED even with a failed action; 3 ok, 1 failed
    assert f"/runs/{console.run_id}" in row


def test_the_workflow_page_draws_the_graph_and_lists_the_run(console: Console) -> None:
    status, _, html = console.get(f"/workflows/{console.workflow}")
    assert status == 200
    labels = re.findall(r'data-node="([^"]+)" data-type="(\w+)"', html)
    assert sorted(labels) == sorted(
        [("landing", "CRAWLER"), ("prepare", "JOB"), ("boom", "JOB"), ("cleanup", "JOB")]
        + [(t, "TRIGGER") for t in ("go", "landed", "prepared", "boom_failed")]
    )
    assert html.count('class="edge"') == 7
    row = html[html.index(f'data-run-id="{console.run_id}"') :]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row[: row.index("</tr>")], re.S)
    assert "COMPLETED" in cells[1]
    assert [c.strip() for c in cells[4:7]] == ["3", "1", "4"]  # succeeded, failed, actions
    # the cost is glueflow.cost's on the API's run (the crawl alone is billed its 10-minute minimum)
    expected = cost.workflow_run_cost(_api_run(console))
    assert expected.billed_dpu_seconds >= 600
    assert cells[7].strip() == cost.format_usd(expected.usd)


def test_the_run_page_colours_nodes_by_state_and_shows_the_failure(console: Console) -> None:
    status, _, html = console.get(_run_path(console))
    assert status == 200
    states = dict(re.findall(r'data-node="([^"]+)" data-type="(?:JOB|CRAWLER)" data-state="(\w*)"', html))
    assert states == {"landing": "SUCCEEDED", "prepare": "SUCCEEDED", "boom": "FAILED", "cleanup": "SUCCEEDED"}
    triggers = dict(re.findall(r'data-node="([^"]+)" data-type="TRIGGER" data-state="(\w*)"', html))
    assert triggers == dict.fromkeys(("go", "landed", "prepared", "boom_failed"), "FIRED")
    assert html.count('class="edge taken"') == 7  # every edge: the run went all the way
    ids = _node_ids(console)
    boom = _section(html, ids[console.physical("boom")])
    error = re.search(r'<pre class="error-message">(.*?)</pre>', boom, re.S)[1]  # the job run's ErrorMessage
    assert "RuntimeError: boom failed on purpose" in unescape(error)
    assert "started with mode fail" in boom  # the log tail
    assert re.search(r"<dt>capacity</dt><dd>0\.0625 DPU</dd>", boom)
    [job_run] = console.services.runtime.call("GetJobRuns", {"JobName": console.physical("boom")})["JobRuns"]
    assert f'<dt>cost</dt><dd class="cost">{cost.format_usd(cost.job_run_cost(job_run).usd)}</dd>' in boom
    assert "FAILED" in html[html.index('class="edge-label"') :]  # boom → boom_failed is labelled with its state


def test_a_crawl_shows_the_tables_it_created(console: Console) -> None:
    _, _, html = console.get(_run_path(console))
    landing = _section(html, _node_ids(console)[console.physical("landing")])
    assert "1 created · 0 updated · 0 deleted" in landing
    assert "Created: <code>landing</code>" in landing


def test_user_data_is_escaped_everywhere(console: Console) -> None:
    _, _, html = console.get(_run_path(console))
    assert "<script>alert" not in html and "<img src=x" not in html
    escaped = str(escape(HOSTILE))
    assert escaped == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
    assert html.count(escaped) >= 2  # the job argument and the run property
    _, headers, _ = console.get("/")
    assert "script-src 'self'" in headers["Content-Security-Policy"] and headers["X-Content-Type-Options"] == "nosniff"


def test_a_log_downloads_through_its_job_run(console: Console) -> None:
    _, _, html = console.get(_run_path(console))
    boom = _section(html, _node_ids(console)[console.physical("boom")])
    link = unescape(re.search(r'<a class="download" href="([^"]+)"', boom)[1])
    status, headers, body = console.get(link)
    assert status == 200 and headers["Content-Disposition"].startswith('attachment; filename="boom-jr_')
    job_run = console.services.runtime.call("GetJobRuns", {"JobName": console.physical("boom")})["JobRuns"][0]
    assert body == (Path(job_run["LogGroupName"]) / f"{job_run['Id']}.log").read_text()
    assert "RuntimeError" in body


@pytest.mark.parametrize(
    "tail",
    [
        "nodes/{boom}/logs/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "nodes/{boom}/logs/%2Fetc%2Fpasswd",
        "nodes/..%2F..%2Fglueflow.sqlite/logs/x",
        "nodes/{cleanup}/logs/{boom_run}",  # a real job run, but of another node
    ],
)
def test_no_url_reads_a_file_it_should_not(console: Console, tail: str) -> None:
    boom_run = console.services.runtime.call("GetJobRuns", {"JobName": console.physical("boom")})["JobRuns"][0]["Id"]
    path = f"{_run_path(console)}/" + tail.format(
        boom=quote(console.physical("boom")), cleanup=quote(console.physical("cleanup")), boom_run=boom_run
    )
    status, _, body = console.get(path)
    assert status == 404 and "root:" not in body


def test_static_files_are_a_fixed_list(console: Console) -> None:
    assert console.get("/static/console.js")[0] == 200
    assert console.get("/static/..%2F__init__.py")[0] == 404
    assert console.get("/static/app.py")[0] == 404


def test_the_log_folder_confines_symlinks(tmp_path: Path) -> None:
    logs = tmp_path / "state" / "logs" / "jobs"
    logs.mkdir(parents=True)
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    (logs / "jr_1.log").symlink_to(secret)
    (logs / "jr_2.log").write_text("fine\n")
    assert logfiles.confined_log(tmp_path / "state", str(logs), "jr_1.log") is None
    assert logfiles.confined_log(tmp_path / "state", str(logs), "jr_2.log") is not None
    assert logfiles.confined_log(tmp_path / "state", str(tmp_path), "secret.txt") is None


def test_the_live_route_reports_states_as_json(console: Console) -> None:
    status, headers, body = console.get(f"/api{_run_path(console)}")
    assert status == 200 and headers["Content-Type"] == "application/json"
    state = json.loads(body)
    ids = _node_ids(console)
    assert state["status"] == "COMPLETED" and state["live"] is False
    assert state["nodes"][ids[console.physical("boom")]] == "FAILED"
    assert state["nodes"][ids[console.physical("landing")]] == "SUCCEEDED"
    assert (state["succeeded"], state["failed"], state["total"]) == (3, 1, 4)


def test_unknown_things_are_404_and_foreign_hosts_are_refused(console: Console) -> None:
    assert console.get("/workflows/nope")[0] == 404
    assert console.get(f"/workflows/{console.workflow}/runs/wr_nope")[0] == 404
    assert console.get("/etc/passwd")[0] == 404
    port = console.url.rsplit(":", 1)[1]
    assert console.get("/", host=f"attacker.example:{port}")[0] == 421
    assert console.get("/", host=f"localhost:{port}")[0] == 200


def test_the_console_reads_the_same_through_boto3(console: Console) -> None:
    """Any Glue client will do: a boto3 client on the endpoint (datetimes, not epoch seconds) gives the same page."""
    import boto3
    from botocore import xform_name

    from glueflow.web.app import ConsoleApp
    from glueflow.web.model import Names
    from glueflow.web.views import Console as Reads

    client = boto3.client(
        "glue", endpoint_url=console.url, region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
    )
    state_dir = console.deployment.state_dir
    names = Names.of(console.deployment.tfvars)
    app = ConsoleApp(Reads(lambda op, params: getattr(client, xform_name(op))(**params), state_dir, names))
    page = app.get(_run_path(console)).body.decode()
    _, _, served = console.get(_run_path(console))

    def states(html: str) -> list[tuple[str, str]]:
        return re.findall(r'data-node="([^"]+)" data-type="\w+" data-state="(\w*)"', html)

    assert states(page) == states(served) and ("boom", "FAILED") in states(page)
    assert re.findall(r'<dd class="cost">([^<]+)</dd>', page) == re.findall(r'<dd class="cost">([^<]+)</dd>', served)
    assert "RuntimeError: boom failed on purpose" in page
