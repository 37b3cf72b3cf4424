"""Lint in the window: badges on the stage boxes as soon as lint has run, and the actions
a finding offers (Explain, Quick fix, Disable rule for this file) in the Problems
context menu and the rule dialog.

The sync controller already runs lint when typing pauses and merges the findings with
the parser's diagnostics; this module adds what a user does with a finding. Every change
to the text goes through the controller's ``apply_text_edits``: one undo step each.
"""
from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMenu, QTextBrowser, QVBoxLayout, QWidget

from studio.core.lint import RULES, rule_docs, suppress_edits
from studio.ui.sync_rules import diagnostics_by_stage


class RuleDialog(QDialog):
    """A rule's longer explanation with its before/after example, and buttons to act."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ruleDialog")
        self.setWindowTitle("Explain Lint Rule")
        self.resize(640, 520)
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("ruleBrowser")
        self.browser.setOpenExternalLinks(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)
        self.fix_button = self.buttons.addButton("Apply Quick Fix", QDialogButtonBox.ButtonRole.ActionRole)
        self.disable_button = self.buttons.addButton("Disable Rule for This File",
                                                     QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(self.buttons)
        self.finding = None
        self.code = ""

    def show_rule(self, code: str, finding=None) -> None:
        self.code = code
        self.finding = finding
        text = rule_docs(code)
        if finding is not None:
            text = f"**Line {finding.line}:** {finding.message}\n\n" + text
        self.browser.setMarkdown(text)
        self.setWindowTitle(f"Explain {code}")
        self.fix_button.setVisible(finding is not None and getattr(finding, "fix", None) is not None)
        if self.fix_button.isVisible():
            self.fix_button.setText(f"Quick Fix: {finding.fix_title or 'apply'}")
        self.disable_button.setVisible(code in RULES)


class LintActions(QObject):
    """What the window does with lint findings."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.controller = window.controller
        self.dialog: RuleDialog | None = None
        self.controller.sig_diagnostics_changed.connect(self.refresh_badges)
        hooks = getattr(window.problems, "menu_hooks", None)
        if hooks is not None:
            hooks.append(self.extend_menu)
        window.problems.sig_fix_requested.connect(lambda _finding: self._relint())

    # -- badges ----------------------------------------------------------------------------
    def refresh_badges(self) -> None:
        """Lint ran: its findings join the parser's on the boxes (the graph is not rebuilt)."""
        scene = self.window.graph_view.scene()
        scene.apply_diagnostics(diagnostics_by_stage(self.controller.graph, self.controller.diagnostics))

    # -- the Problems context menu -------------------------------------------------------------
    def extend_menu(self, menu: QMenu, diag) -> None:
        if diag is None or getattr(diag, "rule", None) is None:
            return
        code = diag.code
        menu.addSeparator()
        menu.addAction(f"Explain {code}…", lambda: self.explain(diag))
        if not self.window.editor.isReadOnly():
            menu.addAction(f"Disable {code} for This File", lambda: self.disable_rule(code))

    # -- actions ---------------------------------------------------------------------------------
    def explain(self, finding_or_code) -> RuleDialog:
        """Show a rule's explanation (for a finding, or a rule code) in the rule dialog."""
        finding = None if isinstance(finding_or_code, str) else finding_or_code
        code = finding_or_code if finding is None else finding.code
        if self.dialog is None:
            self.dialog = RuleDialog(self.window)
            self.dialog.fix_button.clicked.connect(self._fix_from_dialog)
            self.dialog.disable_button.clicked.connect(lambda: self.disable_rule(self.dialog.code))
        self.dialog.show_rule(code, finding)
        self.dialog.show()
        self.dialog.raise_()
        return self.dialog

    def quick_fix(self, finding) -> bool:
        """Apply a finding's fix as one undo step, then lint again."""
        changed = self.window.edits.apply_fix(finding)
        self._relint()
        return changed

    def disable_rule(self, code: str) -> bool:
        """Add ``code`` to the file's ``# check=skip=`` directive (one undo step)."""
        if self.window.editor.isReadOnly():
            return False
        self.controller.sync_now()
        edits = suppress_edits(self.controller.document, code)
        if not edits:
            return False
        self.window.edits.apply_text_edits(edits)
        self._relint()
        self.window.statusBar().showMessage(f"{code} is off for this file (# check=skip=…); undo brings it back.",
                                            6000)
        if self.dialog is not None:
            self.dialog.hide()
        return True

    def findings_at_cursor(self) -> list:
        line = self.window.editor.current_line()
        return [d for d in self.controller.diagnostics if d.line == line and getattr(d, "rule", None) is not None]

    def explain_at_cursor(self) -> None:
        found = self.findings_at_cursor()
        if found:
            self.explain(found[0])
        else:
            self.window.statusBar().showMessage("No lint finding on this line.", 5000)

    def _fix_from_dialog(self) -> None:
        if self.dialog is not None and self.dialog.finding is not None:
            self.quick_fix(self.dialog.finding)
            self.dialog.hide()

    def _relint(self) -> None:
        self.controller.lint.run()


