"""Selection, both ways: the box or edge under the text cursor is selected in the graph,
and selecting a box or an edge (or activating a row) shows its lines in the text.
Each side's echo of a move we made ourselves is ignored, so neither pane fights the
other."""
from __future__ import annotations

from PySide6.QtCore import QObject

from studio.core.model import StageGraph


class SelectionSync(QObject):
    """Between the ``editor`` and the ``view`` of one window, over the SyncController ``sync``."""

    def __init__(self, sync, view, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.sync = sync
        self.editor = sync.editor
        self.view = view
        self._echo = False  # True while we move a selection ourselves: ignore the echo
        self._edge_lines: tuple[StageGraph | None, set[int]] = (None, set())
        view.sig_stage_selected.connect(self._on_stage_selected)
        view.sig_edge_selected.connect(self._on_edge_selected)
        view.interaction.sig_line_activated.connect(lambda line: self.reveal(line, line))
        self.editor.cursorPositionChanged.connect(self._on_cursor_moved)
        sync.sig_graph_updated.connect(lambda _graph: self.select_under_cursor())

    def _on_stage_selected(self, index: int) -> None:
        if self._echo:
            return
        doc = self.sync.shown_document()
        if index is None or index < 0 or index >= len(doc.stages):
            self.editor.clear_reveal()
            return
        stage = doc.stages[index]
        self.reveal(stage.line, max(stage.line, stage.end_line))

    def _on_edge_selected(self, line: int) -> None:
        if self._echo:
            return
        inst = self.sync.shown_document().instruction_at_line(line) if line and line > 0 else None
        if inst is None:
            self.editor.clear_reveal()
            return
        self.reveal(inst.line, inst.end_line)

    def reveal(self, line: int, end_line: int) -> None:
        """Show lines ``line``..``end_line`` in the text without selecting in the graph again."""
        self._echo = True
        try:
            self.editor.reveal_lines(line, end_line)
        finally:
            self._echo = False

    def _on_cursor_moved(self) -> None:
        if self._echo or self.sync.pending():
            return
        self.editor.clear_reveal()
        self.select_under_cursor()

    def select_under_cursor(self) -> None:
        """Highlight in the graph the edge or stage under the text cursor."""
        sync = self.sync
        line = self.editor.current_line()
        if self._edge_lines[0] is not sync.graph:  # lines holding COPY/mount edges, per graph
            self._edge_lines = (sync.graph, {e.line for e in sync.graph.edges if e.kind != "from"})
        edge = line if line in self._edge_lines[1] else None
        view = self.view
        self._echo = True
        try:
            if edge is not None:
                shown = view.selected_edge()
                if shown is None or shown.line != line or view.selected_stage() is not None:
                    view.select_edge(line)
            else:
                stage = sync.document.stage_at_line(line)
                index = stage.index if stage is not None else None
                shown = view.selected_stage()
                if (shown.index if shown is not None else None) != index or view.selected_edge() is not None:
                    view.select_stage(index)
        finally:
            self._echo = False
