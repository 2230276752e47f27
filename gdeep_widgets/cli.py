"""The ``gdeep-widgets`` command: run an experiment and write the viewer page."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

from . import __version__
from ._validation import check_choice, check_float, check_int, check_random_state
from .experiments import EXPERIMENTS
from .flow import METHODS

__all__ = ["export_page", "main", "run_demo"]

EXPORT_KEYS = "X (or data), y (or labels), frames, distances, epochs"


def run_demo(
    name,
    out=None,
    *,
    n_samples=10000,
    n_epochs=None,
    flow_epochs=None,
    method="projection",
    delta=0.01,
    seed=0,
    verbose=True,
):
    """Run one reference experiment end to end; returns a dict of figures.

    Builds the dataset, trains the experiment's network (printing the epoch
    table), flows ``n_samples`` points onto its decision boundary and, with
    ``out``, writes a self-contained HTML page with the viewer and all frames.
    """
    import torch

    from .experiments import get_experiment
    from .flow import GradientFlow
    from .models import Net
    from .training import train_classification_nn

    experiment = get_experiment(name)
    n_samples = check_int(n_samples, "n_samples", low=1)
    n_epochs = experiment.n_epochs if n_epochs is None else n_epochs
    n_epochs = check_int(n_epochs, "n_epochs", low=1)
    if flow_epochs is not None:
        flow_epochs = check_int(flow_epochs, "flow_epochs", low=0)
    check_choice(method, "method", METHODS)
    check_float(delta, "delta", low=0.0, high=0.5, low_open=True, high_open=True)
    seed = check_random_state(seed, "seed", allow_generator=False)
    if out is not None:
        _check_writable(out)
    say = print if verbose else (lambda *a, **k: None)
    X, y = experiment.make_data(random_state=seed)
    say(f"Dataset {name}: {experiment.description}")
    torch.manual_seed(seed)
    model = Net(list(experiment.arch), n_classes=int(y.max()) + 1)
    say(f"Network: {model}")
    history = train_classification_nn(
        model,
        X,
        y,
        n_epochs=n_epochs,
        random_state=seed,
        verbose=verbose,
        progress=False,
    )
    flow = GradientFlow(
        model,
        experiment.box,
        n_samples=n_samples,
        n_epochs=flow_epochs,
        method=method,
        delta=delta,
        random_state=seed,
        progress=verbose and n_samples >= 200_000,
    )
    start = time.perf_counter()
    boundary = flow()
    flow_time = time.perf_counter() - start
    dist = flow.distances_
    on_boundary = dist[dist < delta]
    coverage = flow.coverage()
    result = {
        "dataset": name,
        "n_data": int(len(X)),
        "accuracy": float(history.last.accuracy),
        "n_samples": int(n_samples),
        "n_boundary": int(len(boundary)),
        "max_distance": float(on_boundary.max()) if len(on_boundary) else float("nan"),
        "fraction_1e-4": float(np.mean(dist < 1e-4)),
        "flow_epochs": int(flow.epoch_),
        "flow_time": flow_time,
        "coverage_spread": coverage["spread"],
        "n_frames": len(flow.frames_),
        "convergence": [
            (stats["epoch"], stats["fraction_within_delta"]) for stats in flow.history_
        ],
        "out": None,
    }
    if out is not None:
        result["out"] = str(write_page(out, X, y, flow, model, experiment))
    say("")
    say(format_summary(result, method, delta))
    return result


def _check_writable(out):
    """Fail before any work if ``out`` cannot be written."""
    path = Path(out)
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise ValueError(f"out must be a file name; {str(path)!r} is a folder.")
    if not folder.is_dir():
        raise ValueError(
            f"out must be in an existing folder; {str(folder)!r} does not exist."
        )
    if not os.access(folder, os.W_OK):
        raise ValueError(f"out must be in a writable folder; got {str(folder)!r}.")
    # Permissions alone do not tell (root, read-only mounts, /proc): try it.
    existed = path.exists()
    try:
        with open(path, "ab" if existed else "xb"):
            pass
    except OSError as exc:
        raise ValueError(
            f"out must be a file that can be written; {str(path)!r} cannot "
            f"({exc.strerror or exc})."
        ) from None
    if not existed:
        path.unlink()


def write_page(out, X, y, flow, model, experiment):
    """Write the viewer with the data and the flow's frames to ``out``."""
    from .plots import decision_surface
    from .widgets import FlowViewer

    widths = [*model.arch, model.n_classes]
    viewer = FlowViewer(
        data=X,
        labels=y,
        title=f"{experiment.title}, network {'-'.join(map(str, widths))}",
        class_names=list(experiment.class_names),
    )
    viewer.show_flow(flow)
    if X.shape[1] == 2:
        viewer.set_background(*decision_surface(model, flow.boundary_tuple))
    path = Path(out)
    viewer.save_html(path)
    return path


def export_page(source, out, title=None):
    """Write the viewer page for arrays saved with ``numpy.savez``.

    ``source`` holds ``X`` (or ``data``) of shape (n, D), and optionally ``y``
    (or ``labels``), ``frames`` of shape (k, m, D), ``distances`` of shape
    (k, m) and ``epochs`` of shape (k,). Returns the path written.
    """
    from .widgets import FlowViewer

    try:
        archive = np.load(source, allow_pickle=False)
    except ValueError:
        archive = None
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise ValueError(
            f"source must be an .npz archive written by numpy.savez; {source} is "
            "not one."
        )
    with archive as arrays:
        keys = set(arrays.files)
        data_key = "X" if "X" in keys else "data" if "data" in keys else None
        label_key = "y" if "y" in keys else "labels" if "labels" in keys else None
        if data_key is None and "frames" not in keys:
            raise ValueError(
                f"{source} must hold an array named X (or data) or frames; it holds "
                f"{', '.join(sorted(keys)) or 'nothing'}. Known names: {EXPORT_KEYS}."
            )
        if label_key and not data_key:
            raise ValueError(
                f"{source} holds labels ({label_key}) but no data; save X (or data) "
                "with them."
            )
        if "epochs" in keys:
            epochs = arrays["epochs"]
            if epochs.dtype.kind not in "iu" and not np.all(epochs == np.round(epochs)):
                raise ValueError(
                    f"epochs in {source} must be whole numbers; got {epochs.tolist()}."
                )
        viewer = FlowViewer(
            data=arrays[data_key] if data_key else None,
            labels=arrays[label_key] if label_key and data_key else None,
            title=title if title is not None else Path(source).stem,
        )
        if "frames" in keys:
            viewer.set_frames(
                list(arrays["frames"]),
                distances=list(arrays["distances"]) if "distances" in keys else None,
                epochs=[int(e) for e in arrays["epochs"]] if "epochs" in keys else None,
            )
    return viewer.save_html(out)


def format_summary(result, method, delta):
    """The demo's summary block."""
    pct = 100.0 * result["n_boundary"] / max(result["n_samples"], 1)
    lines = [
        f"Summary: {result['dataset']}",
        f"  data points             {result['n_data']}",
        f"  validation accuracy     {result['accuracy']:.4f}",
        f"  points sampled          {result['n_samples']}",
        f"  flow                    {method}, {result['flow_epochs']} epochs, "
        f"{result['flow_time']:.2f} s",
        f"  points on the boundary  {result['n_boundary']} ({pct:.2f} %, "
        f"|p - 1/2| < {delta:g})",
        f"  max |p - 1/2| on it     {result['max_distance']:.3g}",
        f"  on it by epoch          {_convergence(result['convergence'])}",
        f"  within 1e-4             {100 * result['fraction_1e-4']:.2f} %",
        f"  coverage spread         {result['coverage_spread']:.2f} "
        "(p90/p10 of neighbour spacing; 1 is even)",
        f"  frames                  {result['n_frames']}",
    ]
    if result["out"]:
        size = Path(result["out"]).stat().st_size / 2**20
        lines.append(
            f"  wrote                   {result['out']} ({size:.1f} MiB, opens offline)"
        )
    return "\n".join(lines)


def _convergence(history, limit=8):
    """'0: 0.24 %, 1: 31.89 %, ...' up to the first epoch where all points are in."""
    shown = []
    for epoch, fraction in history:
        shown.append(f"{epoch}: {100 * fraction:.2f} %")
        if fraction >= 1.0 or len(shown) == limit:
            break
    return ", ".join(shown)


def _parser():
    parser = argparse.ArgumentParser(
        prog="gdeep-widgets",
        description="Train a small network and watch points flow onto its "
        "decision boundary.",
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser(
        "demo",
        help="run a reference experiment and write the viewer page",
        description="Build the dataset, train the network (printing one row per "
        "epoch), flow sample points onto the decision boundary, print a summary "
        "and write a self-contained HTML page with the 3D viewer.",
    )
    demo.add_argument("dataset", choices=list(EXPERIMENTS))
    demo.add_argument("--out", help="HTML file to write (e.g. tori.html)")
    demo.add_argument(
        "--n-samples", type=int, default=10000, help="sample points (default 10000)"
    )
    demo.add_argument(
        "--epochs", type=int, default=None, help="training epochs (default 10)"
    )
    demo.add_argument(
        "--flow-epochs",
        type=int,
        default=None,
        help="flow epochs (default 20; 100 for --method gradient)",
    )
    demo.add_argument(
        "--method",
        choices=["projection", "gradient"],
        default="projection",
        help="flow method (default projection)",
    )
    demo.add_argument(
        "--delta",
        type=float,
        default=0.01,
        help="boundary threshold on |p - 1/2| (default 0.01)",
    )
    demo.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    export = sub.add_parser(
        "export",
        help="write the viewer page for arrays saved with numpy.savez",
        description="Write a self-contained HTML page of the viewer from an .npz "
        f"file holding {EXPORT_KEYS}; frames has shape (k, n, D).",
    )
    export.add_argument("source", help="the .npz file")
    export.add_argument("--out", required=True, help="HTML file to write")
    export.add_argument("--title", default=None, help="page title")
    return parser


def main(argv=None):
    """Entry point of the ``gdeep-widgets`` command."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "export":
            path = export_page(args.source, args.out, args.title)
            size = path.stat().st_size / 2**20
            print(f"wrote {path} ({size:.1f} MiB, opens offline)")
        else:
            run_demo(
                args.dataset,
                args.out,
                n_samples=args.n_samples,
                n_epochs=args.epochs,
                flow_epochs=args.flow_epochs,
                method=args.method,
                delta=args.delta,
                seed=args.seed,
            )
    except (ValueError, TypeError, OSError) as exc:
        print(f"gdeep-widgets: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
