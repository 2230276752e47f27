"""GradientFlow: move sample points onto a classifier's decision boundary.

The decision boundary is the set where the classifier cannot decide between its
two most likely classes. Points sampled uniformly in a box are moved there, one
epoch at a time, so that each epoch's positions form a frame of an animation.

Two methods are offered:

``"projection"`` (default)
    A Newton step on the logit margin ``m(x) = z_top(x) - z_second(x)``: each
    point moves by ``-m / |grad m|^2 * grad m``, with a bounded step length
    and per-point damping. The logit margin does not saturate the way
    probabilities do, and for ReLU networks it is piecewise linear, so a step
    lands on the boundary of the current linear piece exactly; a few epochs
    suffice. Points where the output is flat (a probability saturated to
    exactly 0 or 1, a region where every ReLU is off) have no usable gradient;
    they are moved by bisection along the segment to a point of another class,
    which needs only the predicted class, and continue from there.
``"gradient"``
    Descent on ``(p - 1/2)^2`` with a torch optimizer (Adam, learning rate
    1e-3 by default), one optimizer step per epoch: the method of the
    reference notebook. Points far from the boundary barely move because the
    gradient of a saturated softmax vanishes; it is kept to show that.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

import numpy as np
import torch

from ._validation import (
    check_array,
    check_box,
    check_choice,
    check_float,
    check_int,
    check_random_state,
    warn_user,
)
from .training import keep_modes, model_device_dtype

__all__ = ["FlowFrame", "GradientFlow", "METHODS"]

logger = logging.getLogger(__name__)

METHODS = ("projection", "gradient")
OUTPUTS = ("auto", "logits", "probabilities", "probability")
DEFAULT_EPOCHS = {"projection": 20, "gradient": 100}
BISECTION_STEPS = 30


@dataclass
class FlowFrame:
    """One frame of a flow: positions and distances after ``epoch`` epochs."""

    epoch: int
    points: np.ndarray
    distances: np.ndarray
    stats: dict


class GradientFlow:
    """Sample points in a box and move them onto a classifier's decision boundary.

    Parameters
    ----------
    model : torch.nn.Module or callable
        Maps a tensor of shape (n, n_features) to logits (n, n_classes),
        probabilities (n, n_classes), or the probability of class 1 as (n,) or
        (n, 1); see ``output``. The output must be differentiable with respect
        to the input (no ``torch.no_grad()`` or ``.detach()`` inside); a model
        that is not raises a TypeError here. A Module is evaluated in eval
        mode, and its train/eval flags, parameters and buffers are left exactly
        as they were; a plain callable is called as it is (a Module it wraps
        keeps whatever mode it is in).
    boundary_tuple : sequence of (lower, upper) pairs
        The box to sample in, one interval per input feature.
    n_samples : int, default=10000
        Number of sample points.
    n_epochs : int, default=None
        Number of steps; 20 for ``"projection"``, 100 for ``"gradient"``.
    method : {"projection", "gradient"}, default="projection"
        See the module docstring.
    delta : float in (0, 0.5), default=0.01
        A point is on the boundary when its distance is below ``delta``.
    random_state : int, numpy Generator or None, default=None
        Seeds the sample and the choice of bisection partners.
    device : torch.device or str, default=None
        Where to compute; the model's device when None.
    output : {"auto", "logits", "probabilities", "probability"}, default="auto"
        What the model returns. "auto" looks at the output on the box centre
        and corners: one column means the probability of class 1; rows of
        values in [0, 1] summing to 1 mean probabilities; otherwise logits.
    learning_rate : float, default=1e-3
        Step size of the ``"gradient"`` method's optimizer.
    optimizer : {"adam", "sgd"}, default="adam"
        Optimizer of the ``"gradient"`` method.
    max_step : float, default=None
        Longest move of one point in one epoch; a quarter of the box diagonal
        when None.
    clip : bool, default=True
        Keep points inside the box; a point whose nearest boundary lies
        outside the box stays on the box's surface, unconverged. With False,
        points may leave the box; their number is reported and a warning is
        given at the end.
    frame_every : int or None, default=1
        Keep every k-th frame in ``frames_`` (the first and last are always
        kept); None keeps only those two. Frames can also be streamed to
        ``callback`` without being kept.
    max_frame_bytes : int, default=256 MiB
        Memory bound for kept frames; ``frame_every`` is raised (with a
        warning) when keeping every k-th frame would exceed it.
    batch_size : int, default=65536
        Points evaluated at once, bounding the memory of one forward pass.
    tol : float in [0, delta), default=None
        1e-6, or delta / 10 when that is smaller.
        ``"projection"`` only: a point whose distance is below ``tol`` has
        converged; it stops moving and is not evaluated again, so late epochs
        cost little.
    callback : callable, default=None
        Called as ``callback(frame)`` with each :class:`FlowFrame`, kept or not.
    progress : bool, default=False
        Show a progress bar over epochs.

    Attributes
    ----------
    points_ : ndarray of shape (n_samples, n_features)
        Final positions of all sample points.
    distances_ : ndarray of shape (n_samples,)
        Final distance of each point: ``|p - 1/2|`` for two classes, the gap
        between the two largest probabilities for more.
    boundary_points_ : ndarray of shape (k, n_features)
        Final points with distance below ``delta``.
    history_ : list of dict
        Per-epoch statistics: epoch, fraction_within_delta, median_distance,
        max_distance, n_stranded, n_outside_box, time.
    frames_ : list of ndarray
        Kept frames (positions), each its own copy; frame 0 is the sample.
    frame_epochs_ : list of int
        Epoch of each kept frame.
    frame_distances_ : list of ndarray
        Distances of each kept frame, float32.
    n_classes_ : int
    output_ : str
        The output kind used (resolved from "auto").

    Notes
    -----
    Sampling is uniform in the box, so the boundary is covered in proportion to
    how many samples flow to each part of it; :meth:`coverage` measures how
    evenly. A boundary that does not cross the box yields an empty result with
    a warning.

    Examples
    --------
    >>> import torch
    >>> plane = torch.nn.Linear(2, 2)
    >>> flow = GradientFlow(plane, [(-1, 1), (-1, 1)], n_samples=500, random_state=0)
    >>> points = flow()
    >>> bool((flow.distances_ < 0.01).mean() > 0.99)
    True
    """

    def __init__(
        self,
        model,
        boundary_tuple,
        n_samples=10000,
        n_epochs=None,
        method="projection",
        delta=0.01,
        random_state=None,
        device=None,
        *,
        output="auto",
        learning_rate=1e-3,
        optimizer="adam",
        max_step=None,
        clip=True,
        frame_every=1,
        max_frame_bytes=256 * 2**20,
        batch_size=65536,
        tol=None,
        callback=None,
        progress=False,
    ):
        if not callable(model):
            raise TypeError(
                f"model must be a torch.nn.Module or a callable; got "
                f"{type(model).__name__}."
            )
        self.model = model
        self.method = check_choice(method, "method", METHODS)
        n_features = getattr(model, "n_features", None)
        self.box = check_box(
            boundary_tuple,
            "boundary_tuple",
            n_features if isinstance(n_features, int) else None,
        )
        self.boundary_tuple = [tuple(map(float, pair)) for pair in self.box]
        self.n_samples = check_int(n_samples, "n_samples", low=1)
        if n_epochs is None:
            n_epochs = DEFAULT_EPOCHS[self.method]
        self.n_epochs = check_int(n_epochs, "n_epochs", low=0)
        self.delta = check_float(
            delta, "delta", low=0.0, high=0.5, low_open=True, high_open=True
        )
        self.random_state = check_random_state(random_state)
        self.output = check_choice(output, "output", OUTPUTS)
        self.learning_rate = check_float(
            learning_rate, "learning_rate", low=0.0, low_open=True
        )
        self.optimizer = check_choice(optimizer, "optimizer", ("adam", "sgd"))
        diagonal = float(np.linalg.norm(self.box[:, 1] - self.box[:, 0]))
        if max_step is None:
            max_step = 0.25 * diagonal
        self.max_step = check_float(max_step, "max_step", low=0.0, low_open=True)
        self.clip = bool(clip)
        if frame_every is not None:
            frame_every = check_int(frame_every, "frame_every", low=1)
        self.frame_every = frame_every
        self.max_frame_bytes = check_int(max_frame_bytes, "max_frame_bytes", low=1)
        self.batch_size = check_int(batch_size, "batch_size", low=1)
        if tol is None:
            tol = min(1e-6, self.delta / 10)
        self.tol = check_float(tol, "tol", low=0.0, high=self.delta, high_open=True)
        if callback is not None and not callable(callback):
            raise TypeError(
                f"callback must be callable; got {type(callback).__name__}."
            )
        self.callback = callback
        self.progress = bool(progress)

        model_device, self.dtype = (
            model_device_dtype(model)
            if isinstance(model, torch.nn.Module)
            else (torch.device("cpu"), torch.get_default_dtype())
        )
        if device is None:
            self.device = model_device
        else:
            try:
                self.device = torch.device(device)
            except (RuntimeError, TypeError):
                raise ValueError(
                    f"device must name a torch device such as 'cpu' or 'cuda:0'; "
                    f"got {device!r}."
                ) from None
            if isinstance(model, torch.nn.Module) and self.device != model_device:
                raise ValueError(
                    f"device={str(device)!r} differs from the model's device "
                    f"{str(model_device)!r}; move the model with model.to(...) or "
                    "leave device=None."
                )
        self.n_classes_, self.output_ = self._probe()
        self._started = False

    # -- public API ---------------------------------------------------------

    @property
    def n_features(self):
        return self.box.shape[0]

    def __call__(self, points=None):
        """Run the whole flow and return the boundary points.

        Parameters
        ----------
        points : array-like or tensor of shape (n, n_features), default=None
            Starting points; a fresh uniform sample of ``n_samples`` points in
            the box when None. The caller's array is not modified.

        Returns
        -------
        ndarray of shape (k, n_features)
            Points whose distance is below ``delta``.
        """
        self.start(points)
        self._run_epochs()
        self._finish()
        return self.boundary_points_

    def start(self, points=None):
        """Take the starting points and record frame 0; returns that frame."""
        with torch.no_grad():
            x = self._initial_points(points)
        self._rng = np.random.default_rng(self.random_state)
        self.epoch_ = 0
        self.history_ = []
        self.frames_, self.frame_epochs_, self.frame_distances_ = [], [], []
        self._frame_every = self._choose_frame_every(len(x))
        self._x = x
        self._damping = torch.ones(len(x), device=self.device, dtype=self.dtype)
        self._opt = None
        self._moved = None
        if self.method == "gradient":
            self._x.requires_grad_(True)
            cls = torch.optim.Adam if self.optimizer == "adam" else torch.optim.SGD
            self._opt = cls([self._x], lr=self.learning_rate)
        self._started = True
        self._t0 = time.perf_counter()
        self._evaluate_all()
        return self._emit()

    def step(self):
        """Run one epoch; returns its :class:`FlowFrame`."""
        if not self._started:
            self.start()
        if self.method == "projection":
            moved = self._projection_step()
        else:
            self._gradient_step()
            moved = None
        self.epoch_ += 1
        self._evaluate_all(moved)
        return self._emit()

    def epochs(self, points=None):
        """Start and yield each frame (epoch 0 to ``n_epochs``) as it is computed."""
        yield self.start(points)
        bar = self._bar()
        for _ in range(self.n_epochs):
            frame = self.step()
            if bar is not None:
                bar.update(1)
                bar.set_postfix(
                    within_delta=f"{frame.stats['fraction_within_delta']:.3f}"
                )
            yield frame
        if bar is not None:
            bar.close()
        self._finish()

    def run(self):
        """Run all remaining epochs (starting first if needed); returns self."""
        self._run_epochs()
        self._finish()
        return self

    def _run_epochs(self):
        if not self._started:
            self.start()
        bar = self._bar()
        while self.epoch_ < self.n_epochs:
            self.step()
            if bar is not None:
                bar.update(1)
        if bar is not None:
            bar.close()

    @property
    def points_(self):
        self._check_started()
        return self._x.detach().cpu().numpy().copy()

    @property
    def distances_(self):
        self._check_started()
        return self._dist.cpu().numpy().astype(np.float64)

    @property
    def boundary_points_(self):
        self._check_started()
        keep = (self._dist < self.delta) & self._inside_box(self._x.detach())
        return self._x.detach()[keep].cpu().numpy().copy()

    def predict_distance(self, X):
        """Distance to the boundary (in probability units) of arbitrary points."""
        X = check_array(X, "X", n_features=self.n_features, allow_empty=True)
        x = torch.as_tensor(X, device=self.device, dtype=self.dtype)
        with torch.no_grad(), keep_modes(self._module()):
            self._set_eval()
            out = [
                self._distance(self._call(x[i : i + self.batch_size]))
                for i in range(0, len(x), self.batch_size)
            ]
        return torch.cat(out).cpu().numpy() if out else np.zeros(0)

    def coverage(self, k=10, max_points=20000):
        """How evenly the boundary points cover the boundary.

        Uses the distance from each boundary point to its k-th nearest
        boundary neighbour (a local spacing). Returns a dict with the number of
        boundary points, the median spacing, and ``spread``: the ratio of the
        90th to the 10th percentile of the spacing. A spread near 1 means even
        coverage; large values mean clusters and gaps.
        """
        from sklearn.neighbors import NearestNeighbors

        k = check_int(k, "k", low=1)
        points = self.boundary_points_
        if len(points) <= k:
            return {
                "n_boundary_points": len(points),
                "median_spacing": float("nan"),
                "spread": float("nan"),
            }
        if len(points) > max_points:
            points = self._rng.choice(points, max_points, replace=False)
        dist, _ = NearestNeighbors(n_neighbors=k + 1).fit(points).kneighbors(points)
        spacing = dist[:, k]
        p10, p50, p90 = np.percentile(spacing, [10, 50, 90])
        return {
            "n_boundary_points": len(self.boundary_points_),
            "median_spacing": float(p50),
            "spread": float(p90 / p10) if p10 > 0 else float("inf"),
        }

    def summary(self):
        """Figures of the finished flow, as a dict."""
        self._check_started()
        dist = self._dist.cpu().numpy()
        return {
            "method": self.method,
            "n_samples": int(len(dist)),
            "n_epochs": int(self.epoch_),
            "n_boundary_points": int(len(self.boundary_points_)),
            "fraction_within_delta": float(np.mean(dist < self.delta)),
            "max_distance_on_boundary": float(dist[dist < self.delta].max())
            if np.any(dist < self.delta)
            else float("nan"),
            "n_outside_box": int((~self._inside_box(self._x.detach())).sum()),
            "time": time.perf_counter() - self._t0
            if not self.history_
            else self.history_[-1]["time"],
        }

    def __repr__(self):
        return (
            f"GradientFlow(method={self.method!r}, n_samples={self.n_samples}, "
            f"n_epochs={self.n_epochs}, delta={self.delta}, "
            f"boundary_tuple={self.boundary_tuple})"
        )

    # -- set-up -------------------------------------------------------------

    def _module(self):
        return (
            self.model if isinstance(self.model, torch.nn.Module) else torch.nn.Module()
        )

    def _set_eval(self):
        if isinstance(self.model, torch.nn.Module):
            self.model.eval()

    def _call(self, x):
        out = self.model(x)
        if not torch.is_tensor(out):
            raise TypeError(
                f"the model must return a tensor; got {type(out).__name__}."
            )
        return out

    def _probe(self):
        """Check the model takes the box's points and find what it returns."""
        corners = np.stack([self.box[:, 0], self.box.mean(1), self.box[:, 1]])
        x = torch.as_tensor(corners, device=self.device, dtype=self.dtype)
        x.requires_grad_(True)
        with torch.enable_grad(), keep_modes(self._module()):
            self._set_eval()
            try:
                out = self._call(x)
            except RuntimeError as exc:
                raise ValueError(
                    f"boundary_tuple has {self.n_features} intervals, but the model "
                    f"rejects inputs with {self.n_features} features: {exc}"
                ) from None
        if not out.requires_grad:
            raise TypeError(
                "model must give outputs that torch can differentiate with respect "
                "to the input points; this one's output has no gradient (a "
                "torch.no_grad() or .detach() in its forward, or an output that "
                "ignores its input)."
            )
        out = out.detach()
        if out.ndim == 1 or (out.ndim == 2 and out.shape[1] == 1):
            kind, n_classes = "probability", 2
        elif out.ndim == 2 and out.shape[1] >= 2:
            n_classes = int(out.shape[1])
            looks_like_proba = bool(
                torch.all((out >= 0) & (out <= 1))
                and torch.allclose(
                    out.sum(1),
                    torch.ones(len(out), dtype=out.dtype, device=out.device),
                    atol=1e-4,
                )
            )
            kind = "probabilities" if looks_like_proba else "logits"
        else:
            raise ValueError(
                "the model must return shape (n,), (n, 1) or (n, n_classes); got "
                f"{tuple(out.shape)} for {len(x)} points."
            )
        if out.shape[0] != len(x):
            raise ValueError(
                f"the model returned {out.shape[0]} rows for {len(x)} points."
            )
        if self.output != "auto":
            if (self.output == "probability") != (kind == "probability"):
                raise ValueError(
                    f"output={self.output!r} does not match the model's output of "
                    f"shape {tuple(out.shape)}."
                )
            kind = self.output
        return n_classes, kind

    def _initial_points(self, points):
        if points is None:
            rng = np.random.default_rng(self.random_state)
            low, high = self.box[:, 0], self.box[:, 1]
            sample = rng.uniform(low, high, size=(self.n_samples, self.n_features))
            return torch.as_tensor(sample, device=self.device, dtype=self.dtype)
        if torch.is_tensor(points):
            if points.ndim != 2 or points.shape[1] != self.n_features:
                raise ValueError(
                    f"points must have shape (n, {self.n_features}); got "
                    f"{tuple(points.shape)}."
                )
            x = points.detach().to(device=self.device, dtype=self.dtype).clone()
            if not torch.all(torch.isfinite(x)):
                raise ValueError("points must contain only finite values.")
            return x
        array = check_array(
            points, "points", n_features=self.n_features, allow_empty=True
        )
        return torch.as_tensor(array, device=self.device, dtype=self.dtype).clone()

    def _choose_frame_every(self, n_points):
        if self.frame_every is None:
            return None
        frame_bytes = max(n_points, 1) * self.n_features * self._itemsize()
        kept = self.n_epochs // self.frame_every + 2
        if kept * frame_bytes <= self.max_frame_bytes:
            return self.frame_every
        affordable = max(self.max_frame_bytes // frame_bytes - 2, 1)
        every = max(self.frame_every, math.ceil(self.n_epochs / affordable))
        warn_user(
            f"keeping every {self.frame_every} frame(s) of {n_points} points would "
            f"take {kept * frame_bytes / 2**20:.0f} MiB, more than max_frame_bytes="
            f"{self.max_frame_bytes / 2**20:.0f} MiB; keeping every {every}-th frame "
            "instead. Pass frame_every=None to keep only the first and last, or a "
            "callback to stream frames."
        )
        return every

    def _itemsize(self):
        return torch.empty(0, dtype=self.dtype).element_size()

    def _bar(self):
        if not self.progress:
            return None
        from tqdm.auto import tqdm

        return tqdm(
            total=self.n_epochs - self.epoch_,
            desc=f"flow ({self.method})",
            unit="epoch",
            leave=False,
        )

    def _check_started(self):
        if not self._started:
            raise RuntimeError(
                "the flow has not run yet; call it (flow()) or call flow.run() first."
            )

    # -- numerics -----------------------------------------------------------

    def _scores(self, out):
        """Per-class scores whose differences are log-odds, and probabilities."""
        if self.output_ == "logits":
            return out, torch.softmax(out, dim=1)
        if self.output_ == "probabilities":
            return torch.log(out), out
        p = out.reshape(-1)
        return torch.stack([torch.log1p(-p), torch.log(p)], 1), torch.stack(
            [1 - p, p], 1
        )

    def _distance(self, out):
        _, proba = self._scores(out)
        top2 = proba.topk(2, dim=1).values
        gap = top2[:, 0] - top2[:, 1]
        return gap / 2 if self.n_classes_ == 2 else gap

    def _evaluate_all(self, index=None):
        """Distance, margin, gradient and top class at the current points.

        With ``index``, only those points are evaluated; the others keep the
        values of their last evaluation (they have not moved since).
        """
        n = len(self._x)
        if index is None:
            self._dist = torch.empty(n, device=self.device, dtype=self.dtype)
            self._margin = torch.empty(n, device=self.device, dtype=self.dtype)
            self._grad = torch.zeros(
                n, self.n_features, device=self.device, dtype=self.dtype
            )
            self._top = torch.empty(n, device=self.device, dtype=torch.long)
            index = torch.arange(n, device=self.device)
        with keep_modes(self._module()):
            self._set_eval()
            for start in range(0, len(index), self.batch_size):
                if self.method == "projection":
                    self._evaluate_margin(index[start : start + self.batch_size])
                else:
                    self._evaluate_loss(start, min(start + self.batch_size, n))

    def _evaluate_margin(self, rows):
        x = self._x[rows].detach().requires_grad_(True)
        with torch.enable_grad():
            scores, proba = self._scores(self._call(x))
            top2 = proba.detach().topk(2, dim=1).indices
            margin = scores.gather(1, top2[:, :1]) - scores.gather(1, top2[:, 1:])
            (grad,) = torch.autograd.grad(margin.sum(), x, allow_unused=True)
        gap = proba.detach().gather(1, top2).diff(dim=1).neg().reshape(-1)
        self._dist[rows] = gap / 2 if self.n_classes_ == 2 else gap
        self._margin[rows] = margin.detach().reshape(-1)
        self._grad[rows] = 0 if grad is None else grad
        self._top[rows] = top2[:, 0]

    def _evaluate_loss(self, start, end):
        # Gradients are taken with respect to the points only, so the model's
        # parameters never receive any.
        x = self._x.detach()[start:end].requires_grad_(True)
        with torch.enable_grad():
            dist = self._distance(self._call(x))
            (grad,) = torch.autograd.grad((dist**2).sum(), x, allow_unused=True)
        if self._x.grad is None:
            self._x.grad = torch.zeros_like(self._x)
        self._x.grad[start:end] = 0 if grad is None else grad
        self._dist[start:end] = dist.detach()

    def _projection_step(self):
        """Newton step on the margin for every point not yet converged.

        Returns the indices of the points that moved.
        """
        with torch.no_grad():
            active = torch.nonzero(self._dist >= self.tol).reshape(-1)
            self._moved = active
            if len(active) == 0:
                return active
            margin, grad = self._margin[active], self._grad[active]
            usable = torch.isfinite(margin) & torch.isfinite(grad).all(1)
            grad = torch.where(usable[:, None], grad, 0.0)
            margin = torch.where(usable, margin, 0.0)
            if self.clip:
                # On a face of the box, drop the gradient components that
                # would push the point out, so the step slides along the face.
                x = self._x.detach()[active]
                low, high = self._bounds()
                push = -margin[:, None] * grad
                blocked = ((x <= low) & (push < 0)) | ((x >= high) & (push > 0))
                grad = torch.where(blocked, 0.0, grad)
            norm2 = (grad * grad).sum(1)
            usable &= norm2 > 1e-30
            step = -(margin / torch.where(usable, norm2, 1.0))[:, None] * grad
            step = torch.where(usable[:, None], step, 0.0)
            length = step.norm(dim=1)
            limit = torch.clamp(self.max_step / torch.clamp(length, min=1e-30), max=1.0)
            step *= (limit * self._damping[active])[:, None]
            self._previous_margin = self._margin[active].abs()
            self._usable = usable
            moved = self._x[active] + step
            if self.clip:
                low, high = self._bounds()
                moved = torch.maximum(torch.minimum(moved, high), low)
            self._x[active] = moved
            stranded = active[~usable]
            if len(stranded):
                self._bisect(stranded)
            return active

    def _gradient_step(self):
        self._opt.step()
        if self.clip:
            with torch.no_grad():
                self._clip()

    def _bounds(self):
        low = torch.as_tensor(self.box[:, 0], device=self.device, dtype=self.dtype)
        high = torch.as_tensor(self.box[:, 1], device=self.device, dtype=self.dtype)
        return low, high

    def _clip(self):
        low, high = self._bounds()
        self._x.data.copy_(torch.maximum(torch.minimum(self._x.data, high), low))

    def _update_damping(self):
        """Halve the step of points whose margin grew; let the others recover."""
        moved = getattr(self, "_moved", None)
        if self.method != "projection" or moved is None or len(moved) == 0:
            return
        worse = self._usable & (self._margin[moved].abs() > self._previous_margin)
        damping = self._damping[moved]
        self._damping[moved] = torch.where(
            worse,
            torch.clamp(damping / 2, min=1 / 64),
            torch.clamp(damping * 2, max=1.0),
        )

    def _bisect(self, idx):
        """Move points without a usable gradient to a class change on a segment."""
        top = self._top
        classes = torch.unique(top)
        if len(classes) < 2:
            return
        x = self._x
        for cls in classes.tolist():
            own = idx[top[idx] == cls]
            others = torch.nonzero(top != cls).reshape(-1)
            if len(own) == 0 or len(others) == 0:
                continue
            pick = torch.as_tensor(
                self._rng.integers(0, len(others), size=len(own)), device=self.device
            )
            a, b = x[own].clone(), x[others[pick]].clone()
            lo = torch.zeros(len(own), device=self.device, dtype=self.dtype)
            hi = torch.ones(len(own), device=self.device, dtype=self.dtype)
            with keep_modes(self._module()):
                self._set_eval()
                for _ in range(BISECTION_STEPS):
                    mid = (lo + hi) / 2
                    _, proba = self._scores(self._call(a + mid[:, None] * (b - a)))
                    same = proba.argmax(1) == cls
                    lo = torch.where(same, mid, lo)
                    hi = torch.where(same, hi, mid)
            x[own] = a + ((lo + hi) / 2)[:, None] * (b - a)
            self._damping[own] = 1.0

    def _inside_box(self, x):
        low = torch.as_tensor(self.box[:, 0], device=x.device, dtype=x.dtype)
        high = torch.as_tensor(self.box[:, 1], device=x.device, dtype=x.dtype)
        tol = 1e-6 * (high - low)
        return ((x >= low - tol) & (x <= high + tol)).all(1)

    def _emit(self):
        self._update_damping()
        dist = self._dist
        within = (dist < self.delta).float().mean().item() if len(dist) else 0.0
        stats = {
            "epoch": self.epoch_,
            "fraction_within_delta": within,
            "median_distance": dist.median().item() if len(dist) else float("nan"),
            "max_distance": dist.max().item() if len(dist) else float("nan"),
            "n_stranded": int((~self._usable).sum())
            if self._moved is not None and len(self._moved)
            else 0,
            "n_outside_box": 0
            if self.clip
            else int((~self._inside_box(self._x.detach())).sum()),
            "time": time.perf_counter() - self._t0,
        }
        self.history_.append(stats)
        logger.debug("flow epoch %d: %s", self.epoch_, stats)
        keep = (
            self.epoch_ == 0
            or self.epoch_ == self.n_epochs
            or (self._frame_every is not None and self.epoch_ % self._frame_every == 0)
        )
        if not keep and self.callback is None:
            return FlowFrame(self.epoch_, None, None, stats)
        points = self._x.detach().cpu().numpy().copy()
        distances = dist.cpu().numpy().astype(np.float32)
        if keep:
            self.frames_.append(points)
            self.frame_epochs_.append(self.epoch_)
            self.frame_distances_.append(distances)
        frame = FlowFrame(self.epoch_, points, distances, stats)
        if self.callback is not None:
            self.callback(frame)
        return frame

    def _finish(self):
        """Warn when the run ends with no boundary point inside the box."""
        if len(self._x) == 0 or len(self.boundary_points_) > 0:
            return
        outside = 0
        if not self.clip:
            outside = int((~self._inside_box(self._x.detach())).sum())
        if outside:
            reason = (
                f"{outside} of {len(self._x)} points ended outside the box, where "
                "they are not counted; use a larger box or clip=True"
            )
        else:
            reason = "the model may not change its decision there"
        warn_user(
            f"no point reached the decision boundary inside the box "
            f"{self.boundary_tuple} (delta={self.delta}): {reason}. Returning an "
            "empty array."
        )
