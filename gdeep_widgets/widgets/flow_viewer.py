"""The FlowViewer widget: a dataset and sample points flowing onto a boundary.

What syncs and what stays in the browser: Python owns the data, the labels,
the frames and the playback settings; the browser owns the camera and the
playback clock, and returns only the current ``frame`` (debounced). Frames are
not a trait: each travels once, as one custom message with two binary buffers,
and the browser keeps them, so playing and scrubbing need no kernel.
"""

from __future__ import annotations

import uuid
import warnings
from pathlib import Path

import anywidget
import numpy as np
import traitlets

from .._binary import encode_base64_tree, pack_array, to_float32
from .._validation import check_array, check_float, check_int
from ..projection import Projection
from ._html import page_html
from ._inputs import (
    TraitTypeError,
    TraitValueError,
    check_background,
    check_class_names,
    check_distances,
    check_trait,
    check_viewer_labels,
    pad3,
)

__all__ = ["MESSAGE_TYPES", "FlowViewer"]

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
ESM_BUNDLE = STATIC_DIR / "flow-viewer.js"
STANDALONE_BUNDLE = STATIC_DIR / "flow-viewer-standalone.js"

#: Custom message types, sent to the browser as the ``_message_types`` trait.
#: frame, clear and reset_camera go Python -> JS; request_frames goes JS -> Python.
MESSAGE_TYPES = {
    "frame": "frame",
    "clear": "clear",
    "reset_camera": "reset_camera",
    "request_frames": "request_frames",
}

#: Traits written into a page by :meth:`FlowViewer.to_html`.
PAGE_TRAITS = (
    "data", "labels", "n_dims", "class_names", "title", "n_frames", "frame",
    "playing", "fps", "loop", "point_size", "data_point_size", "show_data",
    "show_unconverged", "delta", "background", "height", "_message_types",
)  # fmt: skip


def _shown(value):
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _read_bundle(path):
    if not path.is_file():
        raise FileNotFoundError(
            f"The viewer bundle {path} is missing: run `npm run build` in the "
            "gdeep-widgets repository (or `make setup`) to build it."
        )
    return path.read_text(encoding="utf-8")


class FlowViewer(anywidget.AnyWidget):
    """Animate sample points flowing onto a decision boundary, with three.js.

    The dataset is drawn as points coloured by class; each frame of a flow is
    a set of sample points coloured by their distance to the boundary. Data
    with 2 columns is shown from the top in an orthographic 2D view (pan and
    zoom), 3 columns in an orbitable 3D view, and more columns through a PCA
    to 3 components fitted once, on the data, and applied to every frame.

    Parameters
    ----------
    data : array-like or tensor of shape (n_samples, n_features), default=None
        The dataset; None gives an empty viewer (frames alone can be shown,
        and the first frame then fixes the dimension and the projection).
    labels : array-like of int of shape (n_samples,), default=None
        Class of each data point, in 0..255; None draws all points in one
        colour.
    **traits
        Initial values of the synced traits below, such as ``title``,
        ``class_names``, ``fps``, ``delta`` or ``point_size``.

    Attributes
    ----------
    frames : list of ndarray of shape (n_points, 3), float32
        The frames as drawn (projected and padded), in order.
    frame_distances : list of ndarray of shape (n_points,), float32
        Distance of each frame's points to the boundary; NaN when not given.
    projection : Projection or None
        The projection shared by data and frames, once fitted.

    Raises
    ------
    FileNotFoundError
        If the JS bundle has not been built (``npm run build``).

    Notes
    -----
    The camera fits the data and frames shown when they first arrive, and
    again when :meth:`set_data` replaces the data; frames added later keep the
    user's camera (:meth:`reset_camera` fits it to everything).

    Sample points on the boundary (distance < ``delta``) are white with a dark
    ring: every class colour and the distance ramp are darker or coloured,
    so they stand apart by lightness, which colour-blind readers see too.

    Many points are drawn smaller (see ``point_size``), and in 3D sample
    points farther from the camera are drawn darker, a depth cue that lets a
    dense boundary read as a surface: its far side looks grey rather than
    the legend's white.

    A page holds at most about 16 live WebGL contexts. A viewer creates its
    renderer only while on screen and releases it after some time off
    screen, keeping a snapshot; at most 8 are kept live per page, so some
    of many viewers shown at once show a snapshot until hovered.

    Examples
    --------
    >>> import numpy as np
    >>> from gdeep_widgets.widgets import FlowViewer
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(-1, 1, size=(200, 2))
    >>> y = (X[:, 0] * X[:, 1] > 0).astype(int)
    >>> viewer = FlowViewer(X, y, title="XOR", class_names=["odd", "even"])
    >>> start = rng.uniform(-1, 1, size=(50, 2))
    >>> for t in np.linspace(0, 1, 5):
    ...     viewer.add_frame(start * (1 - t), distances=np.abs(start[:, 0]) * (1 - t))
    >>> viewer.n_frames, viewer.n_dims
    (5, 2)
    >>> html = viewer.to_html()  # one offline page; or viewer.save_html(path)
    """

    data = traitlets.Dict({}).tag(sync=True)
    """dict, default={}: positions as {buffer, dtype="float32", shape=[n, 3]}; 2D
    data gets z=0. Written by Python (:meth:`set_data`)."""

    labels = traitlets.Dict({}).tag(sync=True)
    """dict, default={}: class of each data point as {buffer, dtype="uint8",
    shape=[n]}. Written by Python."""

    n_dims = traitlets.Int(3).tag(sync=True)
    """int, 2 or 3, default=3: 2 gives the top-down 2D view. Written by Python."""

    class_names = traitlets.List(traitlets.Unicode(), []).tag(sync=True)
    """list of str, default=[]: legend name of each class, "class 0", ... when not
    given. Written by Python."""

    title = traitlets.Unicode("").tag(sync=True)
    """str, default="": heading shown above the view. Written by Python."""

    height = traitlets.Int(480).tag(sync=True)
    """int, default=480: height of the widget in CSS pixels. A narrow widget
    whose controls wrap onto several rows grows past it, keeping 60 % of it
    for the drawing. Written by Python."""

    n_frames = traitlets.Int(0, read_only=True).tag(sync=True)
    """int, default=0: number of frames sent. Written by Python only."""

    frame = traitlets.Int(0).tag(sync=True)
    """int in [0, max(n_frames - 1, 0)], default=0: index of the frame shown.
    Written by both sides; the browser writes it locally on every playback
    tick and sends it to Python debounced (~300 ms), so ``jslink`` with a Play
    widget needs no kernel."""

    playing = traitlets.Bool(False).tag(sync=True)
    """bool, default=False: whether playback runs. Written by both sides."""

    fps = traitlets.Float(8.0).tag(sync=True)
    """float in (0, 120], default=8: playback speed in frames per second.
    Written by both sides (the speed menu)."""

    loop = traitlets.Bool(False).tag(sync=True)
    """bool, default=False: restart from frame 0 after the last. Written by
    Python."""

    point_size = traitlets.Float(6.0).tag(sync=True)
    """float > 0, default=6: largest diameter of sample points in CSS pixels (at
    the fitted camera distance in 3D). Many points are drawn smaller, about
    1.2 * s / sqrt(n) pixels for n points and a drawing whose shorter side is
    s pixels (zoomed in 2D counts as larger), but not under 2 pixels, so that
    a dense boundary reads as a surface; the dark ring of points on the
    boundary thins out with them, down to a pale one-pixel ring.
    Written by Python."""

    data_point_size = traitlets.Float(5.0).tag(sync=True)
    """float > 0, default=5: largest diameter of data points in CSS pixels,
    shrunk for many points like ``point_size``. Written by Python."""

    show_data = traitlets.Bool(True).tag(sync=True)
    """bool, default=True: draw the data points. Written by both sides."""

    show_unconverged = traitlets.Bool(True).tag(sync=True)
    """bool, default=True: when False, hide sample points whose distance is >=
    ``delta``. Written by both sides."""

    delta = traitlets.Float(0.01).tag(sync=True)
    """float in (0, 0.5), default=0.01: distance (probability units) under which
    a sample point counts as on the boundary, as in GradientFlow. Written by
    Python."""

    background = traitlets.Dict({}).tag(sync=True)
    """dict, default={}: 2D heat map of the network output, {"gap": float32
    (ny, nx), "top": uint8 (ny, nx), "extent": [x0, x1, y0, y1]}; {} for
    none. Written by Python (:meth:`set_background`)."""

    error = traitlets.Unicode("").tag(sync=True)
    """str, default="": last failure of a browser render step, "" when none.
    Written by the browser."""

    _message_types = traitlets.Dict(MESSAGE_TYPES, read_only=True).tag(sync=True)
    """dict: names of the custom message types. Written by Python only."""

    _store_key = traitlets.Unicode(read_only=True).tag(sync=True)
    """str: random key the browser uses to share one frame store per model.
    Written by Python only, in the state the comm opens with."""

    @traitlets.default("_store_key")
    def _default_store_key(self):
        return uuid.uuid4().hex

    @property
    def _esm(self):
        return _read_bundle(ESM_BUNDLE)

    def __init__(self, data=None, labels=None, **traits):
        class_names = traits.pop("class_names", None)
        super().__init__(**traits)
        self.projection = None
        self._frames = []
        self._distances = []
        self._epochs = []
        self.on_msg(self._handle_message)
        if data is not None:
            self.set_data(data, labels, class_names=class_names)
        elif labels is not None:
            raise ValueError("labels were given without data; pass data as well.")
        elif class_names is not None:
            self.class_names = class_names

    # -- validation of traits set by users or by the browser ------------------
    # Validators raise TraitError (TraitValueError is also a ValueError), so
    # that traitlets rolls a rejected value back under hold_trait_notifications,
    # as ipywidgets applies state from the browser.

    @traitlets.validate("fps")
    def _valid_fps(self, proposal):
        return check_trait(
            check_float, proposal.value, "fps", low=0, high=120, low_open=True
        )

    @traitlets.validate("point_size", "data_point_size")
    def _valid_positive(self, proposal):
        return check_trait(
            check_float, proposal.value, proposal.trait.name, low=0, low_open=True
        )

    @traitlets.validate("delta")
    def _valid_delta(self, proposal):
        return check_trait(
            check_float,
            proposal.value,
            "delta",
            low=0,
            high=0.5,
            low_open=True,
            high_open=True,
        )

    @traitlets.validate("frame")
    def _valid_frame(self, proposal):
        frame = check_trait(check_int, proposal.value, "frame", low=0)
        n_frames = self.n_frames
        if frame > max(n_frames - 1, 0):
            if n_frames == 0:
                rule = "0 while the viewer has no frames"
            else:
                plural = "s" * (n_frames != 1)
                rule = f"in [0, {n_frames - 1}] for {n_frames} frame{plural}"
            raise TraitValueError(f"frame must be {rule}; got {frame}.")
        return frame

    @traitlets.validate("height")
    def _valid_height(self, proposal):
        return check_trait(check_int, proposal.value, "height", low=120, high=4000)

    @traitlets.validate("n_dims")
    def _valid_n_dims(self, proposal):
        return check_trait(check_int, proposal.value, "n_dims", low=2, high=3)

    @traitlets.validate("class_names")
    def _valid_class_names(self, proposal):
        value = proposal.value
        if not all(isinstance(name, str) for name in value):
            raise TraitTypeError("class_names must be a list of str.")
        return value

    def set_state(self, sync_data):
        """Apply state from the browser, keeping Python's value where it is bad.

        Read-only traits (``n_frames``, ``_message_types``, ``_store_key``) are
        written by Python only, so the browser's values for them are ignored;
        a value that fails validation is rejected and the old one kept. Either
        way the browser gets Python's value back, and a warning names the
        trait and the rule.
        """
        read_only = {
            name
            for name, trait in self.traits(sync=True).items()
            if trait.read_only and name in sync_data
        }
        state = {k: v for k, v in sync_data.items() if k not in read_only}
        rejected = {}
        try:
            super().set_state(state)
        except traitlets.TraitError:
            # traitlets rolled back the whole message; keep its good values.
            for name, value in state.items():
                try:
                    super().set_state({name: value})
                except traitlets.TraitError as exc:
                    rejected[name] = exc
        if not (read_only or rejected):
            return
        self.send_state(sorted(read_only | rejected.keys()))
        for name in sorted(read_only):
            warnings.warn(
                f"FlowViewer ignored {name}={_shown(sync_data[name])} from the "
                f"front end: {name} is read-only (written by Python only); it "
                f"stays {_shown(getattr(self, name))}.",
                stacklevel=2,
            )
        for name, exc in rejected.items():
            warnings.warn(
                f"FlowViewer rejected {name}={_shown(sync_data[name])} from the "
                f"front end and kept {_shown(getattr(self, name))}: {exc}",
                stacklevel=2,
            )

    # -- data ---------------------------------------------------------------

    @property
    def frames(self):
        return list(self._frames)

    @property
    def frame_distances(self):
        return list(self._distances)

    def set_data(self, data, labels=None, class_names=None):
        """Show ``data`` coloured by ``labels``.

        Parameters
        ----------
        data : array-like or tensor of shape (n_samples, n_features)
        labels : array-like of int of shape (n_samples,), default=None
            Classes in 0..255; None puts every point in one class.
        class_names : list of str, default=None
            One name per class (at least max(labels) + 1); "class 0", ...
            when None.

        Raises
        ------
        ValueError
            For NaN or inf in ``data``, a labels length other than n_samples,
            labels outside 0..255, too few class names, or a column count
            other than that of the frames already shown.
        TypeError
            For non-numeric data or labels.
        """
        X = check_array(data, "data", allow_empty=True)
        if self._frames and X.shape[1] != self.projection.n_features_in_:
            raise ValueError(
                f"data must have {self.projection.n_features_in_} columns, like the "
                f"frames shown; got {X.shape[1]}. Call clear_frames() first."
            )
        y = check_viewer_labels(labels, len(X))
        n_classes = int(y.max()) + 1 if len(y) else 0
        names = check_class_names(class_names, n_classes, labels is None)
        if not self._frames:
            self._fit_projection(X, "data")
        positions = to_float32(pad3(self.projection.transform(X)), "data")
        with self.hold_sync():
            self.data = pack_array(positions, "float32")
            self.labels = pack_array(y, "uint8")
            self.class_names = names
        return None

    def set_background(self, gap, top, extent):
        """Draw the network output under 2D data as a heat map.

        Values are samples on the nodes of a regular grid spanning
        ``extent``: ``gap[i, j]`` is at ``x = x0 + j (x1 - x0) / (nx - 1)``,
        ``y = y0 + i (y1 - y0) / (ny - 1)``, as from ``np.meshgrid`` of two
        ``np.linspace``. Colour is the class colour, faded near the boundary,
        with a dark line where the gap is zero.

        Parameters
        ----------
        gap : array-like of shape (ny, nx)
            Distance to the boundary in probability units, >= 0: |p - 1/2|
            for 2 classes, the gap between the two largest probabilities for
            more.
        top : array-like of int of shape (ny, nx)
            Predicted class, in 0..255.
        extent : sequence of 4 floats
            ``(x0, x1, y0, y1)`` with x0 < x1 and y0 < y1.
        """
        gap, top, box = check_background(gap, top, extent)
        if self.n_dims != 2:
            warnings.warn(
                "The background heat map is drawn only in 2D mode (n_dims=2); "
                "this viewer shows 3D, so it stays hidden.",
                stacklevel=2,
            )
        self.background = {
            "gap": pack_array(gap, "float32"),
            "top": pack_array(top, "uint8"),
            "extent": box,
        }

    def clear_background(self):
        """Remove the heat map."""
        self.background = {}

    # -- frames ---------------------------------------------------------------

    def add_frame(self, points, distances=None, epoch=None):
        """Append one frame and send it to the browser in one message.

        When the viewer was showing the last frame (and is not playing), it
        moves on to the new one, so a training loop can be watched live.

        Parameters
        ----------
        points : array-like or tensor of shape (n_points, n_features)
            Sample positions, with the columns of the data; may be empty.
        distances : array-like of shape (n_points,), default=None
            Distance of each point to the boundary, >= 0; None colours the
            points neutrally.
        epoch : int >= 0, default=None
            Flow epoch of the frame, shown next to the frame number.

        Raises
        ------
        ValueError
            For points with NaN or inf or another column count than the data,
            distances of another length or < 0, or an epoch < 0.
        """
        if epoch is not None:
            epoch = check_int(epoch, "epoch", low=0)
        position, distance = self._prepare_frame(points, distances, "points")
        follow = not self.playing and self.frame >= len(self._frames) - 1
        self._append(position, distance, epoch)
        with self.hold_sync():
            self.set_trait("n_frames", len(self._frames))
            if follow:
                self.frame = len(self._frames) - 1

    def set_frames(self, frames, distances=None, epochs=None):
        """Replace all frames; the view goes back to frame 0.

        Parameters
        ----------
        frames : sequence of array-like of shape (n_points, n_features)
        distances : sequence of array-like of shape (n_points,), default=None
            One array per frame, or None.
        epochs : sequence of int >= 0, default=None
        """
        if isinstance(frames, (str, bytes, dict)) or not hasattr(frames, "__len__"):
            raise TypeError(
                f"frames must be a sequence of arrays; got {type(frames).__name__}."
            )
        for name, values in (("distances", distances), ("epochs", epochs)):
            if values is not None and len(values) != len(frames):
                raise ValueError(
                    f"{name} must have one entry per frame ({len(frames)}); got "
                    f"{len(values)}."
                )
        if epochs is not None:
            epochs = [
                None if e is None else check_int(e, "epochs", low=0) for e in epochs
            ]
        checked = [
            check_array(P, f"frames[{k}]", allow_empty=True)
            for k, P in enumerate(frames)
        ]
        if self.projection is None and checked:
            self._fit_projection(np.concatenate(checked), "frames")
        prepared = []
        for k, P in enumerate(checked):
            d = None if distances is None else distances[k]
            prepared.append(self._prepare_frame(P, d, f"frames[{k}]"))
        self.clear_frames()
        for k, (position, distance) in enumerate(prepared):
            self._append(position, distance, None if epochs is None else epochs[k])
        self.set_trait("n_frames", len(self._frames))

    def clear_frames(self):
        """Remove all frames, here and in the browser."""
        self._frames.clear()
        self._distances.clear()
        self._epochs.clear()
        with self.hold_sync():
            self.playing = False
            self.frame = 0
            self.set_trait("n_frames", 0)
        self.send({"type": MESSAGE_TYPES["clear"]})

    def show_flow(self, flow):
        """Show the frames of a fitted flow, such as :class:`GradientFlow`.

        Parameters
        ----------
        flow : object
            With ``frames_`` (list of arrays of shape (n_points, n_features)),
            and optionally ``frame_distances_``, ``frame_epochs_`` and
            ``delta``, which becomes this viewer's ``delta``.
        """
        frames = getattr(flow, "frames_", None)
        if frames is None:
            raise TypeError(
                "flow must have a frames_ attribute (a flow that has run); got "
                f"{type(flow).__name__}."
            )
        delta = getattr(flow, "delta", None)
        if delta is not None:
            self.delta = delta
        self.set_frames(
            frames,
            getattr(flow, "frame_distances_", None),
            getattr(flow, "frame_epochs_", None),
        )

    def reset_camera(self):
        """Fit the camera to the data and all frames again, in every view.

        Views fit themselves when they first get content and whenever the data
        is replaced (:meth:`set_data`), keeping the user's angle in 3D; new
        frames keep the user's camera. This returns to the default angle.
        """
        self.send({"type": MESSAGE_TYPES["reset_camera"]})

    # -- export -------------------------------------------------------------

    def to_html(self, title=None):
        """Return one self-contained HTML page showing this viewer offline.

        The page inlines the viewer script and all state, frames included, and
        loads nothing from the network; it plays, pauses and scrubs like the
        widget.

        Parameters
        ----------
        title : str, default=None
            Page title; the viewer's ``title`` when None.

        Returns
        -------
        str
        """
        page_title = self.title if title is None else str(title)
        return page_html(
            self._page_payload(),
            page_title or "gdeep-widgets flow viewer",
            _read_bundle(STANDALONE_BUNDLE),
        )

    def save_html(self, path, title=None):
        """Write :meth:`to_html` to ``path`` (UTF-8) and return the path.

        Parameters
        ----------
        path : str or path-like
        title : str, default=None
        """
        path = Path(path)
        path.write_text(self.to_html(title=title), encoding="utf-8")
        return path

    # -- helpers --------------------------------------------------------------

    def _page_payload(self):
        """State and frames for a saved page, binary leaves as {"$b64": str}."""
        state = {name: getattr(self, name) for name in PAGE_TRAITS}
        state["frame"] = min(self.frame, max(len(self._frames) - 1, 0))
        state["playing"] = False
        frames = [self._frame_message(k) for k in range(len(self._frames))]
        return {
            "state": encode_base64_tree(state),
            "frames": [
                {"content": content, "buffers": encode_base64_tree(buffers)}
                for content, buffers in frames
            ],
        }

    def _display_dims(self):
        shown = min(self.projection.n_features_in_, self.projection.n_components)
        return 2 if shown <= 2 else 3

    def _fit_projection(self, X, name):
        """Fit the projection shared by data and frames on ``X``; set n_dims."""
        if len(X) == 0 and X.shape[1] > 3:
            raise ValueError(
                f"{name} is empty, so no projection of its {X.shape[1]} columns to "
                "3D can be fitted; pass data with rows first."
            )
        if X.shape[1] == 0:
            raise ValueError(f"{name} must have at least one column; got 0.")
        projection = Projection(n_components=3)
        self.projection = projection.fit(X if len(X) else np.zeros((1, X.shape[1])))
        self.n_dims = self._display_dims()

    def _prepare_frame(self, points, distances, name):
        P = check_array(points, name, allow_empty=True)
        if self.projection is None:
            self._fit_projection(P, name)
        if P.shape[1] != self.projection.n_features_in_:
            raise ValueError(
                f"{name} must have {self.projection.n_features_in_} columns, like "
                f"the data; got {P.shape[1]}."
            )
        position = to_float32(pad3(self.projection.transform(P)), name)
        distance = check_distances(distances, len(P), name)
        position.setflags(write=False)
        distance.setflags(write=False)
        return position, distance

    def _append(self, position, distance, epoch):
        if epoch is not None:
            epoch = check_int(epoch, "epoch", low=0)
        self._frames.append(position)
        self._distances.append(distance)
        self._epochs.append(epoch)
        self._send_frame(len(self._frames) - 1)

    def _frame_message(self, k):
        content = {
            "type": MESSAGE_TYPES["frame"],
            "index": k,
            "n_points": len(self._frames[k]),
            "epoch": self._epochs[k],
        }
        buffers = [
            pack_array(self._frames[k], "float32")["buffer"],
            pack_array(self._distances[k], "float32")["buffer"],
        ]
        return content, buffers

    def _send_frame(self, k):
        content, buffers = self._frame_message(k)
        self.send(content, buffers=buffers)

    def _handle_message(self, _widget, content, buffers):
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == MESSAGE_TYPES["request_frames"]:
            for k in range(len(self._frames)):
                self._send_frame(k)
            return
        known = repr(MESSAGE_TYPES["request_frames"])
        if not isinstance(content, dict) or not isinstance(kind, str):
            shown = repr(content)[:80]
            warnings.warn(
                f"FlowViewer ignored a malformed front-end message {shown}: "
                f"expected a dict with a 'type' key among {known}.",
                stacklevel=2,
            )
        else:
            warnings.warn(
                f"FlowViewer ignored a front-end message of unknown type {kind!r}; "
                f"known: {known}.",
                stacklevel=2,
            )
