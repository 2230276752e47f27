import json
import re
from html.parser import HTMLParser

import numpy as np
import pytest

from gdeep_widgets.cli import main, run_demo


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if key in ("src", "href") and value:
                self.urls.append(value)


def test_demo_prints_table_and_summary_and_writes_an_offline_page(tmp_path, capsys):
    out = tmp_path / "tori.html"
    result = run_demo("tori-entangled", out, n_samples=2000, flow_epochs=8)
    printed = capsys.readouterr().out
    assert "| epoch | train_loss | valid_loss | accuracy | time" in printed
    assert len(re.findall(r"^\|\s+\d+ \|", printed, flags=re.M)) == 10
    assert "points sampled          2000" in printed
    assert "points on the boundary" in printed and "max |p - 1/2|" in printed
    assert result["n_boundary"] >= 0.99 * 2000
    assert result["max_distance"] < 0.01
    assert result["n_frames"] == 9
    page = out.read_text()
    parser = _Links()
    parser.feed(page)
    assert all(not re.match(r"^(https?:)?//", url) for url in parser.urls), parser.urls
    assert "http://" not in re.sub(r"<script.*?</script>", "", page, flags=re.S)


def test_demo_circles_has_a_background_heatmap(tmp_path):
    result = run_demo(
        "circles",
        tmp_path / "c.html",
        n_samples=500,
        n_epochs=3,
        flow_epochs=3,
        verbose=False,
    )
    assert result["out"].endswith("c.html")
    assert '"background"' in (tmp_path / "c.html").read_text()


def test_cli_reports_bad_arguments_as_an_error(capsys):
    assert main(["demo", "circles", "--n-samples", "0"]) == 2
    assert "n_samples must be a positive integer; got 0" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["demo", "spirals"])


def test_export_writes_a_page_from_saved_arrays(tmp_path, capsys):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 3))
    y = (X[:, 0] > 0).astype(int)
    frames = np.stack([rng.normal(size=(30, 3)) * s for s in (1.0, 0.5, 0.1)])
    source = tmp_path / "flow.npz"
    np.savez(source, X=X, y=y, frames=frames, distances=np.abs(frames[:, :, 0]))
    out = tmp_path / "flow.html"
    assert main(["export", str(source), "--out", str(out), "--title", "Saved"]) == 0
    assert "wrote" in capsys.readouterr().out
    page = out.read_text()
    state = re.search(
        r'<script type="application/json"[^>]*>(.*?)</script>', page, re.S
    )
    payload = json.loads(state[1])
    assert "<title>Saved</title>" in page
    assert payload["state"]["n_frames"] == 3
    assert len(payload["frames"]) == 3


def test_export_names_the_missing_arrays(tmp_path, capsys):
    source = tmp_path / "bad.npz"
    np.savez(source, points=np.zeros((3, 2)))
    assert main(["export", str(source), "--out", str(tmp_path / "x.html")]) == 2
    assert "must hold an array named X (or data) or frames" in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["npy", "text"])
def test_export_refuses_a_file_that_is_not_an_npz_archive(kind, tmp_path, capsys):
    if kind == "npy":
        source = tmp_path / "arrays.npy"
        np.save(source, np.zeros((3, 2)))
    else:
        source = tmp_path / "notes.npz"
        source.write_text("not an archive")
    out = tmp_path / "x.html"
    assert main(["export", str(source), "--out", str(out)]) == 2
    assert "source must be an .npz archive written by numpy.savez" in (
        capsys.readouterr().err
    )
    assert not out.exists()


def test_checking_out_leaves_no_trace(tmp_path):
    from gdeep_widgets.cli import _check_writable

    old = tmp_path / "page.html"
    old.write_text("old page")
    _check_writable(old)
    assert old.read_text() == "old page"
    new = tmp_path / "new.html"
    _check_writable(new)
    assert not new.exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--n-samples", "0"], "n_samples must be a positive integer; got 0"),
        (["--epochs", "0"], "n_epochs must be a positive integer; got 0"),
        (["--flow-epochs", "-1"], "flow_epochs must be >= 0; got -1"),
        (["--delta", "0.7"], r"delta must be in \(0.0, 0.5\); got 0.7"),
        (["--seed", "-3"], "seed must be None, an integer >= 0"),
        (["--out", "/nonexistent-folder/x.html"], "must be in an existing folder"),
        (
            ["--out", "/proc/gdeep-widgets-test.html"],
            "out must be (in a writable folder|a file that can be written)",
        ),
    ],
)
def test_demo_checks_every_option_before_any_work(args, message, capsys, monkeypatch):
    import gdeep_widgets.experiments as experiments

    def no_work(*a, **k):
        raise AssertionError("the dataset was built before the options were checked")

    monkeypatch.setattr(experiments.Experiment, "make_data", no_work)
    assert main(["demo", "circles", *args]) == 2
    assert re.search(message, capsys.readouterr().err)


def test_cli_version(capsys):
    with pytest.raises(SystemExit):
        main(["--version"])
    assert "gdeep-widgets 0." in capsys.readouterr().out
