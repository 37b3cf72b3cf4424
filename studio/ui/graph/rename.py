"""Renaming a stage in place: a line edit laid over the box's title. Enter or leaving
the field asks for the rename (a valid, different name only); Escape cancels."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QGraphicsView, QLineEdit

from studio.ui.graph.dialogs import STAGE_NAME, name_validator
from studio.ui.graph.stage_node import StageNode


class InlineEditor(QLineEdit):
    """The rename box; Escape cancels, Enter or focus-out commits."""

    sig_cancelled = Signal()

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and event.key() == Qt.Key.Key_Escape:
            event.accept()  # Esc is ours while renaming: the window's Esc (cancel a build) must not take it
            return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.sig_cancelled.emit()
            return
        super().keyPressEvent(event)


class InlineRename(QObject):
    """One rename at a time over ``view``; ``sig_renamed(stage key, new name)``."""

    sig_renamed = Signal(str, str)

    def __init__(self, view: QGraphicsView) -> None:
        super().__init__(view)
        self.view = view
        self.editor = InlineEditor(view.viewport())
        self.editor.setObjectName("graphRenameEditor")
        self.editor.setValidator(name_validator(self.editor))
        self.editor.hide()
        self._key = ""
        self._title = ""
        self.editor.editingFinished.connect(self._commit)
        self.editor.sig_cancelled.connect(self._cancel)

    def start(self, node: StageNode) -> None:
        """Show the editor over ``node``'s title, its name selected."""
        view = self.view
        rect = view.mapFromScene(node.mapToScene(node.title_rect())).boundingRect()
        self._key, self._title = node.key, node.title
        self.editor.setFont(view.scene().theme.title_font)
        self.editor.setText(node.title if not node.unnamed else "")
        self.editor.setGeometry(rect.adjusted(-2, -2, 2, 2))
        self.editor.setMinimumHeight(24)
        self.editor.show()
        self.editor.selectAll()
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def _commit(self) -> None:
        if not self.editor.isVisible():
            return
        text = self.editor.text().strip()
        self.editor.hide()
        self.view.setFocus()
        if STAGE_NAME.match(text) and text != self._title:
            self.sig_renamed.emit(self._key, text)

    def _cancel(self) -> None:
        self.editor.hide()
        self.view.setFocus()
