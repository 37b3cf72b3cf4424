"""The node-graph pane: scene, items, layout, minimap and the positions store.

Use ``studio.ui.graph.view.GraphView``; items get values through setters only.
"""
