"""Builds on any BuildKit builder through the docker CLI's buildx plugin.

Why the CLI here (the rest of the engine layer speaks the Engine API): remote builders
(buildx's ``remote``, ``kubernetes`` and ``docker-container`` drivers, cloud builders)
are reached through buildx's own drivers and credentials, which only buildx knows. We run
``docker buildx build --progress=rawjson`` and read its progress: the JSON form of the
same ``SolveStatus`` the engine sends as ``moby.buildkit.trace``, so the same translator
turns it into per-stage events. A builder that loads its result into the local engine
(the ``docker`` driver, or ``--load``) also gets per-stage sizes.
"""
from __future__ import annotations

import base64
import codecs
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from studio.engine.protowire import StatusResponse, Vertex, VertexLog, VertexStatus, VertexWarning


class BuildxUnavailable(Exception):
    """No docker CLI with the buildx plugin, or no such builder."""


@dataclass
class Builder:
    name: str
    driver: str
    status: str = ""
    endpoint: str = ""
    platforms: list[str] = field(default_factory=list)

    @property
    def loads_into_engine(self) -> bool:
        """Whether a build's image lands in the local engine without --load."""
        return self.driver == "docker"


def docker_cli() -> str | None:
    """The docker CLI to run: STAGE_STUDIO_DOCKER, else the one on PATH."""
    return os.environ.get("STAGE_STUDIO_DOCKER") or shutil.which("docker")


def list_builders(timeout: float = 20.0) -> list[Builder]:
    """What ``docker buildx ls`` lists (its JSON form, one builder a line)."""
    cli = docker_cli()
    if cli is None:
        raise BuildxUnavailable("no docker CLI found (install it, or set STAGE_STUDIO_DOCKER)")
    try:
        done = subprocess.run([cli, "buildx", "ls", "--format", "json"], capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BuildxUnavailable(f"docker buildx ls did not answer: {exc}") from None
    if done.returncode != 0:
        said = (done.stderr.strip().splitlines() or ["docker buildx ls failed"])[-1]
        if "is not a docker command" in said or ("unknown" in said.lower() and "buildx" in said):
            said = "the docker CLI has no buildx plugin (install docker-buildx)"
        raise BuildxUnavailable(said)
    builders = []
    for line in done.stdout.splitlines():
        try:
            item = json.loads(line)
        except ValueError:
            continue
        nodes = item.get("Nodes") or [{}]
        builders.append(Builder(item.get("Name", "?"), item.get("Driver", "?"), nodes[0].get("Status", ""),
                                nodes[0].get("Endpoint", ""), list(nodes[0].get("Platforms") or [])))
    return builders


def _time(text: str | None) -> float | None:
    """RFC 3339 with nanoseconds (Go's form) as Unix seconds."""
    if not text or text.startswith("0001-"):
        return None
    head, _, rest = text.partition(".")
    if not rest:
        head, fraction, zone = text.rstrip("Z"), "0", "+00:00" if text.endswith("Z") else ""
    else:
        digits = "".join(ch for ch in rest if ch.isdigit())
        fraction, zone = digits, rest[len(digits):]
        zone = "+00:00" if zone in ("Z", "") else zone
    moment = datetime.fromisoformat(head + zone).astimezone(UTC)
    return moment.timestamp() + float("0." + (fraction or "0"))


def _bytes(value) -> bytes:
    if not value:
        return b""
    try:
        return base64.b64decode(value)
    except (ValueError, TypeError):
        return str(value).encode()


def status_from_json(item: dict) -> StatusResponse:
    """One rawjson ``SolveStatus`` as the decoded ``StatusResponse`` the translator reads."""
    out = StatusResponse()
    for v in item.get("vertexes") or []:
        out.vertexes.append(Vertex(v.get("digest", ""), list(v.get("inputs") or []), v.get("name", ""),
                                   bool(v.get("cached")), _time(v.get("started")), _time(v.get("completed")),
                                   v.get("error", "")))
    for s in item.get("statuses") or []:
        out.statuses.append(VertexStatus(s.get("id", ""), s.get("vertex", ""), s.get("name", ""),
                                         int(s.get("current") or 0), int(s.get("total") or 0),
                                         _time(s.get("completed"))))
    for log in item.get("logs") or []:
        out.logs.append(VertexLog(log.get("vertex", ""), int(log.get("stream") or 1), _bytes(log.get("data")),
                                  _time(log.get("timestamp"))))
    for w in item.get("warnings") or []:
        out.warnings.append(VertexWarning(w.get("vertex", ""), int(w.get("level") or 0),
                                          _bytes(w.get("short")).decode("utf-8", "replace"),
                                          [_bytes(d).decode("utf-8", "replace") for d in w.get("detail") or []]))
    return out


def json_values(chunks: Iterator[str]) -> Iterator[dict]:
    """Concatenated JSON values (rawjson prints them indented, one after another)."""
    decoder = json.JSONDecoder()
    buffer = ""
    for chunk in chunks:
        buffer += chunk
        position = 0
        while True:
            while position < len(buffer) and buffer[position].isspace():
                position += 1
            if position >= len(buffer):
                break
            try:
                value, end = decoder.raw_decode(buffer, position)
            except ValueError:
                break  # incomplete: wait for more
            if isinstance(value, dict):
                yield value
            position = end
        buffer = buffer[position:]


@dataclass
class BuildxOptions:
    builder: str
    context_dir: str | None
    text: str
    target: str | None = None
    build_args: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    no_cache: bool = False
    platform: str | None = None
    tag: str | None = None
    load: bool = False
    secrets: list[str] = field(default_factory=list)  # --secret values (references only)
    ssh: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)  # further `docker build` flags, already checked


class BuildxRun:
    """One ``docker buildx build``: its progress as translator messages, cancellable."""

    def __init__(self, options: BuildxOptions) -> None:
        self.options = options
        self.process: subprocess.Popen | None = None
        self._workdir = tempfile.TemporaryDirectory(prefix="stage-studio-buildx-")
        self.iidfile = os.path.join(self._workdir.name, "iid")
        self.stderr_tail: list[str] = []
        self.plain_head: list[str] = []  # the first other plain lines (the docker CLI's own complaints)
        self.cli: str | None = None
        self._lock = threading.Lock()
        self.cancelled = False

    def command(self) -> list[str]:
        o = self.options
        cli = self.cli = docker_cli()
        if cli is None:
            raise BuildxUnavailable("no docker CLI found (install it, or set STAGE_STUDIO_DOCKER)")
        cmd = [cli, "buildx", "build", "--builder", o.builder, "--progress=rawjson", "--iidfile", self.iidfile,
               "-f", "-"]
        if o.target:
            cmd += ["--target", o.target]
        for key, value in o.build_args.items():
            cmd += ["--build-arg", f"{key}={value}"]
        for key, value in o.labels.items():
            cmd += ["--label", f"{key}={value}"]
        if o.no_cache:
            cmd.append("--no-cache")
        if o.platform:
            cmd += ["--platform", o.platform]
        if o.tag:
            cmd += ["--tag", o.tag]
        if o.load:
            cmd.append("--load")
        for value in o.secrets:
            cmd += ["--secret", value]
        for value in o.ssh:
            cmd += ["--ssh", value]
        cmd += o.extra
        cmd.append(o.context_dir or self._workdir.name)  # no context: an empty folder, as `docker build -`
        return cmd

    def start(self) -> None:
        cmd = self.command()
        with self._lock:
            if self.cancelled:
                return
            try:
                self.process = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                                stderr=subprocess.PIPE, start_new_session=True)
            except OSError as exc:
                raise BuildxUnavailable(f"cannot run {cmd[0]}: {exc}") from None
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(self.options.text.encode("utf-8"))
            self.process.stdin.close()
        except BrokenPipeError:
            pass  # buildx already ended: its stderr says why

    def messages(self) -> Iterator[dict]:
        """``buildx.status`` messages while it runs, then the image id or the error."""
        process = self.process
        if process is None:
            yield {"error": "the build was cancelled"}
            return
        assert process.stderr is not None

        def text_chunks() -> Iterator[str]:
            decoder = codecs.getincrementaldecoder("utf-8")("replace")
            while True:
                data = process.stderr.read1(65536)
                if not data:
                    break
                text = decoder.decode(data)
                self._remember(text)
                yield text

        for value in json_values(text_chunks()):
            if "vertexes" in value or "statuses" in value or "logs" in value or "warnings" in value:
                yield {"id": "buildx.status", "status": status_from_json(value)}
        code = process.wait()
        if code == 0 and os.path.exists(self.iidfile):
            with open(self.iidfile) as handle:
                yield {"id": "moby.image.id", "aux": {"ID": handle.read().strip()}}
        elif self.cancelled:
            yield {"error": "the build was cancelled"}
        else:
            yield {"error": self.error_text() or f"docker buildx build exited with {code}"}

    def _remember(self, text: str) -> None:
        """Keep the last plain (non-JSON) lines: buildx, or the docker CLI when it has no
        buildx, says why it failed there."""
        for line in text.splitlines():
            stripped = line.strip()
            if stripped.startswith(("ERROR", "error:")):
                self.stderr_tail.append(stripped)
            elif stripped and not stripped.startswith(("{", "}", "\"", "[", "]")) and len(self.plain_head) < 5:
                self.plain_head.append(stripped)
        del self.stderr_tail[:-5]

    def error_text(self) -> str:
        for line in reversed(self.stderr_tail):
            return line.removeprefix("ERROR:").removeprefix("error:").strip()
        first = self.plain_head[0] if self.plain_head else ""
        # the docker CLI itself refused "buildx ..." (its help, not buildx's, is offered)
        if "is not a docker command" in first or any("'docker --help'" in line for line in self.plain_head):
            return (f"the docker CLI {self.cli or ''} has no buildx plugin ({first}); install "
                    "docker-buildx, or set STAGE_STUDIO_DOCKER to a docker CLI that has it").replace("  ", " ")
        return first

    def cancel(self) -> None:
        """Interrupt buildx as Ctrl+C would (it cancels the build on the builder), then end it."""
        with self._lock:
            self.cancelled = True
            process = self.process
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGINT)
        except OSError:
            return
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except OSError:
                pass

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.cancel()
        self._workdir.cleanup()
