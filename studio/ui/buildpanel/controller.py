"""BuildController: turns the build bar's choices into a Build, runs it off the GUI thread,
and paints its progress on the graph, the text, the log and the charts.

Why one controller: the widgets stay views (setters only); every decision about what a
build event means for the window is made here, in one place.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from studio.engine.builder import Build, BuildRequest
from studio.ui.buildpanel.history import BuildHistory, deltas
from studio.ui.buildpanel.outdated import fingerprints, outdated_stages
from studio.engine.fold import BuildFold
from studio.core import parse
from studio.core.line_map import SAME, LineMap, instruction_spans
from studio.core.units import delta_duration, delta_size, human_duration, human_size
from studio.ui.buildpanel.worker import BuildRunner

TICK_MS = 200


def delta_text(delta) -> str | None:
    parts = [p for p in (delta_size(delta.size), delta_duration(delta.time)) if p] if delta else []
    return " · ".join(parts) or None


class BuildController(QObject):
    sig_started = Signal()
    sig_finished = Signal(object)  # BuildResult (or None)
    # another document is in the window (old key or None, new key): every view of build
    # results swaps to the new document's (its kept ones, or none)
    sig_switched = Signal(object, str)

    def __init__(self, window, bar, log_panel, charts, banner) -> None:
        super().__init__(window)
        self.window = window
        self.bar = bar
        self.log = log_panel
        self.charts = charts
        self.banner = banner
        self.history = BuildHistory()
        self.runner = BuildRunner(self)
        self.runner.sig_batch.connect(self._on_batch)
        self.runner.sig_done.connect(self._on_done)
        self.session: BuildFold | None = None
        self.build: Build | None = None
        self.last_result = None
        self.extra_labels: dict[str, str] = {}  # tests label their images
        self.settings = window.build_settings  # what to build and how: the one copy all read
        self._temp_context: str | None = None
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self._on_tick)
        self._build_key: str | None = None  # the document the running (or last) build is of
        self._doc_key: str | None = None  # the document the window shows
        self._kept: dict[str, tuple] = {}  # per document: its last session, result and built texts
        self._built_texts = None
        self._built_target = None  # the target index of the build the boxes show
        self.make_build = Build  # (request, client=None) -> a Build; benchmarks feed synthetic streams
        self._spans: tuple[str, dict] = ("", {})  # the last build's text and its instructions' lines

    # ---- requests -----------------------------------------------------------------
    def file_key(self) -> str | None:
        """The document results belong to (history, baseline, the last build)."""
        return self.window.files.document_key()

    # ---- results belong to a document ------------------------------------------------
    def switch_document(self, key: str) -> None:
        """Another document is in the window: the last one's results (charts, log, marks,
        failure banner) leave with it and come back whole (states, steps, sizes, history)
        when it is opened again in this run; a build still running for it is cancelled."""
        if key == self._doc_key:
            return
        if self._doc_key is not None:
            self.cancel()
            self._kept[self._doc_key] = (self.session, self.last_result, self._built_texts, self.build,
                                         self._built_target)
        old, self._doc_key = self._doc_key, key
        (self.session, self.last_result, self._built_texts, self.build,
         self._built_target) = self._kept.pop(key, (None,) * 5)
        self.banner.hide()
        self._reset_marks()
        self.log.set_session(self.session)
        self.log.refill()
        record = self.history.latest(key)
        if record is not None:
            self._paint_ended(self.session, self.build)
            self.show_record(record)
            self.mark_outdated()
        else:
            self.charts.show_record(None, None, [])
            self.charts.timeline.set_steps([], [])
        if self.window.statusBar().currentMessage().startswith(("Build", "Built")):
            self.window.statusBar().clearMessage()
        self.follow_text()  # (the lines followed were of the document that left)
        self.sig_switched.emit(old, key)

    def rename_document(self, key: str) -> None:
        """The document was saved under a new name: its results follow it."""
        old, self._doc_key = self._doc_key, key
        if old is not None and old != key:
            self.history.rename(old, key)
            if self._build_key == old:
                self._build_key = key

    def _attached(self) -> bool:
        """Whether the build running (or just ended) is of the document shown."""
        return self._build_key == self._doc_key

    @property
    def build_args(self) -> dict[str, str]:
        return dict(self.settings.settings.build_args)

    @build_args.setter
    def build_args(self, args: dict[str, str]) -> None:
        self.settings.update(build_args=dict(args))

    def context_dir(self) -> str:
        """The folder chosen (bar, gallery), else the Dockerfile's folder, else an empty temporary one."""
        chosen = self.settings.settings.context
        if chosen:
            return chosen
        path = getattr(self.window, "path", None)
        if path:
            folder = str(Path(path).resolve().parent)
            if folder != self.bar.default_context:  # e.g. saved under a new name since
                self.bar.set_default_context(folder)
            return folder
        if self._temp_context is None or not Path(self._temp_context).is_dir():
            self._temp_context = tempfile.mkdtemp(prefix="stage-studio-context-")
        return self._temp_context

    def prepare(self, no_cache: bool = False) -> BuildRequest:
        """The request for the text as shown now (unsaved edits included); no side effects
        beyond making an empty temporary context for an untitled file."""
        path = getattr(self.window, "path", None)
        options = self.settings.settings.request_options()
        options["no_cache"] = no_cache or options["no_cache"]
        return BuildRequest(
            dockerfile_text=self.window.current_text(), context_dir=self.context_dir(),
            dockerfile_path=str(path) if path else None, labels=dict(self.extra_labels),
            **options)

    # ---- start / cancel -----------------------------------------------------------
    def running(self) -> bool:
        return self.runner.running()

    def start(self, no_cache: bool = False, client=None) -> bool:
        if self.running():
            return False
        request = self.prepare(no_cache)
        self._built_texts = fingerprints(parse(request.dockerfile_text))
        self._built_target = self.window.controller.graph.target  # the stage these numbers end at
        self.build = self.make_build(request, client=client)
        self.session = BuildFold()
        self._cancelled_at: list[int] = []
        self._build_key = self.file_key()
        self.last_result = None
        self._reset_marks()
        self.banner.hide()
        self.log.set_session(self.session)
        self.charts.start_live()
        self.bar.set_running(True)
        where = "" if getattr(self.window, "path", None) else " (untitled: context is an empty temporary folder)"
        self._status(f"Building{where}…")
        self.runner.start(self.build)
        self._tick.start()
        self.sig_started.emit()
        return True

    def cancel(self) -> None:
        if self.running():
            self._status("Cancelling the build…")
            if self.session is not None:
                self.session.cancelling = True
                self._cancelled_at = self.session.active_lines()
            self.runner.cancel()

    def built_lines(self, doc=None) -> LineMap:
        """The last build's lines to the text's now (its charts and failure name lines of the
        text it built; the text may have been edited since)."""
        build = self.build
        if build is None or self.running():
            return SAME
        built = build.request.dockerfile_text
        if self._spans[0] != built:
            self._spans = (built, instruction_spans(parse(built)))
        doc = doc if doc is not None else self.window.controller.document
        return LineMap(built, doc.text, self._spans[1])

    def follow_text(self, doc=None) -> None:
        """After each re-parse: the charts and the failure banner say the lines where they are now."""
        if self.running():
            return
        lines = self.built_lines(doc)  # (SAME when this document has no build)
        self.charts.set_lines(lines)
        self.banner.set_lines(lines)

    # ---- progress -----------------------------------------------------------------
    def _nodes(self) -> dict:
        return self.window.graph_view.stage_nodes()

    def mark_outdated(self, doc=None) -> None:
        """Grey the build numbers of the boxes whose stage text changed since the build
        they show (and of the stages built on them), and of every box while another target
        is chosen than the one built; called after every re-parse and target change."""
        built = self._built_texts
        sync = self.window.controller
        if built is None or self.running() or sync.stale:
            return
        doc = doc if doc is not None else sync.document
        stale = outdated_stages(doc, sync.graph, built)
        if self.last_result is not None and sync.graph.target != self._built_target:
            stale = {s.index for s in doc.stages}  # another target: every number is the last build's
        for index, node in self._nodes().items():
            node.set_build(outdated=index in stale)

    def _reset_marks(self) -> None:
        for node in self._nodes().values():
            node.set_build()  # no marks of an earlier build
        self._set_marks([], None)

    def _set_marks(self, active: list[int], failed: int | None) -> None:
        """Tint the running and failed lines in the text (only when they change)."""
        if (active, failed) != getattr(self, "_marks", None):
            self._marks = (active, failed)
            self.window.editor.set_build_marks(active, failed)

    def _on_batch(self, events: list) -> None:
        session = self.session
        if session is None or not self._attached():
            return
        had_plan = bool(session.stages)
        changed, new_lines = session.apply(events)
        if not had_plan and session.stages:
            self.log.stages_known()
        nodes = self._nodes()
        for index in changed:
            self._paint_stage(index, nodes.get(index))
        if new_lines:
            self.log.append(new_lines)
        self._set_marks(session.active_lines(), session.failed_line())
        if session.measuring:
            self._status("Measuring stage sizes…")

    def _paint_stage(self, index: int, node) -> None:
        stage = self.session.stages.get(index) if self.session else None
        if node is None or stage is None:
            return
        node.set_build(state=stage.state, progress=(stage.done, stage.total if stage.will_build else 0),
                       elapsed=self.session.elapsed(index), active_line=stage.active_line,
                       error=stage.error if stage.state == "failed" else None)

    def _on_tick(self) -> None:
        session = self.session
        if session is None or not self._attached():
            return
        nodes = self._nodes()
        for index, stage in session.stages.items():
            if stage.running and index in nodes:
                nodes[index].set_build(elapsed=session.elapsed(index))
        self.charts.show_live(session)
        running = sum(1 for s in session.stages.values() if s.running)
        finished = sum(1 for s in session.stages.values() if s.state in ("done", "cached", "failed"))
        built = sum(1 for s in session.stages.values() if s.will_build)
        if not session.finished:
            self._status(f"Building… {finished}/{built} stages done, {running} running · {human_duration(session.now())}")

    # ---- the end ------------------------------------------------------------------
    def _on_done(self, build) -> None:
        self._tick.stop()
        self.bar.set_running(False)
        result = build.result if build is not None else None
        if not self._attached():  # its document left the window: it keeps only a history entry
            session, _last, built, _build = self._kept.get(self._build_key, (None,) * 4)
            if session is not None:
                session.result = session.result or result
                self.history.add(self._build_key, session, result)
                self._kept[self._build_key] = (session, result, built, build)
            return
        session = self.session
        self.last_result = result
        if session is None:
            return
        if result is not None and session.result is None:
            session.result = result
        self._set_marks([], session.failed_line())
        self._paint_ended(session, build, cancelled=False)
        record = self.history.add(self._build_key, session, result)
        self.show_record(record)
        self.mark_outdated()  # the text may have changed while it built
        self.follow_text()
        view = self.window.graph_view
        if view.auto_fit:  # the boxes grew a footer: fit again, unless the user zoomed by hand
            view.fit_to_view()
        if result is not None and result.ok:
            size = result.final.get("size")
            self._status(f"Built in {human_duration(result.duration)}"
                         + (f" · final image {human_size(size)}" if size is not None else "")
                         + (f" · multi-stage saved {human_size(result.saved)}" if result.saved else ""))
        else:
            self._show_failure(session, build)
        self.sig_finished.emit(result)

    def _paint_ended(self, session: BuildFold | None, build, cancelled: bool = True) -> None:
        """Each box's state, steps and time as the ended build left them (a failure's text
        mark and banner too); a cancelled build's unfinished stages say 'cancelled'."""
        if session is None:
            return
        nodes = self._nodes()
        for index in session.stages:
            self._paint_stage(index, nodes.get(index))
            if index in nodes:
                nodes[index].set_build(active_line=None)
        if cancelled and build is not None and build.cancelled:
            self._paint_cancelled(session)
        elif cancelled and session.failure is not None:
            self._set_marks([], session.failed_line())
            self._show_banner(session)

    def _paint_cancelled(self, session: BuildFold) -> None:
        nodes = self._nodes()
        for index, stage in session.stages.items():  # what it stopped says so; what finished stays
            if index in nodes and stage.will_build and stage.state not in ("done", "cached"):
                nodes[index].set_build(state="cancelled", progress=None, active_line=None, error=None)

    def show_record(self, record) -> None:
        """Sizes and deltas on the boxes; sizes, layers, timeline and history in the charts
        (all of the document shown: a record is only ever shown with its own document)."""
        baseline = self.history.baseline(self._doc_key)
        changes = deltas(record, baseline)
        nodes = self._nodes()
        for stage in record.stages:
            node = nodes.get(stage.index)
            if node is None:
                continue
            if stage.size is not None:
                node.set_build(size=(human_size(stage.size), delta_text(changes.get(stage.index))))
            node.set_build(final=stage.index == record.target and record.ok)
        self.charts.show_record(record, baseline, self.history.records(self._doc_key))

    def _show_failure(self, session: BuildFold, build) -> None:
        failure = session.failure or (build.result.error if build is not None and build.result else None)
        cancelled = build is not None and build.cancelled
        if cancelled:
            lines = self._cancelled_at
            where = f" while line {', '.join(map(str, lines))} ran" if lines else ""
            self._status(f"Build cancelled{where}, after {human_duration(session.now())}")
            self._set_marks([], None)
            self._paint_cancelled(session)
            return
        self._show_banner(session, failure)
        self._status("Build failed")

    def _show_banner(self, session: BuildFold, failure=None) -> None:
        failure = failure or session.failure
        message = failure.message if failure is not None else "the build failed"
        stage = session.failed_stage()
        self.banner.show_failure(message, stage, session.failed_line(),
                                 session.stages[stage].label if stage in session.stages else None,
                                 self.built_lines())

    # ---- compare ------------------------------------------------------------------
    def pin_baseline(self) -> bool:
        key = self.file_key()
        record = self.history.latest_successful(key)
        if record is None:
            self._status("Build successfully once first: the latest successful build becomes the baseline."
                         if self.history.latest(key) is not None else
                         "Build once first: the latest build becomes the baseline.")
            return False
        self.history.pin(key, record)
        latest = self.history.latest(key)
        skipped = " (the latest successful one; a failed build has nothing to compare)" if latest is not record else ""
        self._status(f"Build {record.label} is the baseline{skipped}; later builds show changes against it.")
        self.show_record(record)
        return True

    def clear_baseline(self) -> None:
        key = self.file_key()
        self.history.pin(key, None)
        record = self.history.latest(key)
        if record is not None:
            self.show_record(record)

    def _status(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 0 if text.endswith("…") else 10000)
