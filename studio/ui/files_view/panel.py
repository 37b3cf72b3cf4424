"""The Files panel: the files of a built stage as a tree with size, layer, line and stage
of origin; a filter to what one layer changed; search; a comparison with the baseline
build or another stage; and a treemap of where the bytes are, coloured by stage.

It is a view over ``explore.ImageReport`` objects handed to ``show_reports``; it never
reaches the engine. Activating a file emits ``sig_line_activated`` with the line that
wrote it; ``show_line`` filters to the layer a line made.
"""
from __future__ import annotations

import threading
import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QSizePolicy,
                               QSplitter, QTreeView, QVBoxLayout, QWidget)

from studio.core.layer_files import compare_files
from studio.core.line_map import SAME, LineMap
from studio.core.units import human_size, percent
from studio.gc_tuning import settle
from studio.ui.files_view.tree_model import (BUILT_LINE_ROLE, LARGEST_FIRST, LINE_ROLE, PATH_ROLE, SPLIT_SIZE,
                                             FileListModel, FileTreeModel, Row, line_mark)
from studio.ui.files_view.treemap import TreemapWidget

ALL = -1
SEARCH_PAUSE_MS = 150
SETTLE_PATHS = 20_000  # reports with this many paths settle the collector once shown


def origin_of(layer):
    """Where a layer's bytes come from (a COPY --from's stage, a FROM's image), else its stage."""
    return layer.origin if layer.origin is not None else layer.stage


def final_rows(report, label) -> list[Row]:
    """The image's files, each with the line and stage that wrote it; waste marked."""
    wasted = {p: (n, s) for p, n, s in report.dive.inefficient if s}
    buried_by: dict[str, list] = {}
    for b in report.stacked.buried:
        buried_by.setdefault("/" + b.path, []).append(b)
    lines = [layer.line for layer in report.layers]
    labels = [label(origin_of(layer)) for layer in report.layers]
    rows, new = [], tuple.__new__  # 60,000 rows: no per-row lookups beyond the waste check
    for path, f in report.files.items():
        full = "/" + path
        why = ""
        if full in buried_by:
            older = buried_by[full]
            at = [report.layers[b.written].line for b in older]
            why = (f"{human_size(sum(b.size for b in older))} of older copies stay in the image (written at "
                   + ", ".join(line_mark(n) if n else "no line" for n in at) + ")")
        elif full in wasted:
            why = f"dive counts {human_size(wasted[full][1])} here as waste ({wasted[full][0]} layers)"
        rows.append(new(Row, (full, f.size if f.kind != "5" else 0, f.layer, lines[f.layer], labels[f.layer], "",
                              why)))
    return rows


def layer_rows(report, index: int, label) -> list[Row]:
    """What one layer changed; removed paths and copies later buried are marked."""
    layer = report.layers[index]
    buried = {("/" + b.path, b.written): b for b in report.stacked.buried}
    rows = []
    for c in layer.changes:
        b = buried.get((c.path, index))
        by = report.layers[b.by].line if b is not None else None
        why = (f"{b.how} at {line_mark(by) if by else 'no line'}: its bytes stay in this layer" if b is not None
               else "hidden by this layer; its bytes stay in the layer that wrote it" if c.change == "removed" else "")
        size = c.size if c.kind != "5" or c.change == "removed" else 0  # a removed folder: the bytes it hides
        rows.append(Row(c.path, size, index, layer.line, label(origin_of(layer)), c.change,
                        why))
    return rows


class FilesPanel(QWidget):
    sig_line_activated = Signal(int)  # a line of the text as it is now
    sig_message = Signal(str)  # why a click went nowhere (its line was edited since the build)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("filesPanel")
        self.reports: dict[int, object] = {}
        self.names: dict[int, str | None] = {}
        self.baseline = None  # an ImageReport of the baseline build's final stage
        self.source = ""  # which build the reports are of ("build #2"), said before the numbers
        self.current = True  # False once a later build read nothing: the cursor is not followed
        self.lines: LineMap = SAME  # the reports' lines (the built text's) to the text's now
        self.stage_combo = QComboBox(self)
        self.stage_combo.setObjectName("filesStage")
        self.layer_combo = QComboBox(self)
        self.layer_combo.setObjectName("filesLayer")
        self.compare_combo = QComboBox(self)
        self.compare_combo.setObjectName("filesCompare")
        self.search = QLineEdit(self)
        self.search.setObjectName("filesSearch")
        self.search.setPlaceholderText("Search paths")
        self.search.setClearButtonEnabled(True)
        self.follow = QCheckBox("Follow text cursor", self)
        self.follow.setChecked(True)
        self.summary = QLabel("Build with sizes to see the files of each stage.", self)
        self.summary.setObjectName("filesSummary")
        # a long status wraps, and a long word is cut, rather than widen the window (it once
        # grew past the screen); Ignored: the label's text width is no minimum of the panel
        self.summary.setWordWrap(True)
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.tree = QTreeView(self)
        self.tree.setObjectName("filesTree")
        self.tree.setUniformRowHeights(True)
        self.tree.setSortingEnabled(True)
        self.tree.setAlternatingRowColors(True)
        self.treemap = TreemapWidget(self)
        self._layout()
        # typing is never held up by the search: it waits for a pause in the typing, runs on a
        # thread over the model's index, and the GUI thread's timer picks up the result
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_PAUSE_MS)
        self._search_timer.timeout.connect(self._start_search)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self._search_job: list | None = None  # [model, text, result or None], filled by the thread
        self._last_search: tuple | None = None  # (model, text, matches): a longer text narrows them
        self._search_poll = QTimer(self, interval=10)
        self._search_poll.timeout.connect(self._collect_search)
        self._search_model: FileListModel | None = None
        self.stage_combo.currentIndexChanged.connect(lambda _i: self._stage_changed())
        self.layer_combo.currentIndexChanged.connect(lambda _i: self._refresh())
        self.compare_combo.currentIndexChanged.connect(lambda _i: self._refresh())
        self.tree.activated.connect(self._activated)
        self.tree.clicked.connect(self._activated)
        self.treemap.sig_path_clicked.connect(self._treemap_clicked)
        self._tree_cache: dict[tuple, FileTreeModel] = {}

    def _layout(self) -> None:
        top = QHBoxLayout()
        for label, widget in (("Stage", self.stage_combo), ("Show", self.layer_combo), ("Compare", self.compare_combo)):
            top.addWidget(QLabel(label, self))
            top.addWidget(widget, 1)
        top.addWidget(self.search, 2)
        top.addWidget(self.follow)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.tree)
        split.addWidget(self.treemap)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)

    # ---- data in ----------------------------------------------------------------------
    def label(self, stage: int | str | None) -> str:
        if stage is None:
            return ""
        if isinstance(stage, str):  # a base image: its name without the registry path
            return stage.rsplit("/", 1)[-1]
        return self.names.get(stage) or f"#{stage}"

    def show_reports(self, reports: dict[int, object], current: int | None, names: dict[int, str | None] | None = None,
                     baseline=None) -> None:
        """Reports by stage index; ``current`` is shown (the final stage, usually)."""
        self.reports, self.names, self.baseline = dict(reports), dict(names or {}), baseline
        self._tree_cache.clear()
        self.stage_combo.blockSignals(True)
        self.stage_combo.clear()
        for index in sorted(self.reports):
            self.stage_combo.addItem(f"{self.label(index)}", index)
        if current in self.reports:
            self.stage_combo.setCurrentIndex(self.stage_combo.findData(current))
        self.stage_combo.blockSignals(False)
        self._stage_changed()
        if sum(len(r.files) for r in self.reports.values()) >= SETTLE_PATHS:
            QTimer.singleShot(0, settle)  # once shown: studio/gc_tuning.py says why

    def report(self):
        return self.reports.get(self.stage_combo.currentData())

    def set_source(self, source: str, current: bool = True) -> None:
        """Say which build the files are of; not ``current``: a later build read none (it
        failed, or was cancelled), so these are an older build's and the cursor is not
        followed (the text's lines may have moved since)."""
        self.source, self.current = source, current
        self._refresh()

    def _stage_changed(self) -> None:
        report = self.report()
        for combo in (self.layer_combo, self.compare_combo):
            combo.blockSignals(True)
            combo.clear()
        self.layer_combo.addItem("All files of the image", ALL)
        self.compare_combo.addItem("No comparison", None)
        if report is not None:
            for layer in report.layers:
                self.layer_combo.addItem(self._layer_label(layer), layer.index)
            if self.baseline is not None:
                self.compare_combo.addItem("Baseline build (final image)", "baseline")
            for index in sorted(self.reports):
                if index != self.stage_combo.currentData():
                    self.compare_combo.addItem(f"Stage {self.label(index)}", index)
        for combo in (self.layer_combo, self.compare_combo):
            combo.blockSignals(False)
        self._refresh()

    def _layer_label(self, layer) -> str:
        now = self.lines.new_line(layer.line)
        where = (f"line {now}" if now is not None else f"last build: line {layer.line}, {self.lines.gone(layer.line)}"
                 if layer.line else "no line")
        return f"Layer {layer.index} · {where} · {human_size(layer.size)} · {layer.instruction[:50]}"

    def set_lines(self, lines: LineMap) -> None:
        """The text was edited since the build: every line shown is said where it is now
        (or as the last build's, where that line was edited or deleted since)."""
        self.lines = lines
        models = {id(m): m for m in (*self._tree_cache.values(), self._search_model, self.tree.model())
                  if isinstance(m, (FileTreeModel, FileListModel))}
        for model in models.values():
            model.set_lines(lines)
        report = self.report()
        if report is not None:
            for layer in report.layers:
                at = self.layer_combo.findData(layer.index)
                if at >= 0:
                    self.layer_combo.setItemText(at, self._layer_label(layer))

    # ---- what the tree shows ----------------------------------------------------------------
    def _refresh(self) -> None:
        report = self.report()
        if report is None:
            self.tree.setModel(None)
            self.treemap.set_tree(None, [])
            return
        d = report.dive
        self.summary.setText((f"{self.source}: " if self.source else "")
                             + f"{len(report.files):,} paths · {human_size(report.size)} · efficiency "
                             f"{percent(d.efficiency)} · wasted {human_size(d.wasted_bytes)}"
                             + (" (highlighted)" if d.wasted_bytes else ""))
        compare = self.compare_combo.currentData()
        if compare is not None:
            self._show_compare(report, compare)
            return
        layer = self.layer_combo.currentData()
        key = (self.stage_combo.currentData(), layer)
        model = self._tree_cache.get(key)
        if model is None:
            rows = final_rows(report, self.label) if layer in (ALL, None) else layer_rows(report, layer, self.label)
            model = self._tree_cache[key] = FileTreeModel(rows, self)
        self._set_model(model)
        if layer in (ALL, None):
            origins = {origin_of(lay) for lay in report.layers}
            stages = [self.label(i) for i in sorted(o for o in origins if isinstance(o, int))]
            self.treemap.set_tree(model.files, stages)  # base images stay grey
        if self.search.text():
            self._start_search()

    def _show_compare(self, report, compare) -> None:
        other = self.baseline if compare == "baseline" else self.reports.get(compare)
        if other is None:
            return
        deltas = compare_files(other.file_table(), report.file_table())
        if not deltas:  # an empty table says nothing: say it
            which = "the baseline build's final image" if compare == "baseline" else f"stage {self.label(compare)}"
            self.summary.setText(f"{self.summary.text()} · No differences: {which} has the same paths, "
                                 "each of the same size")
        # a path gone since the baseline build names a line of that build's text: none of this one's
        rows = [Row(d.path, abs(d.delta), None, None if compare == "baseline" and d.change == "vanished" else d.line,
                    self.label(d.stage), d.change) for d in deltas]
        self._set_model(FileListModel(rows, self, LARGEST_FIRST))  # largest change first

    def _set_model(self, model) -> None:
        if model.lines is not self.lines:
            model.set_lines(self.lines)
        self.tree.setModel(model)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        if isinstance(model, FileTreeModel):
            self.tree.header().setSortIndicator(1, Qt.SortOrder.DescendingOrder)
        if model.headerData(1, Qt.Orientation.Horizontal) == SPLIT_SIZE:  # "4 B / 12.0 kB removed" fits
            wide = self.tree.fontMetrics().horizontalAdvance("999 kB / 999 kB removed") + 12
            if header.sectionSize(1) < wide:
                header.resizeSection(1, wide)

    def _current_tree(self) -> FileTreeModel | None:
        return self._tree_cache.get((self.stage_combo.currentData(), self.layer_combo.currentData()))

    def apply_search_now(self) -> None:
        """Matching paths as a flat list, largest first (an empty search shows the tree),
        found on this thread: for tests and for a caller that must have the answer now."""
        self._search_timer.stop()
        model, text = self._current_tree(), self.search.text().strip().lower()
        if model is not None:
            self._show_search(model, text, self._search_rows(model, text) if text else None)

    def _search_rows(self, model: FileTreeModel, text: str, pause=None) -> tuple[list, list]:
        last = self._last_search
        within = last[2] if last is not None and last[0] is model and text.startswith(last[1]) else None
        matches = model.files.matching(text, within, pause)
        return matches, [row for _low, row in matches]

    def search_pending(self) -> bool:
        """A search waits for the typing to pause, or runs."""
        return self._search_timer.isActive() or self._search_job is not None

    def _start_search(self) -> None:
        model, text = self._current_tree(), self.search.text().strip().lower()
        if model is None:
            return
        if not text:
            self._search_job = None
            self._show_search(model, text, None)
            return
        job = self._search_job = [model, text, None]

        def work() -> None:  # plain data out: the GUI thread's timer takes it; sleep(0) hands over the GIL
            job[2] = self._search_rows(model, text, lambda: time.sleep(0.001))

        threading.Thread(target=work, name="files-search", daemon=True).start()
        self._search_poll.start()

    def _collect_search(self) -> None:
        job = self._search_job
        if job is None:
            self._search_poll.stop()
            return
        if job[2] is None:
            return
        self._search_poll.stop()
        self._search_job = None
        model, text, found = job
        if model is self._current_tree() and text == self.search.text().strip().lower():
            self._show_search(model, text, found)

    def _show_search(self, model: FileTreeModel, text: str, found: tuple | None) -> None:
        if found is None:
            self._last_search = None
            if self.tree.model() is not model:
                self._set_model(model)
            return
        self._last_search = (model, text, found[0])
        if self._search_model is not None and self.tree.model() is self._search_model:
            self._search_model.set_rows(found[1], LARGEST_FIRST)  # the same view and header: new rows
            header = self.tree.header()
            self._search_model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())  # as shown
        else:
            self._search_model = FileListModel(found[1], self, LARGEST_FIRST)
            self._set_model(self._search_model)

    # ---- lines ------------------------------------------------------------------------------
    def _activated(self, index) -> None:
        line = index.data(LINE_ROLE)
        if line:
            self.sig_line_activated.emit(int(line))
            return
        built = index.data(BUILT_LINE_ROLE)
        if built:
            self.sig_message.emit(f"{index.data(PATH_ROLE)} was written at line {built} of the last build; "
                                  f"that line was {self.lines.gone(built)} since: build again to see where its "
                                  "files come from now.")

    def show_line(self, line: int) -> bool:
        """Filter to the layer that ``line`` (of the text now) made in the shown stage (when
        following); a line edited since the build made none."""
        report = self.report()
        if report is None or not self.follow.isChecked() or not self.current:
            return False
        built = self.lines.old_line(line)
        if built is None:
            return False
        for layer in report.layers:
            if layer.line == built:
                self.layer_combo.setCurrentIndex(self.layer_combo.findData(layer.index))
                return True
        return False

    def _treemap_clicked(self, path: str) -> None:
        """As a click on the path's row: the row is selected and the text goes to its line."""
        self.reveal_path(path)
        index = self.tree.currentIndex()
        if index.isValid() and index.data(PATH_ROLE) == path:
            self._activated(index)

    def reveal_path(self, path: str) -> None:
        model = self.tree.model()
        if isinstance(model, FileTreeModel):
            index = model.path_index(path)
            if index.isValid():
                self.tree.setCurrentIndex(index)
                self.tree.scrollTo(index)

    def selected_path(self) -> str | None:
        index = self.tree.currentIndex()
        return index.data(PATH_ROLE) if index.isValid() else None

