"""A squarified treemap of an image's directories, each part coloured by the stage that
wrote most of its bytes: where the bytes are, and which stage put them there.

Laid out once per tree and size (into a cached picture), so painting is a blit; a click
names the path under the mouse (``sig_path_clicked``).
"""
from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget

from studio.core.units import human_size
from studio.ui.files_view.file_index import FileIndex

PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7",
           "#9c755f", "#bab0ac"]
MIN_SIDE = 6.0  # smaller parts are not split further (they would be noise)
MAX_PARTS = 80  # parts per directory; a folder of 600 files would be 600 slivers


def stage_colour(stage: str, order: list[str]) -> QColor:
    if not stage:
        return QColor("#9aa0a6")
    return QColor(PALETTE[order.index(stage) % len(PALETTE)] if stage in order else "#9aa0a6")


def squarify(sizes: list[float], rect: QRectF) -> list[QRectF]:
    """Rectangles for ``sizes`` (largest first) filling ``rect`` with near-square parts."""
    out: list[QRectF] = []
    total = sum(sizes)
    if total <= 0 or rect.width() <= 0 or rect.height() <= 0:
        return [QRectF() for _ in sizes]
    scale = rect.width() * rect.height() / total
    areas = [s * scale for s in sizes]
    x, y, w, h = rect.x(), rect.y(), rect.width(), rect.height()
    i = 0
    while i < len(areas):
        side = min(w, h)
        total_row, low, high = areas[i], areas[i], areas[i]
        j = i + 1
        while j < len(areas):  # grow the row while its worst aspect ratio improves
            a = areas[j]
            if _worst(total_row + a, min(low, a), max(high, a), side) > _worst(total_row, low, high, side):
                break
            total_row, low, high = total_row + a, min(low, a), max(high, a)
            j += 1
        thickness = total_row / side if side else 0
        offset = 0.0
        for a in areas[i:j]:
            length = a / thickness if thickness else 0
            if w >= h:  # a column on the left
                out.append(QRectF(x, y + offset, thickness, length))
            else:  # a row on top
                out.append(QRectF(x + offset, y, length, thickness))
            offset += length
        if w >= h:
            x, w = x + thickness, w - thickness
        else:
            y, h = y + thickness, h - thickness
        i = j
    return out


def _worst(total: float, low: float, high: float, side: float) -> float:
    """The worst aspect ratio of a row of areas with this sum, smallest and largest."""
    if total <= 0 or side <= 0 or low <= 0:
        return float("inf")
    return max(side * side * high / (total * total), (total * total) / (side * side * low))


class TreemapWidget(QWidget):
    sig_path_clicked = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("filesTreemap")
        self.setMinimumSize(160, 120)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.files: FileIndex | None = None
        self.stages: list[str] = []
        self._picture: QPixmap | None = None
        self._parts: list[tuple[QRectF, str]] = []  # (rect, path), innermost last

    def set_tree(self, files: FileIndex | None, stages: list[str]) -> None:
        self.files, self.stages = files, list(stages)
        self._picture = None
        self.update()

    def parts(self) -> list[tuple[QRectF, str]]:
        return list(self._parts)

    def resizeEvent(self, event) -> None:
        self._picture = None
        super().resizeEvent(event)

    def paintEvent(self, event) -> None:
        if self._picture is None or self._picture.size() != self.size() * self.devicePixelRatioF():
            self._render()
        painter = QPainter(self)
        painter.drawPixmap(0, 0, self._picture)

    def _render(self) -> None:
        ratio = self.devicePixelRatioF()
        pixmap = QPixmap(self.size() * ratio)
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(self.palette().window().color())
        self._parts = []
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
        painter.setFont(font)
        if self.files is not None and self.files.total():
            self._draw(painter, self.files, "", QRectF(1, 1, self.width() - 2, self.height() - 2), 0)
        else:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No files to show yet")
        painter.end()
        self._picture = pixmap

    def _draw(self, painter: QPainter, files: FileIndex, key: str, rect: QRectF, depth: int) -> None:
        size = files.size
        kids = sorted((k for k in files.children(key) if size.get(k, 0) > 0), key=lambda k: -size[k])
        crowded = len(kids) > MAX_PARTS
        parts = [(k, k.rpartition("/")[2], size[k], files.stage_of(k)) for k in kids[:MAX_PARTS - 1 if crowded else None]]
        if crowded:  # the rest could not be seen apart; they share the last part
            rest = kids[MAX_PARTS - 1:]  # coloured like the largest of them
            parts.append(("", f"{len(rest)} more", sum(size[k] for k in rest), files.stage_of(rest[0])))
        rects = squarify([float(p[2]) for p in parts], rect)
        for (child, name, bytes_, stage), r in zip(parts, rects):
            if r.width() < 1 or r.height() < 1:
                continue
            child_path = "/" + child if child else f"/{key}/{name}" if key else f"/{name}"
            self._parts.append((r, child_path))
            if child and child in files.kids and depth < 3 and r.width() > MIN_SIDE * 3 and r.height() > MIN_SIDE * 3:
                painter.setPen(QPen(QColor(0, 0, 0, 60), 1))
                painter.setBrush(stage_colour(stage, self.stages).lighter(130 + 15 * depth))
                painter.drawRect(r)
                inner = r.adjusted(2, 14 if r.height() > 40 else 2, -2, -2)
                if r.height() > 40:
                    painter.setPen(QColor(20, 20, 20))
                    painter.drawText(r.adjusted(3, 1, -3, 0), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                                     f"{name}  {human_size(bytes_)}")
                self._draw(painter, files, child, inner, depth + 1)
            else:
                painter.setPen(QPen(QColor(0, 0, 0, 80), 1))
                painter.setBrush(stage_colour(stage, self.stages))
                painter.drawRect(r)
                if r.width() > 50 and r.height() > 16:
                    painter.setPen(QColor(255, 255, 255))
                    painter.drawText(r.adjusted(3, 1, -3, -1), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                                     f"{name}\n{human_size(bytes_)}")

    def path_at(self, x: float, y: float) -> str | None:
        for r, path in reversed(self._parts):
            if r.contains(x, y):
                return path
        return None

    def mousePressEvent(self, event) -> None:
        path = self.path_at(event.position().x(), event.position().y())
        if path:
            self.sig_path_clicked.emit(path)
