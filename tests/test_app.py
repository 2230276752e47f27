import logging
import re
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from gdeep_widgets import DecisionBoundaryApp
from gdeep_widgets._binary import unpack_array
from gdeep_widgets.flow import GradientFlow
from gdeep_widgets.widgets import MESSAGE_TYPES
from gdeep_widgets.widgets import app as app_module
from gdeep_widgets.widgets._app_controls import format_box, parse_box
from gdeep_widgets.widgets._app_jobs import LiveTraining


def frame_messages(messages):
    return [m for m in messages if m[0].get("type") == MESSAGE_TYPES["frame"]]


def small_app(dataset="moons", n_samples=200, **kwargs):
    """An app on a small dataset with few epochs and no frame throttling."""
    kwargs.setdefault("n_epochs", 2)
    kwargs.setdefault("n_samples", 300)
    kwargs.setdefault("flow_epochs", 4)
    kwargs.setdefault("arch", "16, 16")
    app = DecisionBoundaryApp(dataset=dataset, **kwargs)
    app.frame_interval = 0.0
    if "n_samples" in app.dataset_params.get(dataset, {}):
        app.dataset_params[dataset]["n_samples"].value = n_samples
    return app


def click(button, app, timeout=120):
    button.click()
    assert app.wait(timeout), "the job did not end in time"


def wait_until(condition, timeout=30.0):
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise AssertionError("condition not reached in time")
        time.sleep(0.005)


# -- data ---------------------------------------------------------------------


def test_app_shows_the_default_dataset_at_once():
    app = DecisionBoundaryApp()

    assert app.dataset_select.value == "circles"
    assert app.viewer.data["shape"] == [5000, 3]
    assert app.viewer.n_dims == 2
    assert app.viewer.class_names == ["outer circle", "inner circle"]
    assert [w.description for w in app.params_box.children] == [
        "Samples",
        "Noise",
        "Inner radius",
        "Seed",
    ]
    assert "arrays" not in [value for _, value in app.dataset_select.options]
    assert len(parse_box(app.box_text.value, 2)) == 2
    assert not app.train_button.disabled
    assert app.stop_button.disabled
    assert app.model is None and app.history == []
    assert app.viewer in app.children[0].children


def test_app_dataset_and_parameter_changes_reach_the_viewer():
    app = DecisionBoundaryApp()

    app.dataset_select.value = "tori-entangled"
    app.dataset_params["tori-entangled"]["n_points"].value = 10

    assert app.viewer.n_dims == 3
    assert len(app.viewer.data["buffer"]) == 2 * 10**2 * 3 * 4
    assert len(app.viewer.labels["buffer"]) == 200
    assert app.viewer.class_names == ["upright torus", "flat torus"]
    assert list(app.params_box.children) == list(
        app.dataset_params["tori-entangled"].values()
    )
    assert len(parse_box(app.box_text.value, 3)) == 3

    before = unpack_array(app.viewer.data).copy()
    app.dataset_params["tori-entangled"]["noise"].value = 0.1

    after = unpack_array(app.viewer.data)
    assert after.shape == (200, 3)
    assert not np.array_equal(after, before)
    np.testing.assert_allclose(after, app.X, rtol=1e-6, atol=1e-6)


def test_app_parameters_of_a_hidden_dataset_do_not_reload_the_data():
    app = DecisionBoundaryApp(dataset="circles")
    before = app.viewer.data

    app.dataset_params["moons"]["n_samples"].value = 100

    assert app.viewer.data is before
    assert len(app.X) == 5000


def test_app_blobs_with_four_classes_get_four_legend_entries():
    app = small_app("blobs", n_samples=300)

    app.dataset_params["blobs"]["centers"].value = 4
    click(app.train_button, app)
    app.frame_interval = 0.0
    click(app.flow_button, app)

    assert app.viewer.class_names == ["class 0", "class 1", "class 2", "class 3"]
    assert int(app.y.max()) == 3
    assert app.model.n_classes == 4
    assert "top-two gap" in app.last_status
    assert app.last_error == ""


def test_app_user_arrays_with_five_features_are_shown_through_pca(sent):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 5))
    y = (X[:, 0] + X[:, 3] > 0).astype(int)

    app = DecisionBoundaryApp(X, y, class_names=["neg", "pos"], n_epochs=2)
    app.frame_interval = 0.0
    messages = sent(app.viewer)
    app.n_samples_input.value = 100
    app.flow_epochs_input.value = 3
    click(app.train_button, app)
    click(app.flow_button, app)

    assert app.dataset_select.value == "arrays"
    assert ("My arrays (X, y)", "arrays") in app.dataset_select.options
    assert app.viewer.n_dims == 3
    assert app.viewer.projection.n_features_in_ == 5
    assert app.viewer.class_names == ["neg", "pos"]
    assert "PCA" in app.data_info.value
    assert app.model.n_features == 5
    assert len(parse_box(app.box_text.value, 5)) == 5
    assert app.viewer.background == {}
    frames = frame_messages(messages)
    assert len(frames) == app.viewer.n_frames == 4
    assert all(len(buffers[0]) == 100 * 3 * 4 for _, buffers in frames)
    assert app.last_error == ""


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"dataset": "arrays"}, ValueError, "dataset='arrays' shows X and y"),
        ({"dataset": "spirals"}, ValueError, "dataset must be one of 'circles'"),
        ({"X": np.zeros((5, 2))}, ValueError, "y must be given with X"),
        ({"y": [0, 1]}, ValueError, "y was given without X"),
        (
            {"X": np.zeros((3, 2)), "y": [0, 1, 1], "class_names": ["a"]},
            ValueError,
            "class_names must be a list of at least 2 names",
        ),
        ({"arch": "20, x"}, ValueError, "architecture entry 1 must be a positive"),
        ({"n_epochs": 0}, ValueError, r"n_epochs must be in \[1, 10000\]; got 0"),
        ({"method": "newton"}, ValueError, "method must be one of 'projection'"),
        ({"delta": 0.5}, ValueError, r"delta must be in \(0, 0.5\); got 0.5"),
        ({"learning_rate": "fast"}, TypeError, "learning_rate must be a real number"),
        (
            {"arch": "100000, 100000"},
            ValueError,
            "arch '100000, 100000' makes a network of at least 10,000,500,002 "
            "weights; at most 50,000,000 are allowed",
        ),
    ],
)
def test_app_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        DecisionBoundaryApp(**kwargs)


# -- training -------------------------------------------------------------------


def test_app_train_fills_history_plot_table_and_background():
    app = small_app(n_epochs=3)

    assert app.start_training() is True
    assert app.busy
    assert app.train_button.disabled and app.flow_button.disabled
    assert not app.stop_button.disabled
    assert app.wait(120)

    assert [r.epoch for r in app.history] == [0, 1, 2]
    assert list(app.loss_figure.data[0].x) == [0, 1, 2]
    assert list(app.loss_figure.data[2].y) == [r.accuracy for r in app.history]
    assert app.epoch_table.value.count("<tr>") == 1 + 3
    assert app.progress.value == app.progress.max > 0
    assert set(app.viewer.background) == {"gap", "top", "extent"}
    (x0, x1), (y0, y1) = parse_box(app.box_text.value, 2)
    step = max(x1 - x0, y1 - y0) / app_module.BACKGROUND_CELLS
    extent = app.viewer.background["extent"]
    assert extent[0] == pytest.approx(x0) and extent[2] == pytest.approx(y0)
    assert x1 - step < extent[1] <= x1 and y1 - step < extent[3] <= y1
    assert app.last_status.startswith("New model 2 -> 16 -> 16 -> 2 (first run)")
    assert "trained 3 epochs (epochs 0-2)" in app.last_status
    assert not app.busy and not app.train_button.disabled and app.stop_button.disabled


def test_app_train_again_continues_the_same_model():
    app = small_app()
    click(app.train_button, app)
    model, optimizer = app.model, app.optimizer

    app.learning_rate_input.value = 0.01
    click(app.train_button, app)

    assert app.model is model and app.optimizer is optimizer
    assert optimizer.param_groups[0]["lr"] == 0.01
    assert [r.epoch for r in app.history] == [0, 1, 2, 3]
    assert app.last_status.startswith("Trained 2 epochs (epochs 2-3)")


def test_app_new_architecture_builds_a_new_model():
    app = small_app()
    click(app.train_button, app)
    model = app.model

    app.arch_text.value = "8"
    click(app.train_button, app)

    assert app.model is not model
    assert app.model.arch == [2, 8]
    assert [r.epoch for r in app.history] == [0, 1]
    assert "(architecture changed)" in app.last_status
    assert list(app.loss_figure.data[0].x) == [0, 1]


def test_app_stop_keeps_the_model_trained_so_far_and_train_continues():
    app = small_app(n_epochs=50, batch_size=1, n_samples=1000)

    app.train_button.click()
    wait_until(lambda: app.progress.value > 0 and app.progress_label.value)
    app.stop_button.click()
    assert app.wait(60)

    stopped = list(app.history)
    assert 1 <= len(stopped) < 50
    assert stopped[-1].partial
    assert "stopped in epoch" in app.last_status
    assert "Train continues from here" in app.last_status
    model = app.model

    app.n_epochs_input.value = 1
    app.batch_size_input.value = 64
    click(app.train_button, app)

    assert app.model is model
    assert [r.epoch for r in app.history] == list(range(len(stopped) + 1))
    assert not app.history[-1].partial


def test_app_refuses_a_second_job_while_one_runs():
    app = small_app(n_epochs=3, batch_size=1, n_samples=600)

    assert app.start_training()
    assert app.start_training() is False
    assert "Busy: the training is still running" in app.last_status
    assert app.start_flow() is False
    assert app.wait(120)

    assert len(app.history) == 3


def test_app_root_classes_mark_the_running_job():
    app = small_app(n_epochs=3, batch_size=1, n_samples=600)
    assert "gdeep-app" in app._dom_classes
    assert "gdeep-busy" not in app._dom_classes

    assert app.start_training()
    assert {"gdeep-app", "gdeep-busy", "gdeep-job-train"} <= set(app._dom_classes)
    assert app.wait(120)
    assert app._dom_classes == ("gdeep-app",)

    assert app.start_flow()
    assert {"gdeep-busy", "gdeep-job-flow"} <= set(app._dom_classes)
    assert "gdeep-job-train" not in app._dom_classes
    assert app.wait(120)
    assert app._dom_classes == ("gdeep-app",)


def test_app_controls_carry_their_dom_classes():
    app = small_app()

    assert "gdeep-train-button" in app.train_button._dom_classes
    assert "gdeep-stop-button" in app.stop_button._dom_classes
    assert "gdeep-flow-button" in app.flow_button._dom_classes
    assert "gdeep-progress" in app.progress._dom_classes
    assert "gdeep-dataset-params" in app.params_box._dom_classes
    n_samples = app.dataset_params["moons"]["n_samples"]
    assert "gdeep-param-n-samples" in n_samples._dom_classes
    assert "<div class='gdeep-app-status' data-level='info'" in app.status.value


def test_app_new_data_sends_no_camera_reset(sent):
    app = small_app()
    messages = sent(app.viewer)

    app.dataset_select.value = "blobs"

    # The viewer refits its camera by itself when its data is replaced.
    assert [m[0]["type"] for m in messages] == [MESSAGE_TYPES["clear"]]
    assert app.viewer.data["shape"][0] == len(app.X)


@pytest.mark.parametrize(
    "text, match",
    [
        ("20, x", "architecture entry 1 must be a positive integer; got 'x'"),
        ("", "got an empty text"),
        ("20, -3", "architecture entry 1 must be a positive integer; got -3"),
        ("0", "architecture entry 0 must be a positive integer; got 0"),
    ],
)
def test_app_bad_architecture_shows_the_message_and_disables_train(text, match):
    app = small_app()

    app.arch_text.value = text

    assert app.train_button.disabled
    assert app.arch_info.value  # shown in the panel
    assert app.start_training() is False
    assert not app.busy and app.model is None
    assert re.search(match, app.last_status)

    app.arch_text.value = "10, 10"

    assert not app.train_button.disabled
    assert "2 &rarr; 10 &rarr; 10 &rarr; 2" in app.arch_info.value


# -- flow -------------------------------------------------------------------------


def test_app_flow_pushes_every_frame_to_the_viewer(sent):
    app = small_app(n_samples=300)
    app.n_samples_input.value = 400
    app.flow_epochs_input.value = 5
    click(app.train_button, app)
    messages = sent(app.viewer)

    click(app.flow_button, app)

    frames = frame_messages(messages)
    assert [m[0]["epoch"] for m in frames] == [0, 1, 2, 3, 4, 5]
    assert [m[0]["index"] for m in frames] == list(range(6))
    assert all(len(buffers[0]) == 400 * 3 * 4 for _, buffers in frames)
    assert all(len(buffers[1]) == 400 * 4 for _, buffers in frames)
    assert app.viewer.n_frames == 6
    assert app.viewer.frame == 5
    assert app.play.max == 5
    assert app.viewer.delta == app.delta_input.value
    assert isinstance(app.flow, GradientFlow)
    assert app.progress.value == 5
    assert app.last_status.startswith("Flow: 400 points,")
    assert "on the boundary (|p - 1/2| < 0.01) after 5 epochs" in app.last_status
    assert "6 frames sent" in app.last_status
    assert app.last_error == ""


def test_app_play_is_linked_to_the_viewer_frame_in_the_browser():
    app = small_app()

    (link,) = app._links
    assert link.source == (app.play, "value")
    assert link.target == (app.viewer, "frame")

    app.viewer.fps = 20
    assert app.play.interval == 50


def test_app_flow_before_training_asks_for_training(sent):
    app = small_app()
    messages = sent(app.viewer)

    assert app.start_flow() is False

    assert "No model yet: click Train first" in app.last_status
    assert frame_messages(messages) == []


def test_app_switching_to_3d_data_after_training_reports_then_retrains(sent):
    app = small_app()
    click(app.train_button, app)
    assert app.viewer.background

    app.dataset_select.value = "tori-unentangled"
    app.dataset_params["tori-unentangled"]["n_points"].value = 8
    messages = sent(app.viewer)

    assert "Train builds a new model" in app.last_status
    assert app.viewer.background == {}
    assert app.start_flow() is False
    assert (
        "The model takes 2 input features but the data has 3: click Train"
        in app.last_status
    )
    assert frame_messages(messages) == []

    click(app.train_button, app)
    click(app.flow_button, app)

    assert app.model.n_features == 3
    assert len(frame_messages(messages)) == app.viewer.n_frames == 5
    assert app.viewer.background == {}
    assert app.last_error == ""


def test_app_switching_to_data_of_the_same_width_asks_for_training():
    app = small_app()
    click(app.train_button, app)

    app.dataset_select.value = "circles"

    assert app.start_flow() is False
    assert "The data changed since the model was trained" in app.last_status
    click(app.train_button, app)
    assert "(data changed)" in app.last_status
    assert app.history[0].epoch == 0


def test_app_stop_during_the_flow_keeps_the_frames_so_far():
    app = small_app(method="gradient", flow_epochs=200)
    click(app.train_button, app)
    app.frame_interval = 0.02

    app.flow_button.click()
    wait_until(lambda: app.viewer.n_frames >= 3)
    app.stop_button.click()
    assert app.wait(60)

    assert 3 <= app.viewer.n_frames < 201
    assert app.viewer.n_frames == app.flow.epoch_ + 1
    done = app.flow.epoch_
    assert app.last_status.startswith(f"Flow stopped at epoch {done} of 200: 300 ")
    assert f"on the boundary (|p - 1/2| < 0.01) after {done} epochs in" in (
        app.last_status
    )
    assert "after stopped" not in app.last_status


def test_app_failure_in_a_job_is_shown_and_the_app_keeps_working(monkeypatch, caplog):
    class BrokenFlow(GradientFlow):
        def step(self):
            raise RuntimeError("the model exploded")

    app = small_app()
    click(app.train_button, app)
    monkeypatch.setattr(app_module, "GradientFlow", BrokenFlow)

    with caplog.at_level(logging.ERROR, logger="gdeep_widgets.widgets.app"):
        click(app.flow_button, app)

    assert app.last_status == "The flow failed: the model exploded"
    assert app.last_error == "RuntimeError: the model exploded"
    assert "data-level='error'" in app.status.value
    assert "the flow failed" in caplog.text
    assert (
        not app.busy and not app.flow_button.disabled and not app.train_button.disabled
    )

    monkeypatch.setattr(app_module, "GradientFlow", GradientFlow)
    click(app.flow_button, app)

    assert app.last_status.startswith("Flow: 300 points")
    assert app.last_error == ""


def test_app_failure_in_a_widget_callback_is_shown(monkeypatch):
    app = small_app()

    def broken(name, **params):
        raise ValueError("no data today")

    monkeypatch.setattr(app_module, "make_dataset", broken)
    app.dataset_select.value = "circles"

    assert app.last_status == "Could not load the dataset: no data today"
    assert app.X.shape == (200, 2)  # the moons are kept


def test_app_bad_box_text_disables_flow_until_fitted_again():
    app = small_app()

    app.box_text.value = "-1, 1; 2, 0"

    assert "box[1] must have lower &lt; upper; got (2, 0)" in app.box_info.value
    assert app.flow_button.disabled

    app.box_text.value = "-1, 1"
    assert "one &#x27;low, high&#x27; pair per feature (2)" in app.box_info.value

    app.box_fit_button.click()

    assert app.box_info.value == ""
    assert not app.flow_button.disabled


def test_app_extreme_box_is_refused_and_the_buttons_stay_right():
    app = small_app()
    click(app.train_button, app)
    background = app.viewer.background

    app.box_text.value = "-1e308, 1e308; -1, 1"

    assert "box[0] is too wide: upper - lower overflows" in app.box_info.value
    assert app.flow_button.disabled and not app.train_button.disabled
    assert app.viewer.background is background
    assert app.last_error == ""

    app.box_fit_button.click()

    assert app.box_info.value == "" and not app.flow_button.disabled


def test_app_heat_map_failure_on_a_box_change_is_a_warning(monkeypatch):
    app = small_app()
    click(app.train_button, app)

    def broken(*args, **kwargs):
        raise RuntimeError("no grid today")

    monkeypatch.setattr(app_module, "decision_surface", broken)
    app.box_text.value = "-2, 2; -2, 2"

    assert app.last_status == (
        "The background heat map could not be drawn: no grid today"
    )
    assert "data-level='warn'" in app.status.value
    assert app.viewer.background == {}
    assert not app.flow_button.disabled and not app.train_button.disabled


def test_app_heat_map_failure_after_training_is_a_warning(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("no grid today")

    monkeypatch.setattr(app_module, "decision_surface", broken)
    app = small_app()

    click(app.train_button, app)

    assert app.last_status.startswith("New model 2 -> 16 -> 16 -> 2 (first run); ")
    assert app.last_status.endswith(
        "The background heat map could not be drawn: no grid today"
    )
    assert "data-level='warn'" in app.status.value
    assert "failed" not in app.last_status
    assert app.last_error == ""
    assert app.progress.bar_style == "success"
    assert len(app.history) == 2


def test_app_near_constant_feature_trains_draws_and_flows():
    rng = np.random.default_rng(0)
    X = np.c_[rng.normal(size=300), np.ones(300)]
    y = (X[:, 0] > 0).astype(int)
    app = DecisionBoundaryApp(X, y, n_epochs=2, n_samples=100, flow_epochs=2, arch="8")
    app.frame_interval = 0.0

    click(app.train_button, app)

    assert app.last_status.startswith("New model"), app.last_status
    assert "data-level='info'" in app.status.value
    assert app.viewer.background["gap"]["shape"][0] >= 3
    click(app.flow_button, app)
    assert app.last_status.startswith("Flow: 100 points")
    assert app.last_error == ""


def test_app_box_change_refits_the_camera_to_the_new_heat_map(sent):
    app = small_app()
    messages = sent(app.viewer)
    app.box_text.value = "-2, 2; -2, 2"
    assert messages == []  # no model yet, so no heat map to fit

    click(app.train_button, app)
    app.box_text.value = "-3, 3; -2, 2"

    assert app.viewer.background["extent"] == [-3.0, 3.0, -2.0, 2.0]
    assert [m[0]["type"] for m in messages].count(MESSAGE_TYPES["reset_camera"]) == 1


def test_app_last_error_is_cleared_when_a_later_action_succeeds(monkeypatch):
    app = small_app()

    def broken(name, **params):
        raise ValueError("no data today")

    monkeypatch.setattr(app_module, "make_dataset", broken)
    app.dataset_select.value = "circles"
    assert app.last_error == "ValueError: no data today"

    monkeypatch.undo()
    app.dataset_params["circles"]["n_samples"].value = 300

    assert app.last_error == ""
    app.arch_text.value = "0"
    assert app.start_training() is False
    assert app.last_error.startswith("Cannot train: architecture entry 0")
    app.arch_text.value = "8"
    assert app.last_error == ""


def test_app_architecture_with_too_many_weights_disables_train():
    app = small_app()

    app.arch_text.value = "1000000, 1000000"

    assert app.train_button.disabled
    assert (
        "would have 1,000,006,000,002 weights; at most 50,000,000 are allowed"
        in app.arch_info.value
    )
    assert app.start_training() is False
    assert "Cannot train: the network 2 -> 1000000 -> 1000000 -> 2" in app.last_status

    app.arch_text.value = "1000, 1000"
    assert not app.train_button.disabled
    assert "(1,006,002 weights)" in app.arch_info.value


def test_app_viewer_state_from_the_browser_cannot_break_the_app():
    app = small_app()

    with pytest.warns(UserWarning, match="rejected fps=0"):
        app.viewer.set_state({"fps": 0})

    assert app.viewer.fps == 8.0 and app.play.interval == 125
    app.viewer.set_state({"fps": 4})
    assert app.play.interval == 250


def test_app_error_in_a_viewer_observer_is_shown():
    class Broken:
        @property
        def value(self):
            return ""

        @value.setter
        def value(self, text):
            raise RuntimeError("label gone")

    app = small_app()
    app.frame_label = Broken()

    app.viewer.add_frame(np.zeros((3, 2)))

    assert app.viewer.n_frames == 1
    assert app.last_status == "Could not follow the viewer: label gone"
    assert app.last_error == "RuntimeError: label gone"


def test_app_progress_label_numbers_epochs_like_the_table():
    app = small_app()
    click(app.train_button, app)
    click(app.train_button, app)

    assert [r.epoch for r in app.history] == [0, 1, 2, 3]
    assert app.progress_label.value == "epoch 3 &middot; 2/2 done"
    assert "(epochs 2-3)" in app.last_status


def test_live_training_label_uses_the_table_epoch_and_counts_done_epochs():
    progress = SimpleNamespace(value=0, max=0)
    label = SimpleNamespace(value="")
    live = LiveTraining(progress, label, lambda record: None, min_interval=0)

    live.on_train_begin(3, 4)
    live.on_batch_end(5, 0, 0.5)
    assert label.value == "epoch 5 &middot; 0/3 done &middot; loss 0.5000"
    live.on_epoch_end(SimpleNamespace(epoch=5, partial=False))
    live.on_batch_end(6, 0, 0.25)
    assert label.value == "epoch 6 &middot; 1/3 done &middot; loss 0.2500"


def test_app_method_change_sets_its_default_flow_epochs():
    app = small_app()

    app.method_select.value = "gradient"
    assert app.flow_epochs_input.value == 100
    app.method_select.value = "projection"
    assert app.flow_epochs_input.value == 20


def test_app_save_html_writes_the_viewer_page(tmp_path):
    app = small_app()
    click(app.train_button, app)
    click(app.flow_button, app)

    path = app.save_html(tmp_path / "app.html")

    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert "gdeep-flow-viewer-state" in text


# -- helpers ------------------------------------------------------------------


def test_format_box_rounds_outwards_and_parses_back():
    box = [(-1.1537, 1.1512), (-0.004, 2.0)]

    text = format_box(box)

    assert text == "-1.16, 1.16; -0.01, 2"
    parsed = parse_box(text, 2)
    assert all(lo <= a and hi >= b for (lo, hi), (a, b) in zip(parsed, box))


@pytest.mark.parametrize(
    "text, n_features, match",
    [
        ("1, 2; 3", 2, "box entry 1 must be two numbers 'low, high', .*; got '3'"),
        (
            "(-1, 1), (1, -1)",
            2,
            "box entry 0 must be two numbers 'low, high', one pair per feature "
            "separated by ';'",
        ),
        ("a, b", 1, "box entry 0 must be two numbers"),
        ("0, 1", 3, r"one 'low, high' pair per feature \(3\), separated by ';'"),
        ("1, 0", 1, r"box\[0\] must have lower < upper"),
        ("-1e308, 1e308", 1, r"box\[0\] is too wide: upper - lower overflows"),
        ("-1e13, 1e13", 1, r"box\[0\] must be at most 1e\+12 wide .*, 2e\+13 wide"),
        ("0, 1; 0, 2e12", 2, r"box\[1\] must be at most 1e\+12 wide .*, 2e\+12 wide"),
        ("nan, 1", 1, "box must have finite bounds"),
        ("-inf, 1", 1, "box must have finite bounds"),
    ],
)
def test_parse_box_rejects_bad_text(text, n_features, match):
    with pytest.raises(ValueError, match=match):
        parse_box(text, n_features)


# -- the Voila notebook ---------------------------------------------------------


@pytest.mark.timeout(300)
def test_app_notebook_shows_only_the_app(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    path = Path(__file__).resolve().parents[1] / "examples" / "app.ipynb"
    nb = nbformat.read(path, as_version=4)

    nbclient.NotebookClient(
        nb,
        timeout=240,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()

    outputs = [o for cell in nb.cells for o in cell.get("outputs", [])]
    assert [o.output_type for o in outputs] == ["execute_result"]
    view = outputs[0]["data"]["application/vnd.jupyter.widget-view+json"]
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]
    app_state = state["state"][view["model_id"]]
    assert app_state["model_name"] == "VBoxModel"
    assert "gdeep-app" in app_state["state"]["_dom_classes"]
