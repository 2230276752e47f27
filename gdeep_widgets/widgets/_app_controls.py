"""Controls and text of the DecisionBoundaryApp: parameter widgets, box text,
network description, epoch table and status line."""

from __future__ import annotations

import html
import math

import ipywidgets as widgets

from .._validation import check_box

__all__ = [
    "ARRAYS",
    "CLASS_NAMES",
    "DESCRIPTION_WIDTH",
    "MAX_BOX_WIDTH",
    "MAX_WEIGHTS",
    "check_network_size",
    "count_weights",
    "describe_network",
    "format_box",
    "history_table_html",
    "param_widget",
    "parse_box",
    "status_html",
]

#: Value of the dataset menu for the arrays given to the app.
ARRAYS = "arrays"

DESCRIPTION_WIDTH = "92px"

#: Most weights (and biases) a network of the app may have: 50 million float32
#: take 200 MB, and Adam keeps two more copies; past that, training on a CPU
#: would take hours per epoch and may exhaust the kernel's memory.
MAX_WEIGHTS = 50_000_000

#: Widest side of a flow box, upper - lower. Wider is a typo rather than a
#: region to sample (the points would all land far from the data), and near
#: 1e308 the width itself overflows (1e308 - -1e308 is inf), which used to
#: surface as a confusing error from the heat map grid.
MAX_BOX_WIDTH = 1e12

#: Label and tooltip of each dataset parameter of the registry.
PARAM_TEXT = {
    "n_samples": ("Samples", "Number of data points."),
    "noise": ("Noise", "Standard deviation of the Gaussian noise on the points."),
    "factor": ("Inner radius", "Radius of the inner circle, as a share of the outer."),
    "centers": ("Classes", "Number of blobs, one class each."),
    "cluster_std": ("Blob spread", "Standard deviation of each blob."),
    "n_points": ("Points/angle", "Points per angle and torus: 2 x n^2 points in all."),
    "radius": ("Tube radius", "Minor radius of both tori (major radius 2)."),
    "random_state": ("Seed", "Random seed of the dataset."),
}

#: Legend names of the reference datasets' classes, in label order.
CLASS_NAMES = {
    "circles": ["outer circle", "inner circle"],
    "moons": ["upper moon", "lower moon"],
    "tori-entangled": ["upright torus", "flat torus"],
    "tori-unentangled": ["upright torus", "flat torus"],
}

_STATUS_COLORS = {
    "info": "#1f2328",
    "busy": "#0b5cad",
    "warn": "#8a4b00",
    "error": "#b42318",
}


def _style():
    return {"description_width": DESCRIPTION_WIDTH}


def param_widget(name, default, low, high):
    """A widget for one registry parameter ``name`` with (default, low, high).

    Integers get a slider when their range is small and a bounded text box
    otherwise (sample counts, seeds); floats get a slider. All update on
    release or Enter, not on every keystroke, so each change makes one dataset.
    """
    label, help_text = PARAM_TEXT.get(name, (name, ""))
    common = {
        "value": default,
        "min": low,
        "max": high,
        "description": label,
        "tooltip": f"{name}: {help_text} In [{low}, {high}].",
        "continuous_update": False,
        "style": _style(),
        "layout": widgets.Layout(width="auto"),
    }
    if isinstance(default, int):
        if high - low <= 1000:
            return widgets.IntSlider(step=1, **common)
        return widgets.BoundedIntText(
            step=max(1, 10 ** int(math.log10(high - low) - 3)), **common
        )
    step = 10.0 ** math.floor(math.log10(high - low)) / 100
    return widgets.FloatSlider(step=step, readout_format=".2f", **common)


def _round_out(low, high):
    """Round an interval outwards to about three significant digits of its span."""
    span = max(high - low, 1e-12)
    digits = max(0, 2 - math.floor(math.log10(span)))
    scale = 10.0**digits
    return (
        round(math.floor(low * scale) / scale, digits),
        round(math.ceil(high * scale) / scale, digits),
    )


def format_box(box):
    """Text of a box such as ``"-1.2, 1.2; -1.2, 1.2"``, rounded outwards."""
    pairs = [_round_out(float(lo), float(hi)) for lo, hi in box]
    return "; ".join(f"{lo:g}, {hi:g}" for lo, hi in pairs)


def parse_box(text, n_features):
    """Read a box from text: one ``low, high`` pair per feature, separated by ';'.

    Returns
    -------
    list of (float, float)

    Raises
    ------
    ValueError
        Naming the entry that is not two numbers, a wrong number of pairs, a
        bound that is not finite, a pair with low >= high, or a pair wider
        than :data:`MAX_BOX_WIDTH`.
    """
    parts = [part.strip() for part in str(text).split(";") if part.strip()]
    pairs = []
    for i, part in enumerate(parts):
        values = part.replace("(", " ").replace(")", " ").replace(",", " ").split()
        try:
            numbers = [float(v) for v in values]
        except ValueError:
            numbers = []
        if len(numbers) != 2:
            raise ValueError(
                f"box entry {i} must be two numbers 'low, high', one pair per "
                f"feature separated by ';'; got {part!r}."
            )
        pairs.append(tuple(numbers))
    if len(pairs) != n_features:
        raise ValueError(
            f"box must have one 'low, high' pair per feature ({n_features}), "
            f"separated by ';'; got {len(pairs)} pair(s) in {str(text)!r}."
        )
    box = [(float(lo), float(hi)) for lo, hi in check_box(pairs, "box", n_features)]
    for i, (lo, hi) in enumerate(box):
        # Python floats: 1e308 - (-1e308) is inf here, without a numpy warning.
        width = hi - lo
        if not math.isfinite(width) or width > MAX_BOX_WIDTH:
            raise ValueError(
                f"box[{i}] must be at most {MAX_BOX_WIDTH:g} wide (upper - lower); "
                f"got ({lo:g}, {hi:g}), {width:g} wide. Narrow it, or click the "
                "button next to the box to fit it to the data."
            )
    return box


def count_weights(n_features, hidden, n_classes):
    """Number of weights and biases of the network n_features -> hidden -> n_classes."""
    widths = [n_features, *hidden, n_classes]
    return sum((a + 1) * b for a, b in zip(widths[:-1], widths[1:]))


def check_network_size(n_features, hidden, n_classes):
    """Raise a ValueError when the network has more than MAX_WEIGHTS weights."""
    n_weights = count_weights(n_features, hidden, n_classes)
    if n_weights > MAX_WEIGHTS:
        raise ValueError(
            f"the network {' -> '.join(map(str, [n_features, *hidden, n_classes]))} "
            f"would have {n_weights:,} weights; at most {MAX_WEIGHTS:,} are "
            "allowed. Use narrower or fewer hidden layers."
        )
    return n_weights


def describe_network(n_features, hidden, n_classes):
    """One line: the full architecture and its parameter count."""
    widths = [n_features, *hidden, n_classes]
    n_params = count_weights(n_features, hidden, n_classes)
    chain = " &rarr; ".join(str(w) for w in widths)
    return (
        f"<span title='Net({[n_features, *hidden]}, n_classes={n_classes}): input "
        f"width from the data, then the hidden layers, then one logit per class'>"
        f"{chain}</span> <span style='color:#656d76'>({n_params:,} weights)</span>"
    )


_CELL_STYLE = "text-align:right;padding:1px 8px;white-space:nowrap"


def history_table_html(history, max_height=230):
    """The epoch table, newest row kept in view by a bottom-anchored scroll box."""
    head = "".join(
        f"<th style='text-align:right;padding:2px 8px;border-bottom:1px solid "
        f"#d0d7de;position:sticky;top:0;background:#f6f8fa'>{name}</th>"
        for name in ("epoch", "train_loss", "valid_loss", "accuracy", "time")
    )
    rows = []
    for record in history:
        stopped = (
            " <span style='color:#8a4b00'>(stopped)</span>" if record.partial else ""
        )
        cells = [
            str(record.epoch),
            f"{record.train_loss:.5f}",
            f"{record.valid_loss:.5f}",
            f"{record.accuracy:.4f}",
            f"{record.time:.2f} s{stopped}",
        ]
        rows.append(
            "<tr>"
            + "".join(f"<td style='{_CELL_STYLE}'>{cell}</td>" for cell in cells)
            + "</tr>"
        )
    if not rows:
        rows.append(
            "<tr><td colspan='5' style='padding:6px 8px;color:#656d76'>No epoch yet: "
            "click Train.</td></tr>"
        )
    # column-reverse makes the scroll box start at its bottom, so the latest
    # epoch stays visible while rows are added.
    return (
        f"<div style='max-height:{max_height}px;overflow-y:auto;display:flex;"
        "flex-direction:column-reverse;border:1px solid #d0d7de;border-radius:4px'>"
        "<table class='gdeep-epoch-table' style='border-collapse:collapse;"
        "font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px;"
        f"width:100%'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody>"
        "</table></div>"
    )


def status_html(text, level="info"):
    """The status line: one escaped message coloured by ``level``."""
    color = _STATUS_COLORS.get(level, _STATUS_COLORS["info"])
    weight = "600" if level == "error" else "400"
    return (
        f"<div class='gdeep-app-status' data-level='{level}' style='color:{color};"
        f"font-weight:{weight};font-size:12.5px;line-height:1.35;text-align:left;"
        "white-space:normal;"
        f"overflow-wrap:anywhere'>{html.escape(text)}</div>"
    )
