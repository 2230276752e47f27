"""Checks of the FlowViewer's inputs, with messages that name the parameter."""

from __future__ import annotations

import numpy as np
import traitlets

from .._validation import check_array, check_float, to_numpy

__all__ = [
    "TraitTypeError",
    "TraitValueError",
    "check_background",
    "check_class_names",
    "check_distances",
    "check_trait",
    "check_viewer_labels",
    "pad3",
]


class TraitValueError(traitlets.TraitError, ValueError):
    """A trait value out of range.

    A TraitError, so that traitlets rolls back every change made with it under
    ``hold_trait_notifications`` (as ipywidgets applies state from the
    browser), and a ValueError, the error of a bad value.
    """


class TraitTypeError(traitlets.TraitError, TypeError):
    """A trait value of the wrong type; see :class:`TraitValueError`."""


def check_trait(check, *args, **kwargs):
    """Return ``check(*args, **kwargs)``, its errors raised as trait errors."""
    try:
        return check(*args, **kwargs)
    except ValueError as exc:
        raise TraitValueError(str(exc)) from None
    except TypeError as exc:
        raise TraitTypeError(str(exc)) from None


def pad3(P):
    """Return ``P`` of shape (n, d <= 3) as (n, 3) float64, zeros in the new columns."""
    out = np.zeros((P.shape[0], 3), dtype=np.float64)
    out[:, : P.shape[1]] = P
    return out


def check_viewer_labels(labels, n_samples):
    """Return ``labels`` as uint8 of length ``n_samples`` (zeros when None)."""
    if labels is None:
        return np.zeros(n_samples, dtype=np.uint8)
    y = to_numpy(labels)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"labels must be 1D; got shape {y.shape}.")
    if len(y) != n_samples:
        raise ValueError(
            f"labels must have one entry per data point ({n_samples}); got {len(y)}."
        )
    if y.dtype.kind == "f":
        if not np.all(np.isfinite(y)) or np.any(y != np.round(y)):
            raise ValueError("labels must hold integer classes; got non-integers.")
    elif y.dtype.kind not in "iub":
        raise TypeError(f"labels must hold integer classes; got dtype {y.dtype}.")
    if len(y) and y.min() < 0:
        raise ValueError(f"labels must be >= 0; got {int(y.min())}.")
    if len(y) and y.max() > 255:
        raise ValueError(
            f"labels must be in 0..255 (at most 256 classes); got {int(y.max())}."
        )
    return y.astype(np.uint8)


def check_class_names(class_names, n_classes, unlabelled):
    """Return the legend names: given ones, or "class k" ("data" if unlabelled)."""
    if class_names is None:
        if unlabelled:
            return ["data"] if n_classes else []
        return [f"class {k}" for k in range(n_classes)]
    if isinstance(class_names, str) or not all(
        isinstance(name, str) for name in class_names
    ):
        raise TypeError("class_names must be a list of str.")
    if len(class_names) < n_classes:
        raise ValueError(
            f"class_names must name all {n_classes} classes in labels; got "
            f"{len(class_names)} names."
        )
    return list(class_names)


def check_distances(distances, n_points, name):
    """Return distances as float32 of length ``n_points`` (NaN when None)."""
    if distances is None:
        return np.full(n_points, np.nan, dtype=np.float32)
    d = check_array(distances, "distances", ndim=1, allow_empty=True)
    if d.shape != (n_points,):
        raise ValueError(
            f"distances must have one value per point of {name} ({n_points}); got "
            f"shape {d.shape}."
        )
    if np.any(d < 0):
        raise ValueError(f"distances must be >= 0; got {d.min():g}.")
    return d.astype(np.float32)


def check_background(gap, top, extent):
    """Return ``(gap, top, [x0, x1, y0, y1])`` checked for a heat map."""
    gap = check_array(gap, "gap")
    if gap.shape[0] < 2 or gap.shape[1] < 2:
        raise ValueError(f"gap must be at least 2 x 2; got shape {gap.shape}.")
    if np.any(gap < 0):
        raise ValueError(f"gap must be >= 0; got minimum {gap.min():g}.")
    top = to_numpy(top)
    if top.shape != gap.shape:
        raise ValueError(
            f"top must have the shape of gap {gap.shape}; got {top.shape}."
        )
    if top.dtype.kind not in "iub":
        raise TypeError(f"top must hold integer classes; got dtype {top.dtype}.")
    if top.size and (top.min() < 0 or top.max() > 255):
        raise ValueError("top must hold classes in 0..255.")
    try:
        box = [check_float(v, "extent") for v in extent]
    except TypeError:
        raise TypeError(
            f"extent must be 4 numbers (x0, x1, y0, y1); got {extent!r}."
        ) from None
    if len(box) != 4 or box[0] >= box[1] or box[2] >= box[3]:
        raise ValueError(
            f"extent must be (x0, x1, y0, y1) with x0 < x1 and y0 < y1; got {extent!r}."
        )
    return gap, top, box
