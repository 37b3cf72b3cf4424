"""``stage-studio build``: build a Dockerfile with live per-stage progress (and sizes).

``--json`` prints one event per line and ends with the result object of docs/cli-json.md;
otherwise a per-stage display (redrawn in place on a terminal, plain lines when piped)
and a size table. Ctrl+C cancels the build in the engine; a second Ctrl+C quits at once.
"""
from __future__ import annotations

import argparse
import json
import shutil
import signal
import sys
from pathlib import Path

from studio.commands import build_flags
from studio.core.options import parse_pairs
from studio.core.units import counted, human_size, percent, terminal_text, visible


def for_terminal(text: str) -> str:
    """Build output without escape codes (failures.for_terminal, imported when first used)."""
    from studio.engine.failures import for_terminal as plain

    return plain(text)


def _refuse(message: str, as_json: bool = False):
    """Unusable input or options: say why on stderr and exit 2, as the other commands do.
    With --json the output still ends with the result object (not ok, and why)."""
    print(f"stage-studio build: {message}", file=sys.stderr)
    if as_json:
        from studio.engine.events import BuildFailed, BuildResult

        print(json.dumps(BuildResult(False, None, 0.0, error=BuildFailed(message)).to_json()), flush=True)
    raise SystemExit(2)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE|DIR", nargs="?",
                        help="the Dockerfile to build ('-' reads standard input), or the context folder "
                        "(its Dockerfile, or the one -f names)")
    parser.add_argument("--context", metavar="DIR",
                        help="build context (default: the Dockerfile's directory; none for '-')")
    parser.add_argument("--target", metavar="T", help="stage to build (name or index; default: the last)")
    parser.add_argument("--build-arg", metavar="K=V", action="append", help="build argument (repeatable)")
    parser.add_argument("--no-cache", action="store_true", help="do not use the build cache")
    parser.add_argument("--backend", choices=("auto", "buildkit", "classic", "buildx"), default="auto",
                        help="auto: BuildKit when the engine has it; buildx: through `docker buildx build`")
    parser.add_argument("--builder", metavar="NAME",
                        help="build on this buildx builder (see `docker buildx ls`); implies --backend buildx")
    parser.add_argument("--sizes", action="store_true", help="measure every built stage and its layers")
    parser.add_argument("--files", action="store_true",
                        help="with --sizes: every built stage's files, waste and COPY --from crossings")
    parser.add_argument("--json", action="store_true", help="one JSON event per line, then the result")
    parser.add_argument("--tag", "-t", metavar="NAME", help="tag the final image")
    parser.add_argument("--platform", metavar="OS/ARCH", help="target platform, e.g. linux/amd64")
    parser.add_argument("--label", metavar="K=V", action="append", help="image label (repeatable)")
    parser.add_argument("--secret", metavar="id=ID,src=FILE|env=VAR", action="append",
                        help="a secret for RUN --mount=type=secret, as docker build takes it (repeatable; "
                        "the value is read when the engine asks and never printed)")
    parser.add_argument("--ssh", metavar="default|ID=SOCKET", action="append",
                        help="forward an SSH agent for RUN --mount=type=ssh ('default' is $SSH_AUTH_SOCK)")
    parser.add_argument("--no-session", action="store_true",
                        help="upload the context as a tar instead of syncing it through a BuildKit session")
    build_flags.add_arguments(parser)


def _request(args: argparse.Namespace, empty_context: str):
    """The build request; ``empty_context`` is the folder sent when the Dockerfile comes from
    standard input and no --context is given (as ``docker build -``: no files at all)."""
    from studio.core.files import DockerfileReadError, read_dockerfile
    from studio.engine.builder import BuildRequest

    try:
        dockerfile, context = build_flags.dockerfile_and_context(args)
        if dockerfile == "-":
            text, path = read_dockerfile("-"), None
            default_context = Path(empty_context)
        else:
            path = Path(dockerfile)
            text, default_context = read_dockerfile(path), path.resolve().parent
        build_args = parse_pairs(args.build_arg, "--build-arg")
        labels = parse_pairs(args.label, "--label", bare="empty")  # an empty label, as docker sets it
        secret_specs, ssh_specs = _session_specs(args)
        options = build_flags.request_options(args)
    except (DockerfileReadError, ValueError) as exc:
        _refuse(str(exc), args.json)
    _check_target(text, args)
    try:
        build_flags.forget_old_iidfile(args, secret_specs)  # last: only a build that will start removes it
    except ValueError as exc:
        _refuse(str(exc), args.json)
    return BuildRequest(
        **options,
        dockerfile_text=text, context_dir=str(context or default_context),
        dockerfile_path=str(path) if path else None, target=args.target,
        build_args=build_args, no_cache=args.no_cache, backend=args.backend,
        tag=args.tag, platform=args.platform, labels=labels, sizes=args.sizes or args.files, files=args.files,
        secrets=secret_specs, ssh=ssh_specs, session=False if args.no_session else None,
        builder=args.builder or ("default" if args.backend == "buildx" else None))


def _check_target(text: str, args: argparse.Namespace) -> None:
    """A --target that names no stage is unusable input (exit 2, as ``graph`` says it),
    not a failed build."""
    if args.target is None:
        return
    from studio.core import parse
    from studio.core.options import no_target_message

    document = parse(text)
    if document.stage(args.target) is None:
        _refuse(no_target_message(document.stages, args.target), args.json)


def _session_specs(args: argparse.Namespace) -> tuple[list, list]:
    """--secret and --ssh as references, checked now so a missing file fails before the build."""
    from studio.engine.session.secrets import check_secret, parse_secret
    from studio.engine.session.sshforward import parse_ssh

    secret_specs = [parse_secret(text) for text in args.secret or []]
    for spec in secret_specs:
        check_secret(spec)
    return secret_specs, [parse_ssh(text) for text in args.ssh or []]


def run(args: argparse.Namespace) -> int:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="stage-studio-no-context-") as empty:
        return _run(args, empty)


def _run(args: argparse.Namespace, empty_context: str) -> int:
    from studio.engine.builder import Build

    build = Build(_request(args, empty_context))
    presses = []

    def on_interrupt(signum, frame):  # noqa: ARG001 - signal handler signature
        presses.append(signum)
        if len(presses) > 1:
            raise KeyboardInterrupt
        print("\ncancelling the build...", file=sys.stderr, flush=True)
        build.cancel()

    previous = signal.signal(signal.SIGINT, on_interrupt)
    try:
        if args.json:
            ok = _run_json(build)
        elif args.quiet:
            ok = _run_quiet(build)
        else:
            ok = run_display(build, sys.stdout)
    finally:
        signal.signal(signal.SIGINT, previous)
    if ok and build.result is not None:
        unwritten = build_flags.write_iidfile(args, build.result.image_id)
        if unwritten:
            print(f"stage-studio build: {unwritten}", file=sys.stderr)
            return 1
    if build.cancelled:
        return 130
    return 0 if ok else 1


def _run_quiet(build) -> bool:
    """As docker build -q: the image id alone on standard output; a failure on standard
    error, and each warning too (quiet is no reason to be silently wrong: a warning says
    what the build did that the user may not expect)."""
    failure = None
    for event in build.events():
        if event.event == "build_failed":
            failure = event
        elif event.event == "warning":
            print(f"warning: {f'line {event.line}: ' if event.line else ''}{for_terminal(event.message)}",
                  file=sys.stderr, flush=True)
    result = build.result
    if result is not None and result.ok:
        print(result.image_id, flush=True)
        return True
    message = failure.message if failure is not None else "the build did not finish"
    print(f"error: {for_terminal(message)}", file=sys.stderr, flush=True)
    return False


def _run_json(build) -> bool:
    out = sys.stdout
    for event in build.events():
        if event.event == "sizes":
            continue  # the result line that follows carries the same data
        out.write(json.dumps(event.to_json()) + "\n")
        out.flush()
    result = build.result
    if result is None:
        return False
    out.write(json.dumps(result.to_json()) + "\n")
    out.flush()
    return result.ok


# ---- the human display ---------------------------------------------------------------
SPINNER = "|/-\\"
MARKS = {"queued": "waiting", "done": "done", "cached": "cached", "skipped": "skipped", "failed": "FAILED",
         "cancelled": "cancelled", "stopped": "stopped", "not_run": "not run"}


class Display:
    """Per-stage progress: redrawn in place on a terminal, one line per change otherwise.

    The build's state is the engine's fold (``studio.engine.fold``), the same the GUI
    draws from; this class only says it: ``_on_<event>`` writes what a plain log shows
    for that event, and ``draw`` the terminal's table of stages."""

    def __init__(self, out, tty: bool, cancelled=lambda: False) -> None:
        from studio.engine.fold import BuildFold

        self.out, self.tty = out, tty
        self.cancelled = cancelled  # a stage the cancel stopped is "cancelled", not "FAILED 0.0s"
        self.last_flush = 0.0
        self.fold = BuildFold()
        self.drawn = 0
        self.tick = 0
        self.last_draw = 0.0

    def handle(self, event) -> None:
        _changed, new_lines = self.fold.apply([event])
        say = getattr(self, "_on_" + event.event, None)
        if say is not None:
            say(event, new_lines)
        self.draw()

    def _elapsed(self, index: int) -> str:
        took = self.fold.elapsed(index)
        state = self._state(index)
        if took is None or state == "not_run" or (not took and state == "cancelled"):
            return ""  # stopped before a step ended (or never started): no duration to show
        return f"{took:.1f}s"

    def _state(self, index: int) -> str:
        state = self.fold.stages[index].state
        return "cancelled" if state == "failed" and self.cancelled() else state

    def _on_build_started(self, event, _new) -> None:
        target = self.fold.stages.get(event.target) if event.target is not None else None
        self._say(f"building with {event.backend}" + (f", target {target.label}" if target else ""))

    def _on_context(self, event, _new) -> None:
        self._say(f"context: {counted(event.files, 'file')}, {human_size(event.size)}")

    def _on_context_sent(self, event, _new) -> None:
        self._say(f"context synced: sent {counted(event.files, 'changed file')}, {human_size(event.bytes)} "
                  f"({counted(event.listed, 'entry', 'entries')} compared)")

    def _on_step_started(self, event, _new) -> None:
        stage = self.fold.stages.get(event.stage)
        if stage is not None and not self.tty:
            pos = stage.lines.index(event.line) + 1 if event.line in stage.lines else "?"
            self._say(f"[{stage.label}] {pos}/{stage.total} {for_terminal(stage.current[:100])} (line {event.line})")

    def _on_step_log(self, event, new_lines) -> None:
        stage = self.fold.stages.get(event.stage) if event.stage is not None else None
        lines = new_lines.get(stage.index) if stage is not None and not self.tty else None
        if lines:  # one write for the chunk: a 50 MB log is most of a million lines
            from studio.engine.failures import lines_for_terminal

            prefix = f"\n[{visible(stage.label)}] | "  # (the lines and the label escaped: the chunk is said as it is)
            self._say(prefix[1:] + prefix.join(lines_for_terminal(lines)), escaped=True)

    def _on_stage_finished(self, event, _new) -> None:
        stage = self.fold.stages.get(event.stage)
        if stage is None or self.tty or event.state == "skipped":
            return
        if stage.partial:  # a last log line without its newline
            self._say(f"[{stage.label}] | {for_terminal(stage.partial)}")
        state = "cancelled" if event.state == "failed" and self.cancelled() else event.state
        self._say(f"[{stage.label}] {MARKS[state]} {self._elapsed(stage.index)}".rstrip())

    def _on_warning(self, event, _new) -> None:
        self._say(f"warning: {f'line {event.line}: ' if event.line else ''}{for_terminal(event.message)}")

    def _on_build_failed(self, event, _new) -> None:
        self._say(f"error: {for_terminal(event.message)}" + (
            f" (exit code {event.exit_code})" if event.exit_code and "exit code" not in event.message else ""))
        for line in event.last_log[-10:]:
            self._say(f"    {for_terminal(line)}")

    def _on_build_finished(self, event, _new) -> None:
        self._say(f"built {event.image_id} in {event.duration:.1f} s")

    def _on_sizes_started(self, _event, _new) -> None:
        self._say("measuring stage sizes...")

    def _say(self, text: str, escaped: bool = False) -> None:
        if not escaped:  # a stage name, an image reference, a secret id: never a raw escape code
            text = terminal_text(text)
        if self.tty:
            self._clear()
        self.out.write(text + "\n")
        if self.tty:
            self.out.flush()
            return
        import time  # piped: flush a few times a second, not per line (a 50 MB log is a million lines)

        now = time.monotonic()
        if now - self.last_flush >= 0.1:
            self.last_flush = now
            self.out.flush()

    def _clear(self) -> None:
        if self.drawn:
            self.out.write(f"\x1b[{self.drawn}F\x1b[J")
            self.drawn = 0

    def draw(self, force: bool = False) -> None:
        stages = self.fold.stages
        if not self.tty or not stages:
            return
        import time

        now = time.monotonic()
        if not force and now - self.last_draw < 0.08:
            return
        self.last_draw = now
        self.tick += 1
        self._clear()
        labels = {index: visible(s.label) for index, s in stages.items()}
        width = max(len(label) for label in labels.values())
        columns = shutil.get_terminal_size((100, 24)).columns
        for index, stage in stages.items():
            filled = int(10 * stage.done / stage.total) if stage.total else 10
            bar = "#" * filled + "-" * (10 - filled)
            running = stage.state == "running"
            state = self._state(stage.index)
            mark = SPINNER[self.tick % 4] if running else MARKS.get(state, state)
            detail = for_terminal(stage.current) if running else ""
            line = (f" {labels[index]:<{width}}  [{bar}] {stage.done}/{stage.total}  {mark:<7} "
                    f"{self._elapsed(stage.index):>6}  {detail}")
            self.out.write(line[:columns - 1].rstrip() + "\n")  # never wrap: the redraw counts lines
        self.drawn = len(stages)
        self.out.flush()

    def finish(self) -> None:
        self.draw(force=True)
        self.drawn = 0
        self.out.flush()


def size_table(result) -> list[str]:
    rows = [s for s in result.stages if s.size is not None]
    if not rows:
        return []
    width = max(len(s.label) for s in rows)
    lines = [f" {'stage':<{width}}  {'state':<7} {'size':>10}  layers (those that add bytes are listed)"]
    for s in rows:
        empty = sum(1 for layer in s.layers if not layer.size)
        count = f"{len(s.layers)}" + (f" ({empty} add nothing)" if empty else "")
        lines.append(f" {s.label:<{width}}  {s.state:<7} {human_size(s.size):>10}  {count}")
        for layer in s.layers:
            if layer.size:
                where = f"line {layer.line}" if layer.line else "       "
                lines.append(f"   {where:>8}  {human_size(layer.size):>10}  {layer.instruction[:70]}")
    final = result.final or {}
    lines.append(f" final image: {human_size(final.get('size'))} ({(final.get('image_id') or '')[:19]})")
    if result.saved is not None:
        lines.append(f" multi-stage saved {human_size(result.saved)}: what the stages that do not ship "
                     "hold, minus what the final image copies from them")
    return lines


def run_display(build, out) -> bool:
    display = Display(out, hasattr(out, "isatty") and out.isatty(), lambda: build.cancelled)
    for event in build.events():
        display.handle(event)
    display.finish()
    result = build.result
    if result is not None and result.ok and build.request.sizes:
        for line in size_table(result):
            out.write(terminal_text(line) + "\n")
    if result is not None and result.ok and build.request.files:
        for line in files_table(build):
            out.write(terminal_text(line) + "\n")
    return bool(result and result.ok)


def files_table(build) -> list[str]:
    """``--files``: each stage's waste, what crossed each COPY --from, and the lint facts."""
    from studio.core.lint.rules_facts import buried_findings
    from studio.engine.build_files import buried_facts

    result, lines = build.result, []
    for s in result.stages:
        report = s.explored
        if report is None:
            continue
        d = report.dive
        unreachable = f", {human_size(report.unreachable_bytes)} unreachable" if report.stacked.buried else ""
        lines.append(f" {s.label}: {len(report.files)} paths, wasted {human_size(d.wasted_bytes)}"
                     f" (efficiency {percent(d.efficiency, 2)}, as dive counts){unreachable}")
    for c in result.copies or []:
        source = c.source
        if isinstance(source, int):  # as the file writes it: the name, or the number of an unnamed stage
            source = build.stage_map.stages[source].name or str(source)
        lines.append(f"   line {c.line}: COPY --from={source} carried {counted(c.files, 'file')}, {human_size(c.bytes)}")
    target = build.stage_map.target
    report = result.stages[target].explored if target is not None else None
    if report is not None:
        for finding in buried_findings(build.stage_map.document, buried_facts(report)):
            lines.append(f" line {finding.line}: {finding.severity}: {finding.message} [{finding.code}]")
    return lines
