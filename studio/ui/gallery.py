"""New from Example: the teaching gallery of bundled Dockerfiles, with a preview."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPlainTextEdit,
    QSplitter, QVBoxLayout, QWidget,
)

from studio.paths import examples
from studio.ui.editor.highlighter import DockerfileHighlighter


def example_title(path: Path) -> str:
    """``go-build-env.Dockerfile`` -> ``Go build env``."""
    words = path.name.removesuffix(".Dockerfile").replace("_", "-").split("-")
    text = " ".join(w for w in words if w)
    return text[:1].upper() + text[1:]


def example_summary(text: str) -> str:
    """The leading comment block, without the ``#`` marks: what the example teaches."""
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("#").strip())
    return " ".join(l for l in lines if l).strip()


class ExampleGallery(QDialog):
    """Pick one example; ``chosen_text()`` is what the new document starts with."""

    def __init__(self, parent: QWidget | None = None, paths: list[Path] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exampleGallery")
        self.setWindowTitle("New from Example")
        self.resize(900, 560)
        self.paths = paths if paths is not None else examples()
        self.listing = QListWidget(self)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.preview = QPlainTextEdit(self)
        self.preview.setReadOnly(True)
        self.preview.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.preview.setFont(self.font())
        dark = self.preview.palette().base().color().lightness() < 128
        self._highlighter = DockerfileHighlighter(self.preview.document(), dark=dark)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.summary)
        right_layout.addWidget(self.preview, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.listing)
        splitter.addWidget(right)
        splitter.setSizes([260, 640])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(buttons)
        layout.addLayout(row)
        self._texts: dict[str, str] = {}
        for path in self.paths:
            item = QListWidgetItem(example_title(path))
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            item.setToolTip(path.name)
            self.listing.addItem(item)
        self.listing.currentItemChanged.connect(self._show)
        self.listing.itemDoubleClicked.connect(lambda _item: self.accept())
        if self.listing.count():
            self.listing.setCurrentRow(0)

    def _text_of(self, path: str) -> str:
        if path not in self._texts:
            try:
                self._texts[path] = Path(path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                self._texts[path] = f"# Could not read this example: {exc}\n"
        return self._texts[path]

    def _show(self, item: QListWidgetItem | None, _previous=None) -> None:
        if item is None:
            return
        text = self._text_of(item.data(Qt.ItemDataRole.UserRole))
        self.preview.setPlainText(text)
        self.summary.setText(example_summary(text) or item.text())

    def chosen_path(self) -> Path | None:
        item = self.listing.currentItem()
        return Path(item.data(Qt.ItemDataRole.UserRole)) if item else None

    def chosen_text(self) -> str | None:
        path = self.chosen_path()
        return self._text_of(str(path)) if path else None
