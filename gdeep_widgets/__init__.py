"""gdeep-widgets: watch a neural network's decision boundary form.

Make a dataset, train a small torch classifier, move sample points onto its
decision boundary with :class:`GradientFlow`, and watch them flow in the
:class:`FlowViewer` widget or the :class:`DecisionBoundaryApp`.
"""

from .datasets import (
    DATASETS,
    Rotation,
    make_dataset,
    make_tori,
    make_torus_point_cloud,
)
from .flow import FlowFrame, GradientFlow
from .models import Net, parse_architecture
from .plots import (
    plot_activation_contours,
    plot_dataset,
    plot_decision_boundary,
    plot_training_history,
)
from .projection import Projection, project
from .training import (
    EpochRecord,
    TrainingCallback,
    TrainingHistory,
    train_classification_nn,
)

__version__ = "0.1.0"

__all__ = [
    "DATASETS",
    "DecisionBoundaryApp",
    "EpochRecord",
    "FlowFrame",
    "FlowViewer",
    "GradientFlow",
    "Net",
    "Projection",
    "Rotation",
    "TrainingCallback",
    "TrainingHistory",
    "make_dataset",
    "make_tori",
    "make_torus_point_cloud",
    "parse_architecture",
    "plot_activation_contours",
    "plot_dataset",
    "plot_decision_boundary",
    "plot_training_history",
    "project",
    "train_classification_nn",
]

_WIDGETS = {"FlowViewer", "DecisionBoundaryApp"}


def __getattr__(name):
    # The widgets import anywidget and ipywidgets; loading them on first use
    # keeps `import gdeep_widgets` light for scripts that only compute.
    if name in _WIDGETS:
        from . import widgets

        return getattr(widgets, name)
    raise AttributeError(f"module 'gdeep_widgets' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | _WIDGETS)
