"""The Files view's models answer a painted cell's roles in one multiData call (what Qt's
delegate asks): every role must get what data() gives for it, in the tree, a layer's
changes and the search list, waste and removed rows included."""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, QModelRoleData, QModelRoleDataSpan, Qt
from test_files_view import panel, rows_of  # noqa: F401 - the fixture

from studio.ui.files_view.tree_model import LINE_ROLE, PATH_ROLE, FileListModel, FileTreeModel

ROLES = [int(r) for r in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.FontRole,
                          Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.BackgroundRole,
                          Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.CheckStateRole,
                          Qt.ItemDataRole.ToolTipRole)] + [PATH_ROLE, LINE_ROLE]


def cells(model, parent=None):
    parent = parent or QModelIndex()
    for r in range(model.rowCount(parent)):
        for column in range(model.columnCount(parent)):
            yield model.index(r, column, parent)
        if isinstance(model, FileTreeModel):
            yield from cells(model, model.index(r, 0, parent))


def check(model) -> set[int]:
    """Every cell, every role: multiData's answer is data()'s; returns the roles that had one."""
    answered = set()
    for index in cells(model):
        for role in ROLES:
            asked = QModelRoleData(role)
            asked.setData("stale")  # a reused span: a role with no answer must be cleared
            model.multiData(index, QModelRoleDataSpan(asked))
            expected = model.data(index, role)
            assert asked.data() == expected, (index.data(PATH_ROLE), index.column(), role)
            if expected is not None:
                answered.add(role)
    return answered


def test_multidata_answers_what_data_answers(panel):  # noqa: F811 - the fixture
    model = panel.tree.model()
    assert isinstance(model, FileTreeModel)
    assert {int(Qt.ItemDataRole.BackgroundRole), PATH_ROLE, LINE_ROLE} <= check(model)  # app.cfg: waste
    panel.layer_combo.setCurrentIndex(panel.layer_combo.findData(3))  # removes /tmp/huge.bin
    assert int(Qt.ItemDataRole.ForegroundRole) in check(panel.tree.model())
    panel.search.setText("app")
    panel.apply_search_now()
    listed = panel.tree.model()
    assert isinstance(listed, FileListModel) and listed.rowCount() > 0
    assert int(Qt.ItemDataRole.TextAlignmentRole) in check(listed)
    listed.sort(0, Qt.SortOrder.AscendingOrder)  # new order: no row keeps another row's cells
    check(listed)
