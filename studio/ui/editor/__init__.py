"""The Dockerfile text pane: editor widget, syntax highlighter, find/replace bar."""
