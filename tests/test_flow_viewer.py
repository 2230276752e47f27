import base64
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import traitlets
from sklearn.decomposition import PCA

from gdeep_widgets._binary import unpack_array
from gdeep_widgets.plots import CLASS_COLORS
from gdeep_widgets.widgets import MESSAGE_TYPES, FlowViewer
from gdeep_widgets.widgets import flow_viewer as flow_viewer_module

COLORS_JS = Path(__file__).resolve().parents[1] / "js" / "src" / "lib" / "colors.js"


def from_browser(viewer, content):
    # The path ipywidgets takes for a custom message from the front end.
    viewer._handle_custom_msg(content, [])


def floats(raw):
    return np.frombuffer(raw, dtype="<f4")


def data_2d(n=20, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(n, 2))
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5).astype(int)
    return X, y


# -- traits -----------------------------------------------------------------


def test_flow_viewer_2d_data_is_padded_float32_bytes():
    X, y = data_2d(n=20)

    viewer = FlowViewer(X, y)

    assert viewer.n_dims == 2
    assert viewer.data["dtype"] == "float32"
    assert viewer.data["shape"] == [20, 3]
    assert len(viewer.data["buffer"]) == 20 * 3 * 4
    positions = floats(bytes(viewer.data["buffer"])).reshape(20, 3)
    np.testing.assert_array_equal(positions[:, :2], X.astype(np.float32))
    np.testing.assert_array_equal(positions[:, 2], 0)
    assert len(viewer.labels["buffer"]) == 20
    assert list(bytes(viewer.labels["buffer"])) == list(y)
    assert viewer.class_names == ["class 0", "class 1", "class 2"]


def test_flow_viewer_3d_data_passes_through():
    X = np.random.default_rng(1).normal(size=(15, 3))

    viewer = FlowViewer(X, np.zeros(15, dtype=int), class_names=["only"])

    assert viewer.n_dims == 3
    np.testing.assert_array_equal(unpack_array(viewer.data), X.astype(np.float32))
    assert viewer.class_names == ["only"]


def test_flow_viewer_wide_data_uses_one_pca_for_data_and_frames(sent):
    rng = np.random.default_rng(2)
    X = rng.normal(size=(60, 5)) * [5, 3, 2, 1, 0.5]
    F = rng.normal(size=(7, 5))
    pca = PCA(n_components=3).fit(X)

    viewer = FlowViewer(X, (X[:, 0] > 0).astype(int))
    messages = sent(viewer)
    viewer.add_frame(F)

    assert viewer.n_dims == 3
    np.testing.assert_allclose(unpack_array(viewer.data), pca.transform(X), atol=1e-4)
    drawn = floats(messages[0][1][0]).reshape(7, 3)
    np.testing.assert_allclose(drawn, pca.transform(F), atol=1e-4)


def test_flow_viewer_without_labels_uses_one_class():
    viewer = FlowViewer(np.zeros((4, 2)))
    assert list(bytes(viewer.labels["buffer"])) == [0, 0, 0, 0]
    assert viewer.class_names == ["data"]


def test_flow_viewer_message_types_trait_matches_constant():
    viewer = FlowViewer()
    assert viewer._message_types == MESSAGE_TYPES
    assert viewer.get_state()["_message_types"]["request_frames"] == "request_frames"


def test_flow_viewer_background_is_binary():
    viewer = FlowViewer(*data_2d())
    gap = np.abs(np.linspace(-0.5, 0.5, 12)).reshape(3, 4)

    viewer.set_background(gap, (gap > 0.2).astype(int), (-1, 1, -2, 2))

    assert len(viewer.background["gap"]["buffer"]) == 3 * 4 * 4
    assert len(viewer.background["top"]["buffer"]) == 3 * 4
    assert viewer.background["extent"] == [-1.0, 1.0, -2.0, 2.0]
    viewer.clear_background()
    assert viewer.background == {}


def test_flow_viewer_background_warns_in_3d():
    viewer = FlowViewer(np.zeros((3, 3)))
    with pytest.warns(UserWarning, match="only in 2D mode"):
        viewer.set_background(np.ones((2, 2)), np.zeros((2, 2), int), (0, 1, 0, 1))


# -- frames -----------------------------------------------------------------


def test_add_frame_sends_one_message_with_two_buffers(sent):
    viewer = FlowViewer(*data_2d())
    messages = sent(viewer)
    P = np.array([[0.5, -0.25], [1.0, 2.0], [3.0, 4.0]])
    d = np.array([0.3, 0.0, 0.25])

    viewer.add_frame(P, d)

    assert len(messages) == 1
    content, buffers = messages[0]
    assert content["type"] == "frame"
    assert content["index"] == 0
    assert content["n_points"] == 3
    assert len(buffers) == 2
    assert len(buffers[0]) == 3 * 3 * 4
    assert len(buffers[1]) == 3 * 4
    expected = [0.5, -0.25, 0, 1, 2, 0, 3, 4, 0]
    np.testing.assert_array_equal(floats(buffers[0]), expected)
    np.testing.assert_array_equal(floats(buffers[1]), d.astype(np.float32))
    assert viewer.n_frames == 1
    assert viewer.frames[0].shape == (3, 3)


def test_add_frame_without_distances_sends_nan(sent):
    viewer = FlowViewer(*data_2d())
    messages = sent(viewer)
    viewer.add_frame(np.zeros((2, 2)))
    assert np.isnan(floats(messages[0][1][1])).all()


def test_add_frame_follows_the_newest_frame_when_at_the_end():
    viewer = FlowViewer(*data_2d())
    for _ in range(3):
        viewer.add_frame(np.zeros((2, 2)))
    assert viewer.frame == 2
    viewer.frame = 0
    viewer.add_frame(np.zeros((2, 2)))
    assert viewer.frame == 0


def test_add_frame_accepts_empty_frames(sent):
    viewer = FlowViewer(*data_2d())
    messages = sent(viewer)

    viewer.add_frame(np.empty((0, 2)), np.empty(0))
    viewer.set_frames([np.empty((0, 2)), np.ones((1, 2))])

    assert viewer.n_frames == 2
    assert messages[0][0]["n_points"] == 0
    assert [len(b) for b in messages[0][1]] == [0, 0]
    assert viewer.frames[0].shape == (0, 3)


def test_frames_alone_fix_the_dimension():
    viewer = FlowViewer()
    viewer.add_frame(np.ones((4, 2)))
    assert viewer.n_dims == 2
    with pytest.raises(ValueError, match="points must have 2 columns"):
        viewer.add_frame(np.ones((4, 3)))


def test_request_frames_resends_every_frame(sent):
    viewer = FlowViewer(*data_2d())
    for k in range(3):
        viewer.add_frame(np.full((2, 2), k))
    messages = sent(viewer)

    from_browser(viewer, {"type": "request_frames"})

    assert [m[0]["index"] for m in messages] == [0, 1, 2]
    assert all(len(m[1]) == 2 for m in messages)
    np.testing.assert_array_equal(floats(messages[2][1][0])[:2], [2, 2])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"type": "bogus"}, "unknown type 'bogus'"),
        ({"no_type": 1}, "malformed"),
        ("just text", "malformed"),
    ],
)
def test_unexpected_browser_messages_warn_and_are_ignored(sent, content, message):
    viewer = FlowViewer(*data_2d())
    messages = sent(viewer)

    with pytest.warns(UserWarning, match=message):
        from_browser(viewer, content)

    assert messages == []
    viewer.add_frame(np.zeros((1, 2)))
    assert viewer.n_frames == 1


def test_clear_frames_tells_the_browser(sent):
    viewer = FlowViewer(*data_2d())
    viewer.add_frame(np.zeros((1, 2)))
    messages = sent(viewer)

    viewer.clear_frames()

    assert messages == [({"type": "clear"}, [])]
    assert viewer.n_frames == 0
    assert viewer.frames == []


def test_show_flow_takes_frames_distances_and_delta(sent):
    rng = np.random.default_rng(3)
    frames = [rng.normal(size=(5, 2)) for _ in range(4)]
    distances = [np.full(5, 0.1 / (k + 1)) for k in range(4)]
    flow = SimpleNamespace(frames_=frames, frame_distances_=distances, delta=0.05)
    viewer = FlowViewer(*data_2d())
    messages = sent(viewer)

    viewer.show_flow(flow)

    assert viewer.n_frames == 4
    assert viewer.delta == 0.05
    assert viewer.frame == 0
    frame_messages = [m for m in messages if m[0]["type"] == "frame"]
    assert len(frame_messages) == 4
    np.testing.assert_allclose(floats(frame_messages[3][1][1]), 0.025)


def test_show_flow_rejects_objects_without_frames():
    with pytest.raises(TypeError, match="frames_ attribute"):
        FlowViewer().show_flow(object())


def test_reset_camera_sends_a_message(sent):
    viewer = FlowViewer()
    messages = sent(viewer)
    viewer.reset_camera()
    assert messages == [({"type": "reset_camera"}, [])]


# -- validation ---------------------------------------------------------------

X3, Y3 = np.zeros((3, 2)), np.array([0, 1, 2])


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"data": [[0.0, np.nan]]}, ValueError, "data must contain only finite"),
        ({"data": [["a", "b"]]}, TypeError, "data must be an array of numbers"),
        ({"data": X3, "labels": [0, 1]}, ValueError, r"one entry per data point \(3\)"),
        ({"data": X3, "labels": [0, 1, 300]}, ValueError, r"in 0\.\.255"),
        ({"data": X3, "labels": [0, 1, -1]}, ValueError, "labels must be >= 0"),
        ({"data": X3, "labels": [0, 0.5, 1]}, ValueError, "integer classes"),
        ({"data": X3, "labels": Y3, "class_names": ["a"]}, ValueError, "all 3 classes"),
        ({"labels": Y3}, ValueError, "labels were given without data"),
        ({"fps": 0}, ValueError, r"fps must be in \(0, 120\]"),
        ({"delta": -1.0}, ValueError, r"delta must be in \(0, 0.5\); got -1.0"),
        ({"delta": 0.5}, ValueError, r"delta must be in \(0, 0.5\); got 0.5"),
        ({"frame": 3}, ValueError, "frame must be 0 while the viewer has no frames"),
        ({"fps": float("nan")}, ValueError, "fps must be finite"),
        ({"point_size": 0.0}, ValueError, "point_size must be > 0"),
        ({"height": 10}, ValueError, r"height must be in \[120, 4000\]"),
    ],
)
def test_flow_viewer_rejects_bad_input(kwargs, error, message):
    with pytest.raises(error, match=message):
        FlowViewer(**kwargs)


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        (([[0.0, 1.0, 2.0]],), ValueError, "points must have 2 columns"),
        (([[0.0, 1.0]], [0.1, 0.2]), ValueError, "one value per point of points"),
        (([[0.0, 1.0]], [-0.1]), ValueError, "distances must be >= 0"),
        (([[0.0, np.inf]],), ValueError, "points must contain only finite"),
        (([[0.0, 1.0]], None, -1), ValueError, "epoch must be >= 0; got -1"),
        (([[0.0, 1.0]], None, 1.5), TypeError, "epoch must be an integer"),
    ],
)
def test_add_frame_rejects_bad_input(sent, args, error, message):
    viewer = FlowViewer(X3, Y3)
    messages = sent(viewer)
    with pytest.raises(error, match=message):
        viewer.add_frame(*args)
    assert viewer.n_frames == 0
    assert messages == []


def test_set_frames_rejects_negative_epochs():
    viewer = FlowViewer(X3, Y3)
    with pytest.raises(ValueError, match="epochs must be >= 0; got -1"):
        viewer.set_frames([np.zeros((1, 2))] * 2, epochs=[-1, 0])
    assert viewer.n_frames == 0


@pytest.mark.parametrize(
    ("gap", "top", "extent", "message"),
    [
        (np.ones((2, 2)), np.zeros((3, 2), int), (0, 1, 0, 1), "shape of gap"),
        (np.ones((2, 2)), np.zeros((2, 2), int), (1, 0, 0, 1), "x0 < x1"),
        (-np.ones((2, 2)), np.zeros((2, 2), int), (0, 1, 0, 1), "gap must be >= 0"),
        (np.ones((1, 2)), np.zeros((1, 2), int), (0, 1, 0, 1), "at least 2 x 2"),
    ],
)
def test_set_background_rejects_bad_input(gap, top, extent, message):
    with pytest.raises(ValueError, match=message):
        FlowViewer(X3, Y3).set_background(gap, top, extent)


# -- state from the browser -----------------------------------------------------


def comm_update(viewer, state):
    # The path ipywidgets takes for a state update from the front end.
    viewer._handle_msg(
        {
            "content": {"data": {"method": "update", "state": state}},
            "buffers": [],
        }
    )


@pytest.fixture
def resent(monkeypatch):
    """Record the trait names a viewer sends back to the browser."""

    def patch(viewer):
        names = []
        original = viewer.send_state

        def send_state(key=None):
            names.extend([key] if isinstance(key, str) else key or [])
            return original(key)

        monkeypatch.setattr(viewer, "send_state", send_state)
        return names

    return patch


def viewer_with_frames(n_frames=3):
    viewer = FlowViewer(*data_2d())
    for _ in range(n_frames):
        viewer.add_frame(np.zeros((2, 2)))
    viewer.frame = 1
    return viewer


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("frame", -7, "frame must be >= 0; got -7"),
        ("frame", 3, r"frame must be in \[0, 2\] for 3 frames; got 3"),
        ("fps", 0, r"fps must be in \(0, 120\]; got 0.0"),
        ("delta", 0.75, r"delta must be in \(0, 0.5\); got 0.75"),
        ("point_size", -1, "point_size must be > 0"),
        ("height", 5, r"height must be in \[120, 4000\]"),
        ("frame", "2", "The 'frame' trait .* expected an int"),
    ],
)
def test_flow_viewer_set_state_rejects_bad_values_and_keeps_the_old(
    resent, name, value, message
):
    viewer = viewer_with_frames()
    before = getattr(viewer, name)
    names = resent(viewer)

    with pytest.warns(UserWarning, match=f"rejected {name}=.*: {message}"):
        viewer.set_state({name: value})

    assert getattr(viewer, name) == before
    assert names == [name]  # the browser gets Python's value back


def test_flow_viewer_set_state_keeps_the_good_values_of_a_message():
    viewer = viewer_with_frames()

    with pytest.warns(UserWarning, match="rejected fps=0"):
        viewer.set_state({"frame": 2, "fps": 0, "show_data": False})

    assert (viewer.frame, viewer.fps, viewer.show_data) == (2, 8.0, False)


def test_flow_viewer_comm_updates_cannot_write_bad_or_read_only_traits(resent):
    viewer = viewer_with_frames()
    key = viewer._store_key
    names = resent(viewer)

    with pytest.warns(UserWarning) as caught:
        comm_update(viewer, {"frame": -3})
        comm_update(viewer, {"fps": 0})
        comm_update(viewer, {"n_frames": 99, "frame": 2})
        comm_update(viewer, {"_store_key": "x", "_message_types": {}})

    assert (viewer.frame, viewer.fps, viewer.n_frames) == (2, 8.0, 3)
    assert viewer._store_key == key
    assert viewer._message_types == MESSAGE_TYPES
    texts = [str(w.message) for w in caught]
    assert len(texts) == 5
    assert "n_frames is read-only (written by Python only); it stays 3" in texts[2]
    assert all(re.search("(rejected|ignored) [_a-z]+=", text) for text in texts)
    assert names == ["frame", "fps", "n_frames", "_message_types", "_store_key"]


def test_flow_viewer_good_comm_updates_apply_without_warnings():
    viewer = viewer_with_frames()

    comm_update(viewer, {"frame": 2, "playing": True, "error": "draw: oops"})

    assert (viewer.frame, viewer.playing, viewer.error) == (2, True, "draw: oops")


def test_flow_viewer_trait_errors_are_trait_errors_and_value_errors():
    viewer = viewer_with_frames()

    with pytest.raises(traitlets.TraitError, match="frame must be in") as info:
        viewer.frame = 999

    assert isinstance(info.value, ValueError)
    assert viewer.frame == 1
    with pytest.raises(traitlets.TraitError, match="fps must be in"):
        with viewer.hold_trait_notifications():
            viewer.fps = -1
    assert viewer.fps == 8.0


def test_converged_colour_stands_apart_from_the_class_palette():
    (converged,) = re.findall(
        r'export const CONVERGED = "(#[0-9a-fA-F]{6})"', COLORS_JS.read_text()
    )

    def lightness(hex_color):
        rgb = np.array([int(hex_color[i : i + 2], 16) for i in (1, 3, 5)]) / 255
        linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
        y = linear @ [0.2126, 0.7152, 0.0722]
        return 116 * np.cbrt(y) - 16 if y > 216 / 24389 else 24389 / 27 * y

    # Lightness, unlike hue, is seen by colour-blind readers too.
    gaps = {c: abs(lightness(converged) - lightness(c)) for c in CLASS_COLORS}
    assert min(gaps.values()) > 10, gaps


def test_set_frames_checks_lengths_before_changing_anything():
    viewer = FlowViewer(X3, Y3)
    viewer.add_frame(np.zeros((1, 2)))
    with pytest.raises(ValueError, match="distances must have one entry per frame"):
        viewer.set_frames([np.zeros((1, 2))] * 2, distances=[np.zeros(1)])
    assert viewer.n_frames == 1


def test_missing_bundle_says_how_to_build(monkeypatch, tmp_path):
    monkeypatch.setattr(flow_viewer_module, "ESM_BUNDLE", tmp_path / "missing.js")
    with pytest.raises(FileNotFoundError, match="npm run build"):
        FlowViewer()


# -- saved pages ----------------------------------------------------------------


class PageParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls, self.scripts, self.title = [], [], ""
        self._in, self._attrs = None, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.urls += [attrs[k] for k in ("src", "href") if k in attrs]
        self._in, self._attrs = tag, attrs
        if tag == "script":
            self.scripts.append({"attrs": attrs, "text": ""})

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "script":
            self.scripts[-1]["text"] += data
        elif self._in == "title":
            self.title += data


def saved_viewer():
    X, y = data_2d(n=30)
    viewer = FlowViewer(
        X,
        y,
        title="<script>alert('t')</script>",
        class_names=["</script><script>alert(1)</script>", "b&c", "<b>z</b>"],
    )
    rng = np.random.default_rng(4)
    for k in range(3):
        viewer.add_frame(rng.uniform(size=(6, 2)), np.full(6, 0.1 * k))
    return viewer


def test_save_html_loads_nothing_from_outside(tmp_path):
    path = saved_viewer().save_html(tmp_path / "viewer.html")

    parser = PageParser()
    parser.feed(path.read_text(encoding="utf-8"))

    assert all(url.startswith("data:") for url in parser.urls), parser.urls
    assert [s["attrs"].get("src") for s in parser.scripts] == [None, None, None]


def test_save_html_escapes_title_and_class_names(tmp_path):
    page = saved_viewer().save_html(tmp_path / "viewer.html").read_text()

    parser = PageParser()
    parser.feed(page)

    # Three script elements: state, bundle, mount; no injected fourth.
    assert len(parser.scripts) == 3
    assert parser.title == "<script>alert('t')</script>"
    assert "<title>&lt;script&gt;" in page
    assert "</script><script>alert(1)" not in page


def test_save_html_round_trips_state_and_frames(tmp_path):
    viewer = saved_viewer()
    page = viewer.save_html(tmp_path / "viewer.html").read_text()

    parser = PageParser()
    parser.feed(page)
    (state_script,) = [
        s for s in parser.scripts if s["attrs"].get("type") == "application/json"
    ]
    payload = json.loads(state_script["text"])

    state = payload["state"]
    assert state["class_names"][0] == "</script><script>alert(1)</script>"
    assert state["n_frames"] == 3
    assert len(payload["frames"]) == 3
    raw = base64.b64decode(payload["frames"][2]["buffers"][0]["$b64"])
    np.testing.assert_array_equal(floats(raw).reshape(6, 3), viewer.frames[2])
    data = base64.b64decode(state["data"]["buffer"]["$b64"])
    assert len(data) == 30 * 3 * 4


def test_to_html_matches_save_html(tmp_path):
    viewer = saved_viewer()
    path = viewer.save_html(tmp_path / "v.html", title="My page")
    assert path.read_text(encoding="utf-8") == viewer.to_html(title="My page")
    assert "<title>My page</title>" in path.read_text(encoding="utf-8")


def test_set_frames_alone_fix_the_dimension_and_epochs():
    viewer = FlowViewer()
    viewer.set_frames([np.ones((3, 2)), np.zeros((3, 2))], epochs=[0, 10])
    assert viewer.n_dims == 2
    assert viewer.n_frames == 2
    with pytest.raises(TypeError, match="epochs must be an integer"):
        viewer.set_frames([np.ones((3, 2))], epochs=[0.5])
    assert viewer.n_frames == 2


def test_store_key_is_in_the_opening_state_and_unique():
    first, second = FlowViewer(), FlowViewer()
    assert len(first.get_state()["_store_key"]) == 32
    assert first._store_key != second._store_key
