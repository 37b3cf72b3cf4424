"""An external image (a base, or a ``COPY --from=<image>`` source) drawn as a small pill."""
from __future__ import annotations

from html import escape

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QStyle

from studio.ui.graph import theme as T
from studio.ui.graph.box_geometry import image_width
from studio.ui.graph.node_item import NodeItem
from studio.ui.graph.theme import Theme


class ImageNode(NodeItem):
    """Identified by its image reference (``ref``); it only ever feeds stages."""

    def __init__(self, theme: Theme, ref: str) -> None:
        super().__init__(theme, "image:" + ref)
        self.ref = ref
        self._dimmed = False
        self.warning: str | None = None
        fm = QFontMetricsF(theme.mono_font)
        self._width = image_width(ref)  # (by character count: the SVG export's pills are as wide)
        self._text = fm.elidedText(ref, Qt.TextElideMode.ElideMiddle, self._width - 40)
        self.setToolTip(f"Image <b>{ref}</b> (not a stage of this Dockerfile)")

    @property
    def width(self) -> float:
        return self._width

    @property
    def height(self) -> float:
        return T.IMAGE_H

    @property
    def is_dimmed(self) -> bool:
        return self._dimmed

    def set_dimmed(self, on: bool) -> None:
        if on != self._dimmed:
            self._dimmed = on
            self.setOpacity(0.45 if on else 1.0)

    def set_warning(self, message: str | None) -> None:
        """A lint warning about this reference (a stage name typed wrong): an outline in
        the warning colour and the message in the tooltip."""
        if message != self.warning:
            self.warning = message
            tip = f"Image <b>{self.ref}</b> (not a stage of this Dockerfile)"
            self.setToolTip(tip + (f"<br>⚠ {escape(message)}" if message else ""))
            self.update()

    def box_rect(self) -> QRectF:
        return QRectF(0, 0, self._width, T.IMAGE_H)

    def out_port_local(self) -> QPointF:
        return QPointF(self._width, T.IMAGE_H / 2)

    def part_at(self, local: QPointF) -> tuple[str, None]:
        return "body", None

    def boundingRect(self) -> QRectF:
        return QRectF(-2, -2, self._width + T.PORT_R + 4, T.IMAGE_H + 6)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(self.box_rect(), T.IMAGE_H / 2, T.IMAGE_H / 2)
        return path

    def paint(self, painter: QPainter, option, widget=None) -> None:
        th = self.theme
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = self.box_rect()
        r = T.IMAGE_H / 2
        painter.setBrush(th.image_fill)
        outline = th.selection if selected else th.warning if self.warning else th.border
        pen = QPen(outline, 2.0 if selected or self.warning else 1.0)
        pen.setCosmetic(th.cosmetic)
        if not selected and not self.warning:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.drawRoundedRect(rect, r, r)
        # a small "layers" glyph: three stacked bars
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(th.dim_text)
        for k in range(3):
            painter.drawRoundedRect(QRectF(12, 10 + k * 5, 12, 3), 1.5, 1.5)
        painter.setPen(th.text)
        painter.setFont(th.mono_font)
        painter.drawText(QRectF(32, 0, self._width - 38, T.IMAGE_H), Qt.AlignmentFlag.AlignVCenter, self._text)
        painter.setBrush(th.image_fill)
        painter.setPen(QPen(th.edge_from, 1.5))
        painter.drawEllipse(self.out_port_local(), T.PORT_R - 1, T.PORT_R - 1)
