"""The reference experiments: dataset, architecture and box of each.

Shared by the command line demo, the examples and the app so that all of them
run the same experiment under the same name.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import check_choice
from .datasets import make_dataset

__all__ = ["EXPERIMENTS", "Experiment", "get_experiment"]


@dataclass(frozen=True)
class Experiment:
    """A dataset with the network and the flow box used for it."""

    name: str
    title: str
    description: str
    dataset: str
    arch: tuple
    box: tuple
    class_names: tuple
    n_epochs: int = 10

    def make_data(self, random_state=0):
        """The dataset as ``(X, y)``."""
        return make_dataset(self.dataset, random_state=random_state)


EXPERIMENTS = {
    e.name: e
    for e in [
        Experiment(
            "circles",
            "Two circles",
            "two concentric circles (5000 points, noise 0.05, factor 0.3)",
            "circles",
            (2, 20, 20, 20, 10),
            ((-1.0, 1.0), (-1.0, 1.0)),
            ("outer circle", "inner circle"),
        ),
        Experiment(
            "tori-entangled",
            "Entangled tori",
            "two linked tori (2 x 2500 points, minor radius 0.3)",
            "tori-entangled",
            (3, 20, 20, 20, 10),
            ((-2.0, 4.0), (-2.0, 2.0), (-2.0, 2.0)),
            ("upright torus", "flat torus"),
        ),
        Experiment(
            "tori-unentangled",
            "Unentangled tori",
            "two tori side by side (2 x 2500 points, minor radius 0.3)",
            "tori-unentangled",
            (3, 20, 20, 20, 20),
            ((-3.0, 7.0), (-2.0, 2.0), (-2.0, 2.0)),
            ("upright torus", "flat torus"),
        ),
    ]
}


def get_experiment(name):
    """The :class:`Experiment` called ``name``."""
    check_choice(name, "experiment", list(EXPERIMENTS))
    return EXPERIMENTS[name]


def box_around(X, margin=0.1):
    """A box around the data, widened by ``margin`` of its size on each side."""
    X = np.asarray(X, dtype=np.float64)
    low, high = X.min(0), X.max(0)
    pad = np.maximum((high - low) * margin, 1e-3)
    return [(float(a), float(b)) for a, b in zip(low - pad, high + pad)]
