import numpy as np
import plotly.graph_objects as go
import pytest
import torch
from torch import nn

from gdeep_widgets import (
    Net,
    TrainingHistory,
    plot_activation_contours,
    plot_decision_boundary,
    plot_training_history,
)
from gdeep_widgets.plots import decision_surface
from gdeep_widgets.training import EpochRecord


class XMinusHalfY(nn.Module):
    """p(class 1) = sigmoid(x - 2 y): distinguishes x from y on the grid."""

    def forward(self, x):
        z = x[:, 0] - 2 * x[:, 1]
        return torch.stack([torch.zeros_like(z), z], 1)


def test_activation_contours_are_not_transposed_on_a_non_square_grid():
    fig = plot_activation_contours(
        XMinusHalfY(), delta=0.25, boundary_tuple=[(-1, 1), (0, 0.5)]
    )
    contour = fig.data[0]
    x, y, z = np.asarray(contour.x), np.asarray(contour.y), np.asarray(contour.z)
    assert len(x) == 9 and len(y) == 3
    assert z.shape == (3, 9)
    for i in range(len(y)):
        for j in range(len(x)):
            expected = 1 / (1 + np.exp(-(x[j] - 2 * y[i])))
            assert z[i][j] == pytest.approx(expected, abs=1e-6)


def test_activation_contours_mark_the_half_level():
    fig = plot_activation_contours(Net([2, 8]), delta=0.1)
    assert isinstance(fig, go.Figure)
    boundary = fig.data[1]
    assert boundary.contours.start == 0.5 and boundary.contours.end == 0.5


def test_activation_contours_with_three_classes_show_the_top_two_gap():
    fig = plot_activation_contours(Net([2, 8], n_classes=3), delta=0.1)
    z = np.asarray(fig.data[0].z)
    assert z.min() >= 0 and z.max() <= 1
    assert "gap" in fig.data[0].colorbar.title.text


def test_activation_contours_reject_bad_input():
    with pytest.raises(ValueError, match="boundary_tuple needs 2 .lower, upper. pairs"):
        plot_activation_contours(Net([2, 4]), boundary_tuple=[(0, 1)] * 3)
    with pytest.raises(ValueError, match="draws models with 2 input features; this"):
        plot_activation_contours(Net([3, 4]), boundary_tuple=[(0, 1)] * 3)
    with pytest.raises(ValueError, match="delta must be > 0.0"):
        plot_activation_contours(Net([2, 4]), delta=0.0)
    with pytest.raises(ValueError, match="use a larger step"):
        plot_activation_contours(
            Net([2, 4]), delta=1e-4, boundary_tuple=[(-1, 1), (-1, 1)]
        )


def test_decision_boundary_2d_draws_one_trace_per_class_plus_boundary():
    X = np.random.default_rng(0).normal(size=(60, 2))
    y = np.arange(60) % 3
    boundary = np.random.default_rng(1).normal(size=(7, 2))
    fig = plot_decision_boundary(X, y, boundary, n_components=2)
    assert [t.type for t in fig.data] == ["scatter"] * 4
    assert len(fig.data[-1].x) == 7
    assert np.allclose(fig.data[0].x, X[y == 0, 0])


def test_decision_boundary_3d_projects_wide_data_with_pca():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 6)) * [5, 3, 2, 0.1, 0.1, 0.1]
    y = (X[:, 0] > 0).astype(int)
    boundary = rng.normal(size=(10, 6))
    fig = plot_decision_boundary(X, y, boundary, n_components=3)
    assert fig.data[0].type == "scatter3d"
    assert fig.layout.scene.xaxis.title.text == "PC1"
    # The first component follows the widest feature.
    shown = np.concatenate([fig.data[0].x, fig.data[1].x])
    original = np.concatenate([X[y == 0, 0], X[y == 1, 0]])
    assert abs(np.corrcoef(shown, original)[0, 1]) > 0.99


def test_decision_boundary_accepts_an_empty_boundary():
    X = np.random.default_rng(0).normal(size=(20, 3))
    y = np.arange(20) % 2
    fig = plot_decision_boundary(X, y, np.zeros((0, 3)), n_components=3)
    assert len(fig.data[-1].x) == 0
    fig2 = plot_decision_boundary(X[:, :2], y, np.zeros((0, 2)), n_components=2)
    assert len(fig2.data[-1].x) == 0


def test_decision_boundary_rejects_mismatched_boundary_points():
    X = np.zeros((10, 2))
    y = np.arange(10) % 2
    with pytest.raises(ValueError, match="boundary_points must have 2 columns"):
        plot_decision_boundary(X, y, np.zeros((3, 3)))
    with pytest.raises(ValueError, match="data and labels must have the same length"):
        plot_decision_boundary(X, y[:5], np.zeros((3, 2)))


def test_training_history_figure_has_losses_and_accuracy():
    history = TrainingHistory(
        [
            EpochRecord(i, 1.0 / (i + 1), 1.2 / (i + 1), 0.5 + i / 10, 0.1)
            for i in range(4)
        ]
    )
    fig = plot_training_history(history)
    names = [t.name for t in fig.data]
    assert names == ["train loss", "valid loss", "accuracy"]
    assert list(fig.data[2].y) == [0.5, 0.6, 0.7, 0.8]
    assert len(plot_training_history(TrainingHistory()).data) == 3


def test_decision_surface_gives_gap_and_class_on_grid_nodes():
    gap, top, extent = decision_surface(XMinusHalfY(), [(-1, 1), (0, 0.5)], n_cells=8)
    assert gap.shape == top.shape == (3, 9)
    assert extent == [-1.0, 1.0, 0.0, 0.5]
    xs, ys = np.linspace(-1, 1, 9), np.linspace(0, 0.5, 3)
    p = 1 / (1 + np.exp(-(xs[None, :] - 2 * ys[:, None])))
    assert np.allclose(gap, np.abs(p - 0.5), atol=1e-6)
    assert np.array_equal(top, (p > 0.5).astype(int))


def test_decision_surface_of_a_thin_box_keeps_two_rows():
    gap, top, extent = decision_surface(XMinusHalfY(), [(-1, 1), (0.999, 1.001)])
    assert gap.shape == (3, 201)
    assert extent[2:] == [0.999, 1.001]
