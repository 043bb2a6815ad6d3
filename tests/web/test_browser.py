"""The console in a real browser (Debian's chromium, headless, driven by Playwright) watching a live run of the
shipped retail_nightly pipeline whose cleaning job fails its data-quality gate: the graph shows both crawlers, the
AND join and the FAILED branch; the page recolours nodes by itself as the run goes on; the failed node shows its
error and log; the history lists the run with its cost. Saves a screenshot of the run page in build/reports/.

Skipped with the reason when chromium is not installed (`.ci/run` installs it)."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from glueflow import cost
from glueflow.aws import local_client
from glueflow.local.services.serve import LocalServices, ServeSettings
from glueflow.spec import Deployment, load_deployment

pytestmark = [pytest.mark.slow, pytest.mark.spark]
REPO = Path(__file__).resolve().parents[2]
REPORTS = REPO / "build" / "reports"
CHROMIUM = os.environ.get("GLUEFLOW_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
RUN_TIMEOUT = 420
# Colours of the state palette in console.css, as getComputedStyle reports an SVG rect's fill.
FILLS = {"NOT_RUN": "rgb(246, 248, 250)", "RUNNING": "rgb(221, 244, 255)", "FAILED": "rgb(255, 235, 233)"}
NODE_JS = """name => {
  const node = document.querySelector(`g.node[data-node="${name}"]`);
  return [node.dataset.state, getComputedStyle(node.querySelector("rect")).fill];
}"""


@dataclass
class Retail:
    services: LocalServices
    deployment: Deployment

    @property
    def workflow(self) -> str:
        return self.deployment.tfvars.pipelines["retail_nightly"].workflow_name

    def start(self) -> str:
        glue = local_client("glue", self.services.url, self.deployment.env.region)
        return str(glue.start_workflow_run(Name=self.workflow)["RunId"])


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"chromium not found at {CHROMIUM}: install it (apt-get install chromium) to run the browser test")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the dev extra: make setup")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),  # a fresh --user-data-dir
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1600, "height": 1000},
        )
        context.set_default_timeout(30_000)
        yield context
        context.close()


@pytest.fixture(scope="module")
def retail(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Retail]:
    """`glueflow serve` on a copy of the repo's projects, with a duplicate order in the store sales: the
    cleaning job's data-quality gate fails it, so the FAILED branch (error handler) runs."""
    root = tmp_path_factory.mktemp("retail")
    for folder in ("pipelines", "envs", "glue_jobs"):
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    state = Path(tempfile.mkdtemp(prefix="glueflow-console-"))
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("GLUEFLOW_STATE_DIR", str(state))
            patch.delenv("AWS_ENDPOINT_URL_GLUE", raising=False)
            deployment = load_deployment("local", "retail_nightly", root=root)
            with LocalServices(deployment, ServeSettings(port=0, scheduler=False, watcher=False)) as services:
                raw = state / "s3" / deployment.tfvars.environment.buckets.raw / "retail_nightly" / "store_sales"
                header = (raw / "store_sales.csv").read_text().splitlines()[0]
                (raw / "late.csv").write_text(f"{header}\nS-1001,ST09,P100,1,12.50,2024-03-04,north\n")
                yield Retail(services, deployment)
    finally:
        shutil.rmtree(state, ignore_errors=True)


@pytest.fixture(scope="module")
def watched(browser: Any, retail: Retail) -> dict[str, Any]:
    """Start a run, open its page once and record what the page itself shows until the run ends."""
    run_id = retail.start()
    history = browser.new_page()  # the run history, open while the run goes on
    history.goto(f"{retail.services.url}/workflows/{retail.workflow}")
    history_status = history.locator(f'tr[data-run-id="{run_id}"] .badge').text_content()
    history.evaluate("window.loadedOnce = true")
    page = browser.new_page()
    page.goto(f"{retail.services.url}/workflows/{retail.workflow}/runs/{run_id}")
    page.evaluate("window.loadedOnce = true")  # gone if the page ever reloads
    seen: list[tuple[str, str]] = []
    deadline = time.monotonic() + RUN_TIMEOUT
    while page.get_attribute("#run", "data-live") == "true":
        assert time.monotonic() < deadline, f"the run did not finish in {RUN_TIMEOUT}s: {seen}"
        state = tuple(page.evaluate(NODE_JS, "clean_sales"))
        if not seen or seen[-1] != state:
            seen.append(state)
        page.wait_for_timeout(150)
    seen.append(tuple(page.evaluate(NODE_JS, "clean_sales")))
    REPORTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(REPORTS / "console-run.png"))
    return {
        "page": page,
        "history": history,
        "history_status": history_status,
        "run_id": run_id,
        "clean_sales": seen,
        "reloaded": not page.evaluate("window.loadedOnce"),
    }


def test_the_graph_shows_both_crawlers_the_and_join_and_the_failed_branch(watched: dict[str, Any]) -> None:
    page = watched["page"]
    crawlers = page.locator('g.node[data-type="CRAWLER"]')
    assert sorted(crawlers.evaluate_all("nodes => nodes.map(n => n.dataset.node)")) == ["online_orders", "store_sales"]
    join = page.locator('g.node[data-node="sources_crawled"]')
    assert join.locator(".node-sub").text_content() == "AND"
    assert page.locator('g.node[data-node="cleaning_failed"] .node-sub').text_content() == "ANY"
    labels = page.locator("text.edge-label").evaluate_all("nodes => nodes.map(n => n.textContent)")
    assert "FAILEDTIMEOUT" in labels  # clean_sales → cleaning_failed, on FAILED | TIMEOUT (two lines)
    # the layers run left to right: crawlers before the join before the job
    x = {
        n: page.locator(f'g.node[data-node="{n}"] rect').get_attribute("x") for n in ("store_sales", "sources_crawled")
    }
    assert float(x["store_sales"]) < float(x["sources_crawled"])


def test_node_colours_change_during_the_run_without_a_reload(watched: dict[str, Any]) -> None:
    seen = watched["clean_sales"]
    states = [state for state, _ in seen]
    assert "RUNNING" in states and states[-1] == "FAILED", seen
    assert states.index("RUNNING") < states.index("FAILED")
    fills = dict(seen)
    assert fills["RUNNING"] == FILLS["RUNNING"] and fills["FAILED"] == FILLS["FAILED"]
    assert not watched["reloaded"]
    page = watched["page"]
    assert page.locator('g.node[data-node="handle_errors"]').get_attribute("data-state") == "SUCCEEDED"
    assert page.locator('g.node[data-node="aggregate_sales"]').get_attribute("data-state") == "NOT_RUN"
    assert page.locator('[data-field="status"]').first.text_content() == "COMPLETED"
    # the path the run went: the FAILED branch's trigger fired and its edges are drawn as taken, the other not
    assert page.locator('g.node[data-node="cleaning_failed"]').get_attribute("data-state") == "FIRED"
    assert page.locator('g.node[data-node="cleaned"]').get_attribute("data-state") == ""
    ids = dict(page.locator("g.node").evaluate_all("nodes => nodes.map(n => [n.dataset.node, n.dataset.nodeId])"))

    def taken(source: str, target: str) -> bool:
        edge = page.locator(f'g.edge[data-source="{ids[source]}"][data-target="{ids[target]}"]')
        return "taken" in edge.get_attribute("class").split()

    assert taken("clean_sales", "cleaning_failed") and taken("cleaning_failed", "handle_errors")
    assert not taken("clean_sales", "cleaned") and not taken("aggregate_sales", "either_branch_done")


def test_the_failed_node_shows_its_error_and_log(watched: dict[str, Any]) -> None:
    page = watched["page"]
    section = page.locator('section.node-detail[data-node="clean_sales"]')
    assert section.get_attribute("data-state") == "FAILED"
    assert "is_unique(order_id): 1 duplicate row(s)" in section.locator("pre.error-message").text_content()
    assert "DataQualityError" in section.locator("pre.log-tail").text_content()
    link = section.locator("a.download").get_attribute("href")
    download = page.request.get(page.url.split("/workflows/")[0] + link)
    assert download.ok and "DataQualityError" in download.text()
    assert download.headers["content-disposition"].startswith('attachment; filename="clean_sales-jr_')
    counters = section.locator("table.counters").text_content()
    assert re.search(r"quarantined_sales\s*1", counters)


def test_the_history_lists_the_run_with_its_cost(watched: dict[str, Any], retail: Retail) -> None:
    # the history page opened at the start showed the run going on, and refreshed itself when it ended
    history = watched["history"]
    assert watched["history_status"] == "RUNNING"
    row = history.locator(f'tr[data-run-id="{watched["run_id"]}"]')
    row.locator(".badge", has_text="COMPLETED").wait_for(timeout=15_000)
    assert history.evaluate("window.loadedOnce")
    # and the run page's breadcrumb leads to the same history
    page = watched["page"]
    page.click("header nav a >> text=retail_nightly")
    row = page.locator(f'tr[data-run-id="{watched["run_id"]}"]')
    cells = row.locator("td").all_text_contents()
    assert cells[1].strip() == "COMPLETED" and cells[5].strip() == "1"  # one failed action: clean_sales
    run = retail.services.runtime.call(
        "GetWorkflowRun", {"Name": retail.workflow, "RunId": watched["run_id"], "IncludeGraph": True}
    )["Run"]
    expected = cost.format_usd(cost.workflow_run_cost(run, retail.deployment.env.pricing.pricing()).usd)
    assert row.locator("td.cost").text_content().strip() == expected
    assert re.fullmatch(r"\$\d+\.\d{4}", expected) and expected != "$0.0000"
