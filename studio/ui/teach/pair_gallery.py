"""New from Example, the teaching gallery: the examples of ``gallery.json`` with their
titles and descriptions, the single-stage and multi-stage versions side by side, and a
badge on those that build here with no registry. "Compare Side by Side" puts the
multi-stage version in this window and both in one compare view (two graphs, their final
sizes once built, the difference), so a class sees what multi-stage saves.

Examples missing from the catalogue (or all of them, if it cannot be read) still appear,
as single files, so a broken catalogue never hides the bundled Dockerfiles.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QGridLayout, QLabel, QListWidget, QListWidgetItem, QPlainTextEdit, QSplitter,
    QVBoxLayout, QWidget,
)

from studio.paths import EXAMPLES
from studio.ui.editor.highlighter import DockerfileHighlighter
from studio.ui.gallery import example_summary, example_title

OFFLINE_BADGE = "✔ builds offline"
KINDS = (("single", "Single-stage"), ("multi", "Multi-stage"))


@dataclass
class Example:
    id: str
    title: str
    description: str
    files: dict[str, Path] = field(default_factory=dict)  # "single" / "multi" -> file
    context: Path | None = None
    builds_offline: bool = False

    @property
    def is_pair(self) -> bool:
        return "single" in self.files and "multi" in self.files

    def main_kind(self) -> str:
        return "multi" if "multi" in self.files else next(iter(self.files))


def load_catalogue(folder: Path = EXAMPLES) -> tuple[list[Example], str | None]:
    """The examples of ``folder/gallery.json`` then any other ``*.Dockerfile`` there; and
    a message when the catalogue could not be read."""
    examples: list[Example] = []
    problem = None
    try:
        data = json.loads((folder / "gallery.json").read_text(encoding="utf-8"))
        entries = data.get("examples", []) if isinstance(data, dict) else []
    except (OSError, ValueError) as exc:
        entries, problem = [], f"The example catalogue could not be read ({exc}); showing the files."
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("files"), dict):
            continue
        files = {kind: folder / str(name) for kind, name in entry["files"].items()
                 if kind in ("single", "multi") and (folder / str(name)).is_file()}
        if not files:
            continue
        context = folder / str(entry["context"]) if entry.get("context") else None
        examples.append(Example(str(entry.get("id") or next(iter(files.values())).stem),
                                str(entry.get("title") or example_title(next(iter(files.values())))),
                                str(entry.get("description") or ""), files,
                                context if context is not None and context.is_dir() else None,
                                bool(entry.get("builds_offline"))))
    listed = {path.resolve() for ex in examples for path in ex.files.values()}
    for path in sorted(folder.glob("*.Dockerfile")):
        if path.resolve() not in listed:
            examples.append(Example(path.stem, example_title(path), "", {"multi": path}))
    return examples, problem


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return f"# Could not read this example: {exc}\n"


class PairGallery(QDialog):
    """Pick an example; ``chosen()`` says which files to open (one, or the pair)."""

    def __init__(self, parent: QWidget | None = None, folder: Path = EXAMPLES) -> None:
        super().__init__(parent)
        self.setObjectName("pairGallery")
        self.setWindowTitle("New from Example")
        self.resize(1100, 640)
        self.examples, problem = load_catalogue(folder)
        self.listing = QListWidget(self)
        self.listing.setObjectName("exampleList")
        self.listing.setSpacing(2)
        self.title = QLabel(self)
        self.title.setStyleSheet("font-size: 15px; font-weight: 600;")
        self.badge = QLabel(OFFLINE_BADGE, self)
        self.badge.setStyleSheet("background:#2e8b57; color:white; border-radius:4px; padding:1px 6px;")
        self.description = QLabel(self)
        self.description.setWordWrap(True)
        self.previews: dict[str, QPlainTextEdit] = {}
        self.headers: dict[str, QLabel] = {}
        self._highlighters = []
        grid = QGridLayout()
        for column, (kind, label) in enumerate(KINDS):
            header = QLabel(label, self)
            header.setStyleSheet("font-weight: 600;")
            preview = QPlainTextEdit(self)
            preview.setObjectName(f"{kind}Preview")
            preview.setReadOnly(True)
            preview.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
            preview.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
            self._highlighters.append(DockerfileHighlighter(preview.document()))
            grid.addWidget(header, 0, column)
            grid.addWidget(preview, 1, column)
            self.previews[kind], self.headers[kind] = preview, header
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        heading = QGridLayout()
        heading.addWidget(self.title, 0, 0)
        heading.addWidget(self.badge, 0, 1, Qt.AlignmentFlag.AlignRight)
        right_layout.addLayout(heading)
        right_layout.addWidget(self.description)
        right_layout.addLayout(grid, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.listing)
        splitter.addWidget(right)
        splitter.setSizes([300, 800])
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.open_button = self.buttons.addButton("Open", QDialogButtonBox.ButtonRole.AcceptRole)
        self.single_button = self.buttons.addButton("Open Single-stage", QDialogButtonBox.ButtonRole.AcceptRole)
        self.both_button = self.buttons.addButton("Compare Side by Side", QDialogButtonBox.ButtonRole.AcceptRole)
        self.both_button.setToolTip("Both graphs in one compare view: build both and see what multi-stage saves")
        self.buttons.rejected.connect(self.reject)
        self.open_button.clicked.connect(lambda: self._finish(["main"]))
        self.single_button.clicked.connect(lambda: self._finish(["single"]))
        self.both_button.clicked.connect(lambda: self._finish(["multi", "single"]))
        layout = QVBoxLayout(self)
        if problem:
            note = QLabel(problem, self)
            note.setWordWrap(True)
            layout.addWidget(note)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.buttons)
        for example in self.examples:
            item = QListWidgetItem(example.title + ("   ✔" if example.builds_offline else ""))
            item.setToolTip(example.description or example.title)
            self.listing.addItem(item)
        self.listing.currentRowChanged.connect(self._show)
        self.listing.itemDoubleClicked.connect(lambda _item: self._finish(["main"]))
        self._choice: list[str] = []
        if self.examples:
            self.listing.setCurrentRow(0)

    def current(self) -> Example | None:
        row = self.listing.currentRow()
        return self.examples[row] if 0 <= row < len(self.examples) else None

    def _show(self, _row: int) -> None:
        example = self.current()
        if example is None:
            return
        self.title.setText(example.title)
        self.badge.setVisible(example.builds_offline)
        first = _read(example.files[example.main_kind()])
        self.description.setText(example.description or example_summary(first) or example.title)
        for kind, label in KINDS:
            path = example.files.get(kind)
            preview, header = self.previews[kind], self.headers[kind]
            preview.setVisible(path is not None)
            header.setVisible(path is not None)
            if path is not None:
                text = _read(path)
                preview.setPlainText(text)
                stages = sum(1 for line in text.splitlines() if line.lstrip().upper().startswith("FROM "))
                header.setText(f"{label} · {path.name} · {stages} stage{'s' if stages != 1 else ''}")
        self.open_button.setText("Open Multi-stage" if example.is_pair else "Open")
        self.single_button.setVisible(example.is_pair)
        self.both_button.setVisible(example.is_pair)

    def _finish(self, kinds: list[str]) -> None:
        example = self.current()
        if example is None:
            return
        self._choice = [example.main_kind() if k == "main" else k for k in kinds]
        self.accept()

    def chosen(self) -> list[tuple[Path, Path | None]]:
        """(file, build context) of each file to open, the first one into this window."""
        example = self.current()
        if example is None or self.result() != QDialog.DialogCode.Accepted:
            return []
        return [(example.files[k], example.context) for k in self._choice if k in example.files]


def open_example(window, path: Path, context: Path | None) -> bool:
    """A new untitled document from ``path`` in ``window``; a context folder the example
    needs becomes the build context."""
    if not window.files.new_file(_read(path)):
        return False
    window.build_settings.update(context=str(context) if context is not None else None)
    window.statusBar().showMessage(f"New from example {path.name}", 6000)
    return True


def open_from_gallery(window) -> bool:
    """Run the gallery (modal) and open what was chosen."""
    gallery = PairGallery(window)
    try:
        return bool(gallery.exec()) and open_chosen(window, gallery.chosen())
    finally:
        gallery.deleteLater()


def open_chosen(window, chosen: list[tuple[Path, Path | None]]) -> bool:
    """Open the first file in ``window``; a pair also opens side by side in one compare
    view (``window.teach.compare``): two graphs, their sizes once built, the difference."""
    if not chosen or not open_example(window, *chosen[0]):
        return False
    if len(chosen) > 1:
        from studio.ui.teach.compare_view import compare_files

        if window.teach.compare is not None:
            window.teach.compare.close()
        window.teach.compare = compare_files(window, chosen[:2], [Path(p).name for p, _ in chosen[:2]])
    return True
