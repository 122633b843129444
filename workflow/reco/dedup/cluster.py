"""Cluster: connected components over accepted pairs, with transitive chains broken.

Accepted pairs (and reviewers' ``same`` decisions) link records into components. Linking is
transitive, so A~B and B~C put A and C together even when A and C are certainly different (a
guard fires between them, or a reviewer said ``different``). Every component of three or more
records is therefore checked pair by pair; while two members conflict, the weakest accepted link
on the path between them is removed (weakest = lowest rule strength, then lowest title score, then
the highest record positions, so the choice is deterministic) and reported. Reviewers' links are
never removed; a conflict that only they could resolve is an error.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field

from reco.errors import InputError


@dataclass(frozen=True)
class Edge:
    a: int
    b: int
    rule: str
    strength: int
    title_score: float

    def weight(self) -> tuple:
        return (self.strength, self.title_score, -self.b, -self.a)


@dataclass
class Clustering:
    #: component label per row position: the lowest member position
    label: list[int]
    #: accepted links removed to break a chain: (edge, conflicting pair (u, v), conflict rule)
    removed: list[tuple[Edge, tuple[int, int], str]] = field(default_factory=list)
    #: conflicting member pairs found inside components (u, v, rule)
    conflicts: list[tuple[int, int, str]] = field(default_factory=list)


class _DSU:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        p = self.parent
        while p[x] != x:
            p[x] = p[p[x]]
            x = p[x]
        return x

    def union(self, x: int, y: int) -> None:
        rx, ry = self.find(x), self.find(y)
        if rx != ry:
            if rx < ry:
                self.parent[ry] = rx
            else:
                self.parent[rx] = ry


def _components(n: int, edges: list[Edge]) -> dict[int, list[int]]:
    dsu = _DSU(n)
    for e in edges:
        dsu.union(e.a, e.b)
    comps: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        comps[dsu.find(i)].append(i)
    return comps


def _path(adj: dict[int, dict[int, Edge]], u: int, v: int) -> list[Edge] | None:
    prev: dict[int, tuple[int, Edge] | None] = {u: None}
    queue = deque([u])
    while queue:
        x = queue.popleft()
        if x == v:
            break
        for y in sorted(adj[x]):
            if y not in prev:
                prev[y] = (x, adj[x][y])
                queue.append(y)
    if v not in prev:
        return None
    path, x = [], v
    while prev[x] is not None:
        x0, e = prev[x]  # type: ignore[misc]
        path.append(e)
        x = x0
    return path


def cluster(
    n: int,
    edges: list[Edge],
    conflict: Callable[[int, int], str | None],
    *,
    protected: frozenset[str] = frozenset({"override_same"}),
) -> Clustering:
    """Components of ``n`` records linked by ``edges``, split wherever ``conflict(u, v)`` names a rule."""
    edges = sorted(edges, key=lambda e: (e.a, e.b))
    comps = _components(n, edges)
    by_root: dict[int, list[Edge]] = defaultdict(list)
    label = list(range(n))
    result = Clustering(label=label)
    root_of = {m: r for r, members in comps.items() for m in members}
    for e in edges:
        by_root[root_of[e.a]].append(e)
    for root in sorted(comps):
        members = comps[root]
        if len(members) >= 3 or (len(members) == 2 and by_root[root]):
            pieces = _check(members, by_root[root], conflict, protected, result)
        else:
            pieces = [members]
        for piece in pieces:
            low = min(piece)
            for m in piece:
                label[m] = low
    return result


def _check(
    members: list[int],
    edges: list[Edge],
    conflict: Callable[[int, int], str | None],
    protected: frozenset[str],
    result: Clustering,
) -> list[list[int]]:
    linked = {(e.a, e.b) for e in edges}
    conflicts = []
    for x, u in enumerate(members):
        for v in members[x + 1 :]:
            if (u, v) in linked:
                continue
            rule = conflict(u, v)
            if rule:
                conflicts.append((u, v, rule))
    if not conflicts:
        return [members]
    result.conflicts.extend(conflicts)
    adj: dict[int, dict[int, Edge]] = defaultdict(dict)
    for e in edges:
        adj[e.a][e.b] = e
        adj[e.b][e.a] = e
    for u, v, rule in conflicts:
        while True:
            path = _path(adj, u, v)
            if path is None:
                break
            candidates = [e for e in path if e.rule not in protected]
            if not candidates:
                raise InputError(
                    f"reviewers' decisions contradict each other: records at positions {u} and {v} "
                    f"are linked only by 'same' decisions but {rule!r} says they differ",
                    fix="correct one of the decisions in dedup_decisions.csv.",
                )
            weakest = min(candidates, key=Edge.weight)
            del adj[weakest.a][weakest.b]
            del adj[weakest.b][weakest.a]
            result.removed.append((weakest, (u, v), rule))
    # components of what is left
    seen: set[int] = set()
    pieces = []
    for m in members:
        if m in seen:
            continue
        comp, queue = [], deque([m])
        seen.add(m)
        while queue:
            x = queue.popleft()
            comp.append(x)
            for y in adj[x]:
                if y not in seen:
                    seen.add(y)
                    queue.append(y)
        pieces.append(sorted(comp))
    return pieces
