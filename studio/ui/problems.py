"""The Problems panel: every diagnostic of the current text, clickable to its line."""
from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtWidgets import QMenu, QStyle, QTreeWidget, QTreeWidgetItem, QWidget

from studio.core.model import Diagnostic

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
_ICONS = {
    "error": QStyle.StandardPixmap.SP_MessageBoxCritical,
    "warning": QStyle.StandardPixmap.SP_MessageBoxWarning,
    "info": QStyle.StandardPixmap.SP_MessageBoxInformation,
}


class ProblemsPanel(QTreeWidget):
    """One row per diagnostic (severity icon, line, message, code), in line order."""

    sig_problem_activated = Signal(int)  # the 1-based line to go to
    sig_fix_requested = Signal(object)  # a lint Finding whose quick fix the user chose
    sig_counts_changed = Signal(object)  # {severity: count} of what the list shows (the dock title's source)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("problemsPanel")
        self.setColumnCount(4)
        self.setHeaderLabels(["", "Line", "Message", "Code"])
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        self.header().setStretchLastSection(False)
        self.header().setSectionResizeMode(2, self.header().ResizeMode.Stretch)
        self.setColumnWidth(0, 28)
        self.setColumnWidth(1, 44)
        self.setColumnWidth(3, 130)
        self.itemActivated.connect(self._activate)
        self.itemClicked.connect(self._activate)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self._diagnostics: list[Diagnostic] = []
        self._diagnostics_shown = False
        self.menu_hooks: list = []  # callables (menu, diagnostic) adding entries to the context menu
        self._text_diagnostics: list[Diagnostic] = []
        self._extra: dict[str, list[Diagnostic]] = {}  # findings from elsewhere (a build's files), by source

    def set_extra(self, source: str, diagnostics: list[Diagnostic]) -> None:
        """Findings that come from facts, not the text (kept until their source replaces them).
        One on line 0 is about a line edited since the build: it has no line (listed last)."""
        self._extra[source] = list(diagnostics)
        self.set_diagnostics(self._text_diagnostics)

    def set_diagnostics(self, diagnostics: list[Diagnostic]) -> None:
        self._text_diagnostics = list(diagnostics)
        diagnostics = self._text_diagnostics + [d for extra in self._extra.values() for d in extra]
        ordered = sorted(diagnostics, key=lambda d: (d.line <= 0, d.line, SEVERITY_ORDER.get(d.severity, 3), d.code))
        if self._diagnostics_shown and self._same_rows(ordered):
            return  # the same rows (maybe on other lines): keep the selection and scroll position
        if self._diagnostics_shown and self._patch_rows(ordered):
            self.sig_counts_changed.emit(self.counts())
            return
        self._diagnostics_shown = True
        self._diagnostics = ordered
        self.clear()
        items = [self._item(diag) for diag in ordered[:2000]]
        if not items:  # say so, rather than show an empty box
            placeholder = QTreeWidgetItem(["No problems found."])
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            items.append(placeholder)
        self.addTopLevelItems(items)
        if not ordered:
            items[0].setFirstColumnSpanned(True)
        self.sig_counts_changed.emit(self.counts())

    def title(self) -> str:
        """"Problems (1 error, 2 warnings)": the counts of what the list shows."""
        counts = self.counts()
        parts = [_count(counts[kind], kind) for kind in ("error", "warning", "info") if counts[kind]]
        return f"Problems ({', '.join(parts)})" if parts else "Problems"

    def _same_rows(self, ordered: list[Diagnostic]) -> bool:
        """Whether ``ordered`` shows the rows shown now, except perhaps for their line
        numbers, which are then updated in place (a line typed above moves every row
        below it: rebuilding the list on each keystroke would cost more than the graph)."""
        shown = self._diagnostics
        if len(ordered) != len(shown) or len(ordered) > 2000:
            return False
        if any(_row(a) != _row(b) for a, b in zip(ordered, shown)):
            return False
        for k, (new, old) in enumerate(zip(ordered, shown)):
            if new.line != old.line:
                item = self.topLevelItem(k)
                item.setText(1, _line_text(new.line))
                item.setData(1, Qt.ItemDataRole.UserRole, new.line)
        self._diagnostics = ordered
        return True

    def _patch_rows(self, ordered: list[Diagnostic]) -> bool:
        """Show ``ordered`` by replacing only the rows between those that stay (a new
        line inside a continued RUN adds one warning): the rest of the list, the selection
        and the scroll position stay. False when that is not a few rows (rebuild it all)."""
        shown = self._diagnostics
        if not shown or not ordered or len(ordered) > 2000 or len(shown) > 2000:
            return False
        old, new = [_row(d) for d in shown], [_row(d) for d in ordered]
        first, limit = 0, min(len(old), len(new))
        while first < limit and old[first] == new[first]:
            first += 1
        last = 0  # rows kept at the end
        while last < limit - first and old[-1 - last] == new[-1 - last]:
            last += 1
        gone, come = len(old) - first - last, len(new) - first - last
        if gone + come > 20:
            return False
        for _ in range(gone):
            self.takeTopLevelItem(first)
        self.insertTopLevelItems(first, [self._item(d) for d in ordered[first:first + come]])
        for k, diag in enumerate(ordered):  # (the rows kept may be on other lines)
            item = self.topLevelItem(k)
            if item.data(1, Qt.ItemDataRole.UserRole) != diag.line:
                item.setText(1, _line_text(diag.line))
                item.setData(1, Qt.ItemDataRole.UserRole, diag.line)
        self._diagnostics = ordered
        return True

    def _item(self, diag: Diagnostic) -> QTreeWidgetItem:
        fix = getattr(diag, "fix_title", "") if getattr(diag, "fix", None) else ""
        item = QTreeWidgetItem(["", _line_text(diag.line), diag.message + (f"  (fix: {fix})" if fix else ""), diag.code])
        item.setIcon(0, self.style().standardIcon(_ICONS.get(diag.severity, _ICONS["info"])))
        item.setToolTip(0, diag.severity)
        item.setToolTip(2, diag.message)
        item.setData(1, Qt.ItemDataRole.UserRole, diag.line)
        item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return item

    def diagnostics(self) -> list[Diagnostic]:
        return list(self._diagnostics)

    def counts(self) -> dict[str, int]:
        counts = {"error": 0, "warning": 0, "info": 0}
        for diag in self._diagnostics:
            counts[diag.severity] = counts.get(diag.severity, 0) + 1
        return counts

    def fixable(self, row: int):
        """The diagnostic of ``row`` if it carries a quick fix, else None."""
        diag = self._diagnostics[row] if 0 <= row < len(self._diagnostics) else None
        return diag if diag is not None and getattr(diag, "fix", None) is not None else None

    def _context_menu(self, pos: QPoint) -> None:
        item = self.itemAt(pos)
        if item is None:
            return
        row = self.indexOfTopLevelItem(item)
        menu = QMenu(self)
        menu.addAction("Go to Line", lambda: self._activate(item))
        diag = self.fixable(row)
        if diag is not None:
            menu.addAction(f"Apply Fix: {diag.fix_title or 'quick fix'}", lambda: self.sig_fix_requested.emit(diag))
        for hook in self.menu_hooks:
            hook(menu, self._diagnostics[row] if 0 <= row < len(self._diagnostics) else None)
        menu.exec(self.viewport().mapToGlobal(pos))

    def _activate(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        line = item.data(1, Qt.ItemDataRole.UserRole)
        if line:  # (0: a build's finding about a line edited since, which is no line now)
            self.sig_problem_activated.emit(int(line))


def _row(diag: Diagnostic) -> tuple:
    """What a row shows besides the line number (and the fix it offers)."""
    fix = getattr(diag, "fix", None)
    return (diag.severity, diag.code, diag.message, getattr(diag, "fix_title", "") if fix else "", fix is None)


def _line_text(line: int) -> str:
    return str(line) if line > 0 else "—"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")
