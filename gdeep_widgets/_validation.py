"""Argument checks shared by the public functions, with one message style.

Every message names the parameter, states the rule and shows the value, so a
user can fix the call without reading the source.
"""

from __future__ import annotations

import math
import numbers

import numpy as np


def _shown(value):
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def check_int(value, name, low=None, high=None):
    """Return ``value`` as an int in [low, high]; raise TypeError or ValueError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {_shown(value)}.")
    value = int(value)
    if low is not None and value < low:
        rule = "a positive integer" if low == 1 and high is None else f">= {low}"
        if high is not None:
            rule = f"in [{low}, {high}]"
        raise ValueError(f"{name} must be {rule}; got {value}.")
    if high is not None and value > high:
        rule = f"<= {high}" if low is None else f"in [{low}, {high}]"
        raise ValueError(f"{name} must be {rule}; got {value}.")
    return value


def check_float(value, name, low=None, high=None, low_open=False, high_open=False):
    """Return ``value`` as a finite float within the given bounds."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {_shown(value)}.")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value}.")
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and (value >= high if high_open else value > high)
    if too_low or too_high:
        if low is not None and high is not None:
            left = "(" if low_open else "["
            right = ")" if high_open else "]"
            rule = f"in {left}{low}, {high}{right}"
        elif low is not None:
            rule = f"> {low}" if low_open else f">= {low}"
        else:
            rule = f"< {high}" if high_open else f"<= {high}"
        raise ValueError(f"{name} must be {rule}; got {value}.")
    return value


def check_choice(value, name, choices):
    """Return ``value`` if it is one of ``choices``."""
    if value not in choices:
        listed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {listed}; got {_shown(value)}.")
    return value


def check_random_state(value, name="random_state", allow_generator=True):
    """Return a seed: None, an integer >= 0, or (if allowed) a numpy Generator."""
    if value is None:
        return None
    if allow_generator and isinstance(value, np.random.Generator):
        return value
    kinds = "None, an integer >= 0"
    if allow_generator:
        kinds += " or a numpy Generator"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be {kinds}; got {_shown(value)}.")
    if value < 0:
        raise ValueError(f"{name} must be {kinds}; got {_shown(value)}.")
    return int(value)


def to_numpy(value):
    """Return a numpy view of an array-like or a torch tensor (detached, on CPU)."""
    if hasattr(value, "detach") and hasattr(value, "cpu"):
        return value.detach().cpu().numpy()
    return np.asarray(value)


def check_array(X, name="X", n_features=None, allow_empty=False, ndim=2):
    """Return ``X`` as a finite float64 array of shape (n, d).

    Raises a ValueError naming ``name`` for a wrong shape, an empty array (unless
    ``allow_empty``), NaN or inf, or a column count other than ``n_features``.
    """
    try:
        array = to_numpy(X)
        if array.dtype == object:
            raise ValueError
        array = np.asarray(array, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be an array of numbers; got {type(X).__name__}."
        ) from None
    if ndim == 2 and array.ndim == 1 and allow_empty and array.size == 0:
        array = array.reshape(0, n_features or 0)
    if array.ndim != ndim:
        shape = "(n_samples, n_features)" if ndim == 2 else "(n_samples,)"
        raise ValueError(
            f"{name} must be a {ndim}D array of shape {shape}; got shape {array.shape}."
        )
    if not allow_empty and array.shape[0] == 0:
        raise ValueError(f"{name} must contain at least one sample; got 0 rows.")
    if n_features is not None and array.shape[1] != n_features:
        raise ValueError(
            f"{name} must have {n_features} columns (features); got {array.shape[1]}."
        )
    if not np.all(np.isfinite(array)):
        bad = int(
            np.count_nonzero(~np.isfinite(array).all(axis=-1 if ndim == 2 else 0))
        )
        raise ValueError(
            f"{name} must contain only finite values; found NaN or inf in {bad} row(s)."
        )
    return array


def check_labels(y, n_samples, name="y", n_classes=None, min_classes=2, data_name="X"):
    """Return ``y`` as an int64 array of length ``n_samples`` with labels 0..k-1."""
    array = to_numpy(y)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(
            f"{name} must be a 1D array of class labels; got shape {array.shape}."
        )
    if len(array) != n_samples:
        raise ValueError(
            f"{data_name} and {name} must have the same length; got {n_samples} "
            f"rows in {data_name} and {len(array)} labels in {name}."
        )
    if array.dtype.kind == "f":
        if not np.all(np.isfinite(array)) or np.any(array != np.round(array)):
            raise ValueError(
                f"{name} must hold integer class labels; got non-integers."
            )
    elif array.dtype.kind not in "iub":
        raise TypeError(
            f"{name} must hold integer class labels 0..n_classes-1; got dtype "
            f"{array.dtype}."
        )
    array = array.astype(np.int64)
    if len(array) and array.min() < 0:
        raise ValueError(f"{name} must hold labels >= 0; got {int(array.min())}.")
    if n_classes is not None and len(array) and array.max() >= n_classes:
        raise ValueError(
            f"{name} must hold labels in 0..{n_classes - 1} for a model with "
            f"{n_classes} classes; got label {int(array.max())}."
        )
    present = np.unique(array)
    if len(present) < min_classes:
        raise ValueError(
            f"{name} must contain at least {min_classes} classes; got only "
            f"{present.tolist()}."
        )
    return array


def check_box(boundary_tuple, name="boundary_tuple", n_features=None):
    """Return a box as a float64 array of shape (d, 2) with finite lower < upper."""
    try:
        box = np.asarray(boundary_tuple, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be a sequence of (lower, upper) pairs, one per input "
            f"feature; got {_shown(boundary_tuple)}."
        ) from None
    if box.ndim != 2 or box.shape[1] != 2 or box.shape[0] == 0:
        raise ValueError(
            f"{name} must be a sequence of (lower, upper) pairs, one per input "
            f"feature; got {_shown(boundary_tuple)}."
        )
    if not np.all(np.isfinite(box)):
        raise ValueError(
            f"{name} must have finite bounds; got {_shown(boundary_tuple)}."
        )
    bad = np.flatnonzero(box[:, 0] >= box[:, 1])
    if len(bad):
        i = int(bad[0])
        raise ValueError(
            f"{name}[{i}] must have lower < upper; got ({box[i, 0]:g}, {box[i, 1]:g})."
        )
    with np.errstate(over="ignore"):
        wide = np.flatnonzero(~np.isfinite(box[:, 1] - box[:, 0]))
    if len(wide):
        i = int(wide[0])
        raise ValueError(
            f"{name}[{i}] is too wide: upper - lower overflows; got "
            f"({box[i, 0]:g}, {box[i, 1]:g})."
        )
    if n_features is not None and box.shape[0] != n_features:
        raise ValueError(
            f"{name} has {box.shape[0]} intervals but the model takes {n_features} "
            f"input features; give one (lower, upper) pair per feature."
        )
    return box


_PACKAGE_DIR = __file__.rsplit("/", 1)[0].rsplit("\\", 1)[0]


def warn_user(message, category=UserWarning):
    """Warn, pointing at the first caller outside this package.

    Python hides repeats of a warning from the same line; attributing it to
    the user's line (not ours) makes each new call site warn again.
    """
    import sys
    import warnings

    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level + 1)
