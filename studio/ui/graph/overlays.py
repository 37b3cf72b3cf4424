"""The widgets laid over the graph view's viewport: the stale-text banner, the empty
hint, the minimap and the zoom bar. Kept together because they are placed together
whenever the viewport changes size, and none of them takes part in the scene."""
from __future__ import annotations

from PySide6.QtCore import QObject, QRect, QRectF, Qt, Signal
from PySide6.QtWidgets import QGraphicsView, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from studio.ui.graph.minimap import Minimap
from studio.ui.graph.zoom_bar import ZoomBar

OWN_BANNER = "The text has errors — the graph shows what can be read of it"
EMPTY_HINT = "No stages yet.\nStart a stage here, begin from an example, or type FROM … in the text."


class EmptyHint(QWidget):
    """What an empty graph offers: a new stage, or the example gallery."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("graphEmptyHint")
        self.label = QLabel(EMPTY_HINT, self)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.new_stage = QPushButton("New stage…", self)
        self.new_stage.setObjectName("emptyNewStage")
        self.gallery = QPushButton("Start from an example…", self)
        self.gallery.setObjectName("emptyGallery")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.new_stage)
        buttons.addWidget(self.gallery)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.label)
        layout.addLayout(buttons)
        layout.addStretch(1)


class GraphOverlays(QObject):
    """Owns the overlay widgets of one view; the view calls ``place`` and ``refresh``."""

    sig_new_stage = Signal()  # the empty graph's "New stage…"
    sig_open_gallery = Signal()  # the empty graph's "Start from an example…"

    def __init__(self, view: QGraphicsView) -> None:
        super().__init__(view)
        self.view = view
        self.banner = QLabel(view)
        self.banner.setObjectName("graphStaleBanner")
        self.banner.setText(OWN_BANNER)
        self.banner.hide()
        self.empty = EmptyHint(view)
        self.empty.new_stage.clicked.connect(self.sig_new_stage)
        self.empty.gallery.clicked.connect(self.sig_open_gallery)
        self.minimap = Minimap(view)
        self.minimap.hide()
        self.zoom_bar = ZoomBar(view)
        self.style()

    def style(self) -> None:
        th = self.view.scene().theme
        self.banner.setStyleSheet(
            f"QLabel {{ background: {th.warning.name()}; color: black; border-radius: 11px;"
            " padding: 3px 12px; font-weight: 600; }")
        self.empty.label.setStyleSheet(f"QLabel {{ color: {th.dim_text.name()}; }}")

    def show_banner(self, text: str | None) -> None:
        """Say ``text`` above the graph, or hide the banner (None)."""
        if text is None:
            self.banner.hide()
            return
        self.banner.setText(text)
        self.banner.adjustSize()
        self.banner.show()
        self.place()

    def refresh(self, zoom: float, nodes: QRectF, seen: QRectF) -> None:
        """The zoom level, and the minimap only when the boxes do not all fit in view
        (``seen``: the part of the scene in view)."""
        self.zoom_bar.show_zoom(zoom)
        big = not nodes.isEmpty() and not seen.contains(nodes)
        self.minimap.setVisible(big)
        if big:
            self.minimap.refresh()
        self.place()

    def _place_minimap(self, vp) -> None:
        """In the first corner where it covers no box (bottom right first); where every
        corner would cover one, the minimap stays hidden (the boxes come first)."""
        mini, view = self.minimap, self.view
        w, h = mini.width(), mini.height()
        corners = [(vp.right() - w - 10, vp.bottom() - h - 10), (vp.right() - w - 10, vp.top() + 10),
                   (vp.left() + 10, vp.top() + 10), (vp.left() + 10, vp.bottom() - h - 10 - self.zoom_bar.height())]
        boxes = [view.mapFromScene(n.sceneBoundingRect()).boundingRect().translated(vp.topLeft())
                 for n in view.scene().all_nodes()]
        for x, y in corners:
            spot = QRect(x, y, w, h)
            if not any(spot.intersects(box) for box in boxes):
                mini.move(x, y)
                return
        mini.move(*corners[0])
        mini.hide()

    def place(self) -> None:
        vp = self.view.viewport().geometry()
        self.banner.adjustSize()
        self.banner.move(vp.left() + (vp.width() - self.banner.width()) // 2, vp.top() + 10)
        self.empty.setGeometry(vp)
        self.zoom_bar.move(vp.left() + 10, vp.bottom() - self.zoom_bar.height() - 10)
        self._place_minimap(vp)
        self.minimap.raise_()
        self.banner.raise_()
