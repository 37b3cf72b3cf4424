"""The build log dock: one filter per stage, ANSI colours, search, copy, a memory cap.

Why a filter combo rather than one widget per stage: a single QPlainTextEdit with a block
cap stays cheap however many stages there are; switching the filter refills it from the
session's per-stage ring buffers (which hold the last MAX_LOG_LINES lines each).
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication, QTextCursor
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit,
                               QToolButton, QVBoxLayout, QWidget)

from studio.ui.buildpanel.ansi import ansi_to_html, has_ansi, strip_ansi
from studio.engine.fold import GENERAL, MAX_LOG_LINES

ALL = None  # the filter value for "all stages"


class BuildLogPanel(QWidget):
    """Shows a BuildFold's log; ``append(new_lines)`` after each batch."""

    sig_filter_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None, max_lines: int = MAX_LOG_LINES) -> None:
        super().__init__(parent)
        self.setObjectName("buildLogPanel")
        self.session = None
        self.max_lines = max_lines
        self.filter_combo = QComboBox(self)
        self.filter_combo.setObjectName("logStageFilter")
        self.filter_combo.setMinimumContentsLength(9)
        self.filter_combo.setToolTip("Show the log of one stage, or of all stages")
        self.filter_combo.currentIndexChanged.connect(self._on_filter)
        self.colours = self._toggle("ANSI", "Render ANSI colours (off: strip them)", lambda _on: self.refill())
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search…")
        self.search.setToolTip("Search the log (Enter: next match)")
        self.search.setClearButtonEnabled(True)
        # a narrow dock must not shrink the field to "S…": its placeholder and clear button fit
        self.search.setMinimumWidth(self.search.fontMetrics().horizontalAdvance("Search…") + 44)
        self.search.returnPressed.connect(self.find_next)
        self.wrap = self._toggle("Wrap", "Wrap long lines at the panel's width (off: one line each, scroll sideways)",
                                 self._set_wrap)
        self.copy_button = QToolButton(self)
        self.copy_button.setText("Copy")
        self.copy_button.setToolTip("Copy the selection, or the whole log shown")
        self.copy_button.clicked.connect(self.copy)
        self.notice = QLabel(self)
        self.notice.setObjectName("logTruncatedNotice")
        self.notice.setStyleSheet("color:#9a6700;")
        self.notice.hide()
        self.view = QPlainTextEdit(self)
        self.view.setObjectName("buildLogView")
        self.view.setReadOnly(True)
        self.view.setUndoRedoEnabled(False)
        self._set_wrap(True)  # a narrow dock must not cut an error message off
        self.view.setMaximumBlockCount(max_lines)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.view.setFont(font)
        top = QHBoxLayout()
        top.setContentsMargins(4, 2, 4, 2)
        top.addWidget(self.filter_combo)
        top.addWidget(self.search, 1)
        top.addWidget(self.colours)
        top.addWidget(self.wrap)
        top.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(top)
        layout.addWidget(self.notice)
        layout.addWidget(self.view, 1)
        self._reset_filters()

    def _toggle(self, text: str, tip: str, slot) -> QToolButton:
        """A checkable tool button, on at first."""
        button = QToolButton(self)
        button.setText(text)
        button.setCheckable(True)
        button.setAutoRaise(True)
        button.setChecked(True)
        button.setToolTip(tip)
        button.toggled.connect(slot)
        return button

    def _set_wrap(self, on: bool) -> None:
        self.view.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth if on
                                  else QPlainTextEdit.LineWrapMode.NoWrap)

    # ---- session ------------------------------------------------------------------
    def set_session(self, session) -> None:
        self.session = session
        self.view.clear()
        self._reset_filters()
        self._update_notice()

    def _reset_filters(self) -> None:
        self.filter_combo.blockSignals(True)
        self.filter_combo.clear()
        self.filter_combo.addItem("All stages", ALL)
        if self.session is not None:
            for index, stage in sorted(self.session.stages.items()):
                self.filter_combo.addItem(stage.label, index)
            self.filter_combo.addItem("Engine (no stage)", GENERAL)
        self.filter_combo.setCurrentIndex(0)
        self.filter_combo.blockSignals(False)

    def stages_known(self) -> None:
        """The plan arrived: offer one filter per stage (keeps the current choice)."""
        current = self.current_filter()
        self._reset_filters()
        self.set_filter(current, refill=False)

    def current_filter(self):
        return self.filter_combo.currentData()

    def set_filter(self, stage, refill: bool = True) -> None:
        """Show only ``stage`` (an index, GENERAL, or None for all)."""
        for row in range(self.filter_combo.count()):
            if self.filter_combo.itemData(row) == stage:
                self.filter_combo.blockSignals(True)
                self.filter_combo.setCurrentIndex(row)
                self.filter_combo.blockSignals(False)
                break
        if refill:
            self.refill()

    def _on_filter(self, _row: int) -> None:
        self.refill()
        self.sig_filter_changed.emit(self.current_filter())

    # ---- text ---------------------------------------------------------------------
    def refill(self) -> None:
        self.view.clear()
        if self.session is not None:
            self._write(self.session.log_lines(self.current_filter()))
        self._update_notice()
        self.scroll_to_end()

    def append(self, new_lines: dict[int, list[str]]) -> None:
        """New lines of one batch, per stage (GENERAL for the engine's own)."""
        wanted = self.current_filter()
        if wanted is ALL:
            labels = {i: s.label for i, s in self.session.stages.items()} if self.session else {}
            lines = [f"[{labels.get(k, 'build')}] {t}" if k != GENERAL else t
                     for k, ls in new_lines.items() for t in ls]
        else:
            lines = new_lines.get(wanted, [])
        if not lines:
            return
        bar = self.view.verticalScrollBar()
        at_end = bar.value() >= bar.maximum() - 4
        self._write(lines[-self.max_lines:])
        self._update_notice()
        if at_end:
            self.scroll_to_end()

    def _write(self, lines: list[str]) -> None:
        if not lines:
            return
        joined = "\n".join(lines)
        if not self.colours.isChecked() or not has_ansi(joined):
            self.view.appendPlainText(strip_ansi(joined))
            return
        run: list[str] = []
        for text in lines:  # plain runs in one call, coloured lines as HTML
            if has_ansi(text):
                if run:
                    self.view.appendPlainText("\n".join(run))
                    run = []
                self.view.appendHtml(f'<span style="white-space:pre">{ansi_to_html(text)}</span>')
            else:
                run.append(strip_ansi(text))
        if run:
            self.view.appendPlainText("\n".join(run))

    def _update_notice(self) -> None:
        if self.session is None:
            self.notice.hide()
            return
        wanted = self.current_filter()
        dropped = self.session.dropped(wanted) if wanted != GENERAL else 0
        if dropped:
            self.notice.setText(f"  Log truncated: showing the last lines only ({dropped:,} earlier lines "
                                "were dropped to save memory).")
            self.notice.show()
        else:
            self.notice.hide()

    def scroll_to_end(self) -> None:
        self.view.moveCursor(QTextCursor.MoveOperation.End)
        self.view.moveCursor(QTextCursor.MoveOperation.StartOfBlock)  # no sideways jump on long lines
        self.view.verticalScrollBar().setValue(self.view.verticalScrollBar().maximum())
        self.view.horizontalScrollBar().setValue(0)

    def text(self) -> str:
        return self.view.toPlainText()

    def copy(self) -> None:
        cursor = self.view.textCursor()
        text = cursor.selectedText().replace("\u2029", "\n") if cursor.hasSelection() else self.text()
        QGuiApplication.clipboard().setText(text)

    def find_next(self) -> bool:
        """Find the search text after the cursor (wrapping once); selects it."""
        needle = self.search.text()
        if not needle:
            return False
        if self.view.find(needle):
            return True
        self.view.moveCursor(QTextCursor.MoveOperation.Start)
        found = self.view.find(needle)
        self.search.setStyleSheet("" if found else "background:#fdecea;")
        return found

    def show_stage_failure(self, stage: int) -> None:
        """Open the log on ``stage``, scrolled to its last lines (the error is there)."""
        self.set_filter(stage)
        self.scroll_to_end()

