"""The stage graph as JSON (the CLI's stable contract), Graphviz DOT and Mermaid."""
from __future__ import annotations

from studio.core.model import Edge, Stage, StageGraph


def graph_to_json(graph: StageGraph) -> dict:
    """The ``stage-studio graph`` JSON, keys exactly as docs/cli-json.md documents them."""
    return {
        "stages": [_stage_json(s) for s in graph.stages],
        "edges": [_edge_json(e) for e in graph.edges],
        "target": graph.target,
        "reachable": list(graph.reachable),
        "diagnostics": [{"severity": d.severity, "code": d.code, "line": d.line, "message": d.message}
                        for d in graph.diagnostics],
    }


def _stage_json(s: Stage) -> dict:
    return {
        "index": s.index, "name": s.name, "base": s.base, "base_resolved": s.base_resolved,
        "base_kind": s.base_kind, "base_stage": s.base_stage, "platform": s.platform,
        "line": s.line, "end_line": s.end_line, "instructions": len(s.instructions),
    }


def _edge_json(e: Edge) -> dict:
    return {"from": e.source, "to": e.target, "kind": e.kind, "line": e.line,
            "sources": list(e.sources), "dest": e.dest}


def _image_ids(graph: StageGraph) -> dict[str, str]:
    return {img: f"img{i}" for i, img in enumerate(graph.external_images)}


def _edge_label(e: Edge) -> str:
    if e.kind == "from":
        return "FROM"
    paths = " ".join(e.sources)
    if e.dest:
        paths = f"{paths} -> {e.dest}" if paths else e.dest
    word = "COPY" if e.kind == "copy" else "mount"
    return f"{word} {paths}".strip()


def _dot_quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def graph_to_dot(graph: StageGraph) -> str:
    """Graphviz DOT: stages as boxes (unreachable ones dashed), images as ellipses."""
    images = _image_ids(graph)
    reachable = set(graph.reachable)
    lines = ["digraph stages {", "  rankdir=LR;", '  node [shape=box, fontname="sans-serif"];']
    for img, node_id in images.items():
        lines.append(f"  {node_id} [label={_dot_quote(img)}, shape=ellipse, style=dashed];")
    for s in graph.stages:
        label = f"{s.label}\n{s.base_resolved}" if s.base_kind != "stage" else s.label
        attrs = [f"label={_dot_quote(label)}"]
        if s.index == graph.target:
            attrs.append("penwidth=2")
        if s.index not in reachable:
            attrs.append("style=dashed")
        lines.append(f"  s{s.index} [{', '.join(attrs)}];")
    for e in graph.edges:
        src = f"s{e.source}" if isinstance(e.source, int) else images[e.source]
        style = {"from": "solid", "copy": "bold", "mount": "dotted"}[e.kind]
        lines.append(f"  {src} -> s{e.target} [label={_dot_quote(_edge_label(e))}, style={style}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _mermaid_text(text: str) -> str:
    return '"' + text.replace('"', "#quot;") + '"'


def graph_to_mermaid(graph: StageGraph) -> str:
    """A Mermaid flowchart: solid arrows for FROM, thick for COPY, dotted for mounts."""
    images = _image_ids(graph)
    lines = ["flowchart LR"]
    for img, node_id in images.items():
        lines.append(f"  {node_id}([{_mermaid_text(img)}])")
    for s in graph.stages:
        lines.append(f"  s{s.index}[{_mermaid_text(s.label)}]")
    arrows = {"from": "-->", "copy": "==>", "mount": "-.->"}
    for e in graph.edges:
        src = f"s{e.source}" if isinstance(e.source, int) else images[e.source]
        lines.append(f"  {src} {arrows[e.kind]}|{_mermaid_text(_edge_label(e))}| s{e.target}")
    unreachable = [f"s{s.index}" for s in graph.stages if s.index not in set(graph.reachable)]
    if unreachable:
        lines.append("  classDef unused stroke-dasharray: 5 5")
        lines.append(f"  class {','.join(unreachable)} unused")
    return "\n".join(lines) + "\n"


def graph_shape(doc) -> dict:  # noqa: ANN001 - a Document
    """The stage graph without where things are written: stages (with their
    instructions, words normalised), edges and global ARGs. Two files with the same
    shape build the same stages the same way, whatever their comments and layout."""
    graph = graph_to_json(doc.graph())
    for stage in graph["stages"]:
        del stage["line"], stage["end_line"]
        steps = doc.stages[stage["index"]].instructions
        stage["instructions"] = [_words(i) for i in steps]
    for edge in graph["edges"]:
        del edge["line"]
    graph["diagnostics"] = sorted(d["code"] for d in graph["diagnostics"])
    graph["meta_args"] = dict(doc.meta_args)
    return graph


def _words(ins) -> str:  # noqa: ANN001 - an Instruction
    flags = [f"--{f.name}" if f.value is None else f"--{f.name}={f.value}" for f in ins.flags]
    return " ".join([ins.keyword] + flags + ins.args.split())
