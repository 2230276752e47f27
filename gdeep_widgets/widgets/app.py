"""DecisionBoundaryApp: dataset, training and flow controls around a FlowViewer.

Python owns the data, the model, the optimizer, the training history and the
flow; the viewer (and the browser) owns the camera and the playback of the
frames it has received. Training and flow run in a background thread, so the
kernel keeps handling widget messages, the Stop button's among them, while
they run; every widget update they make is an ordinary trait change or custom
message, sent from that thread.
"""

from __future__ import annotations

import logging
import threading
import time

import ipywidgets as widgets
import torch

from .._validation import (
    check_array,
    check_choice,
    check_float,
    check_int,
    check_labels,
)
from ..datasets import DATASETS, make_dataset
from ..experiments import box_around
from ..flow import DEFAULT_EPOCHS, METHODS, GradientFlow
from ..models import Net, parse_architecture
from ..plots import decision_surface
from ..training import TrainingHistory, train_classification_nn
from ._app_controls import (
    ARRAYS,
    CLASS_NAMES,
    MAX_WEIGHTS,
    check_network_size,
    count_weights,
    describe_network,
    format_box,
    history_table_html,
    parse_box,
    status_html,
)
from ._app_jobs import FramePusher, LiveTraining
from ._app_layout import AppLayout
from .flow_viewer import FlowViewer

__all__ = ["ARRAYS", "DecisionBoundaryApp"]

logger = logging.getLogger(__name__)

#: Grid cells along the longer side of the 2D background heat map.
BACKGROUND_CELLS = 200

#: DOM classes of the app root while a job runs: ``gdeep-busy`` and the job's.
BUSY_CLASS = "gdeep-busy"
JOB_CLASSES = {"training": "gdeep-job-train", "flow": "gdeep-job-flow"}


class DecisionBoundaryApp(AppLayout, widgets.VBox):
    """Make a dataset, train a classifier and watch points flow onto its boundary.

    A left column of controls in three tabs (Data, Model, Flow) with the
    Train, Stop and Flow buttons, a progress bar and a status line; on the
    right a :class:`FlowViewer` with the data; below, the loss and accuracy
    per epoch and the epoch table. Training and flow run in a background
    thread, so the notebook (or Voila page) stays responsive and Stop works
    mid-epoch. After training on 2D data, the viewer shows the network's
    output as a heat map with its p = 1/2 contour.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features), default=None
        Your own data, offered as "My arrays (X, y)" in the dataset menu.
        More than 3 features are shown through a PCA to 3D.
    y : array-like of int of shape (n_samples,), default=None
        Class labels 0..k-1 of ``X``, at least two classes; required with X.
    dataset : str, default=None
        Dataset shown first: a name of :data:`~gdeep_widgets.DATASETS`
        ("circles", "moons", "blobs", "tori-entangled", "tori-unentangled")
        or "arrays" for ``X, y``. None means "arrays" when X is given and
        "circles" otherwise.
    class_names : list of str, default=None
        Legend names of the classes of ``y``.
    arch : str, default="20, 20, 20, 10"
        Hidden layer widths. The input width is the number of features of
        the data and the output width its number of classes. The network may
        have at most 50 million weights (``MAX_WEIGHTS``).
    n_epochs : int, default=10
        Training epochs per click on Train.
    learning_rate : float, default=1e-3
        Adam's learning rate.
    batch_size : int, default=64
    n_samples : int, default=10000
        Sample points of the flow.
    method : {"projection", "gradient"}, default="projection"
        Flow method, see :class:`~gdeep_widgets.GradientFlow`.
    flow_epochs : int, default=None
        Flow epochs; 20 for "projection" and 100 for "gradient" when None.
    delta : float in (0, 0.5), default=0.01
        A point is on the boundary when its distance (|p - 1/2|, or the gap
        between the two largest probabilities for more classes) is below it.
    random_state : int or None, default=0
        Seeds the network's initial weights, the validation split and batch
        order, and the flow's sample.
    height : int, default=480
        Height of the viewer in CSS pixels.
    **kwargs
        Passed to :class:`ipywidgets.VBox` (``layout``, ...).

    Attributes
    ----------
    viewer : FlowViewer
        The 3D/2D viewer; frames of a flow arrive in it as they are computed.
    X, y : ndarray
        The current dataset.
    class_names : list of str
    model : Net or None
        The network; kept between clicks on Train until the architecture or
        the data changes.
    optimizer : torch.optim.Adam or None
    history : TrainingHistory
        Epoch records of the current model, numbered across runs.
    flow : GradientFlow or None
        The last flow (its final state; the frames are in the viewer).
    busy : bool
        Whether a training or flow job is running.
    last_status, last_error : str
        Text of the status line, and of the last error it showed; "" when
        none, or once a later action or job has succeeded.
    dataset_select, dataset_params, arch_text, arch_info, n_epochs_input,
    learning_rate_input, batch_size_input, n_samples_input, box_text,
    box_fit_button, box_info, method_select, flow_epochs_input, delta_input,
    train_button, stop_button, flow_button, play, progress, status,
    loss_figure, epoch_table : ipywidgets
        The controls; ``dataset_params[name][param]`` is the input of one
        dataset parameter.

    Notes
    -----
    A training or flow job runs in a ``threading.Thread``; a second click
    while it runs is refused with a message, and :meth:`wait` joins it.
    A failure inside a job, or in any widget callback, is logged and shown
    in the status line; the app stays usable. A heat map that cannot be
    drawn after a successful training is a warning there, not a failure.

    For page scripts and browser tests, the app's root element has the class
    ``gdeep-app``, plus ``gdeep-busy`` and ``gdeep-job-train`` or
    ``gdeep-job-flow`` while a job runs (removed after its last update);
    its controls carry classes such as ``gdeep-train-button``, listed in
    ``DOM_CLASSES`` of ``gdeep_widgets.widgets._app_layout``.

    Examples
    --------
    >>> from gdeep_widgets import DecisionBoundaryApp
    >>> app = DecisionBoundaryApp(dataset="moons")
    >>> app.dataset_params["moons"]["n_samples"].value = 200
    >>> app.n_epochs_input.value = 2
    >>> app.train_button.click()
    >>> app.wait()
    True
    >>> len(app.history)
    2
    """

    #: Shortest time between two frames pushed live during a flow, in seconds;
    #: about 30 frames a second look fluid without flooding the front end.
    frame_interval = 1 / 30

    def __init__(
        self,
        X=None,
        y=None,
        dataset=None,
        *,
        class_names=None,
        arch="20, 20, 20, 10",
        n_epochs=10,
        learning_rate=1e-3,
        batch_size=64,
        n_samples=10000,
        method="projection",
        flow_epochs=None,
        delta=0.01,
        random_state=0,
        height=480,
        **kwargs,
    ):
        self._user_data = self._check_user_data(X, y, class_names)
        choices = [(spec.label, name) for name, spec in DATASETS.items()]
        if self._user_data is not None:
            choices.append(("My arrays (X, y)", ARRAYS))
        if dataset is None:
            dataset = ARRAYS if self._user_data is not None else "circles"
        if dataset == ARRAYS and self._user_data is None:
            raise ValueError("dataset='arrays' shows X and y; pass X and y as well.")
        check_choice(dataset, "dataset", [name for _, name in choices])
        hidden = parse_architecture(arch)
        # The data is not made yet: count with its fewest possible features
        # (yours, or 1) and classes, so that only a network too large for any
        # dataset is refused here; the Model tab checks the rest.
        n_in = 1 if self._user_data is None else self._user_data[0].shape[1]
        n_weights = count_weights(n_in, hidden, 2)
        if n_weights > MAX_WEIGHTS:
            raise ValueError(
                f"arch {arch!r} makes a network of at least {n_weights:,} weights; "
                f"at most {MAX_WEIGHTS:,} are allowed. Use narrower or fewer "
                "hidden layers."
            )
        n_epochs = check_int(n_epochs, "n_epochs", low=1, high=10_000)
        learning_rate = check_float(
            learning_rate, "learning_rate", low=0, low_open=True
        )
        batch_size = check_int(batch_size, "batch_size", low=1)
        n_samples = check_int(n_samples, "n_samples", low=1, high=1_000_000)
        check_choice(method, "method", METHODS)
        flow_epochs = check_int(
            DEFAULT_EPOCHS[method] if flow_epochs is None else flow_epochs,
            "flow_epochs",
            low=0,
            high=10_000,
        )
        delta = check_float(
            delta, "delta", low=0, high=0.5, low_open=True, high_open=True
        )
        if random_state is not None:
            random_state = check_int(random_state, "random_state", low=0)
        super().__init__(**kwargs)

        self.random_state = random_state
        self.model = None
        self.optimizer = None
        self.history = TrainingHistory()
        self.flow = None
        self.X = self.y = None
        self.class_names = []
        self.last_status = ""
        self.last_error = ""
        self._n_errors = 0
        self._model_key = None
        self._data_version = 0
        self._arch_error = None
        self._box_error = None
        self._lock = threading.Lock()
        self._stop_event = threading.Event()
        self._job = None
        self._job_kind = None
        self._busy = False

        self.viewer = FlowViewer(height=height, delta=delta)
        self._build(
            choices,
            dataset,
            {
                "arch": arch,
                "n_epochs": n_epochs,
                "learning_rate": learning_rate,
                "batch_size": batch_size,
            },
            {
                "n_samples": n_samples,
                "method": method,
                "flow_epochs": flow_epochs,
                "delta": delta,
            },
        )
        self._wire()
        self._on_dataset_change()
        self._say(
            "Pick a dataset, then Train; once trained, Flow moves points onto the "
            "decision boundary."
        )

    # -- construction -------------------------------------------------------

    @staticmethod
    def _check_user_data(X, y, class_names):
        if X is None:
            if y is not None:
                raise ValueError("y was given without X; pass X as well.")
            if class_names is not None:
                raise ValueError(
                    "class_names name the classes of y; pass X and y as well."
                )
            return None
        X = check_array(X, "X")
        if y is None:
            raise ValueError("y must be given with X: the app trains a classifier.")
        y = check_labels(y, len(X), "y")
        n_classes = int(y.max()) + 1
        if class_names is None:
            names = [f"class {k}" for k in range(n_classes)]
        elif isinstance(class_names, str) or len(class_names) < n_classes:
            raise ValueError(
                f"class_names must be a list of at least {n_classes} names, one per "
                f"class of y; got {class_names!r}."
            )
        else:
            names = [str(name) for name in class_names]
        return X, y, names

    def _wire(self):
        load = "Could not load the dataset"
        self.dataset_select.observe(
            self._guarded(self._on_dataset_change, load), "value"
        )
        for name, params in self.dataset_params.items():
            for widget in params.values():
                widget.observe(
                    self._guarded(self._on_param_change(name), load), "value"
                )
        self.arch_text.observe(self._guarded(self._on_arch_change), "value")
        self.box_text.observe(self._guarded(self._on_box_change), "value")
        self.box_fit_button.on_click(self._guarded(self._fit_box))
        self.method_select.observe(self._guarded(self._on_method_change), "value")
        self.train_button.on_click(
            self._guarded(self.start_training, "Could not train")
        )
        self.stop_button.on_click(self._guarded(self.stop))
        self.flow_button.on_click(self._guarded(self.start_flow, "Could not flow"))
        # The viewer's traits also change from the browser and from the job
        # thread: an error in these observers must not escape there either.
        viewer = "Could not follow the viewer"
        self.viewer.observe(
            self._guarded(self._on_n_frames, viewer, action=False), "n_frames"
        )
        self.viewer.observe(
            self._guarded(self._on_viewer_error, viewer, action=False), "error"
        )
        self.viewer.observe(self._guarded(self._on_fps, viewer, action=False), "fps")
        self._links = [widgets.jslink((self.play, "value"), (self.viewer, "frame"))]
        self._on_fps()

    # -- public API ---------------------------------------------------------

    @property
    def busy(self):
        return self._busy

    def start_training(self, *_):
        """Train the network in the background, as the Train button does.

        Builds a new model when there is none or when the architecture or the
        data changed since the last run; otherwise continues the current
        model with its optimizer, numbering epochs after the last one.

        Returns
        -------
        bool
            Whether a training job started (else the status line says why).
        """
        if self._refuse_when_busy():
            return False
        n_classes = max(int(self.y.max()) + 1, 2)
        try:
            hidden = parse_architecture(self.arch_text.value)
            check_network_size(self.X.shape[1], hidden, n_classes)
        except (TypeError, ValueError) as exc:
            self._say(f"Cannot train: {exc}", "error")
            return False
        arch = [self.X.shape[1], *hidden]
        key = (tuple(arch), n_classes, self._data_version)
        if self.model is None:
            reason = "first run"
        elif self._model_key[0] != key[0]:
            reason = "architecture changed"
        elif self._model_key[1:] != key[1:]:
            reason = "data changed"
        else:
            reason = None
        settings = {
            "n_epochs": self.n_epochs_input.value,
            "learning_rate": self.learning_rate_input.value,
            "batch_size": self.batch_size_input.value,
        }
        return self._start_job(
            "training", self._train, self.X, self.y, arch, n_classes, key, reason,
            settings,
        )  # fmt: skip

    def start_flow(self, *_):
        """Flow sample points onto the boundary in the background (the Flow button).

        Every epoch's frame goes to the viewer as it is computed. Refused,
        with a message, when there is no model or it was trained on other data.

        Returns
        -------
        bool
            Whether a flow job started (else the status line says why).
        """
        if self._refuse_when_busy():
            return False
        n_features = self.X.shape[1]
        if self.model is None:
            self._say("No model yet: click Train first, then Flow.", "warn")
            return False
        if self.model.n_features != n_features:
            self._say(
                f"The model takes {self.model.n_features} input features but the "
                f"data has {n_features}: click Train to train a model on this data "
                "first.",
                "warn",
            )
            return False
        if self._model_key[2] != self._data_version:
            self._say(
                "The data changed since the model was trained: click Train to "
                "train on this data first.",
                "warn",
            )
            return False
        try:
            box = parse_box(self.box_text.value, n_features)
        except ValueError as exc:
            self._say(f"Cannot flow: {exc}", "error")
            return False
        settings = {
            "n_samples": self.n_samples_input.value,
            "n_epochs": self.flow_epochs_input.value,
            "method": self.method_select.value,
            "delta": self.delta_input.value,
        }
        return self._start_job("flow", self._flow, box, settings)

    def stop(self, *_):
        """Ask the running job to stop after its current batch or flow epoch."""
        if not self.busy:
            return
        self._stop_event.set()
        self._say(f"Stopping the {self._job_kind} after the current step...", "busy")

    def wait(self, timeout=None):
        """Wait for the running job to end.

        Parameters
        ----------
        timeout : float or None, default=None
            Seconds to wait at most; None waits until it ends.

        Returns
        -------
        bool
            True when no job is running any more.
        """
        job = self._job
        if job is not None:
            job.join(timeout)
            return not job.is_alive()
        return True

    def save_html(self, path, title=None):
        """Write the viewer, with its data, background and frames, as one page.

        See :meth:`FlowViewer.save_html`.
        """
        return self.viewer.save_html(path, title=title)

    # -- jobs ---------------------------------------------------------------

    def _refuse_when_busy(self):
        if self.busy:
            self._say(
                f"Busy: the {self._job_kind} is still running; wait for it or click "
                "Stop.",
                "warn",
            )
            return True
        return False

    def _start_job(self, kind, target, *args):
        with self._lock:
            if self._busy:
                return False
            self._busy = True
            self._job_kind = kind
            self._stop_event.clear()
        self._set_controls_busy(True)
        self._set_job_classes(kind)
        self.last_error = ""
        self._job = threading.Thread(
            target=self._run_job,
            args=(kind, target, args),
            name=f"gdeep-widgets-{kind}",
            daemon=True,
        )
        self._job.start()
        return True

    def _run_job(self, kind, target, args):
        failed = True
        try:
            target(*args)
            failed = False
        except Exception as exc:
            # The thread has no caller to raise to: log the trace and show the
            # message where the user looks.
            logger.exception("DecisionBoundaryApp: the %s failed", kind)
            self._fail(f"The {kind} failed", exc)
        finally:
            with self._lock:
                self._busy = False
            self._set_controls_busy(False)
            self.progress.bar_style = "danger" if failed else "success"
            self._set_job_classes(None)

    def _train(self, X, y, arch, n_classes, key, reason, settings):
        self._say("Training... (Stop ends it after the current batch)", "busy")
        if reason is not None:
            with torch.random.fork_rng(devices=[]):
                if self.random_state is not None:
                    torch.manual_seed(self.random_state)
                model = Net(arch, n_classes=n_classes)
            self.model, self._model_key = model, key
            self.optimizer = torch.optim.Adam(
                model.parameters(), lr=settings["learning_rate"]
            )
            self.history = TrainingHistory()
            self._show_history()
        else:
            for group in self.optimizer.param_groups:
                group["lr"] = settings["learning_rate"]
        self.viewer.clear_frames()
        self.flow = None

        first = len(self.history)
        live = LiveTraining(
            self.progress, self.progress_label, lambda record: self._show_history()
        )
        start = time.perf_counter()
        train_classification_nn(
            self.model,
            X,
            y,
            settings["n_epochs"],
            batch_size=settings["batch_size"],
            learning_rate=settings["learning_rate"],
            optimizer=self.optimizer,
            random_state=self.random_state,
            verbose=False,
            progress=False,
            callbacks=[live],
            history=self.history,
            should_stop=self._stop_event.is_set,
        )
        seconds = time.perf_counter() - start
        self._show_history()
        # The model is trained by now: a failure to draw the heat map is a
        # warning about the picture, not a failure of the training.
        background_error = self._redraw_background()

        runs = self.history[first:]
        last = self.history.last
        figures = f"accuracy {last.accuracy:.3f}, valid loss {last.valid_loss:.4f}"
        prefix = ""
        if reason is not None:
            chain = " -> ".join(str(w) for w in [*arch, n_classes])
            prefix = f"New model {chain} ({reason}); "
        if self._stop_event.is_set() and (
            last.partial or len(runs) < settings["n_epochs"]
        ):
            state = "partial" if last.partial else "complete"
            text = (
                f"{prefix}stopped in epoch {last.epoch} ({state}) after {seconds:.1f} "
                f"s: {figures}. Train continues from here."
            )
        else:
            text = (
                f"{prefix}trained {len(runs)} epoch{'s' * (len(runs) != 1)} "
                f"(epochs {runs[0].epoch}-{last.epoch}) in {seconds:.1f} s: {figures}."
            )
        self.progress_label.value = live.done_text(last.epoch)
        level = "info"
        if background_error is not None:
            text += f" {background_error}"
            level = "warn"
        self._say(text[0].upper() + text[1:], level)
        logger.info(text)

    def _flow(self, box, settings):
        n_epochs = settings["n_epochs"]
        self._say("Flowing points onto the boundary... (Stop ends it)", "busy")
        self.viewer.clear_frames()
        self.viewer.delta = settings["delta"]
        push = FramePusher(self.viewer, self.frame_interval)
        flow = GradientFlow(
            self.model,
            box,
            n_samples=settings["n_samples"],
            n_epochs=n_epochs,
            method=settings["method"],
            delta=settings["delta"],
            random_state=self.random_state,
            frame_every=None,
            callback=push,
        )
        self.flow = flow
        self.progress.value = 0
        self.progress.max = max(n_epochs, 1)
        self.progress_label.value = f"flow 0/{n_epochs}"

        start = time.perf_counter()
        # Stepping by hand (not flow.epochs()) lets Stop end the flow between
        # epochs; frames reach the viewer through the callback.
        flow.start()
        while flow.epoch_ < n_epochs and not self._stop_event.is_set():
            flow.step()
            self.progress.value = flow.epoch_
            self.progress_label.value = f"flow {flow.epoch_}/{n_epochs}"
        seconds = time.perf_counter() - start - push.seconds

        stats = flow.history_[-1]
        within = 100 * stats["fraction_within_delta"]
        rule = "|p - 1/2|" if flow.n_classes_ == 2 else "top-two gap"
        done = flow.epoch_
        head = (
            f"Flow stopped at epoch {done} of {n_epochs}" if done < n_epochs else "Flow"
        )
        text = (
            f"{head}: {flow.n_samples:,} points, {within:.1f} % on the boundary "
            f"({rule} < {flow.delta:g}) after {done} epoch{'s' * (done != 1)} in "
            f"{seconds:.2f} s; {push.n_sent} frame{'s' * (push.n_sent != 1)} sent."
        )
        level = "info"
        if stats["fraction_within_delta"] == 0 and flow.epoch_ == n_epochs:
            text += (
                " No point reached the boundary inside the box: the network may "
                "not change its decision there (widen the box or train longer)."
            )
            level = "warn"
        self._say(text, level)
        logger.info(text)

    # -- data ---------------------------------------------------------------

    def _load_data(self):
        """Make (or take) the selected dataset and show it in the viewer."""
        name = self.dataset_select.value
        if name == ARRAYS:
            X, y, names = self._user_data
            label = "My arrays"
        else:
            params = {key: w.value for key, w in self.dataset_params[name].items()}
            X, y = make_dataset(name, **params)
            n_classes = int(y.max()) + 1
            names = CLASS_NAMES.get(name, [f"class {k}" for k in range(n_classes)])
            label = DATASETS[name].label
        self.X, self.y, self.class_names = X, y, list(names)
        self._data_version += 1
        self.flow = None

        # One message: the viewer fits its camera to the new data once all of
        # it has arrived.
        with self.viewer.hold_sync():
            self.viewer.clear_frames()
            self.viewer.clear_background()
            self.viewer.set_data(X, y, class_names=self.class_names)
            self.viewer.title = f"{label} - {len(X):,} points"
        self.box_text.value = format_box(box_around(X, 0.1))
        self._on_box_change()

        n_features, n_classes = X.shape[1], int(y.max()) + 1
        shown = "" if n_features <= 3 else " (shown through PCA to 3D)"
        self.data_info.value = (
            f"<span style='color:#656d76;font-size:12px'>{len(X):,} points &middot; "
            f"{n_features} features{shown} &middot; {n_classes} classes</span>"
        )
        self._on_arch_change()
        if self.model is not None:
            self._say(
                f"Data changed ({label}): Train builds a new model for it.", "info"
            )

    def _on_dataset_change(self, change=None):
        name = self.dataset_select.value
        self.params_box.children = list(self.dataset_params[name].values())
        self._load_data()

    def _on_param_change(self, name):
        def handler(change):
            if self.dataset_select.value == name:
                self._load_data()

        return handler

    # -- inputs ---------------------------------------------------------------

    def _on_arch_change(self, change=None):
        try:
            hidden = parse_architecture(self.arch_text.value)
            if self.X is not None:
                n_classes = max(int(self.y.max()) + 1, 2)
                check_network_size(self.X.shape[1], hidden, n_classes)
        except (TypeError, ValueError) as exc:
            self._arch_error = str(exc)
            self.arch_info.value = status_html(str(exc), "error")
        else:
            self._arch_error = None
            if self.X is not None:
                self.arch_info.value = (
                    "<div style='font-size:12px;line-height:1.4;margin:2px 0 4px'>"
                    "Network: "
                    f"{describe_network(self.X.shape[1], hidden, n_classes)}</div>"
                )
        finally:
            self._refresh_buttons()

    def _on_box_change(self, change=None):
        if self.X is None:
            return
        try:
            parse_box(self.box_text.value, self.X.shape[1])
        except ValueError as exc:
            self._box_error = str(exc)
            self.box_info.value = status_html(str(exc), "error")
        else:
            self._box_error = None
            self.box_info.value = ""
        finally:
            # Also after an unexpected error, so that no button stays disabled.
            self._refresh_buttons()
        if self._box_error is None and not self.busy:
            before = self.viewer.background.get("extent")
            problem = self._redraw_background()
            if problem is not None:
                self._say(problem, "warn")
            extent = self.viewer.background.get("extent")
            if extent is not None and extent != before:
                # The heat map spans the box, and a 2D view fits its camera
                # to the heat map too.
                self.viewer.reset_camera()

    def _fit_box(self, *_):
        self.box_text.value = format_box(box_around(self.X, 0.1))

    def _on_method_change(self, change):
        self.flow_epochs_input.value = DEFAULT_EPOCHS[change["new"]]

    def _redraw_background(self):
        """Draw the heat map; on failure clear it and return a warning, else None."""
        try:
            self._draw_background()
        except Exception as exc:
            logger.exception("DecisionBoundaryApp: could not draw the heat map")
            self.viewer.clear_background()
            message = str(exc) or type(exc).__name__
            return f"The background heat map could not be drawn: {message}"
        return None

    def _draw_background(self):
        """Heat map of the network's output under 2D data, over the flow box."""
        model = self.model
        if (
            self.X.shape[1] != 2
            or model is None
            or self._model_key[2] != self._data_version
        ):
            self.viewer.clear_background()
            return
        try:
            box = parse_box(self.box_text.value, 2)
        except ValueError:
            box = box_around(self.X, 0.1)
        self.viewer.set_background(*decision_surface(model, box, BACKGROUND_CELLS))

    # -- display ------------------------------------------------------------

    def _show_history(self):
        columns = self.history.to_dict()
        with self.loss_figure.batch_update():
            self.loss_figure.data[0].x = columns["epoch"]
            self.loss_figure.data[0].y = columns["train_loss"]
            self.loss_figure.data[1].x = columns["epoch"]
            self.loss_figure.data[1].y = columns["valid_loss"]
            self.loss_figure.data[2].x = columns["epoch"]
            self.loss_figure.data[2].y = columns["accuracy"]
        self.epoch_table.value = history_table_html(self.history)

    def _on_n_frames(self, change):
        self.play.max = max(change["new"] - 1, 0)
        self.frame_label.value = (
            "<span style='color:#656d76;font-size:12px'>"
            f"{change['new']} flow frame{'s' * (change['new'] != 1)}</span>"
        )

    def _on_fps(self, change=None):
        fps = self.viewer.fps
        # The viewer rejects fps <= 0; this guard only keeps a bad value that
        # got through from dividing by zero.
        if fps > 0:
            self.play.interval = max(int(round(1000 / fps)), 1)

    def _on_viewer_error(self, change):
        if change["new"]:
            self._say(f"Viewer: {change['new']}", "error")

    def _say(self, text, level="info"):
        if level == "error":
            self.last_error = text
            self._n_errors += 1
        self.last_status = text
        self.status.value = status_html(text, level)

    def _fail(self, what, exc):
        message = str(exc) or type(exc).__name__
        self._say(f"{what}: {message}", "error")
        self.last_error = f"{type(exc).__name__}: {message}"

    def _guarded(self, handler, what="Error", action=True):
        """Wrap a widget callback so that an error shows in the status line.

        An ``action`` (a user's click or edit) that ends without an error
        clears ``last_error``; the viewer's observers leave it alone.
        """

        def call(*args):
            errors = self._n_errors
            try:
                result = handler(*args)
            except Exception as exc:
                logger.exception("DecisionBoundaryApp: %s", what)
                self._fail(what, exc)
                return None
            if action and self._n_errors == errors:
                self.last_error = ""
            return result

        return call

    def _set_job_classes(self, kind):
        """Mark the root element busy with job ``kind``, or idle for None."""
        ours = {BUSY_CLASS, *JOB_CLASSES.values()}
        classes = [c for c in self._dom_classes if c not in ours]
        if kind is not None:
            classes += [BUSY_CLASS, JOB_CLASSES[kind]]
        # One assignment, so the browser never sees a half-updated state.
        self._dom_classes = classes

    def _set_controls_busy(self, busy):
        self.dataset_select.disabled = busy
        for params in self.dataset_params.values():
            for widget in params.values():
                widget.disabled = busy
        self.box_fit_button.disabled = busy
        if busy:
            self.progress.bar_style = "info"
        self._refresh_buttons()

    def _refresh_buttons(self):
        busy = self.busy
        self.train_button.disabled = busy or self._arch_error is not None
        self.flow_button.disabled = busy or self._box_error is not None
        self.stop_button.disabled = not busy
