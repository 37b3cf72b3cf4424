"""When lint runs: once typing pauses (never on the keystroke, so it never delays the
graph), and not at all on huge texts. The findings go back to the SyncController,
which merges them with the parser's diagnostics."""
from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from studio.core.model import Diagnostic

LINT_IDLE_MS = 300
HUGE_TEXT = 2_000_000  # characters: past this, no lint while typing


class LintScheduler(QObject):
    """Runs lint for the SyncController ``sync`` (``sync.lint``)."""

    def __init__(self, sync) -> None:
        super().__init__(sync)
        self.sync = sync
        self.folder = None  # the open file's folder: the default build context
        self.enabled = True
        self.findings: list[Diagnostic] = []  # of the text as it was when lint last ran
        self.config = None  # the project's lint settings (.stage-studio.toml), if any
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(LINT_IDLE_MS)
        self._timer.timeout.connect(self.run)
        sync.sig_document_changed.connect(self.schedule)

    def schedule(self, doc) -> None:
        if self.enabled and len(doc.text) <= HUGE_TEXT:
            self._timer.start()

    def forget(self) -> None:
        """A new text: the last findings were about another one."""
        self._timer.stop()
        self.findings = []

    def use_folder(self, folder) -> None:
        """Read the lint settings that apply to a file in ``folder`` (None: no file)."""
        from studio.core.lint import RULES, LintConfigError, find_config

        self.config = None
        self.folder = folder
        if folder is None:
            return
        try:
            self.config = find_config(folder, RULES)
        except LintConfigError as exc:
            self.sync.sig_message.emit(f"Lint settings ignored: {exc}")

    def context_dir(self):
        """The build context the file's builds use (rules check ADD sources in it), or None
        for an unsaved file with no context chosen."""
        chosen = self.sync.settings.settings.context
        return chosen or (str(self.folder) if self.folder is not None else None)

    def run(self) -> None:
        """Add the lint findings (BuildKit checks, size rules) to the diagnostics."""
        self._timer.stop()
        sync = self.sync
        sync.sync_now()
        try:
            from studio.core.lint import lint
            settings = sync.settings.settings
            target = sync.graph.target if not sync.stale else None
            findings = list(lint(sync.document, settings.build_args or None, target, config=self.config,
                                 platform=settings.platform, context_dir=self.context_dir()))
        except Exception as exc:  # lint is advice: its failure must not disturb editing
            findings = []
            sync.sig_message.emit(f"Lint could not run: {exc}")
        self.findings = findings
        sync.merge_lint()
