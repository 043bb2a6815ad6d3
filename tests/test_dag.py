"""The one workflow graph: built from Glue trigger shapes or a GetWorkflowRun graph, it answers downstream, order
and cycle questions the same way for every reader."""

from __future__ import annotations

from glueflow.dag import Node, WorkflowGraph
from glueflow.local.shapes import graph_shape

START = {"Name": "start", "Type": "ON_DEMAND", "Actions": [{"CrawlerName": "raw"}]}
CLEAN = {
    "Name": "after-raw",
    "Type": "CONDITIONAL",
    "Predicate": {"Conditions": [{"CrawlerName": "raw", "CrawlState": "SUCCEEDED"}]},
    "Actions": [{"JobName": "clean"}, {"JobName": "audit"}],
}
LOAD = {
    "Name": "after-clean",
    "Type": "CONDITIONAL",
    "Predicate": {
        "Logical": "ANY",
        "Conditions": [{"JobName": "clean", "State": "SUCCEEDED"}, {"JobName": "clean", "State": "TIMEOUT"}],
    },
    "Actions": [{"JobName": "load"}],
}
TRIGGERS = [START, CLEAN, LOAD]
RAW, CLEAN_JOB, AUDIT, LOAD_JOB = (
    Node("CRAWLER", "raw"),
    Node("JOB", "clean"),
    Node("JOB", "audit"),
    Node("JOB", "load"),
)


def test_edges_run_watched_node_to_trigger_to_started_node_once_each() -> None:
    graph = WorkflowGraph.from_triggers(TRIGGERS)
    assert graph.nodes[:3] == [Node("TRIGGER", "start"), Node("TRIGGER", "after-raw"), Node("TRIGGER", "after-clean")]
    # after-clean watches clean for two states: one edge, as Glue draws it
    assert graph.edges.count((CLEAN_JOB, Node("TRIGGER", "after-clean"))) == 1
    assert graph.successors(Node("TRIGGER", "after-raw")) == [CLEAN_JOB, AUDIT]


def test_downstream_follows_conditional_triggers_only_to_jobs_and_crawlers() -> None:
    graph = WorkflowGraph.from_triggers(TRIGGERS)
    assert graph.downstream([CLEAN_JOB]) == {CLEAN_JOB, LOAD_JOB}
    assert graph.downstream([RAW]) == {RAW, CLEAN_JOB, AUDIT, LOAD_JOB}
    assert graph.downstream([AUDIT]) == {AUDIT}


def test_topological_order_from_a_glue_run_graph_keeps_each_nodes_shape() -> None:
    graph, shapes = WorkflowGraph.from_glue_graph(graph_shape(list(reversed(TRIGGERS))))
    order = [n for n in graph.topological() if not n.is_trigger]
    assert order == [RAW, AUDIT, CLEAN_JOB, LOAD_JOB]  # audit and clean are ready together: by name
    assert shapes[LOAD_JOB]["UniqueId"] == LOAD_JOB.id


def test_a_trigger_loop_is_a_cycle_of_jobs_and_none_otherwise() -> None:
    assert WorkflowGraph.from_triggers(TRIGGERS).find_cycle() is None
    back = {
        "Name": "loop",
        "Type": "CONDITIONAL",
        "Predicate": {"Conditions": [{"JobName": "load", "State": "FAILED"}]},
        "Actions": [{"JobName": "clean"}],
    }
    assert WorkflowGraph.from_triggers([*TRIGGERS, back]).find_cycle() == [CLEAN_JOB, LOAD_JOB, CLEAN_JOB]
