"""Plotly figures: data with boundary points, output contours, training curves.

Every function returns a figure; a notebook shows it when it is the value of a
cell, and ``fig.show()`` or ``fig.write_html(...)`` work as usual.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import torch
from plotly.subplots import make_subplots

from ._validation import check_array, check_box, check_float, check_int, check_labels
from .projection import Projection
from .training import keep_modes, model_device_dtype

__all__ = [
    "CLASS_COLORS",
    "class_color",
    "decision_surface",
    "plot_activation_contours",
    "plot_dataset",
    "plot_decision_boundary",
    "plot_training_history",
]

# Okabe and Ito's palette, distinguishable with the common colour-vision
# deficiencies, in the same order as the viewer's so that a class has one
# colour everywhere. Boundary points are white with a dark outline, as in the
# viewer.
CLASS_COLORS = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#F0E442",
    "#000000",
)
BOUNDARY_COLOR = "#111111"


def class_color(label):
    """Colour of a class label (the palette repeats after eight classes)."""
    return CLASS_COLORS[int(label) % len(CLASS_COLORS)]


def plot_decision_boundary(
    data, labels, boundary_points, n_components=2, *, title=None, max_points=50_000
):
    """Scatter the data by class, with the boundary points on top.

    Inputs with more features than ``n_components`` are projected with a PCA
    fitted on ``data``; the boundary points go through the same projection.

    Parameters
    ----------
    data : array-like of shape (n_samples, n_features)
    labels : array-like of shape (n_samples,)
        Integer class labels.
    boundary_points : array-like of shape (k, n_features)
        May be empty (k = 0).
    n_components : {2, 3}, default=2
        A 2D scatter or a 3D scatter. 2D data drawn in 3D gets z = 0.
    title : str, default=None
    max_points : int, default=50000
        Larger data or boundary sets are subsampled evenly for drawing.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    n_components = check_int(n_components, "n_components", low=2, high=3)
    data = check_array(data, "data")
    labels = check_labels(labels, len(data), "labels", min_classes=1, data_name="data")
    boundary = None
    if boundary_points is not None:
        boundary = check_array(
            boundary_points,
            "boundary_points",
            n_features=data.shape[1],
            allow_empty=True,
        )
    return _scatter(data, labels, boundary, n_components, title, max_points)


def plot_dataset(data, labels, n_components=None, *, title=None, max_points=50_000):
    """Scatter a dataset by class: 2D for two features, 3D for more.

    Parameters
    ----------
    data : array-like of shape (n_samples, n_features)
    labels : array-like of shape (n_samples,)
    n_components : {2, 3}, default=None
        None means 2 for two features and 3 otherwise (PCA above three).
    title : str, default=None

    Returns
    -------
    plotly.graph_objects.Figure
    """
    data = check_array(data, "data")
    labels = check_labels(labels, len(data), "labels", min_classes=1, data_name="data")
    if n_components is None:
        n_components = 2 if data.shape[1] <= 2 else 3
    n_components = check_int(n_components, "n_components", low=2, high=3)
    title = title or f"Dataset ({len(data)} points, {len(np.unique(labels))} classes)"
    return _scatter(data, labels, None, n_components, title, max_points)


def _scatter(data, labels, boundary, n_components, title, max_points):
    projection = Projection(n_components).fit(data)
    shown = _pad(projection.transform(data), n_components)
    axes = ["x", "y", "z"][:n_components]
    if not projection.is_identity_:
        axes = [f"PC{i + 1}" for i in range(n_components)]

    fig = go.Figure()
    scatter = go.Scatter if n_components == 2 else go.Scatter3d
    size = 5 if n_components == 2 else 2.5
    for label in np.unique(labels):
        idx = _thin(np.flatnonzero(labels == label), max_points)
        fig.add_trace(
            scatter(
                name=f"class {label}",
                mode="markers",
                marker={"color": class_color(label), "size": size, "opacity": 0.7},
                **_coords(shown[idx], n_components),
            )
        )
    if boundary is not None:
        bshown = _pad(projection.transform(boundary), n_components)
        idx = _thin(np.arange(len(bshown)), max_points)
        fig.add_trace(
            scatter(
                name=f"boundary ({len(bshown)} points)",
                mode="markers",
                marker={
                    "color": "#ffffff",
                    "size": size * 0.8,
                    "line": {"color": BOUNDARY_COLOR, "width": 1},
                },
                **_coords(bshown[idx], n_components),
            )
        )
        if title is None:
            title = f"Data and decision boundary ({len(bshown)} boundary points)"
    fig.update_layout(
        title=title, template="plotly_white", legend={"itemsizing": "constant"}
    )
    if n_components == 2:
        fig.update_layout(xaxis_title=axes[0], yaxis_title=axes[1])
        fig.update_yaxes(scaleanchor="x", scaleratio=1)
    else:
        fig.update_layout(
            scene={
                "xaxis_title": axes[0],
                "yaxis_title": axes[1],
                "zaxis_title": axes[2],
                "aspectmode": "data",
            }
        )
    return fig


def _pad(points, n_components):
    if points.shape[1] >= n_components:
        return points
    pad = np.zeros((len(points), n_components - points.shape[1]))
    return np.hstack([points, pad])


def _thin(idx, max_points):
    if len(idx) <= max_points:
        return idx
    return idx[np.linspace(0, len(idx) - 1, max_points).astype(int)]


def _coords(points, n_components):
    coords = {"x": points[:, 0], "y": points[:, 1]}
    if n_components == 3:
        coords["z"] = points[:, 2]
    return coords


def output_grid(model, boundary_tuple, step=None, *, shape=None, caller="output_grid"):
    """Evaluate a 2-input classifier on a grid; returns x, y, probabilities.

    The grid either steps by ``step`` from each lower bound, or has
    ``shape = (nx, ny)`` nodes from bound to bound. ``proba[i, j]`` holds the
    class probabilities at ``(x[j], y[i])``. The model may return logits,
    probabilities, or the probability of class 1.
    """
    from .flow import GradientFlow

    box = _check_2d(model, boundary_tuple, caller)
    if shape is not None:
        nx, ny = (check_int(n, "shape", low=2) for n in shape)
        x = np.linspace(box[0, 0], box[0, 1], nx)
        y = np.linspace(box[1, 0], box[1, 1], ny)
    else:
        step = check_float(step, "step", low=0.0, low_open=True)
        x = np.arange(box[0, 0], box[0, 1] + step / 2, step)
        y = np.arange(box[1, 0], box[1, 1] + step / 2, step)
    if len(x) * len(y) > 4_000_000:
        raise ValueError(
            f"a grid step of {step} makes a grid of {len(x)} x {len(y)} points over "
            f"{box.tolist()}; use a larger step (at most 4,000,000 points)."
        )
    kind = GradientFlow(model, box, n_samples=1, n_epochs=0).output_
    xx, yy = np.meshgrid(x, y)
    device, dtype = (
        model_device_dtype(model)
        if isinstance(model, torch.nn.Module)
        else (torch.device("cpu"), torch.get_default_dtype())
    )
    grid = torch.as_tensor(
        np.column_stack([xx.ravel(), yy.ravel()]), device=device, dtype=dtype
    )
    module = model if isinstance(model, torch.nn.Module) else torch.nn.Module()
    with torch.no_grad(), keep_modes(module):
        module.eval()
        out = torch.cat(
            [model(grid[i : i + 65536]) for i in range(0, len(grid), 65536)]
        )
    if kind == "logits":
        proba = torch.softmax(out, 1)
    elif kind == "probability":
        p = out.reshape(-1)
        proba = torch.stack([1 - p, p], 1)
    else:
        proba = out
    return x, y, proba.cpu().numpy().reshape(len(y), len(x), -1)


def _check_2d(model, boundary_tuple, caller):
    n_features = getattr(model, "n_features", None)
    if isinstance(n_features, int) and n_features != 2:
        raise ValueError(
            f"{caller} draws models with 2 input features; this model takes "
            f"{n_features}. For more, use plot_decision_boundary with the points "
            "of a GradientFlow."
        )
    box = check_box(boundary_tuple, "boundary_tuple")
    if box.shape[0] != 2:
        raise ValueError(
            f"{caller} draws models with 2 input features, so boundary_tuple "
            f"needs 2 (lower, upper) pairs; got {box.shape[0]}."
        )
    return box


def decision_surface(model, boundary_tuple, n_cells=200):
    """The network's decision over a 2D box, as the viewer's background needs it.

    Parameters
    ----------
    model : torch.nn.Module or callable
        Takes inputs of shape (n, 2).
    boundary_tuple : ((xmin, xmax), (ymin, ymax))
    n_cells : int, default=200
        Grid cells along the longer side of the box; the shorter side gets
        proportionally fewer, and at least 2.

    Returns
    -------
    gap : ndarray of shape (ny, nx)
        Distance to the boundary: ``|p - 1/2|`` for two classes, the gap between
        the two largest probabilities for more. Row i is y, column j is x.
    top : ndarray of shape (ny, nx)
        Predicted class.
    extent : list of float
        ``[xmin, xmax, ymin, ymax]``: the box, whose corners are grid nodes.
    """
    box = _check_2d(model, boundary_tuple, "decision_surface")
    n_cells = check_int(n_cells, "n_cells", low=2, high=2000)
    sides = box[:, 1] - box[:, 0]
    counts = np.maximum(np.round(n_cells * sides / sides.max()), 2).astype(int) + 1
    x, y, proba = output_grid(model, box, shape=counts, caller="decision_surface")
    top2 = np.sort(proba, axis=2)[:, :, -2:]
    gap = top2[:, :, 1] - top2[:, :, 0]
    if proba.shape[2] == 2:
        gap = gap / 2
    return gap, proba.argmax(2), [float(x[0]), float(x[-1]), float(y[0]), float(y[-1])]


def plot_activation_contours(
    model, delta=0.01, boundary_tuple=((-1.5, 1.5), (-1.5, 1.5)), *, title=None
):
    """Contours of a 2-input classifier's output over a box.

    For two classes the probability of class 1 is drawn, with its 1/2 level
    (the decision boundary) as a bold line. For more classes the gap between
    the two largest probabilities is drawn; it is 0 on the boundary.

    Parameters
    ----------
    model : torch.nn.Module or callable
        Takes inputs of shape (n, 2).
    delta : float, default=0.01
        Grid spacing.
    boundary_tuple : ((xmin, xmax), (ymin, ymax)), default=((-1.5, 1.5), (-1.5, 1.5))
    title : str, default=None

    Returns
    -------
    plotly.graph_objects.Figure
        A contour whose ``z[i][j]`` is the value at ``(x[j], y[i])``.
    """
    delta = check_float(delta, "delta", low=0.0, low_open=True)
    x, y, proba = output_grid(
        model, boundary_tuple, delta, caller="plot_activation_contours"
    )
    contours = {"start": 0.0, "end": 1.0, "size": 0.1}
    if proba.shape[2] == 2:
        z, name, level = proba[:, :, 1], "p(class 1)", 0.5
    else:
        # The gap touches 0 on the boundary without crossing it, so the line
        # is drawn at a small level around it.
        top2 = np.sort(proba, axis=2)[:, :, -2:]
        z, name, level = top2[:, :, 1] - top2[:, :, 0], "top-two gap", 0.02
    fig = go.Figure(
        go.Contour(
            x=x,
            y=y,
            z=z,
            colorscale="RdBu_r" if proba.shape[2] == 2 else "Viridis",
            contours=contours,
            colorbar={"title": name},
            name=name,
        )
    )
    fig.add_trace(
        go.Contour(
            x=x,
            y=y,
            z=z,
            showscale=False,
            name="boundary",
            contours={"start": level, "end": level, "size": 1, "coloring": "none"},
            line={"width": 3, "color": BOUNDARY_COLOR},
        )
    )
    fig.update_layout(
        title=title or f"Network output ({name}); bold line: decision boundary",
        template="plotly_white",
        xaxis_title="x",
        yaxis_title="y",
    )
    fig.update_yaxes(scaleanchor="x", scaleratio=1)
    return fig


def plot_training_history(history, *, title="Training"):
    """Loss (train and validation) and accuracy per epoch, as two panels.

    Parameters
    ----------
    history : TrainingHistory or list of EpochRecord
        May be empty (an empty figure with the axes is returned).

    Returns
    -------
    plotly.graph_objects.Figure
    """
    epochs = [r.epoch for r in history]
    fig = make_subplots(rows=1, cols=2, subplot_titles=("loss", "validation accuracy"))
    for name, column, panel in [
        ("train loss", "train_loss", 1),
        ("valid loss", "valid_loss", 1),
        ("accuracy", "accuracy", 2),
    ]:
        values = [getattr(r, column) for r in history]
        fig.add_trace(
            go.Scatter(x=epochs, y=values, name=name, mode="lines+markers"), 1, panel
        )
    fig.update_xaxes(title_text="epoch")
    fig.update_yaxes(range=[0, 1.02], row=1, col=2)
    fig.update_layout(
        title=title,
        template="plotly_white",
        height=320,
        margin={"t": 60, "b": 40, "l": 50, "r": 20},
    )
    return fig
