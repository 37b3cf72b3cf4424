"""Item models of the Files view: a directory tree and a flat list, over plain rows.

A row is one path with its size and where it came from (layer, line, stage) plus a change
("added", "removed", "grew", ...) and whether its bytes are waste. The tree aggregates
directory sizes once when built; sorting reorders children lists in place, so a model
of the 1 GB benchmark image (60,000+ paths) is built and sorted in a fraction of a second.
"""
from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import QAbstractItemModel, QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from studio.core.units import human_size

COLUMNS = ("Name", "Size", "Layer", "Line", "Origin", "Change")  # origin: the stage or image its bytes come from
WASTE = QColor(255, 170, 60, 90)
REMOVED = QColor(200, 40, 40)
NO_PARENT = QModelIndex()  # Qt's "top level" (a shared default; Qt never changes it)
PATH_ROLE = Qt.ItemDataRole.UserRole + 1
LINE_ROLE = Qt.ItemDataRole.UserRole + 2


class Row(NamedTuple):
    path: str  # "/usr/bin/env"
    size: int
    layer: int | None
    line: int | None
    stage: str  # the stage's label ("build", "#2"); "" when not known
    change: str = ""
    waste: str = ""  # why these bytes are waste (tooltip); "" when they are not


class Node:
    __slots__ = ("name", "parent", "children", "size", "row", "index_in_parent")

    def __init__(self, name: str, parent: Node | None) -> None:
        self.name, self.parent = name, parent
        self.children: list[Node] = []
        self.size = 0
        self.row: Row | None = None
        self.index_in_parent = 0


def build_tree(rows: list[Row]) -> Node:
    root = Node("", None)
    dirs: dict[str, Node] = {"": root}
    for row in rows:
        parent_path, _, name = row.path.strip("/").rpartition("/")
        parent = dirs.get(parent_path)
        if parent is None:
            parent = root
            walked = ""
            for part in parent_path.split("/"):
                walked = f"{walked}/{part}" if walked else part
                node = dirs.get(walked)
                if node is None:
                    node = dirs[walked] = Node(part, parent)
                    parent.children.append(node)
                parent = node
        key = row.path.strip("/")
        node = dirs.get(key)
        if node is None:
            node = Node(name, parent)
            parent.children.append(node)
            dirs[key] = node
        node.row = row
    _total(root)
    return root


def _total(node: Node) -> int:
    own = node.row.size if node.row is not None else 0
    node.size = own + sum(_total(c) for c in node.children)
    return node.size


def _sort_key(column: int):
    if column == 0:
        return lambda n: n.name
    if column == 1:
        return lambda n: n.size
    field = Row._fields[column]
    if field in ("layer", "line"):
        return lambda n: -1 if n.row is None or getattr(n.row, field) is None else getattr(n.row, field)
    return lambda n: getattr(n.row, field) if n.row is not None else ""


def _cell(row: Row | None, column: int, size: int, name: str):
    if column == 0:
        return name
    if column == 1:
        return human_size(size)
    if row is None:
        return ""
    value = (None, None, row.layer, row.line, row.stage, row.change)[column]
    return "" if value is None else str(value)


class FileTreeModel(QAbstractItemModel):
    def __init__(self, rows: list[Row], parent=None) -> None:
        super().__init__(parent)
        self.root = build_tree(rows)
        self.count = len(rows)
        self.rows = sorted(rows, key=lambda r: -r.size)  # for search: matches come out largest first
        self.lowered = [r.path.lower() for r in self.rows]
        self.sort(1, Qt.SortOrder.DescendingOrder)

    def matching(self, text: str) -> list[Row]:
        """Rows whose path contains ``text`` (lower case), largest first."""
        return [r for r, p in zip(self.rows, self.lowered) if text in p]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        key, reverse = _sort_key(column), order == Qt.SortOrder.DescendingOrder
        todo = [self.root]
        while todo:
            node = todo.pop()
            if node.children:
                node.children.sort(key=key, reverse=reverse)
                for i, child in enumerate(node.children):
                    child.index_in_parent = i
                todo.extend(node.children)
        self.layoutChanged.emit()

    def node(self, index: QModelIndex) -> Node:
        return index.internalPointer() if index.isValid() else self.root

    def index(self, row: int, column: int, parent: QModelIndex = NO_PARENT) -> QModelIndex:
        node = self.node(parent)
        if 0 <= row < len(node.children):
            return self.createIndex(row, column, node.children[row])
        return QModelIndex()

    def parent(self, index: QModelIndex = NO_PARENT) -> QModelIndex:  # noqa: A003 - Qt's name
        if not index.isValid():
            return QModelIndex()
        up = index.internalPointer().parent
        if up is None or up is self.root:
            return QModelIndex()
        return self.createIndex(up.index_in_parent, 0, up)

    def rowCount(self, parent: QModelIndex = NO_PARENT) -> int:
        if parent.column() > 0:
            return 0
        return len(self.node(parent).children)

    def columnCount(self, parent: QModelIndex = NO_PARENT) -> int:
        return len(COLUMNS)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        node: Node = index.internalPointer()
        if role == Qt.ItemDataRole.DisplayRole:  # the common case, without the path walk
            return _cell(node.row, index.column(), node.size, node.name)
        path = _path_of(node) if role in (Qt.ItemDataRole.ToolTipRole, PATH_ROLE) else ""
        return row_data(node.row, index.column(), role, node.size, node.name, path)

    def path_index(self, path: str) -> QModelIndex:
        """The index of ``path`` (``/a/b``), or an invalid one."""
        node = self.root
        for part in path.strip("/").split("/"):
            node = next((c for c in node.children if c.name == part), None)
            if node is None:
                return QModelIndex()
        return self.createIndex(node.index_in_parent, 0, node)


def _path_of(node: Node) -> str:
    parts = []
    while node is not None and node.parent is not None:
        parts.append(node.name)
        node = node.parent
    return "/" + "/".join(reversed(parts))


def row_data(row: Row | None, column: int, role, size: int, name: str, path: str):
    if role == Qt.ItemDataRole.DisplayRole:
        return _cell(row, column, size, name)
    if role == Qt.ItemDataRole.TextAlignmentRole and column in (1, 2, 3):
        return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if role == Qt.ItemDataRole.BackgroundRole and row is not None and row.waste:
        return QBrush(WASTE)
    if role == Qt.ItemDataRole.ForegroundRole and row is not None and row.change in ("removed", "vanished"):
        return QBrush(REMOVED)
    if role == Qt.ItemDataRole.ToolTipRole:
        tip = f"{path} — {size:,} bytes"
        if row is not None and row.line:
            tip += f"\nwritten at line {row.line}" + (f" (bytes from {row.stage})" if row.stage else "")
        if row is not None and row.waste:
            tip += "\n" + row.waste
        return tip
    if role == PATH_ROLE:
        return path
    if role == LINE_ROLE:
        return row.line if row is not None else None
    return None


class FileListModel(QAbstractTableModel):
    """Full paths in a flat list: search results and comparisons (largest first)."""

    def __init__(self, rows: list[Row], parent=None) -> None:
        super().__init__(parent)
        self.rows = rows
        self.count = len(rows)

    def rowCount(self, parent: QModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = NO_PARENT) -> int:
        return len(COLUMNS)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return "Path" if section == 0 else COLUMNS[section]
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        return row_data(row, index.column(), role, row.size, row.path, row.path)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        field = Row._fields[column]
        if field in ("layer", "line"):
            def key(r):
                return -1 if getattr(r, field) is None else getattr(r, field)
        else:
            def key(r):
                return getattr(r, field)
        self.rows.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
        self.layoutChanged.emit()
