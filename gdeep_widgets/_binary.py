"""Pack numpy arrays as ``{buffer, dtype, shape}`` for the widget comm and back.

Arrays cross between Python and the browser as raw bytes, never as JSON lists:
ipywidgets lifts every ``bytes``/``memoryview`` found in a trait or a message
into a binary buffer, and the JS side rebuilds a typed array from it.
"""

from __future__ import annotations

import base64
import warnings

import numpy as np

__all__ = ["DTYPES", "pack_array", "unpack_array", "to_float32", "encode_base64_tree"]

#: dtypes a browser can view without copying (one typed array class each).
DTYPES = ("float32", "float64", "uint8", "int8", "uint16", "int16", "uint32", "int32")


def _check_dtype(dtype):
    name = np.dtype(dtype).name
    if name not in DTYPES:
        raise ValueError(
            f"dtype must be one of {', '.join(DTYPES)} (a JS typed array); got {name}."
        )
    return np.dtype(name)


def pack_array(a, dtype):
    """Return ``a`` cast to ``dtype`` as a dict of raw bytes, dtype name and shape.

    Parameters
    ----------
    a : array-like
        Any array; it is copied only when the cast or C-contiguity needs it.
    dtype : str or numpy dtype
        One of :data:`DTYPES`. The cast happens here, in Python, so the browser
        never converts.

    Returns
    -------
    dict
        ``{"buffer": memoryview, "dtype": str, "shape": list of int}``; the
        memoryview is byte-typed, so ``len(buffer)`` is the size in bytes.

    Examples
    --------
    >>> packed = pack_array([[1, 2, 3]], "float32")
    >>> len(packed["buffer"]), packed["dtype"], packed["shape"]
    (12, 'float32', [1, 3])
    """
    dtype = _check_dtype(dtype)
    array = np.ascontiguousarray(a, dtype=dtype)
    return {
        # A uint8 view, not memoryview.cast("B"), which rejects empty arrays.
        "buffer": memoryview(array.reshape(-1).view(np.uint8)),
        "dtype": dtype.name,
        "shape": [int(n) for n in array.shape],
    }


def _as_bytes_view(value):
    view = memoryview(value)
    return view if view.nbytes == 0 else view.cast("B")


def unpack_array(d):
    """Rebuild the numpy array packed by :func:`pack_array` (a read-only view).

    Parameters
    ----------
    d : dict
        With keys ``buffer`` (bytes-like), ``dtype`` and ``shape``.

    Returns
    -------
    ndarray of shape ``d["shape"]``

    Raises
    ------
    ValueError
        If the byte count does not match dtype and shape.
    """
    if not isinstance(d, dict) or not {"buffer", "dtype", "shape"} <= d.keys():
        raise ValueError(
            "d must be a dict with keys 'buffer', 'dtype' and 'shape'; got "
            f"{type(d).__name__}."
        )
    dtype = _check_dtype(d["dtype"])
    shape = tuple(int(n) for n in d["shape"])
    buffer = _as_bytes_view(d["buffer"])
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(buffer) != expected:
        raise ValueError(
            f"buffer holds {len(buffer)} bytes but dtype {dtype.name} and shape "
            f"{list(shape)} need {expected}."
        )
    return np.frombuffer(buffer, dtype=dtype).reshape(shape)


def to_float32(X, name):
    """Cast ``X`` to float32; warn when that visibly changes the values.

    Positions are drawn in float32, so the cast is expected and silent for
    ordinary data. It warns only when the rounding error is large next to the
    spread of the values (coordinates far from the origin compared with their
    extent), which would show as jitter; it raises when a value overflows.
    """
    X = np.asarray(X)
    if X.dtype == np.float32 or X.size == 0:
        return X.astype(np.float32)
    if np.any(np.abs(X) > np.finfo(np.float32).max):
        raise ValueError(
            f"{name} holds values beyond the float32 range (about 3.4e38); rescale it."
        )
    out = X.astype(np.float32)
    spread = float(np.ptp(X)) if X.ndim == 1 else float(np.max(np.ptp(X, axis=0)))
    error = float(np.max(np.abs(out.astype(np.float64) - X)))
    if spread > 0 and error > 1e-4 * spread:
        warnings.warn(
            f"{name} loses precision when cast to float32 for drawing (rounding "
            f"error {error:.3g} vs. spread {spread:.3g}); centre it first.",
            stacklevel=3,
        )
    return out


def encode_base64_tree(value):
    """Replace every bytes-like leaf of a JSON-like tree with ``{"$b64": str}``."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        raw = _as_bytes_view(value).tobytes()
        return {"$b64": base64.b64encode(raw).decode("ascii")}
    if isinstance(value, dict):
        return {key: encode_base64_tree(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode_base64_tree(item) for item in value]
    return value
