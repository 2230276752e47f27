"""Boundary engine benchmark: the default method against the reference descent.

Prints one table. For each reference problem (circles; entangled and
unentangled tori; reference architectures trained for 10 epochs) and 10k sample
points: the reference method (Adam, learning rate 1e-3, on (p - 1/2)^2, 1000
steps) and the default method, with wall time, the fraction of points within
1e-2 and 1e-4 of p = 1/2, and the time ratio. Then a 1M-point run of the default
method (time and peak memory, measured in a child process) and the torus
generator at 1M points against a per-point Python loop.

Ratios compare runs made in this process on this machine; absolute times vary
from machine to machine. The default method's time is the median of 5 runs
(each takes well under a second, so one run is at the mercy of other load); the
reference runs once, its 1000 steps averaging out such noise.

    python benchmarks/flow.py [--quick]
"""

from __future__ import annotations

import argparse
import math
import multiprocessing as mp
import resource
import sys
import time
import warnings

import numpy as np
import torch

from gdeep_widgets import (
    GradientFlow,
    Net,
    Rotation,
    make_torus_point_cloud,
    train_classification_nn,
)
from gdeep_widgets.experiments import EXPERIMENTS


def trained(name, seed=0):
    experiment = EXPERIMENTS[name]
    X, y = experiment.make_data(random_state=seed)
    torch.manual_seed(seed)
    net = Net(list(experiment.arch))
    train_classification_nn(net, X, y, n_epochs=10, random_state=seed, verbose=False)
    return net, experiment.box


def timed_flow(net, box, n_samples, repeat=1, **kwargs):
    """Run a flow ``repeat`` times; the median time and the last run's figures."""
    times = []
    for _ in range(repeat):
        flow = GradientFlow(
            net, box, n_samples=n_samples, random_state=0, frame_every=None, **kwargs
        )
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            flow()
        times.append(time.perf_counter() - start)
    dist = flow.distances_
    seconds = float(np.median(times))
    return seconds, float(np.mean(dist < 1e-2)), float(np.mean(dist < 1e-4)), flow


def reference_torus_loop(label, n_points, rotation, base_point, radius):
    """The reference construction: one point at a time in Python."""
    matrix = rotation.matrix
    points, labels = [], []
    for i in range(n_points):
        theta = 2 * math.pi * i / n_points
        for j in range(n_points):
            phi = 2 * math.pi * j / n_points
            ring = 2 + radius * math.cos(theta)
            p = [ring * math.cos(phi), ring * math.sin(phi), radius * math.sin(theta)]
            q = [
                sum(matrix[r][c] * p[c] for c in range(3)) + base_point[r]
                for r in range(3)
            ]
            points.append(q)
            labels.append(label)
    return np.array(points), np.array(labels)


def _peak_child(n_samples, run_flow, queue):
    net, box = trained("tori-entangled")
    flow = GradientFlow(net, box, n_samples=n_samples, random_state=0, frame_every=None)
    start = time.perf_counter()
    if run_flow:
        flow()
        within = float(np.mean(flow.distances_ < 1e-4))
    else:
        within = float("nan")
    seconds = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put((seconds, within, peak_kib))


def in_child(n_samples, run_flow):
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_peak_child, args=(n_samples, run_flow, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="100 reference steps and 100k points instead of 1000 and 1M",
    )
    args = parser.parse_args(argv)
    steps = 100 if args.quick else 1000
    big = 100_000 if args.quick else 1_000_000
    torch.set_num_threads(torch.get_num_threads())

    rows = []
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, CPU\n")
    print(
        "| problem | method | epochs | time (s) | within 1e-2 | within 1e-4 | "
        "time ratio |"
    )
    print("|---|---|---|---|---|---|---|")
    for name in EXPERIMENTS:
        net, box = trained(name)
        t_ref, a2, a4 = timed_flow(net, box, 10_000, method="gradient", n_epochs=steps)[
            :3
        ]
        t_new, b2, b4, _ = timed_flow(net, box, 10_000, repeat=5)
        rows.append((name, t_ref / t_new, b4))
        print(
            f"| {name} | reference (Adam 1e-3) | {steps} | {t_ref:.3f} | {a2:.4f} | "
            f"{a4:.4f} | 1 |",
            flush=True,
        )
        print(
            f"| {name} | projection (default) | 20 | {t_new:.3f} | {b2:.4f} | "
            f"{b4:.4f} | {t_ref / t_new:.0f}x faster |",
            flush=True,
        )

    base_s, _, base_kib = in_child(big, run_flow=False)
    big_s, big_within, big_kib = in_child(big, run_flow=True)
    print(
        f"| tori-entangled | projection, {big:,} points | 20 | {big_s:.2f} | - | "
        f"{big_within:.4f} | peak memory {big_kib / 1024:.0f} MiB "
        f"(+{(big_kib - base_kib) / 1024:.0f} MiB over set-up) |",
        flush=True,
    )

    n_points = int(round(math.sqrt(big)))
    rotation = Rotation(1, 2, math.pi / 2)
    start = time.perf_counter()
    fast, _ = make_torus_point_cloud(0, n_points, 0.0, rotation, [0, 0, 0], radius=0.3)
    t_fast = time.perf_counter() - start
    start = time.perf_counter()
    slow, _ = reference_torus_loop(0, n_points, rotation, [0, 0, 0], 0.3)
    t_slow = time.perf_counter() - start
    assert np.allclose(np.sort(fast, 0), np.sort(slow, 0), atol=1e-9)
    print(
        f"| torus generator | vectorised vs per-point loop, {n_points**2:,} points | "
        f"- | {t_fast:.3f} vs {t_slow:.2f} | - | - | {t_slow / t_fast:.0f}x faster |"
    )

    print(
        "\nDefault method against the reference: "
        + ", ".join(
            f"{n} {r:.0f}x faster ({100 * w:.2f} % within 1e-4)" for n, r, w in rows
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
