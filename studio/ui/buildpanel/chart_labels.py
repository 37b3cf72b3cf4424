"""Category labels under bars that stay readable however narrow the chart is.

Why not pyqtgraph's own tick text: it draws each label on one line and silently drops
labels that would overlap or run past the axis ends, so in a narrow dock "toolchain"
and "1 stage" just vanish (and cutting them to "1 sta…" is no better). Here every
label is laid out for the room it has: on one line when all fit, on two lines broken
between words, else slanted; only a name longer than ``SLANT_MAX_PX`` is shortened,
and the axis tooltip (and each bar's hover) still has the full name.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF

SLANT_DEGREES = 40
SLANT_MAX_PX = 110  # longer names are shortened (with "…") when slanted
PAD_PX = 6  # free room kept between neighbouring labels
SPILL_PX = 60  # how far slanted labels may reach left of the axis (under the size axis)
_BREAKS = re.compile(r"(?<=[\s\-_./:])")


@dataclass
class LabelLayout:
    mode: str  # "flat" | "wrap" | "slant"
    texts: list[str]  # what is drawn, lines joined by "\n"
    height: float  # pixels the labels need below the tick marks

    @property
    def shortened(self) -> bool:
        return any(text.endswith("…") for text in self.texts)


def _wrap(label: str, room: float, metrics: QFontMetricsF) -> str | None:
    """``label`` on at most two lines that each fit ``room``, broken between words; or None."""
    pieces = [p for p in _BREAKS.split(label) if p]
    if len(pieces) < 2:
        return None
    best = None
    for cut in range(1, len(pieces)):
        first, second = "".join(pieces[:cut]).rstrip(), "".join(pieces[cut:]).strip()
        widest = max(metrics.horizontalAdvance(first), metrics.horizontalAdvance(second))
        if widest <= room and (best is None or widest < best[0]):
            best = (widest, f"{first}\n{second}")
    return best[1] if best else None


def fit_labels(labels: list[str], slot_px: float, font: QFont) -> LabelLayout:
    """Lay out ``labels`` for bars ``slot_px`` apart: flat if all fit, else wrapped, else slanted."""
    metrics = QFontMetricsF(font)
    line = metrics.height()
    room = slot_px - PAD_PX
    if all(metrics.horizontalAdvance(label) <= room for label in labels):
        return LabelLayout("flat", list(labels), line)
    wrapped = [label if metrics.horizontalAdvance(label) <= room else _wrap(label, room, metrics) for label in labels]
    if all(text is not None for text in wrapped):
        lines = max(text.count("\n") + 1 for text in wrapped)
        return LabelLayout("wrap", wrapped, line * lines)
    texts = [metrics.elidedText(label, Qt.TextElideMode.ElideRight, SLANT_MAX_PX) for label in labels]
    angle = math.radians(SLANT_DEGREES)
    widest = max((metrics.horizontalAdvance(text) for text in texts), default=0.0)
    return LabelLayout("slant", texts, widest * math.sin(angle) + line * math.cos(angle))


class CategoryAxis(pg.AxisItem):
    """A bottom axis for named bars at x = 0, 1, 2…: lays its labels out with ``fit_labels``."""

    def __init__(self, *args, **kwargs) -> None:
        self.layout_now = LabelLayout("flat", [], 0.0)
        self.labels: list[tuple[float, str]] = []  # (x, full name); set before pyqtgraph's first resize
        super().__init__("bottom", *args, **kwargs)
        self.setStyle(hideOverlappingLabels=SPILL_PX)  # room left of the axis for slanted names

    def set_labels(self, labels: list[tuple[float, str]]) -> None:
        self.labels = list(labels)
        self.setTicks([[(x, "") for x, _ in self.labels]])  # tick marks only: the text is drawn below
        self.refit()

    def label_font(self) -> QFont:
        return QFont(self.style["tickFont"]) if self.style["tickFont"] is not None else QFont()

    def slot_px(self) -> float:
        """Pixels between neighbouring bars (the width each label may use)."""
        low, high = self.range
        return self.geometry().width() / max(1e-9, high - low)

    def refit(self) -> None:
        """Choose the layout for the current width, and make the axis tall enough for it."""
        names = [label for _, label in self.labels]
        layout = fit_labels(names, self.slot_px(), self.label_font()) if names else LabelLayout("flat", [], 0.0)
        self.layout_now = layout
        self.setToolTip("\n".join(names) if layout.shortened else "")
        offset = self.style["tickTextOffset"][1] + max(0, self.style["tickLength"])
        self.setHeight(math.ceil(max(layout.height, QFontMetricsF(self.label_font()).height()) + offset + 2))
        self.picture = None
        self.update()

    def resizeEvent(self, ev=None) -> None:
        super().resizeEvent(ev)
        if self.labels:
            self.refit()

    def linkedViewChanged(self, view, newRange=None) -> None:
        super().linkedViewChanged(view, newRange)
        if self.labels:
            self.refit()

    def label_rects(self) -> list[QRectF]:
        """Where each label is drawn, in axis coordinates, unrotated (for tests and hit checks)."""
        metrics = QFontMetricsF(self.label_font())
        low, high = self.range
        width = self.geometry().width()
        top = self.style["tickTextOffset"][1] + max(0, self.style["tickLength"])
        rects = []
        for (x, _), text in zip(self.labels, self.layout_now.texts):
            lines = text.split("\n")
            w = max(metrics.horizontalAdvance(part) for part in lines)
            h = metrics.height() * len(lines)
            px = (x - low) / max(1e-9, high - low) * width
            rects.append(QRectF(px - w / 2, top, w, h))
        return rects

    def drawPicture(self, p, axisSpec, tickSpecs, textSpecs) -> None:
        super().drawPicture(p, axisSpec, tickSpecs, [])
        p.setFont(self.label_font())
        p.setPen(self.textPen())
        flags = int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        for rect, text in zip(self.label_rects(), self.layout_now.texts):
            if self.layout_now.mode != "slant":
                p.drawText(rect, flags, text)
                continue
            p.save()  # the end of the name sits under its bar, the name runs down to the left
            p.translate(QPointF(rect.center().x() + QFontMetricsF(p.font()).height() * 0.3, rect.top()))
            p.rotate(-SLANT_DEGREES)
            p.drawText(QRectF(-rect.width(), 0, rect.width(), rect.height()),
                       int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop), text)
            p.restore()
