"""Widget transport benchmark: flow frames as binary buffers against JSON lists.

For 10k and 100k points per frame (3D positions and a distance per point), it
measures, on the Python side, what one frame costs to send:

- binary: ``FlowViewer.add_frame`` as the app calls it (projection, float32
  packing, one custom message with two buffers), then serialised for the wire
  by jupyter_client's ``Session.serialize`` as the kernel does;
- JSON: the same positions and distances as lists in the message content
  (``positions.tolist()``), serialised the same way.

It prints the bytes per frame and the frames per second each way, and their
ratios. No kernel and no browser are needed: the viewer's ``send`` is
captured and serialised here, which is what ipykernel does with it before
the bytes reach the socket.

Ratios compare runs made in this process on this machine; absolute times vary
from machine to machine.

    python benchmarks/widget.py [--quick] [--section python]

Each part of the benchmark is one function in ``SECTIONS``; a section that
needs a browser (time from the Python send to the drawn frame) takes the same
sizes and prints its own table.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import numpy as np
from jupyter_client.session import Session

from gdeep_widgets.widgets import MESSAGE_TYPES, FlowViewer

SIZES = (10_000, 100_000)


class WireCapture:
    """Stands in for a viewer's ``send``: serialises each message as a kernel would."""

    def __init__(self):
        self.session = Session(key=b"")
        self.comm_id = "0" * 32
        self.n_bytes = []

    def __call__(self, content, buffers=None):
        self.n_bytes.append(self.wire_bytes(content, buffers))

    def wire_bytes(self, data, buffers=None):
        msg = self.session.msg("comm_msg", {"comm_id": self.comm_id, "data": data})
        # Session.send puts the buffers after the serialised parts, as they are.
        parts = self.session.serialize(msg)
        buffers = [memoryview(b) for b in buffers or []]
        return sum(len(part) for part in parts) + sum(b.nbytes for b in buffers)


def make_frames(n_points, n_frames, seed=0):
    """Frames of a flow in 3D: points drifting towards a sphere, with distances."""
    rng = np.random.default_rng(seed)
    start = rng.uniform(-2, 2, size=(n_points, 3))
    target = start / np.linalg.norm(start, axis=1, keepdims=True)
    frames = []
    for t in np.linspace(0, 1, n_frames):
        points = (1 - t) * start + t * target
        distances = np.abs(np.linalg.norm(points, axis=1) - 1) / 4
        frames.append((points, distances.astype(np.float32)))
    return start, frames


def time_binary(data, frames):
    """Seconds per frame and bytes per frame of ``add_frame`` plus serialisation."""
    viewer = FlowViewer(data=data)
    wire = WireCapture()
    viewer.send = wire
    seconds = []
    for points, distances in frames:
        start = time.perf_counter()
        viewer.add_frame(points, distances)
        seconds.append(time.perf_counter() - start)
    # Trait updates (n_frames, frame) go through the comm directly, not
    # through send: each captured message is one frame.
    assert len(wire.n_bytes) == viewer.n_frames == len(frames)
    return statistics.median(seconds), statistics.median(wire.n_bytes)


def time_json(frames):
    """The same frames as JSON lists in the message content."""
    wire = WireCapture()
    seconds, sizes = [], []
    for index, (points, distances) in enumerate(frames):
        start = time.perf_counter()
        positions = np.ascontiguousarray(points, dtype=np.float32)
        content = {
            "type": MESSAGE_TYPES["frame"],
            "index": index,
            "n_points": len(positions),
            "epoch": index,
            "positions": positions.tolist(),
            "distances": distances.tolist(),
        }
        sizes.append(wire.wire_bytes(content))
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds), statistics.median(sizes)


def python_section(sizes, quick):
    """Bytes per frame and frames per second sent from Python, binary vs JSON."""
    print("Python side: one flow frame (3D positions + distances) per message")
    header = (
        f"{'points':>8} | {'binary':>10} {'JSON':>10} {'bytes':>6} | "
        f"{'binary':>9} {'JSON':>9} {'time':>6} | {'binary':>8} {'JSON':>8}"
    )
    units = (
        f"{'':>8} | {'MB/frame':>10} {'MB/frame':>10} {'ratio':>6} | "
        f"{'ms/frame':>9} {'ms/frame':>9} {'ratio':>6} | {'frames/s':>8} "
        f"{'frames/s':>8}"
    )
    print(header)
    print(units)
    print("-" * len(header))
    results = []
    for n_points in sizes:
        n_frames = 5 if quick else (21 if n_points <= 10_000 else 11)
        data, frames = make_frames(n_points, n_frames)
        # One untimed frame each way first, so imports and caches are warm.
        time_binary(data, frames[:1])
        time_json(frames[:1])
        binary_s, binary_b = time_binary(data, frames)
        json_s, json_b = time_json(frames)
        print(
            f"{n_points:>8} | {binary_b / 1e6:>10.3f} {json_b / 1e6:>10.3f} "
            f"{json_b / binary_b:>6.1f} | {1e3 * binary_s:>9.2f} {1e3 * json_s:>9.2f} "
            f"{json_s / binary_s:>6.1f} | {1 / binary_s:>8.0f} {1 / json_s:>8.1f}"
        )
        results.append(
            {
                "n_points": n_points,
                "binary_bytes": binary_b,
                "json_bytes": json_b,
                "binary_seconds": binary_s,
                "json_seconds": json_s,
            }
        )
    print(
        "ratios: JSON / binary (higher is better for binary); medians over the "
        "frames of one flow."
    )
    return results


SECTIONS = {"python": python_section}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="5 frames per size (a smoke run)"
    )
    parser.add_argument(
        "--section",
        choices=list(SECTIONS),
        action="append",
        help="run only this section (repeatable); all by default",
    )
    args = parser.parse_args(argv)
    for name in args.section or list(SECTIONS):
        SECTIONS[name](SIZES, args.quick)
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
