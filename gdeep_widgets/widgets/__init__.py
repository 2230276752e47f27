"""Jupyter widgets: thin anywidget shells over the compute objects."""

from .app import DecisionBoundaryApp
from .flow_viewer import MESSAGE_TYPES, FlowViewer

__all__ = ["MESSAGE_TYPES", "DecisionBoundaryApp", "FlowViewer"]
