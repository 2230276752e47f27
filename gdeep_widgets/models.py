"""A small fully connected classifier."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from ._validation import check_int

__all__ = ["Net", "parse_architecture"]


def _check_arch(arch):
    if isinstance(arch, (str, bytes)) or not hasattr(arch, "__iter__"):
        raise TypeError(
            f"arch must be a list of layer widths such as [2, 20, 20]; got {arch!r}."
        )
    arch = list(arch)
    if len(arch) == 0:
        raise ValueError(
            "arch must list at least the input width, e.g. [2, 20, 20]; got []."
        )
    for i, width in enumerate(arch):
        check_int(width, f"arch[{i}]", low=1)
    return [int(w) for w in arch]


def parse_architecture(text):
    """Read layer widths from text such as ``"2, 20, 20"`` or ``"[3 20 10]"``.

    Raises
    ------
    ValueError
        Naming the first entry that is not a positive integer.
    """
    if not isinstance(text, str):
        raise TypeError(f"architecture text must be a string; got {text!r}.")
    parts = text.replace("[", " ").replace("]", " ").replace(",", " ").split()
    if not parts:
        raise ValueError(
            "architecture must list layer widths separated by commas, e.g. "
            "'2, 20, 20'; got an empty text."
        )
    widths = []
    for i, part in enumerate(parts):
        try:
            width = int(part)
        except ValueError:
            raise ValueError(
                f"architecture entry {i} must be a positive integer; got {part!r} in "
                f"{text!r}."
            ) from None
        if width < 1:
            raise ValueError(
                f"architecture entry {i} must be a positive integer; got {width} in "
                f"{text!r}."
            )
        widths.append(width)
    return widths


class Net(nn.Module):
    """Fully connected classifier: Linear layers with ReLU between them.

    ``arch`` lists the input width followed by the hidden widths; a last Linear
    layer maps the final width to ``n_classes`` logits.

    Parameters
    ----------
    arch : list of int
        ``[n_features, hidden_1, ..., hidden_k]``, every width >= 1.
    n_classes : int, default=2
        Number of output logits, >= 2.
    device : torch.device or str, default=None
        Where the parameters live; CPU when None.
    dtype : torch.dtype, default=None
        Parameter dtype; torch's default (float32) when None.

    Attributes
    ----------
    arch : list of int
    n_classes : int
    n_features : int
        Input width, ``arch[0]``.

    Examples
    --------
    >>> import torch
    >>> net = Net([2, 16, 16])
    >>> net(torch.zeros(5, 2)).shape
    torch.Size([5, 2])
    """

    def __init__(self, arch, n_classes=2, device=None, dtype=None):
        super().__init__()
        if isinstance(n_classes, (list, tuple)) and not isinstance(arch, (list, tuple)):
            raise TypeError(
                f"Net takes the architecture first: Net({list(n_classes)}) instead "
                f"of Net({arch!r}, {list(n_classes)}); the second argument is the "
                "number of classes."
            )
        self.arch = _check_arch(arch)
        self.n_classes = check_int(n_classes, "n_classes", low=2)
        widths = self.arch + [self.n_classes]
        for i, (n_in, n_out) in enumerate(zip(widths[:-1], widths[1:])):
            self.add_module(
                f"layer{i}", nn.Linear(n_in, n_out, device=device, dtype=dtype)
            )
        self.n_layers = len(widths) - 1

    @property
    def n_features(self):
        return self.arch[0]

    def layers(self):
        """The Linear layers, input first."""
        return [getattr(self, f"layer{i}") for i in range(self.n_layers)]

    def reset_parameters(self):
        """Draw new initial weights for every layer."""
        for layer in self.layers():
            layer.reset_parameters()

    def forward(self, x):
        *hidden, last = self.layers()
        for layer in hidden:
            x = F.relu(layer(x))
        return last(x)

    @torch.no_grad()
    def predict_proba(self, x):
        """Class probabilities (softmax of the logits).

        Takes an array or a tensor of shape (n_samples, n_features); returns a
        numpy array for array input and a tensor for tensor input.
        """
        was_tensor = torch.is_tensor(x)
        weight = self.layer0.weight
        x = torch.as_tensor(x).to(device=weight.device, dtype=weight.dtype)
        if x.ndim != 2 or x.shape[1] != self.n_features:
            raise ValueError(
                f"x must have shape (n_samples, {self.n_features}); got "
                f"{tuple(x.shape)}."
            )
        proba = torch.softmax(self(x), dim=1)
        return proba if was_tensor else proba.cpu().numpy()

    def predict(self, x):
        """Most likely class per row, as predict_proba returns it."""
        proba = self.predict_proba(x)
        return proba.argmax(1) if torch.is_tensor(proba) else np.argmax(proba, 1)

    def extra_repr(self):
        return f"arch={self.arch}, n_classes={self.n_classes}"
