"""A red strip over the text after a failed build: the error, and links to its log and line.

Why: the error must be one click from the log lines that explain it, and from its line.
"""
from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QWidget

from studio.core.line_map import SAME, LineMap

STYLE = "background:#fdecea; color:#8a1c1c; border-bottom:1px solid #f5c2c0; padding:4px 8px;"
DARK_STYLE = "background:#4a1f1f; color:#ffd7d5; border-bottom:1px solid #6e2b2b; padding:4px 8px;"

# What the raw daemon text of a network failure means, said first in plain words.
_NETWORK = ("proxyconnect tcp", "dial tcp", "no such host", "i/o timeout", "tls handshake timeout",
            "network is unreachable", "connection reset by peer", "failed to do request",
            "temporary failure in name resolution")
_ENGINE = ("cannot connect to the docker daemon", "error while fetching server api version",
           "could not send the build to the engine")


def plain_words(message: str) -> str | None:
    """A plain-words line for a network failure's raw engine text (None: not one)."""
    low = message.lower()
    if any(p in low for p in _ENGINE):
        return "Stage Studio could not reach the Docker Engine (is it running, and is DOCKER_HOST right?)."
    if any(p in low for p in _NETWORK):
        return ("The engine could not reach the network: an image, a file or a registry it needs was "
                "out of reach (offline, a proxy in the way, or a wrong name). What the engine said:")
    return None


class FailureBanner(QLabel):
    sig_show_log = Signal(int)  # stage index (-1: the engine's log)
    sig_go_to_line = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("buildFailureBanner")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByMouse)
        self.linkActivated.connect(self._on_link)
        self.stage: int | None = None
        self._shown: tuple | None = None  # show_failure's arguments, to say again as the text changes
        self.line: int | None = None
        self.message = ""
        self.hide()

    def show_failure(self, message: str, stage: int | None, line: int | None, stage_label: str | None,
                     lines: LineMap = SAME) -> None:
        """``line`` is of the text that was built; ``lines`` follows it to the text's now."""
        self._shown = (message, stage, line, stage_label)
        now = lines.new_line(line) if line else None
        self.stage, self.line, self.message = stage, now, message
        dark = self.palette().window().color().lightnessF() < 0.5
        self.setStyleSheet(DARK_STYLE if dark else STYLE)
        link = "color:#ffb3ae" if dark else "color:#b3261e"
        where = f" in <b>{html.escape(stage_label)}</b>" if stage_label else ""
        links = [f'<a style="{link}" href="log">Show log</a>']
        if now:
            links.append(f'<a style="{link}" href="line">Go to line {now}</a>')
        elif line:  # edited since: no link to whatever line has its number now
            links.append(f"line {line} of this build was {lines.gone(line)} since")
        links.append(f'<a style="{link}" href="close">Dismiss</a>')
        plain = plain_words(message)
        said = f"{html.escape(plain)}<br>" if plain else ""
        self.setText(f"✖ Build failed{where}: {said}{html.escape(message[:400])}&nbsp;&nbsp;" + " · ".join(links))
        self.show()

    def set_lines(self, lines: LineMap) -> None:
        """The text was edited: the link names the failed line where it is now."""
        if self.isVisible() and self._shown is not None:
            self.show_failure(*self._shown, lines=lines)

    def _on_link(self, href: str) -> None:
        if href == "log":
            self.sig_show_log.emit(self.stage if self.stage is not None else -1)
        elif href == "line" and self.line:
            self.sig_go_to_line.emit(self.line)
        elif href == "close":
            self.hide()
