import warnings

import numpy as np
import pytest
import torch
from torch import nn

from gdeep_widgets import GradientFlow, Net


class Plane(nn.Module):
    """Two-class logits whose boundary is the plane w.x + b = 0."""

    def __init__(self, w, b, scale=1.0):
        super().__init__()
        self.w = torch.tensor(w, dtype=torch.float32)
        self.b = float(b)
        self.scale = scale

    def forward(self, x):
        z = self.scale * (x @ self.w + self.b)
        return torch.stack([torch.zeros_like(z), z], 1)


class Sphere(nn.Module):
    """Class 1 inside the sphere of radius r around c."""

    def __init__(self, r, c):
        super().__init__()
        self.r, self.c = r, torch.tensor(c, dtype=torch.float32)

    def forward(self, x):
        z = self.r**2 - ((x - self.c) ** 2).sum(1)
        return torch.stack([torch.zeros_like(z), z], 1)


class Voronoi(nn.Module):
    """One class per centre; the boundaries are bisectors between centres."""

    def __init__(self, centres):
        super().__init__()
        self.centres = torch.tensor(centres, dtype=torch.float32)

    def forward(self, x):
        return -(torch.cdist(x, self.centres) ** 2)


BOX2 = [(-1, 1), (-1, 1)]
BOX3 = [(-1, 1), (-1, 1), (-1, 1)]


def test_flow_lands_on_a_plane():
    w, b = np.array([1.0, -2.0, 0.5]), 0.3
    flow = GradientFlow(Plane(w, b), BOX3, n_samples=3000, random_state=0)
    points = flow()
    assert len(points) >= 0.999 * 3000
    assert np.mean(flow.distances_ < 1e-4) >= 0.999
    offset = np.abs(points @ w + b) / np.linalg.norm(w)
    assert offset.max() < 1e-3


def test_flow_lands_on_a_sphere():
    flow = GradientFlow(
        Sphere(0.6, [0.1, 0.0, -0.1]), BOX3, n_samples=3000, random_state=1
    )
    points = flow()
    assert np.mean(flow.distances_ < 1e-4) >= 0.999
    radius = np.linalg.norm(points - [0.1, 0.0, -0.1], axis=1)
    assert np.allclose(radius, 0.6, atol=1e-3)


def test_flow_with_three_classes_finds_ties_of_the_top_two():
    centres = np.array([[-0.5, -0.4], [0.5, -0.4], [0.0, 0.5]])
    flow = GradientFlow(Voronoi(centres), BOX2, n_samples=2000, random_state=0)
    points = flow()
    assert flow.n_classes_ == 3
    assert np.mean(flow.distances_ < 1e-4) >= 0.99
    d = np.sort(np.linalg.norm(points[:, None] - centres[None], axis=2) ** 2, axis=1)
    assert np.abs(d[:, 0] - d[:, 1]).max() < 1e-3
    gaps = np.sort(
        torch.softmax(
            Voronoi(centres)(torch.tensor(points, dtype=torch.float32)), 1
        ).numpy(),
        axis=1,
    )
    assert np.all(gaps[:, -1] - gaps[:, -2] < flow.delta)


@pytest.mark.parametrize("output", ["auto", "probabilities"])
def test_flow_accepts_probability_rows(output):
    plane = Plane([1.0, 1.0], 0.2)
    model = lambda x: torch.softmax(plane(x), 1)  # noqa: E731
    flow = GradientFlow(model, BOX2, n_samples=1000, output=output, random_state=0)
    points = flow()
    assert flow.output_ == "probabilities"
    assert np.abs(points.sum(1) + 0.2).max() / np.sqrt(2) < 1e-3


@pytest.mark.parametrize("shape", ["column", "vector"])
def test_flow_accepts_a_single_probability(shape):
    def model(x):
        p = torch.sigmoid(3.0 * (x[:, 0] - 0.25))
        return p[:, None] if shape == "column" else p

    flow = GradientFlow(model, BOX2, n_samples=1000, random_state=0)
    points = flow()
    assert flow.output_ == "probability" and flow.n_classes_ == 2
    assert np.abs(points[:, 0] - 0.25).max() < 1e-3


def test_flow_moves_points_where_probabilities_saturate():
    def steep(x):
        return torch.sigmoid(400.0 * (x[:, :1] - 0.3))

    x = torch.tensor([[-0.9, 0.0], [0.9, 0.0]])
    assert torch.all((steep(x) == 0) | (steep(x) == 1))
    flow = GradientFlow(steep, BOX2, n_samples=2000, random_state=0)
    points = flow()
    assert np.mean(flow.distances_ < 1e-4) >= 0.999
    assert np.abs(points[:, 0] - 0.3).max() < 1e-3


def test_flow_default_beats_the_gradient_method_on_a_saturated_net():
    net = Plane([4.0, 0.0], 0.0, scale=20.0)
    fast = GradientFlow(net, BOX2, n_samples=500, random_state=0)
    slow = GradientFlow(
        net, BOX2, n_samples=500, method="gradient", n_epochs=20, random_state=0
    )
    fast()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        slow()
    assert np.mean(fast.distances_ < 1e-4) > np.mean(slow.distances_ < 1e-4) + 0.5


def test_flow_gradient_method_descends_on_the_squared_distance():
    flow = GradientFlow(
        Plane([1.0, 0.0], 0.0),
        BOX2,
        n_samples=500,
        method="gradient",
        n_epochs=200,
        learning_rate=1e-2,
        random_state=0,
    )
    flow.start()
    first = flow.history_[0]["median_distance"]
    flow.run()
    assert flow.history_[-1]["median_distance"] < 0.5 * first
    assert flow.n_epochs == 200 and len(flow.history_) == 201


def test_flow_with_sgd_optimizer():
    flow = GradientFlow(
        Plane([1.0, 0.0], 0.0),
        BOX2,
        n_samples=100,
        method="gradient",
        optimizer="sgd",
        learning_rate=1.0,
        n_epochs=50,
        random_state=0,
    )
    flow.run()
    assert flow.history_[-1]["median_distance"] < flow.history_[0]["median_distance"]


def test_flow_keeps_the_model_as_it_was():
    model = nn.Sequential(
        nn.Linear(2, 16),
        nn.BatchNorm1d(16),
        nn.ReLU(),
        nn.Dropout(0.5),
        nn.Linear(16, 2),
    )
    model.train()
    model(torch.randn(64, 2))
    model[3].eval()
    modes = [m.training for m in model.modules()]
    state = {k: v.clone() for k, v in model.state_dict().items()}
    flow = GradientFlow(model, [(-5, 5), (-5, 5)], n_samples=500, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        flow()
    first = flow.points_
    assert [m.training for m in model.modules()] == modes
    for key, value in model.state_dict().items():
        assert torch.equal(value, state[key]), key
    assert all(p.grad is None for p in model.parameters())
    # Eval mode during the flow: the same sample gives the same points.
    again = GradientFlow(model, [(-5, 5), (-5, 5)], n_samples=500, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        again()
    assert np.array_equal(first, again.points_)


def test_flow_gradient_method_leaves_no_gradient_on_parameters():
    net = Net([2, 8])
    GradientFlow(
        net, BOX2, n_samples=100, method="gradient", n_epochs=3, random_state=0
    ).run()
    assert all(p.grad is None for p in net.parameters())


def test_flow_frames_are_copies_and_frame_zero_is_the_sample():
    flow = GradientFlow(
        Plane([1.0, 0.5], 0.1), BOX2, n_samples=300, n_epochs=6, random_state=3
    )
    flow()
    sample = np.random.default_rng(3).uniform([-1, -1], [1, 1], size=(300, 2))
    assert np.allclose(flow.frames_[0], sample, atol=1e-6)
    assert flow.frame_epochs_ == list(range(7))
    assert len({id(f) for f in flow.frames_}) == 7
    assert not np.shares_memory(flow.frames_[-1], flow.points_)
    assert not np.allclose(flow.frames_[0], flow.frames_[-1])
    assert all(
        d.dtype == np.float32 and d.shape == (300,) for d in flow.frame_distances_
    )


def test_flow_frame_every_and_streaming_callback():
    seen = []
    flow = GradientFlow(
        Plane([1.0, 0.5], 0.1),
        BOX2,
        n_samples=50,
        n_epochs=10,
        frame_every=4,
        callback=seen.append,
        random_state=0,
    )
    flow.run()
    assert flow.frame_epochs_ == [0, 4, 8, 10]
    assert [f.epoch for f in seen] == list(range(11))
    assert all(f.points.shape == (50, 2) for f in seen)
    kept_none = GradientFlow(
        Plane([1.0, 0.5], 0.1),
        BOX2,
        n_samples=50,
        n_epochs=5,
        frame_every=None,
        random_state=0,
    )
    kept_none.run()
    assert kept_none.frame_epochs_ == [0, 5]


def test_flow_bounds_frame_memory_with_a_warning():
    with pytest.warns(UserWarning, match="max_frame_bytes"):
        flow = GradientFlow(
            Plane([1.0, 0.5], 0.1),
            BOX2,
            n_samples=1000,
            n_epochs=20,
            max_frame_bytes=1000 * 2 * 4 * 6,
            random_state=0,
        )
        flow.run()
    assert len(flow.frames_) <= 6
    assert flow.frame_epochs_[0] == 0 and flow.frame_epochs_[-1] == 20


def test_flow_epochs_generator_yields_each_frame():
    flow = GradientFlow(
        Plane([1.0, 0.5], 0.1), BOX2, n_samples=100, n_epochs=5, random_state=0
    )
    frames = list(flow.epochs())
    assert [f.epoch for f in frames] == [0, 1, 2, 3, 4, 5]
    assert frames[-1].stats["fraction_within_delta"] == 1.0


def test_flow_from_given_points_does_not_touch_the_callers_tensor():
    base = torch.rand(200, 2, requires_grad=True)
    start = base * 2 - 1  # non-leaf, requires grad
    before = start.detach().clone()
    flow = GradientFlow(Plane([1.0, 0.0], 0.2), BOX2, n_samples=10, random_state=0)
    points = flow(start)
    assert points.shape[0] == 200
    assert torch.equal(start.detach(), before)
    assert base.grad is None
    leaf = torch.rand(50, 2, requires_grad=True)
    copy = leaf.detach().clone()
    flow(leaf)
    assert torch.equal(leaf.detach(), copy) and leaf.grad is None


def test_flow_float64_points_and_float32_model():
    points = np.random.default_rng(0).uniform(-1, 1, size=(100, 2)).astype(np.float64)
    net = Net([2, 8])
    flow = GradientFlow(net, BOX2, random_state=0)
    flow(points)
    assert flow.points_.dtype == np.float32


def test_flow_uses_a_float64_model_in_float64():
    net = Net([2, 8], dtype=torch.float64)
    flow = GradientFlow(net, BOX2, n_samples=100, random_state=0)
    flow()
    assert flow.points_.dtype == np.float64


def test_flow_in_higher_dimensions():
    rng = np.random.default_rng(0)
    w = rng.normal(size=20)
    box = [(-1, 1)] * 20
    points = GradientFlow(Plane(w, 0.1), box, n_samples=1000, random_state=0)()
    assert len(points) >= 999
    assert np.abs(points @ w + 0.1).max() / np.linalg.norm(w) < 1e-3


def test_flow_without_a_boundary_in_the_box_returns_empty_with_one_warning():
    flow = GradientFlow(Plane([1.0, 0.0], 5.0), BOX2, n_samples=200, random_state=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        points = flow()
    assert points.shape == (0, 2)
    assert len(caught) == 1 and "no point reached the decision boundary" in str(
        caught[0].message
    )


def test_flow_without_clipping_reports_points_that_leave_the_box():
    flow = GradientFlow(
        Plane([1.0, 0.0], 1.5), BOX2, n_samples=200, clip=False, random_state=0
    )
    with pytest.warns(UserWarning) as caught:
        points = flow()
    assert points.shape == (0, 2)
    assert flow.history_[-1]["n_outside_box"] == 200
    assert any("ended outside the box" in str(w.message) for w in caught)


def test_flow_clipping_keeps_points_in_the_box_and_slides_along_faces():
    flow = GradientFlow(Plane([1.0, 1.0], 1.6), BOX2, n_samples=500, random_state=0)
    points = flow()
    assert np.all(np.abs(flow.points_) <= 1 + 1e-6)
    assert np.abs(points.sum(1) + 1.6).max() < 1e-3
    assert len(points) > 0.9 * 500


def test_flow_is_reproducible_with_random_state():
    net = Net([2, 16, 16])
    a = GradientFlow(net, BOX2, n_samples=300, random_state=7)()
    b = GradientFlow(net, BOX2, n_samples=300, random_state=7)()
    assert np.array_equal(a, b)


def test_flow_statistics_and_coverage():
    flow = GradientFlow(Plane([1.0, 0.0], 0.0), BOX2, n_samples=2000, random_state=0)
    flow()
    stats = flow.history_[-1]
    assert set(stats) >= {"epoch", "fraction_within_delta", "median_distance"}
    assert stats["fraction_within_delta"] == 1.0
    cov = flow.coverage()
    assert cov["n_boundary_points"] == 2000
    # Projection onto the line x = 0 of a uniform sample is uniform along it.
    assert 1.0 <= cov["spread"] < 3.0
    summary = flow.summary()
    assert summary["n_boundary_points"] == 2000 and summary["n_samples"] == 2000


def test_flow_predict_distance_matches_probabilities():
    net = Net([2, 8])
    flow = GradientFlow(net, BOX2, n_samples=10, random_state=0)
    X = np.random.default_rng(0).uniform(-1, 1, size=(20, 2))
    p = net.predict_proba(X)[:, 1]
    assert np.allclose(flow.predict_distance(X), np.abs(p - 0.5), atol=1e-6)


def test_flow_before_running_raises_a_clear_error():
    flow = GradientFlow(Net([2, 4]), BOX2, n_samples=10)
    with pytest.raises(RuntimeError, match="has not run yet"):
        _ = flow.boundary_points_


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (
            {"boundary_tuple": BOX3},
            ValueError,
            "boundary_tuple has 3 intervals but the model takes 2 input features",
        ),
        (
            {"boundary_tuple": [(1, -1), (-1, 1)]},
            ValueError,
            r"boundary_tuple\[0\] must have lower < upper; got \(1, -1\)",
        ),
        (
            {"boundary_tuple": [(0, np.inf), (-1, 1)]},
            ValueError,
            "boundary_tuple must have finite bounds",
        ),
        (
            {"boundary_tuple": [(0, np.nan), (-1, 1)]},
            ValueError,
            "boundary_tuple must have finite bounds",
        ),
        ({"boundary_tuple": [1, 2]}, ValueError, "sequence of .lower, upper. pairs"),
        (
            {"boundary_tuple": [(-1e308, 1e308), (-1, 1)]},
            ValueError,
            r"boundary_tuple\[0\] is too wide: upper - lower overflows",
        ),
        ({"n_samples": 0}, ValueError, "n_samples must be a positive integer; got 0"),
        ({"n_samples": 2.5}, TypeError, "n_samples must be an integer"),
        ({"n_epochs": -1}, ValueError, "n_epochs must be >= 0; got -1"),
        ({"delta": 0.0}, ValueError, r"delta must be in \(0.0, 0.5\); got 0.0"),
        ({"delta": 0.7}, ValueError, r"delta must be in \(0.0, 0.5\); got 0.7"),
        (
            {"method": "newton"},
            ValueError,
            "method must be one of 'projection', 'gradient'",
        ),
        ({"output": "scores"}, ValueError, "output must be one of"),
        ({"frame_every": 0}, ValueError, "frame_every must be a positive integer"),
        ({"max_step": -1.0}, ValueError, r"max_step must be > 0.0"),
    ],
)
def test_flow_rejects_bad_arguments(kwargs, error, message):
    args = {"model": Net([2, 4]), "boundary_tuple": BOX2, **kwargs}
    with pytest.raises(error, match=message):
        GradientFlow(**args)


def test_flow_rejects_a_box_the_model_cannot_take():
    with pytest.raises(
        ValueError, match="boundary_tuple has 3 intervals, but the model"
    ):
        GradientFlow(nn.Linear(2, 2), BOX3)


def test_flow_rejects_starting_points_of_the_wrong_width():
    flow = GradientFlow(Net([2, 4]), BOX2)
    with pytest.raises(ValueError, match="must have 2 columns"):
        flow(np.zeros((5, 3)))
    with pytest.raises(ValueError, match="finite"):
        flow(np.full((5, 2), np.nan))


def test_flow_rejects_a_model_on_another_device_than_asked():
    with pytest.raises(ValueError, match="differs from the model's device"):
        GradientFlow(Net([2, 4]), BOX2, device="meta")


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_flow_runs_on_the_models_cuda_device():
    net = Net([2, 8]).cuda()
    points = GradientFlow(net, BOX2, n_samples=100, random_state=0)(np.zeros((4, 2)))
    assert isinstance(points, np.ndarray)


def test_flow_warns_again_for_a_second_empty_flow_from_another_line():
    def run():
        return GradientFlow(Plane([1.0, 0.0], 5.0), BOX2, n_samples=20)()

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        run()
        run()
        GradientFlow(Plane([1.0, 0.0], 5.0), BOX2, n_samples=20)()
    assert len(caught) == 2
    assert all(w.filename == __file__ for w in caught)


def test_flow_with_a_tiny_delta_picks_a_smaller_tolerance():
    flow = GradientFlow(Plane([1.0, 0.0], 0.0), BOX2, n_samples=50, delta=1e-7)
    assert flow.tol < 1e-7
    points = flow()
    assert len(points) == 50


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"device": "gpu0"}, ValueError, "device must name a torch device"),
        ({"random_state": -1}, ValueError, "random_state must be None, an integer"),
        ({"random_state": "x"}, TypeError, "random_state must be None, an integer"),
    ],
)
def test_flow_rejects_bad_device_and_seed(kwargs, error, message):
    with pytest.raises(error, match=message):
        GradientFlow(Net([2, 4]), BOX2, **kwargs)


class NoGradNet(nn.Module):
    """A linear net whose forward runs without autograd."""

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(2, 2)

    @torch.no_grad()
    def forward(self, x):
        return self.linear(x)


@pytest.mark.parametrize(
    "model",
    [
        NoGradNet(),
        lambda x: nn.functional.softmax(x @ torch.ones(2, 2), 1).detach(),
        lambda x: torch.zeros(len(x), 2),
        lambda x: torch.full((len(x),), 0.9),
    ],
    ids=["no_grad-forward", "detached", "constant-logits", "constant-probability"],
)
def test_flow_rejects_a_model_it_cannot_differentiate_before_any_work(model):
    with pytest.raises(TypeError, match="differentiate with respect to the input"):
        GradientFlow(model, BOX2, n_samples=10)
