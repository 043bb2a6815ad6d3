"""The graph layout (glueflow.web.layout): layers by longest path, no two boxes overlapping, every edge from left to right."""

from __future__ import annotations

from glueflow.web import layout as dag

# retail_nightly's shape: start → 2 crawlers → AND → clean → (ok | failed) → job each → ANY → dashboard
RETAIL = [
    ("start", "store"),
    ("start", "online"),
    ("store", "and"),
    ("online", "and"),
    ("and", "clean"),
    ("clean", "ok"),
    ("clean", "failed"),
    ("ok", "aggregate"),
    ("failed", "handle"),
    ("aggregate", "any"),
    ("handle", "any"),
    ("any", "dashboard"),
]
IDS = ["start", "and", "ok", "failed", "any", "store", "online", "clean", "aggregate", "handle", "dashboard"]


def test_layers_are_longest_paths_from_the_start() -> None:
    depth = dag.layers_of(IDS, RETAIL)
    assert depth == {
        "start": 0,
        "store": 1,
        "online": 1,
        "and": 2,
        "clean": 3,
        "ok": 4,
        "failed": 4,
        "aggregate": 5,
        "handle": 5,
        "any": 6,
        "dashboard": 7,
    }
    # a node reached by a short and a long path sits after the long one
    assert dag.layers_of(["a", "b", "c"], [("a", "b"), ("b", "c"), ("a", "c")])["c"] == 2


def test_boxes_do_not_overlap_and_edges_run_left_to_right() -> None:
    layout = dag.layout(IDS, [*RETAIL, ("store", "and")], narrow={"start", "and", "ok", "failed", "any"})
    boxes = list(layout.boxes.values())
    for index, a in enumerate(boxes):
        for b in boxes[index + 1 :]:
            apart = a.x + a.width <= b.x or b.x + b.width <= a.x or a.y + a.height <= b.y or b.y + b.height <= a.y
            assert apart, (a, b)
    assert len(layout.edges) == len(RETAIL)  # the duplicate edge is drawn once
    for source, target, path in layout.edges:
        assert layout.boxes[source].x + layout.boxes[source].width <= layout.boxes[target].x
        assert path.startswith(f"M{layout.boxes[source].x + layout.boxes[source].width:.1f},")
    assert layout.boxes["and"].width == dag.TRIGGER_WIDTH and layout.boxes["clean"].width == dag.NODE_WIDTH
    assert all(b.x + b.width < layout.width and b.y + b.height < layout.height for b in boxes)


def test_a_layer_is_ordered_by_its_predecessors() -> None:
    # b2 hangs off a2 (second in its layer) and b1 off a1: listed the other way round, they are swapped back
    layout = dag.layout(["s", "a1", "a2", "b2", "b1"], [("s", "a1"), ("s", "a2"), ("a1", "b1"), ("a2", "b2")])
    assert layout.layers[2] == ["b1", "b2"]
    assert layout.boxes["b1"].y < layout.boxes["b2"].y


def test_a_cycle_does_not_hang_the_layout() -> None:
    layout = dag.layout(["a", "b"], [("a", "b"), ("b", "a")])
    assert set(layout.boxes) == {"a", "b"}
