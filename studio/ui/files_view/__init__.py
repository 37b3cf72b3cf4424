"""The Files part of a MainWindow (``window.files_view``): the Files dock, and what ties it
to builds, the text and the graph.

After a successful build with sizes, while the Files dock is open (or when it is opened
later), every built stage's image is read file by file in a background thread
(``build_files.explore_stages``: the engine's save stream, nothing on disk). Then the
panel shows the reports, each ``COPY --from`` edge in the graph says what crossed it,
and the ``deleted-in-later-layer`` facts reach the Problems panel. A file clicked goes to
the line that wrote it; the text cursor on a line shows that line's files.

Those facts name lines of the text that was built. After each re-parse they are followed
to where those lines are now (``LineMap``): a line typed above moves them with the text,
and a fact about an instruction edited or deleted since names the last build's line
instead of the line that now has its number.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from studio.core import parse
from studio.core.line_map import SAME, LineMap, instruction_spans
from studio.core.units import human_size
from studio.ui.files_view.panel import FilesPanel

EMPTY_SUMMARY = "Build with sizes to see the files of each stage."


@dataclass(frozen=True)
class Shown:
    """What the panel, Problems and the edges show of one document's build."""

    reports: dict = field(default_factory=dict)  # stage index -> ImageReport
    current: int | None = None
    names: dict = field(default_factory=dict)
    baseline: object = None  # the baseline build's final ImageReport
    facts: list = field(default_factory=list)  # BuriedFact of the final image (built lines)
    copies: list = field(default_factory=list)  # what crossed each COPY --from (built lines)
    source: tuple = ("", True)  # ("Build #2", whether it is the latest build)
    built: str | None = None  # the text that was built: its lines are the facts' lines
    spans: dict = field(default_factory=dict)  # its instructions' first -> last lines


class FilesUI(QObject):
    sig_explored = Signal(object, object)  # (BuildResult, error text or None), on the GUI thread
    sig_status = Signal(str)

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.panel = FilesPanel(window)
        self.dock = window.add_dock("Files", self.panel, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.dock.hide()  # View > Panels > Files; opening it reads the last build's files
        # a tab beside Charts, not a third column of the bottom row: side by side, the three
        # docks' least widths (about 1,540 px) grew the window past a 1280 px screen, or
        # overlapped where it could not grow
        window.tabifyDockWidget(window.build.charts_dock, self.dock)
        self.dock.toggleViewAction().triggered.connect(lambda shown: shown and self.dock.raise_())
        self.reports_by_record: dict[int, dict] = {}  # build number -> {stage: ImageReport}
        self.findings: list = []
        self.lines = SAME  # the built text's lines to the text's now
        self._reading: object | None = None
        self._pending_line = False
        self.sig_explored.connect(self._explored)
        self._answers: list = []  # (result, problem) left by the reading thread
        self._answer_timer = QTimer(self)
        self._answer_timer.setInterval(100)
        self._answer_timer.timeout.connect(self._deliver)
        self.sig_status.connect(lambda text: self.panel.summary.setText(text))
        controller = window.build.controller
        controller.sig_finished.connect(self._build_finished)
        controller.sig_switched.connect(self._switched)
        self._kept: dict[str, Shown] = {}  # per document: what the panel, Problems and edges showed
        self._shown = Shown()
        self.dock.visibilityChanged.connect(lambda shown: shown and self._read_latest())
        self.panel.sig_line_activated.connect(self._go_to_line)
        self.panel.sig_message.connect(lambda text: window.statusBar().showMessage(text, 10000))
        window.editor.cursorPositionChanged.connect(self._cursor_moved)
        window.controller.sig_document_changed.connect(self._follow_text)

    # ---- results belong to a document ------------------------------------------------------
    def _switched(self, old: str | None, new: str) -> None:
        """Another document is in the window: this one's files, findings and edge notes go
        (kept for when it is reopened), the new one's come back, or none."""
        if old is not None:
            self._kept[old] = self._shown
        self._reading = None
        self._show(self._kept.pop(new, Shown()))

    def _show(self, shown: Shown) -> None:
        self._shown = shown
        self.panel.source, self.panel.current = shown.source
        self.lines = SAME
        self.panel.lines = SAME  # (set to the text's below, before anything is drawn)
        self.panel.show_reports(shown.reports, shown.current, shown.names, shown.baseline)
        if not shown.reports:
            self.panel.summary.setText(EMPTY_SUMMARY)
        self._follow_text(self.window.controller.document, force=True)

    def _follow_text(self, doc, force: bool = False) -> None:
        """The text was re-parsed: the facts' lines follow it (see the module's docstring)."""
        shown = self._shown
        if shown.built is None and not force:
            return
        lines = LineMap(shown.built, doc.text, shown.spans) if shown.built is not None else SAME
        if lines.same and self.lines.same and not force:
            return
        self.lines = lines
        self.panel.set_lines(lines)
        self._label_edges(shown.copies, lines)
        from studio.core.lint.rules_facts import buried_findings

        self.findings = buried_findings(doc, shown.facts, lines=lines) if shown.facts else []
        self.window.problems.set_extra("files", self.findings)

    # ---- reading a build's files ---------------------------------------------------------
    def _build_finished(self, result) -> None:
        if result is not None and result.ok and not self.dock.isHidden():  # (open, if behind the Charts tab)
            self._read(self.window.build.controller.build, result)
        elif self._shown.reports and (result is None or not result.ok):
            self._older_shown()

    def _older_shown(self) -> None:
        """A build that read no files ended: the files shown are of an earlier build, and
        say so (the panel stops following the cursor: the lines may have moved)."""
        controller = self.window.build.controller
        latest = controller.history.latest(controller.file_key())
        shown = self._shown.source[0].split(" (")[0]  # "Build #2"
        if latest is None or not shown or shown == f"Build {latest.label}":
            return
        why = "was cancelled" if latest.cancelled else "failed"
        source = f"{shown} (build {latest.label} {why}, so its files were not read; the text cursor is not followed)"
        self._shown = replace(self._shown, source=(source, False))
        self.panel.set_source(source, False)

    def _read_latest(self) -> None:
        build = self.window.build.controller.build
        result = getattr(build, "result", None)
        if result is not None and result.ok and any(s.size is not None for s in result.stages):
            if all(getattr(s, "explored", None) is None for s in result.stages):
                self._read(build, result)
            elif not self._shown.reports:  # read before, while another document was shown
                self._explored(result, None)

    def _read(self, build, result) -> None:
        if self._reading is result or build is None or build.stage_map is None:
            return
        self._reading = result
        self.sig_status.emit("Reading the files of every built stage…")

        def work() -> None:
            from studio.engine.build_files import explore_stages
            from studio.engine.connection import connect

            problems = []
            try:
                client = connect()
                try:
                    problems = [w.message for w in explore_stages(build, client.api)]
                finally:
                    client.close()
            except Exception as exc:  # noqa: BLE001 - shown in the panel, the build stays as it is
                problems.append(str(exc))
            # Never a signal from this thread: a window closed meanwhile would be sent to after
            # its deletion. The GUI thread's timer picks the answer up.
            self._answers.append((result, "; ".join(problems) or None))

        threading.Thread(target=work, name="files-explore", daemon=True).start()
        self._answer_timer.start()

    def _deliver(self) -> None:
        while self._answers:
            self._answer_timer.stop()
            self.sig_explored.emit(*self._answers.pop(0))

    def _explored(self, result, problem) -> None:
        self._reading = None
        controller = self.window.build.controller
        if result is not controller.last_result:  # its document left the window meanwhile
            return
        build = controller.build
        reports = {s.index: s.explored for s in result.stages if getattr(s, "explored", None) is not None}
        record = controller.history.latest(controller.file_key())
        if record is not None and reports:
            key = controller.file_key()
            self.reports_by_record[(key, record.number)] = reports  # (numbers count per document)
            for old in sorted(n for k, n in self.reports_by_record if k == key)[:-4]:  # a few back is enough
                del self.reports_by_record[(key, old)]
        names = {s.index: s.name for s in result.stages}
        target = build.stage_map.target if build is not None and build.stage_map is not None else None
        report = reports.get(target)
        from studio.engine.build_files import buried_facts

        built = build.request.dockerfile_text if build is not None else None
        self._show(Shown(reports, target if target in reports else max(reports, default=None), names,
                         self._baseline_report(target), buried_facts(report) if report else [], result.copies or [],
                         (f"Build {record.label}" if record is not None else "", True), built,
                         instruction_spans(parse(built)) if built is not None else {}))
        if problem:
            self.panel.summary.setText(self.panel.summary.text() + f" · {problem}")

    def _baseline_report(self, target):
        controller = self.window.build.controller
        baseline = controller.history.baseline(controller.file_key())
        if baseline is None:
            return None
        return self.reports_by_record.get((controller.file_key(), baseline.number), {}).get(target)

    def _label_edges(self, copies, lines: LineMap = SAME) -> None:
        """Each COPY --from edge says what crossed it in the build, while its line is as built."""
        scene = self.window.graph_view.scene()
        crossings = {lines.new_line(c.line): c for c in (copies or [])}
        crossings.pop(None, None)
        for edge in getattr(scene, "edge_map", {}).values():
            if edge.kind == "copy" and hasattr(edge, "set_note"):
                c = crossings.get(edge.line)
                edge.set_note(f"{c.files} file{'' if c.files == 1 else 's'}, {human_size(c.bytes)}"
                              if c is not None else "")

    # ---- lines ------------------------------------------------------------------------------
    def _go_to_line(self, line: int) -> None:
        self._pending_line = True  # our own jump must not re-filter the tree under the click
        self.window.go_to_line(line)
        self._pending_line = False

    def _cursor_moved(self) -> None:
        if self._pending_line or not self.dock.isVisible():
            return
        self.panel.show_line(self.window.editor.textCursor().blockNumber() + 1)  # (the panel maps it back)
