"""The side-by-side compare view: two Dockerfiles (a gallery pair: multi-stage and
single-stage) as two graphs in one window, each with the final image size the engine
measured, and the difference between them. "Build Both" builds the two texts one after
the other (each against its own context), as they are, in the background."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from studio.core import parse
from studio.core.units import human_size
from studio.engine.builder import Build, BuildRequest
from studio.ui.buildpanel.worker import BuildRunner
from studio.ui.graph.view import GraphView


@dataclass
class Side:
    title: str
    text: str
    context: str
    size: int | None = None
    error: str = ""


def difference_text(left: Side, right: Side) -> str:
    """What the comparison says once both sizes are known."""
    if left.size is None or right.size is None:
        failed = [s.title for s in (left, right) if s.error]
        return (f"Could not build {' and '.join(failed)}." if failed else
                "Build both to compare the final image sizes the engine measures.")
    small, big = sorted((left, right), key=lambda s: s.size)
    if small.size == big.size:
        return "Both final images are the same size."
    sizes = f"{human_size(big.size)} against {human_size(small.size)}"
    if not small.size:
        return f"The image of {big.title} is {human_size(big.size)}; the image of {small.title} is empty."
    share = small.size / big.size * 100
    return (f"The image of {big.title} is {big.size / small.size:.1f}× as large as the image of {small.title} "
            f"({sizes}): {small.title} saves {human_size(big.size - small.size)}, "
            f"its image is {share:.0f} % of the other's.")


class CompareView(QWidget):
    """Two graphs side by side with their sizes and the difference (one window)."""

    def __init__(self, sides: list[Side], parent: QWidget | None = None, labels: dict | None = None) -> None:
        # a normal top-level window (title bar, minimise, maximise, close), owned by the main one
        super().__init__(parent, Qt.WindowType.Window | Qt.WindowType.WindowTitleHint
                         | Qt.WindowType.WindowMinMaxButtonsHint | Qt.WindowType.WindowCloseButtonHint)
        self.setObjectName("compareView")
        self.setWindowTitle(f"Compare: {sides[0].title} · {sides[1].title}")
        self.sides = sides
        self.labels = dict(labels or {})
        self.graphs: list[GraphView] = []
        self.titles: list[QLabel] = []
        self.size_labels: list[QLabel] = []
        grid = QGridLayout()
        for column, side in enumerate(sides):
            title = QLabel(side.title, self)
            font = QFont(title.font())
            font.setPointSizeF(font.pointSizeF() * 1.4)
            font.setBold(True)
            title.setFont(font)
            graph = GraphView(self)
            # each side shows its whole graph (a comparison of what cannot be seen is none),
            # readable where the window allows
            graph.keep_readable = False
            graph.set_graph(parse(side.text).graph())
            size = QLabel("Final image: not built yet", self)
            size.setObjectName(f"compareSize{column}")
            self.titles.append(title)
            self.graphs.append(graph)
            self.size_labels.append(size)
        self.grid, self.stacked, self.fitted_size = grid, None, None
        self._arrange(stacked=False)
        self.difference = QLabel(difference_text(*sides), self)
        self.difference.setObjectName("compareDifference")
        self.difference.setFont(self.size_labels[0].font())
        self.difference.setWordWrap(True)
        self.build_button = QPushButton("Build Both", self)
        self.build_button.clicked.connect(self.build_both)
        self.close_button = QPushButton("Close", self)
        self.close_button.setToolTip("Close the comparison (Ctrl+W, Esc)")
        self.close_button.clicked.connect(self.close)
        for keys in ("Ctrl+W", "Esc"):
            QShortcut(QKeySequence(keys), self, activated=self.close)
        bottom = QHBoxLayout()
        bottom.addWidget(self.difference, 1)
        bottom.addWidget(self.build_button)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(grid, 1)
        layout.addLayout(bottom)
        self.runner = BuildRunner(self)
        self.runner.sig_done.connect(self._on_done)
        self._queue: list[int] = []
        self.resize(1400, 760)
        QTimer.singleShot(0, self._fit_graphs)

    def _fit_graphs(self) -> None:
        if self._arrange(self._better_stacked()):
            # a widget moved in a layout is shown again by a queued call, and a graph view
            # re-centres when shown (under the mouse pointer, if it is over it): fit after that
            QTimer.singleShot(0, self._fit_graphs)
            return
        self.layout().activate()  # (the graphs' new sizes now, before they fit)
        for graph in self.graphs:
            graph.fit_to_view()
        self.fitted_size = self.size()  # (tests wait for the arrangement of the size shown)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        # each graph's QGraphicsView re-centres when shown, under the mouse pointer if it is
        # over it (the views anchor zooms there): fit again once shown
        super().showEvent(event)
        self.fitted_size = None
        QTimer.singleShot(0, self._fit_graphs)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        if self.stacked is not None:  # arranged and fitted again for the new size
            self.fitted_size = None
            QTimer.singleShot(0, self._fit_graphs)

    def _better_stacked(self) -> bool:
        """One above the other, or side by side: whichever shows both whole graphs larger
        (stage graphs run left to right: a wide one is cut off in half a window's width)."""
        grid = self.grid.geometry()
        if grid.isEmpty():
            grid = self.rect()
        labels = sum(w.sizeHint().height() for w in (*self.titles, *self.size_labels))  # (both sides)
        width, height = max(1, grid.width()), max(1.0, grid.height() - labels / 2)

        def smallest(w: float, h: float) -> float:
            rects = [g.scene().nodes_rect().adjusted(-30, -40, 30, 30) for g in self.graphs]
            return min(min(w / max(1.0, r.width()), h / max(1.0, r.height())) for r in rects)

        return smallest(width, height / 2 - labels / 4) > smallest(width / 2, height)

    def _arrange(self, stacked: bool) -> bool:
        """Put the sides one above the other (``stacked``) or side by side; True if moved."""
        if stacked == self.stacked:
            return False
        self.stacked, grid = stacked, self.grid
        for i in range(grid.rowCount()):
            grid.setRowStretch(i, 0)
        for column, widgets in enumerate(zip(self.titles, self.graphs, self.size_labels)):
            top, left = (3 * column, 0) if stacked else (0, column)
            for row, widget in enumerate(widgets):
                grid.addWidget(widget, top + row, left)  # (moves it)
            grid.setRowStretch(top + 1, 1)
        return True

    def closeEvent(self, event) -> None:
        self._queue.clear()
        if self.runner.running():
            self.runner.cancel()
        super().closeEvent(event)

    def build_both(self) -> None:
        if self.runner.running():
            return
        self._queue = [0, 1]
        self.build_button.setEnabled(False)
        self._next()

    def building(self) -> bool:
        return bool(self._queue) or self.runner.running()

    def _next(self) -> None:
        if not self._queue:
            self.build_button.setEnabled(True)
            self.difference.setText(difference_text(*self.sides))
            return
        side = self.sides[self._queue[0]]
        self.size_labels[self._queue[0]].setText("Final image: building…")
        request = BuildRequest(dockerfile_text=side.text, context_dir=side.context, labels=self.labels, sizes=True)
        self.runner.start(Build(request))

    def _on_done(self, build) -> None:
        index = self._queue.pop(0)
        side, result = self.sides[index], build.result if build is not None else None
        if result is not None and result.ok:
            side.size, side.error = result.final.get("size"), ""
            self.size_labels[index].setText(f"Final image: {human_size(side.size)}")
        else:
            side.size, side.error = None, result.error.message if result is not None and result.error else "failed"
            self.size_labels[index].setText(f"Build failed: {side.error[:160]}")
        self._next()


def compare_files(parent: QWidget, chosen: list[tuple[Path, Path | None]], titles: list[str],
                  labels: dict | None = None) -> CompareView:
    """A compare view of the two chosen files (each with its context folder, or an empty one)."""
    import tempfile

    sides = []
    for (path, context), title in zip(chosen, titles):
        folder = str(context) if context is not None else tempfile.mkdtemp(prefix="stage-studio-compare-")
        sides.append(Side(title, Path(path).read_text(encoding="utf-8"), folder))
    view = CompareView(sides, parent, labels)
    view.show()
    return view
