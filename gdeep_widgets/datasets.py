"""Datasets: 3D tori, and a registry of the datasets the app offers.

The tori follow the reference experiment: a torus of major radius 2, one of
them turned upright, the second shifted along x so that the two are either
linked ("entangled") or apart ("unentangled").
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from sklearn import datasets as _sk

from ._validation import check_choice, check_float, check_int, check_random_state

__all__ = [
    "DATASETS",
    "DatasetSpec",
    "Rotation",
    "make_dataset",
    "make_tori",
    "make_torus_point_cloud",
]

MAJOR_RADIUS = 2.0


class Rotation:
    """A rotation of 3D space in the plane spanned by two coordinate axes.

    Parameters
    ----------
    axis_0, axis_1 : int in {0, 1, 2}
        The two axes spanning the plane of rotation; they must differ.
    angle : float
        Angle in radians, turning ``axis_0`` towards ``axis_1``.

    Attributes
    ----------
    matrix : ndarray of shape (3, 3)
        The rotation matrix; apply it as ``points @ rotation.matrix.T``.

    Examples
    --------
    >>> import math
    >>> R = Rotation(0, 1, math.pi / 2)
    >>> R.apply([[1.0, 0.0, 0.0]]).round(6).tolist()
    [[0.0, 1.0, 0.0]]
    """

    def __init__(self, axis_0, axis_1, angle):
        self.axis_0 = check_int(axis_0, "axis_0", low=0, high=2)
        self.axis_1 = check_int(axis_1, "axis_1", low=0, high=2)
        if self.axis_0 == self.axis_1:
            raise ValueError(
                f"axis_0 and axis_1 must be two different axes; got {axis_0} twice."
            )
        self.angle = check_float(angle, "angle")

    @property
    def matrix(self):
        c, s = math.cos(self.angle), math.sin(self.angle)
        m = np.eye(3)
        i, j = self.axis_0, self.axis_1
        m[i, i], m[i, j] = c, -s
        m[j, i], m[j, j] = s, c
        return m

    def apply(self, points):
        """Rotate ``points`` of shape (n, 3)."""
        return np.asarray(points, dtype=np.float64) @ self.matrix.T

    def __repr__(self):
        return f"Rotation({self.axis_0}, {self.axis_1}, {self.angle!r})"


def make_torus_point_cloud(
    label, n_points, noise, rotation, base_point, radius=1.0, random_state=None
):
    """Sample ``n_points**2`` points on a torus in 3D.

    The torus has major radius 2 and minor radius ``radius``; it lies around the
    z axis, is rotated by ``rotation``, then shifted by ``base_point``. The
    points form a regular ``n_points`` by ``n_points`` grid of the two angles.

    Parameters
    ----------
    label : int
        Class label given to every point.
    n_points : int
        Points per angle; ``n_points**2`` points in all. In [3, 5000].
    noise : float, default=0.0
        Standard deviation of Gaussian noise added to each coordinate, >= 0.
    rotation : Rotation or ndarray of shape (3, 3)
    base_point : array-like of shape (3,) or (1, 3)
        Translation applied after the rotation.
    radius : float, default=1.0
        Minor radius, in (0, 2).
    random_state : int, numpy Generator or None, default=None
        Seed of the noise.

    Returns
    -------
    points : ndarray of shape (n_points**2, 3)
    labels : ndarray of shape (n_points**2,)
        int64, all equal to ``label``.

    Examples
    --------
    >>> X, y = make_torus_point_cloud(0, 10, 0.0, Rotation(1, 2, 0.0), [0, 0, 0])
    >>> X.shape, y.shape
    ((100, 3), (100,))
    """
    label = check_int(label, "label", low=0)
    n_points = check_int(n_points, "n_points", low=3, high=5000)
    random_state = check_random_state(random_state)
    noise = check_float(noise, "noise", low=0.0)
    radius = check_float(
        radius, "radius", low=0.0, high=MAJOR_RADIUS, low_open=True, high_open=True
    )
    matrix = _rotation_matrix(rotation)
    shift = _point3(base_point)

    angles = np.linspace(0.0, 2.0 * math.pi, n_points, endpoint=False)
    theta, phi = np.meshgrid(angles, angles, indexing="ij")
    ring = MAJOR_RADIUS + radius * np.cos(theta)
    points = np.stack(
        [ring * np.cos(phi), ring * np.sin(phi), radius * np.sin(theta)], axis=-1
    ).reshape(-1, 3)
    if noise > 0:
        rng = np.random.default_rng(random_state)
        points = points + rng.normal(scale=noise, size=points.shape)
    points = points @ matrix.T + shift
    return points, np.full(len(points), label, dtype=np.int64)


def _point3(base_point):
    try:
        shift = np.asarray(base_point, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"base_point must be 3 numbers; got {base_point!r}.") from None
    if shift.shape not in ((3,), (1, 3)):
        raise ValueError(
            f"base_point must be one point of shape (3,) or (1, 3); got shape "
            f"{shift.shape}."
        )
    if not np.all(np.isfinite(shift)):
        raise ValueError(f"base_point must be finite; got {shift.ravel().tolist()}.")
    return shift.reshape(1, 3)


def _rotation_matrix(rotation):
    if isinstance(rotation, Rotation):
        return rotation.matrix
    try:
        matrix = np.asarray(rotation, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            "rotation must be a Rotation or an orthogonal 3x3 matrix; got "
            f"{type(rotation).__name__}."
        ) from None
    if matrix.shape != (3, 3) or not np.allclose(
        matrix @ matrix.T, np.eye(3), atol=1e-6
    ):
        raise ValueError(
            "rotation must be a Rotation or an orthogonal 3x3 matrix; got "
            f"{type(rotation).__name__} of shape {np.shape(rotation)}."
        )
    return matrix


def make_tori(entangled=True, n_points=50, noise=0.0, radius=0.3, random_state=None):
    """Two tori of different classes, linked or apart.

    Class 0 is a torus turned upright (rotated a quarter turn in the y-z plane)
    around the origin; class 1 lies flat, shifted by [2, 0, 0] when
    ``entangled`` (the two rings pass through each other like chain links) or
    by [6, 0, 0] when not.

    Parameters
    ----------
    entangled : bool, default=True
    n_points : int, default=50
        Points per angle and torus: ``2 * n_points**2`` points in all.
    noise : float, default=0.0
        Standard deviation of Gaussian noise, >= 0.
    radius : float, default=0.3
        Minor radius of both tori, in (0, 1) so that linked tori do not touch.
    random_state : int or None, default=None

    Returns
    -------
    X : ndarray of shape (2 * n_points**2, 3)
    y : ndarray of shape (2 * n_points**2,)

    Examples
    --------
    >>> X, y = make_tori(entangled=False, n_points=20)
    >>> X.shape, int(y.sum())
    ((800, 3), 400)
    """
    if not isinstance(entangled, (bool, np.bool_)):
        raise TypeError(f"entangled must be True or False; got {entangled!r}.")
    radius = check_float(
        radius, "radius", low=0.0, high=1.0, low_open=True, high_open=True
    )
    rng = np.random.default_rng(check_random_state(random_state))
    upright, y0 = make_torus_point_cloud(
        0, n_points, noise, Rotation(1, 2, math.pi / 2), [0, 0, 0], radius, rng
    )
    shift = [2.0 if entangled else 6.0, 0.0, 0.0]
    flat, y1 = make_torus_point_cloud(
        1, n_points, noise, Rotation(1, 2, 0.0), shift, radius, rng
    )
    return np.concatenate([upright, flat]), np.concatenate([y0, y1])


@dataclass(frozen=True)
class DatasetSpec:
    """One dataset of the registry: its maker and the parameters it offers.

    ``params`` maps each parameter name to ``(default, low, high)``; ``low``
    and ``high`` bound the value and tell the app how to build its controls
    (integers for int defaults, floats otherwise).
    """

    name: str
    label: str
    make: object
    params: dict = field(default_factory=dict)
    n_features: int = 2
    box: tuple = ()

    def defaults(self):
        return {key: spec[0] for key, spec in self.params.items()}


def _circles(n_samples, noise, factor, random_state):
    return _sk.make_circles(
        n_samples=n_samples, noise=noise, factor=factor, random_state=random_state
    )


def _moons(n_samples, noise, random_state):
    return _sk.make_moons(n_samples=n_samples, noise=noise, random_state=random_state)


def _blobs(n_samples, centers, cluster_std, random_state):
    return _sk.make_blobs(
        n_samples=n_samples,
        centers=centers,
        cluster_std=cluster_std,
        n_features=2,
        random_state=random_state,
    )


def _tori(entangled):
    def make(n_points, noise, radius, random_state):
        return make_tori(entangled, n_points, noise, radius, random_state)

    return make


DATASETS = {
    spec.name: spec
    for spec in [
        DatasetSpec(
            "circles",
            "Circles",
            _circles,
            {
                "n_samples": (5000, 20, 200_000),
                "noise": (0.05, 0.0, 1.0),
                "factor": (0.3, 0.01, 0.99),
                "random_state": (0, 0, 2**31 - 1),
            },
            n_features=2,
            box=((-1.0, 1.0), (-1.0, 1.0)),
        ),
        DatasetSpec(
            "moons",
            "Moons",
            _moons,
            {
                "n_samples": (2000, 20, 200_000),
                "noise": (0.1, 0.0, 1.0),
                "random_state": (0, 0, 2**31 - 1),
            },
            n_features=2,
        ),
        DatasetSpec(
            "blobs",
            "Blobs",
            _blobs,
            {
                "n_samples": (1500, 20, 200_000),
                "centers": (3, 2, 10),
                "cluster_std": (1.0, 0.01, 10.0),
                "random_state": (0, 0, 2**31 - 1),
            },
            n_features=2,
        ),
        DatasetSpec(
            "tori-entangled",
            "Tori, entangled",
            _tori(True),
            {
                "n_points": (50, 3, 500),
                "noise": (0.0, 0.0, 1.0),
                "radius": (0.3, 0.01, 0.99),
                "random_state": (0, 0, 2**31 - 1),
            },
            n_features=3,
            box=((-2.0, 4.0), (-2.0, 2.0), (-2.0, 2.0)),
        ),
        DatasetSpec(
            "tori-unentangled",
            "Tori, unentangled",
            _tori(False),
            {
                "n_points": (50, 3, 500),
                "noise": (0.0, 0.0, 1.0),
                "radius": (0.3, 0.01, 0.99),
                "random_state": (0, 0, 2**31 - 1),
            },
            n_features=3,
            box=((-3.0, 7.0), (-2.0, 2.0), (-2.0, 2.0)),
        ),
    ]
}


def make_dataset(name, **params):
    """Build a dataset of the registry by name.

    Parameters
    ----------
    name : {"circles", "moons", "blobs", "tori-entangled", "tori-unentangled"}
    **params
        Parameters of that dataset (see ``DATASETS[name].params``); missing ones
        take their defaults. Values are checked against the registry's bounds.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,), int64

    Examples
    --------
    >>> X, y = make_dataset("moons", n_samples=100)
    >>> X.shape
    (100, 2)
    """
    check_choice(name, "name", list(DATASETS))
    spec = DATASETS[name]
    unknown = sorted(set(params) - set(spec.params))
    if unknown:
        raise ValueError(
            f"{name} takes the parameters {', '.join(spec.params)}; got unknown "
            f"{', '.join(unknown)}."
        )
    values = spec.defaults()
    values.update(params)
    for key, (default, low, high) in spec.params.items():
        if key == "random_state" and values[key] is None:
            continue
        if isinstance(default, int):
            values[key] = check_int(values[key], key, low=low, high=high)
        else:
            values[key] = check_float(values[key], key, low=low, high=high)
    X, y = spec.make(**values)
    return np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.int64)
