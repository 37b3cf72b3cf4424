"""What a build asks of the engine: ``BuildRequest`` (everything a build needs, the
Dockerfile text passed in, never read from disk), how it is checked and parsed, and the
``POST /build`` parameters (or buildx flags) it becomes."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any, Literal

Backend = Literal["auto", "buildkit", "classic", "buildx"]
DOCKERFILE_NAME = "Dockerfile"  # the name of a Dockerfile sent alone (no context)


@dataclass
class BuildRequest:
    """Everything a build needs; the Dockerfile text is passed in, never read from disk."""

    dockerfile_text: str
    context_dir: str
    dockerfile_path: str | None = None  # where the text lives (for <file>.dockerignore and messages)
    target: str | None = None  # stage name or index as text; None: the last stage
    build_args: dict[str, str] = field(default_factory=dict)
    no_cache: bool = False
    backend: Backend = "auto"
    tag: str | None = None
    platform: str | None = None
    labels: dict[str, str] = field(default_factory=dict)
    sizes: bool = False  # after success, measure every built stage and its layers
    secrets: list = field(default_factory=list)  # SecretSpec: references only, never values
    ssh: list = field(default_factory=list)  # SshSpec: agent sockets to forward
    session: bool | None = None  # None: a BuildKit session when the engine has them; False: tar upload
    # docker build's --network, --add-host, --ulimit, --shm-size and --pull (see build_options)
    network: str | None = None  # default, none or host
    extra_hosts: list[str] = field(default_factory=list)  # "name:ip"
    ulimits: list[dict] = field(default_factory=list)  # {"Name", "Soft", "Hard"}
    shm_size: int | None = None  # bytes
    pull: bool = False
    builder: str | None = None  # a buildx builder: build there through `docker buildx build`
    files: bool = False  # with sizes: also read every built stage's files (build_files.py)


def parse_request(req: BuildRequest):
    from studio.core import parse

    document = parse(req.dockerfile_text)
    target: Any = req.target
    if target is not None:
        stage = document.stage(target)
        if stage is None:
            from studio.core.options import no_target_message

            raise ValueError(no_target_message(document.stages, target))
        target = stage.index
    graph = document.graph(target=target, build_args=dict(req.build_args))
    return document, graph


def outside_name(text: str) -> str:
    """The context name of a Dockerfile that has no place in the context: the docker CLI's
    ``.dockerfile.`` plus 20 hex digits, here taken from the text so that the same text
    sends the same context (the CLI's are random, which defeats the cache of ``COPY .``)."""
    import hashlib

    return ".dockerfile." + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:20]


def unapplied_options(req: BuildRequest, backend: str, api_version: str | None) -> str | None:
    """Options the engine would take and then quietly ignore. Checked: Debian's 20.10 (API
    1.41) runs BuildKit RUN steps without --ulimit and --shm-size (its classic builder
    applies them); Docker 26.1 applies them with BuildKit too."""
    if backend != "buildkit" or not (req.ulimits or req.shm_size) or not api_version:
        return None
    try:
        major, minor = (int(part) for part in api_version.split(".")[:2])
    except ValueError:
        return None
    if (major, minor) >= (1, 42):  # Docker 23.0 and later
        return None
    flags = " and ".join(f for f, used in (("--ulimit", req.ulimits), ("--shm-size", req.shm_size)) if used)
    return (f"this engine (API {api_version}) builds with BuildKit without applying {flags}: its RUN steps "
            "would not get them. Build with the classic builder (--backend classic) or on a newer engine "
            "(Docker 26.1 applies them)")


def build_params(req: BuildRequest, backend: str, stage_map, target_key: str | None = None,
                 extra_labels: dict[str, str] | None = None, dockerfile: str = DOCKERFILE_NAME) -> dict[str, Any]:
    params: dict[str, Any] = {"dockerfile": query_value(dockerfile), "rm": "1", "forcerm": "1",
                              "version": "2" if backend == "buildkit" else "1"}
    if target_key:
        params["target"] = target_key
    if req.build_args:
        params["buildargs"] = json.dumps(req.build_args)
    labels = dict(req.labels)
    labels.update(extra_labels or {})
    if labels:
        params["labels"] = json.dumps(labels)
    if req.no_cache:
        params["nocache"] = "1"
    if req.tag and not extra_labels:
        params["t"] = req.tag
    if req.platform:
        params["platform"] = req.platform
    if req.network and req.network != "default":
        params["networkmode"] = req.network
    if req.extra_hosts:
        params["extrahosts"] = list(req.extra_hosts)  # one query parameter each, as the docker CLI sends them
    if req.ulimits:
        params["ulimits"] = json.dumps(req.ulimits)
    if req.shm_size:
        params["shmsize"] = str(req.shm_size)
    if req.pull:
        params["pull"] = "1"
    return params


def query_value(name: str | None) -> str | bytes | None:
    """A file name as the docker CLI puts it in the query: its bytes, percent-escaped. A name
    that is not UTF-8 (Python holds its bytes as surrogates) goes as bytes, which requests
    escapes as they are (0xe9 becomes %E9), as Go's url.Values does."""
    try:
        name and name.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(name)
    return name


def buildx_flags(req: BuildRequest) -> list[str]:
    """docker build's engine options as buildx flags."""
    flags = [f"--network={req.network}"] if req.network else []
    flags += [f"--add-host={host}" for host in req.extra_hosts]
    for limit in req.ulimits:
        flags.append(f"--ulimit={limit['Name']}={limit['Soft']}:{limit['Hard']}")
    if req.shm_size:
        flags.append(f"--shm-size={req.shm_size}")
    if req.pull:
        flags.append("--pull")
    return flags
