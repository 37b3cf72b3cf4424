"""Item models of the Files view: a directory tree and a flat list, over plain rows.

A row is one path with its size and where it came from (layer, line, stage) plus a change
("added", "removed", "grew", ...) and whether its bytes are waste. Both models give the
view only what it shows: the tree makes a directory's nodes when it is first opened
(sizes come from the ``FileIndex``, made in one pass), and long lists reach the view in
batches as it scrolls. Sorting reorders only the nodes made so far.
"""
from __future__ import annotations

import re
from operator import itemgetter

from PySide6.QtCore import QAbstractItemModel, QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from studio.core.line_map import SAME, LineMap
from studio.core.units import human_size
from studio.ui.files_view.file_index import FileIndex, Row

__all__ = ["BATCH", "BUILT_LINE_ROLE", "COLUMNS", "FOLDER_BATCH", "FileListModel", "FileTreeModel", "LINE_ROLE",
           "Node", "PATH_ROLE", "Row", "line_mark"]

COLUMNS = ("Name", "Size", "Layer", "Line", "Origin", "Change")  # origin: the stage or image its bytes come from
# a layer's view: added bytes, and apart from them, the bytes its removed paths hide
SPLIT_SIZE = "Added / removed"
WASTE = QColor(255, 170, 60, 90)
REMOVED = QColor(200, 40, 40)
NO_PARENT = QModelIndex()  # Qt's "top level" (a shared default; Qt never changes it)
PATH_ROLE = Qt.ItemDataRole.UserRole + 1
LINE_ROLE = Qt.ItemDataRole.UserRole + 2  # the line that wrote it in the text as it is now (None: edited since)
BUILT_LINE_ROLE = Qt.ItemDataRole.UserRole + 3  # that line in the text that was built
_MARK = re.compile("\x1e([0-9]+)\x1e")  # a built line named in a row's waste text, said as it is now
LARGEST_FIRST = (1, Qt.SortOrder.DescendingOrder)
BATCH = 200  # search results handed to the view at a time; more when scrolled to
# A folder's children handed to the tree view at a time. Qt's tree view fetches a batch more
# each time it lays out an open folder that has more, and lays out every open row again
# after each: batches of 200 made opening a 600-file folder three full layouts (~20 ms).
FOLDER_BATCH = 2000


class Node:
    """A path the view has asked about; its children are made when first asked for."""

    __slots__ = ("key", "name", "parent", "children", "size", "hidden", "row", "index_in_parent", "shown", "cells")

    def __init__(self, key: str, parent: Node | None, size: int, row: Row | None, hidden: int = 0) -> None:
        self.key, self.parent, self.size, self.row, self.hidden = key, parent, size, row, hidden
        self.name = key.rpartition("/")[2]
        self.children: list[Node] | None = None
        self.index_in_parent = 0
        self.shown = 0  # how many children the view has been told about
        self.cells: tuple | None = None  # what a painted row shows (``cells``), made when first painted


# A row painted asks data() for 7 roles of each of its 6 cells (Qt's delegate asks font,
# check state and icon too): a scrolled frame makes thousands of calls. The 4 roles that
# show something are answered from a tuple made once per row, the others with one lookup.
_SLOT = {int(Qt.ItemDataRole.DisplayRole): 0, int(Qt.ItemDataRole.TextAlignmentRole): 1,
         int(Qt.ItemDataRole.BackgroundRole): 2, int(Qt.ItemDataRole.ForegroundRole): 3}
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_SLOW = frozenset((int(Qt.ItemDataRole.ToolTipRole), PATH_ROLE, LINE_ROLE, BUILT_LINE_ROLE))
_BRUSHES: dict[str, QBrush] = {}


def _brush(which: str) -> QBrush:
    if which not in _BRUSHES:  # made on first use: a QBrush wants the application's colour setup
        _BRUSHES[which] = QBrush(WASTE if which == "waste" else REMOVED)
    return _BRUSHES[which]


def line_mark(line: int) -> str:
    """``line`` (of the built text) in a row's waste text; shown as where it is now."""
    return f"\x1e{line}\x1e"


def cells(row: Row | None, size: int, name: str, lines: LineMap = SAME, hidden: int = 0) -> tuple:
    """Per column: (text, alignment, background, foreground), what a painted cell shows."""
    background = _brush("waste") if row is not None and row.waste else None
    foreground = _brush("removed") if row is not None and row.change in ("removed", "vanished") else None
    return tuple((_cell(row, column, size, name, lines, hidden), _RIGHT if column in (1, 2, 3) else None, background,
                  foreground) for column in range(len(COLUMNS)))


def fill(span, cell: tuple, slow) -> None:
    """Answer every role of ``span`` (Qt's ``QModelRoleDataSpan``) for one cell: its
    ``cells`` entry, ``slow(role)`` for tool tip, path and line, nothing for the rest."""
    for asked in span:
        role = asked.role()
        slot = _SLOT.get(role)
        value = cell[slot] if slot is not None else slow(role) if role in _SLOW else None
        if value is None:
            asked.clearData()
        else:
            asked.setData(value)


def _sort_key(column: int):
    if column == 0:
        return lambda n: n.name
    if column == 1:
        return lambda n: n.size + n.hidden
    field = Row._fields[column]
    if field in ("layer", "line"):
        return lambda n: -1 if n.row is None or getattr(n.row, field) is None else getattr(n.row, field)
    return lambda n: getattr(n.row, field) if n.row is not None else ""


def _cell(row: Row | None, column: int, size: int, name: str, lines: LineMap, hidden: int = 0):
    if column == 0:
        return name
    if column == 1:
        if row is not None and row.change == "removed":
            return f"{human_size(row.size)} removed"  # the bytes it hides (they stay in the image)
        if hidden:
            return f"{human_size(size)} / {human_size(hidden)} removed" if size else f"{human_size(hidden)} removed"
        return human_size(size)
    if row is None:
        return ""
    if column == 3:
        return lines.short(row.line)
    value = (None, None, row.layer, None, row.stage, row.change)[column]
    return "" if value is None else str(value)


class FileTreeModel(QAbstractItemModel):
    """The rows as a directory tree. Nodes are made per directory when the view first asks
    for its children, sorted then; a directory of more than ``FOLDER_BATCH`` entries is handed
    over in batches (``canFetchMore``), so neither opening nor expanding walks the image."""

    def __init__(self, rows: list[Row], parent=None) -> None:
        super().__init__(parent)
        self.files = FileIndex(rows)
        self.count = len(rows)
        self.root = Node("", None, self.files.total(), None, self.files.hidden.get("", 0))
        self._key, self._reverse = _sort_key(1), True
        self.lines = SAME

    def set_lines(self, lines: LineMap) -> None:
        """The text was edited since the build: the rows made so far say their lines anew."""
        self.lines = lines
        todo = [self.root]
        while todo:
            node = todo.pop()
            node.cells = None
            if node.children and node.shown:
                todo.extend(node.children[:node.shown])
                parent = self._index_of(node) if node is not self.root else QModelIndex()
                if node is self.root or parent.isValid():
                    self.dataChanged.emit(self.index(0, 0, parent), self.index(node.shown - 1, len(COLUMNS) - 1, parent))

    def children(self, node: Node) -> list[Node]:
        """All children of ``node`` (made and sorted now if not yet), shown or not."""
        if node.children is None:
            files = self.files
            size, row_of, hidden = files.size, files.row_of, files.hidden
            kids = [Node(k, node, size.get(k, 0), row_of.get(k), hidden.get(k, 0) if hidden else 0)
                    for k in files.kids.get(node.key, ())]
            kids.sort(key=self._key, reverse=self._reverse)
            for i, child in enumerate(kids):
                child.index_in_parent = i
            node.children = kids
            node.shown = min(len(kids), FOLDER_BATCH)
        return node.children

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        before = [(i, i.internalPointer()) for i in self.persistentIndexList()]
        self._key, self._reverse = _sort_key(column), order == Qt.SortOrder.DescendingOrder
        todo = [self.root]
        while todo:  # only what was made; the rest is sorted when made
            node = todo.pop()
            if node.children:
                node.children.sort(key=self._key, reverse=self._reverse)
                for i, child in enumerate(node.children):
                    child.index_in_parent = i
                todo.extend(node.children)
        self.changePersistentIndexList([i for i, _n in before],
                                       [self._index_of(n, i.column()) for i, n in before])
        self.layoutChanged.emit()

    def _index_of(self, node: Node, column: int = 0) -> QModelIndex:
        """``node``'s index, or an invalid one when a sort moved it (or a parent) past what
        the view was handed."""
        up = node
        while up.parent is not None:
            if up.index_in_parent >= up.parent.shown:
                return QModelIndex()
            up = up.parent
        return self.createIndex(node.index_in_parent, column, node)

    def node(self, index: QModelIndex) -> Node:
        return index.internalPointer() if index.isValid() else self.root

    # index, parent and rowCount run hundreds of times per painted frame: no calls they can
    # do without (an invalid index's internalPointer() is None, that is the root)
    def index(self, row: int, column: int, parent: QModelIndex = NO_PARENT) -> QModelIndex:
        node = parent.internalPointer() or self.root
        kids = node.children
        if kids is None:
            kids = self.children(node)
        if 0 <= row < node.shown:
            return self.createIndex(row, column, kids[row])
        return QModelIndex()

    def parent(self, index: QModelIndex = NO_PARENT) -> QModelIndex:  # noqa: A003 - Qt's name
        node = index.internalPointer()
        up = node.parent if node is not None else None
        if up is None or up is self.root:
            return QModelIndex()
        return self.createIndex(up.index_in_parent, 0, up)

    def rowCount(self, parent: QModelIndex = NO_PARENT) -> int:
        node = parent.internalPointer() or self.root
        if node is not self.root and parent.column() > 0:
            return 0
        if node.children is None:
            self.children(node)
        return node.shown

    def hasChildren(self, parent: QModelIndex = NO_PARENT) -> bool:
        if parent.column() > 0:
            return False
        node = self.node(parent)
        return bool(node.children) if node.children is not None else node.key in self.files.kids

    def canFetchMore(self, parent: QModelIndex) -> bool:
        node = self.node(parent)
        return node.shown < len(self.children(node))

    def fetchMore(self, parent: QModelIndex) -> None:
        node = self.node(parent)
        if node.shown >= len(self.children(node)):
            return
        more = min(FOLDER_BATCH, len(node.children) - node.shown)
        self.beginInsertRows(parent, node.shown, node.shown + more - 1)
        node.shown += more
        self.endInsertRows()

    def columnCount(self, parent: QModelIndex = NO_PARENT) -> int:
        return len(COLUMNS)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return SPLIT_SIZE if section == 1 and self.files.hidden else COLUMNS[section]
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        slot = _SLOT.get(role)
        node: Node | None = index.internalPointer()
        if node is None:
            return None
        if slot is not None:
            made = node.cells
            if made is None:
                made = node.cells = cells(node.row, node.size, node.name, self.lines, node.hidden)
            return made[index.column()][slot]
        if role in _SLOW:
            return row_data(node.row, role, node.size, _path_of(node), self.lines)
        return None

    def multiData(self, index: QModelIndex, span) -> None:  # noqa: N802 - Qt's name
        """What Qt's delegate asks when it paints a cell: 7 roles in one call, not 7 calls."""
        node: Node | None = index.internalPointer()
        if node is None:
            return
        made = node.cells
        if made is None:
            made = node.cells = cells(node.row, node.size, node.name, self.lines, node.hidden)
        fill(span, made[index.column()], lambda role: self.data(index, role))

    def path_index(self, path: str) -> QModelIndex:
        """The index of ``path`` (``/a/b``), handing the view more rows where it is further
        down than shown; an invalid index when there is no such path."""
        node = self.root
        for part in path.strip("/").split("/"):
            node = next((c for c in self.children(node) if c.name == part), None)
            if node is None:
                return QModelIndex()
            while node.index_in_parent >= node.parent.shown:
                self.fetchMore(self._index_of(node.parent) if node.parent is not self.root else QModelIndex())
        return self.createIndex(node.index_in_parent, 0, node)


def _path_of(node: Node) -> str:
    parts = []
    while node is not None and node.parent is not None:
        parts.append(node.name)
        node = node.parent
    return "/" + "/".join(reversed(parts))


def row_data(row: Row | None, role, size: int, path: str, lines: LineMap = SAME):
    """The roles no paint asks for: tool tip, path and lines (``cells`` has the others)."""
    if role == Qt.ItemDataRole.ToolTipRole:
        tip = f"{path} — {size:,} bytes"
        if row is not None and row.line:
            tip += f"\nwritten at {lines.say(row.line)}" + (f" (bytes from {row.stage})" if row.stage else "")
            if lines.new_line(row.line) is None:
                tip += f"\nthat line was {lines.gone(row.line)} since the build: build again to see its files"
        if row is not None and row.waste:
            tip += "\n" + _MARK.sub(lambda m: lines.say(int(m.group(1))), row.waste)
        return tip
    if role == PATH_ROLE:
        return path
    if role == LINE_ROLE:
        return lines.new_line(row.line) if row is not None else None
    if role == BUILT_LINE_ROLE:
        return row.line if row is not None else None
    return None


class FileListModel(QAbstractTableModel):
    """Full paths in a flat list: search results and comparisons (largest first), handed
    to the view ``BATCH`` rows at a time, so a search that matches every path costs no
    more to show than one that matches a few hundred."""

    def __init__(self, rows: list[Row], parent=None, order: tuple | None = None) -> None:
        super().__init__(parent)
        self.rows = rows
        self.count = len(rows)
        self.shown = min(len(rows), BATCH)
        self.order = order  # (column, Qt order) the rows are known to be in, or None
        self._cells: dict[int, tuple] = {}  # row number -> ``cells``, for the rows painted
        self.lines = SAME
        self._split = any(r.change == "removed" for r in rows)  # a layer's paths: removed ones say so

    def set_lines(self, lines: LineMap) -> None:
        """As the tree's: the rows say their lines in the text as it is now."""
        self.lines, self._cells = lines, {}
        if self.shown:
            self.dataChanged.emit(self.index(0, 0), self.index(self.shown - 1, len(COLUMNS) - 1))

    def set_rows(self, rows: list[Row], order: tuple | None = None) -> None:
        """Show other rows (a new search's) in the same model: the view keeps its header."""
        self.beginResetModel()
        self.rows, self.count, self.shown, self.order = rows, len(rows), min(len(rows), BATCH), order
        self._cells = {}
        self._split = any(r.change == "removed" for r in rows)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else self.shown

    def canFetchMore(self, parent: QModelIndex) -> bool:
        return not parent.isValid() and self.shown < len(self.rows)

    def fetchMore(self, parent: QModelIndex) -> None:
        more = min(BATCH, len(self.rows) - self.shown)
        if parent.isValid() or more <= 0:
            return
        self.beginInsertRows(parent, self.shown, self.shown + more - 1)
        self.shown += more
        self.endInsertRows()

    def columnCount(self, parent: QModelIndex = NO_PARENT) -> int:
        return len(COLUMNS)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            if section == 1 and self._split:
                return SPLIT_SIZE
            return "Path" if section == 0 else COLUMNS[section]
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        slot = _SLOT.get(role)
        if slot is None and role not in _SLOW or not index.isValid():
            return None
        at = index.row()
        if slot is not None:  # as the tree's: per row, made when first painted
            made = self._cells.get(at)
            if made is None:
                row = self.rows[at]
                made = self._cells[at] = cells(row, row.size, row.path, self.lines)
            return made[index.column()][slot]
        row = self.rows[at]
        return row_data(row, role, row.size, row.path, self.lines)

    def multiData(self, index: QModelIndex, span) -> None:  # noqa: N802 - Qt's name
        """As the tree's: all roles of a painted cell in one call."""
        if not index.isValid():
            return
        at = index.row()
        made = self._cells.get(at)
        if made is None:
            row = self.rows[at]
            made = self._cells[at] = cells(row, row.size, row.path, self.lines)
        fill(span, made[index.column()], lambda role: self.data(index, role))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort all rows; rows known to be in that order already are left (a view asks for a
        sort when the model is set: 60,000 rows through a Python key cost ~40 ms)."""
        if (column, order) == self.order:
            return
        if column in (2, 3):  # layer, line: None first
            def key(r):
                return -1 if r[column] is None else r[column]
        else:
            key = itemgetter(column)
        rows = sorted(self.rows, key=key, reverse=order == Qt.SortOrder.DescendingOrder)
        self.set_rows(rows, (column, order))
