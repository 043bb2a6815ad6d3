"""Lay a workflow graph out left to right for an inline SVG: layers by longest path from the start nodes, order in
a layer by the mean position of a node's predecessors (one barycentre sweep).

Hand-written because the graphs are tiny (a Glue workflow has at most a few dozen nodes) and a JS layout library
would need vendoring and a build step for what is forty lines here; the page draws what this returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

NODE_WIDTH = 150
NODE_HEIGHT = 46
TRIGGER_WIDTH = 124
COLUMN_GAP = 92
ROW_GAP = 26
MARGIN = 16


@dataclass
class Box:
    """One node's place: its top-left corner and size, in SVG user units."""

    id: str
    layer: int = 0
    x: float = 0.0
    y: float = 0.0
    width: float = NODE_WIDTH
    height: float = NODE_HEIGHT

    @property
    def center_y(self) -> float:
        return self.y + self.height / 2


@dataclass
class Layout:
    boxes: dict[str, Box]
    edges: list[tuple[str, str, str]]  # source id, target id, SVG path data
    width: float
    height: float
    layers: list[list[str]] = field(default_factory=list)


def layers_of(ids: Sequence[str], edges: Sequence[tuple[str, str]]) -> dict[str, int]:
    """Longest-path depth of every node from the nodes without predecessors. A cycle (Glue forbids them, but the
    API could hold one) keeps its nodes at the depth reached when the cycle is detected."""
    predecessors: dict[str, list[str]] = {i: [] for i in ids}
    for source, target in edges:
        if source in predecessors and target in predecessors:
            predecessors[target].append(source)
    depth: dict[str, int] = {}
    visiting: set[str] = set()

    def visit(node: str) -> int:
        if node in depth:
            return depth[node]
        if node in visiting:
            return 0
        visiting.add(node)
        depth[node] = max((visit(p) + 1 for p in predecessors[node]), default=0)
        visiting.discard(node)
        return depth[node]

    for node in ids:
        visit(node)
    return depth


def layout(ids: Sequence[str], edges: Sequence[tuple[str, str]], narrow: set[str] | None = None) -> Layout:
    """Positions for `ids` (in the API's order, which breaks ties) and curved paths for the unique `edges`;
    `narrow` nodes (triggers) get a smaller box."""
    narrow = narrow or set()
    unique_edges = [e for e in dict.fromkeys(edges) if e[0] in ids and e[1] in ids]
    depth = layers_of(ids, unique_edges)
    layers: list[list[str]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for node in ids:
        layers[depth[node]].append(node)
    predecessors: dict[str, list[str]] = {i: [] for i in ids}
    for source, target in unique_edges:
        predecessors[target].append(source)
    position: dict[str, float] = {}
    for layer in layers:
        for index, node in enumerate(layer):
            position[node] = index
        order = {node: _barycentre(node, predecessors, position) for node in layer}
        layer.sort(key=lambda n: order[n])
        for index, node in enumerate(layer):
            position[node] = index
    boxes = _place(layers, narrow)
    width = max((b.x + b.width for b in boxes.values()), default=0) + MARGIN
    height = max((b.y + b.height for b in boxes.values()), default=0) + MARGIN
    paths = [(s, t, _curve(boxes[s], boxes[t])) for s, t in unique_edges]
    return Layout(boxes, paths, width, height, layers)


def _barycentre(node: str, predecessors: dict[str, list[str]], position: dict[str, float]) -> float:
    placed = [position[p] for p in predecessors[node] if p in position]
    return sum(placed) / len(placed) if placed else position[node]


def _place(layers: list[list[str]], narrow: set[str]) -> dict[str, Box]:
    tallest = max((len(layer) for layer in layers), default=0)
    full_height = tallest * (NODE_HEIGHT + ROW_GAP) - ROW_GAP
    boxes: dict[str, Box] = {}
    x = float(MARGIN)
    for number, layer in enumerate(layers):
        column_width = max((TRIGGER_WIDTH if n in narrow else NODE_WIDTH for n in layer), default=NODE_WIDTH)
        layer_height = len(layer) * (NODE_HEIGHT + ROW_GAP) - ROW_GAP
        y = MARGIN + (full_height - layer_height) / 2  # centre short layers against the tallest
        for node in layer:
            width = TRIGGER_WIDTH if node in narrow else NODE_WIDTH
            boxes[node] = Box(node, number, x + (column_width - width) / 2, y, width, NODE_HEIGHT)
            y += NODE_HEIGHT + ROW_GAP
        x += column_width + COLUMN_GAP
    return boxes


def _curve(source: Box, target: Box) -> str:
    """A horizontal S-curve from the source's right edge to the target's left edge (backwards edges loop
    the same way, which only a cycle would produce)."""
    x1, y1 = source.x + source.width, source.center_y
    x2, y2 = target.x, target.center_y
    bend = max(24.0, (x2 - x1) / 2)
    return f"M{x1:.1f},{y1:.1f} C{x1 + bend:.1f},{y1:.1f} {x2 - bend:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
