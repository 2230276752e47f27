import math

import numpy as np
import pytest

from gdeep_widgets import (
    DATASETS,
    Rotation,
    make_dataset,
    make_tori,
    make_torus_point_cloud,
)


def _core_circle(points):
    """Centre, plane normal and radius of a torus's core circle, from its points."""
    centre = points.mean(0)
    _, _, vt = np.linalg.svd(points - centre, full_matrices=False)
    normal = vt[2]
    in_plane = points - centre - np.outer((points - centre) @ normal, normal)
    radius = np.linalg.norm(in_plane, axis=1).mean()
    return centre, normal, vt[0], vt[1], radius


def _crossings(disk, circle, n=2000):
    """How many times the second core circle passes through the first one's disk."""
    c0, n0, _, _, r0 = disk
    c1, _, u1, v1, r1 = circle
    t = np.linspace(0, 2 * math.pi, n, endpoint=False)
    loop = c1 + r1 * (np.outer(np.cos(t), u1) + np.outer(np.sin(t), v1))
    a, b = loop, np.roll(loop, -1, axis=0)
    da, db = (a - c0) @ n0, (b - c0) @ n0
    cross = np.flatnonzero(np.sign(da) != np.sign(db))
    hits = a[cross] + (da[cross] / (da[cross] - db[cross]))[:, None] * (
        b[cross] - a[cross]
    )
    return int(np.sum(np.linalg.norm(hits - c0, axis=1) < r0))


def test_rotation_matrix_is_a_rotation_in_its_plane():
    R = Rotation(0, 2, 0.3).matrix
    assert np.allclose(R @ R.T, np.eye(3))
    assert np.isclose(np.linalg.det(R), 1.0)
    assert np.allclose(R[:, 1], [0, 1, 0])
    assert np.allclose(Rotation(1, 2, math.pi / 2).apply([[0, 1, 0]]), [[0, 0, 1]])


@pytest.mark.parametrize("radius", [0.3, 1.0])
def test_make_torus_point_cloud_satisfies_torus_equation(radius):
    rotation = Rotation(0, 1, 0.7)
    shift = np.array([1.5, -2.0, 0.25])
    X, y = make_torus_point_cloud(3, 30, 0.0, rotation, shift, radius=radius)
    assert X.shape == (900, 3)
    assert np.all(y == 3)
    local = (X - shift) @ rotation.matrix
    lhs = (np.hypot(local[:, 0], local[:, 1]) - 2.0) ** 2 + local[:, 2] ** 2
    assert np.allclose(lhs, radius**2, atol=1e-10)
    assert len(np.unique(X.round(9), axis=0)) == 900


def test_make_torus_point_cloud_noise_is_seeded():
    args = (0, 20, 0.1, Rotation(1, 2, 0.0), [0, 0, 0])
    a, _ = make_torus_point_cloud(*args, random_state=5)
    b, _ = make_torus_point_cloud(*args, random_state=5)
    c, _ = make_torus_point_cloud(*args, random_state=6)
    assert np.array_equal(a, b)
    assert not np.allclose(a, c)


def test_make_tori_entangled_tori_are_linked():
    X, y = make_tori(entangled=True)
    assert X.shape == (5000, 3)
    assert np.bincount(y).tolist() == [2500, 2500]
    first, second = _core_circle(X[y == 0]), _core_circle(X[y == 1])
    assert np.isclose(first[4], 2.0, atol=0.01)
    assert _crossings(first, second) == 1
    assert _crossings(second, first) == 1


def test_make_tori_unentangled_tori_are_apart():
    X, y = make_tori(entangled=False)
    first, second = _core_circle(X[y == 0]), _core_circle(X[y == 1])
    assert _crossings(first, second) == 0
    assert _crossings(second, first) == 0
    gap = np.min(np.linalg.norm(X[y == 0][:, None] - X[y == 1][::7][None], axis=2))
    assert gap > 1.0


def test_make_tori_matches_the_reference_construction():
    X, y = make_tori(entangled=True, n_points=10)
    upright, _ = make_torus_point_cloud(
        0, 10, 0.0, Rotation(1, 2, math.pi / 2), [0, 0, 0], radius=0.3
    )
    flat, _ = make_torus_point_cloud(
        1, 10, 0.0, Rotation(1, 2, 0), [[2, 0, 0]], radius=0.3
    )
    assert np.allclose(X, np.vstack([upright, flat]))


@pytest.mark.parametrize("name", list(DATASETS))
def test_make_dataset_builds_every_registered_dataset(name):
    X, y = make_dataset(name)
    assert X.ndim == 2 and X.shape[1] == DATASETS[name].n_features
    assert len(X) == len(y)
    assert len(np.unique(y)) >= 2


def test_make_dataset_blobs_with_several_classes():
    X, y = make_dataset("blobs", n_samples=300, centers=4)
    assert sorted(np.unique(y).tolist()) == [0, 1, 2, 3]


@pytest.mark.parametrize(
    "call, error, message",
    [
        (
            lambda: Rotation(0, 0, 1.0),
            ValueError,
            "axis_0 and axis_1 must be two different",
        ),
        (lambda: Rotation(0, 3, 1.0), ValueError, r"axis_1 must be in \[0, 2\]; got 3"),
        (lambda: Rotation(0, 1, float("nan")), ValueError, "angle must be finite"),
        (lambda: Rotation(0.5, 1, 1.0), TypeError, "axis_0 must be an integer"),
        (
            lambda: make_torus_point_cloud(0, 2, 0.0, Rotation(0, 1, 0), [0, 0, 0]),
            ValueError,
            r"n_points must be in \[3, 5000\]; got 2",
        ),
        (
            lambda: make_torus_point_cloud(0, 10, -0.1, Rotation(0, 1, 0), [0, 0, 0]),
            ValueError,
            "noise must be >= 0.0; got -0.1",
        ),
        (
            lambda: make_torus_point_cloud(
                0, 10, 0.0, Rotation(0, 1, 0), [0, 0, 0], radius=2.5
            ),
            ValueError,
            r"radius must be in \(0.0, 2.0\); got 2.5",
        ),
        (
            lambda: make_torus_point_cloud(0, 10, 0.0, Rotation(0, 1, 0), [0, 0]),
            ValueError,
            "base_point must be one point",
        ),
        (
            lambda: make_torus_point_cloud(
                0, 10, 0.0, Rotation(0, 1, 0), [[0], [0], [0]]
            ),
            ValueError,
            r"base_point must be one point of shape \(3,\) or \(1, 3\); got shape "
            r"\(3, 1\)",
        ),
        (
            lambda: make_torus_point_cloud(-1, 10, 0.0, Rotation(0, 1, 0), [0, 0, 0]),
            ValueError,
            "label must be >= 0; got -1",
        ),
        (
            lambda: make_torus_point_cloud(0, 10, 0.0, np.ones((3, 3)), [0, 0, 0]),
            ValueError,
            "rotation must be a Rotation or an orthogonal",
        ),
        (lambda: make_tori(radius=1.5), ValueError, r"radius must be in \(0.0, 1.0\)"),
        (
            lambda: make_tori(entangled="yes"),
            TypeError,
            "entangled must be True or False",
        ),
        (lambda: make_dataset("spirals"), ValueError, "name must be one of"),
        (
            lambda: make_dataset("circles", n_samples=-5),
            ValueError,
            r"n_samples must be in \[20, 200000\]; got -5",
        ),
        (lambda: make_dataset("moons", factor=0.5), ValueError, "unknown factor"),
    ],
)
def test_dataset_arguments_are_checked(call, error, message):
    with pytest.raises(error, match=message):
        call()
