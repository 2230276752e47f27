"""Training loop for classifiers, with one record per epoch and callbacks."""

from __future__ import annotations

import html
import math
import time
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import torch
from sklearn.model_selection import train_test_split
from torch import nn

from ._validation import (
    check_array,
    check_float,
    check_int,
    check_labels,
    check_random_state,
)

__all__ = [
    "EpochRecord",
    "TrainingCallback",
    "TrainingHistory",
    "model_device_dtype",
    "train_classification_nn",
]

COLUMNS = ("epoch", "train_loss", "valid_loss", "accuracy", "time")


@dataclass
class EpochRecord:
    """Figures of one training epoch.

    ``partial`` is True for an epoch cut short by a stop request; its
    train_loss averages the batches that ran.
    """

    epoch: int
    train_loss: float
    valid_loss: float
    accuracy: float
    time: float
    partial: bool = False

    def row(self):
        minutes, seconds = divmod(int(round(self.time)), 60)
        mark = " (stopped)" if self.partial else ""
        return (
            f"| {self.epoch:>5} | {self.train_loss:10.6f} | {self.valid_loss:10.6f} "
            f"| {self.accuracy:8.6f} | {minutes:02d}:{seconds:02d}{mark} |"
        )


class TrainingHistory(list):
    """The epoch records of one or more training runs, oldest first.

    A list of :class:`EpochRecord`; prints as the epoch table and shows as an
    HTML table in a notebook.
    """

    header = (
        "| epoch | train_loss | valid_loss | accuracy | time  |\n"
        "|-------|------------|------------|----------|-------|"
    )

    def to_dict(self):
        """Columns as lists: ``{"epoch": [...], "train_loss": [...], ...}``."""
        return {key: [getattr(r, key) for r in self] for key in COLUMNS}

    @property
    def last(self):
        return self[-1] if self else None

    def __str__(self):
        return "\n".join([self.header] + [r.row() for r in self])

    def _repr_html_(self):
        cells = "".join(f"<th>{c}</th>" for c in COLUMNS)
        rows = []
        for r in self:
            values = [
                str(r.epoch),
                f"{r.train_loss:.6f}",
                f"{r.valid_loss:.6f}",
                f"{r.accuracy:.6f}",
                f"{r.time:.2f}s" + (" (stopped)" if r.partial else ""),
            ]
            rows.append(
                "<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in values) + "</tr>"
            )
        body = "".join(rows)
        return f"<table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>"


class TrainingCallback:
    """Hooks called by :func:`train_classification_nn`; override what you need.

    ``on_batch_end`` and ``on_epoch_end`` may return True to stop training
    after the current batch; the model keeps the weights trained so far.
    """

    def on_train_begin(self, n_epochs, n_batches):
        pass

    def on_batch_end(self, epoch, batch, loss):
        return False

    def on_epoch_end(self, record):
        return False

    def on_train_end(self, history):
        pass


class _EpochFunction(TrainingCallback):
    def __init__(self, function):
        self.function = function

    def on_epoch_end(self, record):
        return bool(self.function(record))


def model_device_dtype(model):
    """Device and floating dtype of a model's first parameter (CPU float32 if none)."""
    for tensor in list(model.parameters()) + list(model.buffers()):
        if tensor.is_floating_point():
            return tensor.device, tensor.dtype
    return torch.device("cpu"), torch.get_default_dtype()


@contextmanager
def keep_modes(model):
    """Restore every submodule's train/eval flag on exit."""
    modes = [(m, m.training) for m in model.modules()]
    try:
        yield
    finally:
        for module, mode in modes:
            module.training = mode


def _model_shape(model, X, device, dtype):
    """Number of classes the model outputs, checking it accepts X's columns."""
    n_features = getattr(model, "n_features", None)
    if isinstance(n_features, int) and n_features != X.shape[1]:
        raise ValueError(
            f"X has {X.shape[1]} columns but the model takes {n_features} input "
            f"features; give X with {n_features} columns or a model built for "
            f"{X.shape[1]}."
        )
    n_classes = getattr(model, "n_classes", None)
    if isinstance(n_classes, int):
        return n_classes
    with torch.no_grad(), keep_modes(model):
        model.eval()
        try:
            out = model(torch.as_tensor(X[:2], device=device, dtype=dtype))
        except RuntimeError as exc:
            raise ValueError(
                f"the model cannot take X with {X.shape[1]} columns: {exc}"
            ) from None
    if out.ndim != 2 or out.shape[1] < 2:
        raise ValueError(
            "the model must return logits of shape (n_samples, n_classes) with "
            f"n_classes >= 2 for training; got output shape {tuple(out.shape)}."
        )
    return int(out.shape[1])


def train_classification_nn(
    model,
    X,
    y,
    n_epochs=10,
    *,
    batch_size=64,
    learning_rate=1e-3,
    validation_fraction=0.2,
    optimizer=None,
    random_state=None,
    verbose=True,
    progress=None,
    callbacks=(),
    history=None,
    should_stop=None,
):
    """Train a classifier with cross entropy on its logits.

    A stratified share of the data is held out for validation. After each epoch
    the validation loss and accuracy are measured in eval mode and one record
    is added to the history (and printed, with ``verbose``).

    Parameters
    ----------
    model : torch.nn.Module
        Returns logits of shape (n_samples, n_classes); softmax is applied only
        inside the loss.
    X : array-like or tensor of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
        Integer labels in 0..n_classes-1, at least two classes.
    n_epochs : int, default=10
    batch_size : int, default=64
    learning_rate : float, default=1e-3
        For the Adam optimizer made when ``optimizer`` is None.
    validation_fraction : float in (0, 1), default=0.2
    optimizer : torch.optim.Optimizer, default=None
        Pass the same optimizer again to continue a run with its state.
    random_state : int, numpy Generator or None, default=None
        Seeds the split and the batch order.
    verbose : bool, default=True
        Print the epoch table, one row per epoch as it ends.
    progress : bool or None, default=None
        Show a progress bar over batches; None means ``verbose``.
    callbacks : sequence of TrainingCallback or callables
        A plain callable is called with each EpochRecord.
    history : TrainingHistory, default=None
        Records are appended to it and epochs numbered after its last one, so
        a second call continues the first.
    should_stop : callable, default=None
        Checked after every batch; returning True stops training there.

    Returns
    -------
    TrainingHistory
        One EpochRecord per epoch (epoch, train_loss, valid_loss, accuracy,
        time in seconds).

    Examples
    --------
    >>> from sklearn.datasets import make_moons
    >>> X, y = make_moons(200, noise=0.1, random_state=0)
    >>> net = Net([2, 16, 16])
    >>> history = train_classification_nn(net, X, y, n_epochs=2, verbose=False)
    >>> len(history)
    2
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}.")
    n_epochs = check_int(n_epochs, "n_epochs", low=1)
    batch_size = check_int(batch_size, "batch_size", low=1)
    learning_rate = check_float(learning_rate, "learning_rate", low=0.0, low_open=True)
    validation_fraction = check_float(
        validation_fraction,
        "validation_fraction",
        low=0.0,
        high=1.0,
        low_open=True,
        high_open=True,
    )
    random_state = check_random_state(random_state)
    if isinstance(random_state, np.random.Generator):
        random_state = int(random_state.integers(2**31))
    X = check_array(X, "X")
    device, dtype = model_device_dtype(model)
    n_classes = _model_shape(model, X, device, dtype)
    y = check_labels(y, len(X), "y", n_classes=n_classes)
    n_valid = int(math.ceil(validation_fraction * len(X)))
    if n_valid < 1 or len(X) - n_valid < 1:
        raise ValueError(
            f"validation_fraction={validation_fraction} leaves no sample for "
            f"training or validation with {len(X)} samples."
        )
    callbacks = [
        c if isinstance(c, TrainingCallback) else _EpochFunction(c) for c in callbacks
    ]
    history = TrainingHistory() if history is None else history
    if optimizer is None:
        optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)

    counts = np.bincount(y)
    stratify = y if counts[counts > 0].min() >= 2 and n_valid >= len(counts) else None
    train_idx, valid_idx = train_test_split(
        np.arange(len(X)),
        test_size=n_valid,
        stratify=stratify,
        random_state=random_state,
    )
    X_t = torch.as_tensor(X, dtype=dtype, device=device)
    y_t = torch.as_tensor(y, device=device)
    X_train, y_train = X_t[train_idx], y_t[train_idx]
    X_valid, y_valid = X_t[valid_idx], y_t[valid_idx]
    generator = torch.Generator()
    if random_state is not None:
        generator.manual_seed(int(random_state))
    else:
        generator.seed()
    n_batches = math.ceil(len(train_idx) / batch_size)
    loss_fn = nn.CrossEntropyLoss()
    first_epoch = history[-1].epoch + 1 if history else 0
    show_bar = verbose if progress is None else bool(progress)
    bar = _progress_bar(n_epochs * n_batches, show_bar)

    for callback in callbacks:
        callback.on_train_begin(n_epochs, n_batches)
    if verbose:
        _write(TrainingHistory.header, bar)
    stopped = False
    with keep_modes(model):
        for epoch in range(first_epoch, first_epoch + n_epochs):
            start = time.perf_counter()
            model.train()
            order = torch.randperm(len(train_idx), generator=generator).to(device)
            total, seen = 0.0, 0
            for batch in range(n_batches):
                idx = order[batch * batch_size : (batch + 1) * batch_size]
                optimizer.zero_grad(set_to_none=True)
                loss = loss_fn(model(X_train[idx]), y_train[idx])
                loss.backward()
                optimizer.step()
                total += loss.item() * len(idx)
                seen += len(idx)
                if bar is not None:
                    bar.update(1)
                    bar.set_postfix(
                        epoch=epoch, loss=f"{loss.item():.4f}", refresh=False
                    )
                stop = any(
                    [c.on_batch_end(epoch, batch, loss.item()) for c in callbacks]
                )
                if stop or (should_stop is not None and should_stop()):
                    stopped = (
                        batch < n_batches - 1 or epoch < first_epoch + n_epochs - 1
                    )
                    break
            valid_loss, accuracy = _evaluate(model, loss_fn, X_valid, y_valid)
            partial = stopped and seen < len(train_idx)
            record = EpochRecord(
                epoch,
                total / max(seen, 1),
                valid_loss,
                accuracy,
                time.perf_counter() - start,
                partial,
            )
            history.append(record)
            if verbose:
                _write(record.row(), bar)
            if any([c.on_epoch_end(record) for c in callbacks]):
                stopped = True
            if stopped:
                break
    if bar is not None:
        bar.close()
    if stopped and verbose:
        print(
            f"Training stopped after epoch {history[-1].epoch}; the model keeps "
            "the weights trained so far.",
            flush=True,
        )
    for callback in callbacks:
        callback.on_train_end(history)
    return history


@torch.no_grad()
def _evaluate(model, loss_fn, X, y, batch_size=65536):
    model.eval()
    loss, correct = 0.0, 0
    for start in range(0, len(X), batch_size):
        logits = model(X[start : start + batch_size])
        target = y[start : start + batch_size]
        loss += loss_fn(logits, target).item() * len(target)
        correct += (logits.argmax(1) == target).sum().item()
    return loss / len(X), correct / len(X)


def _progress_bar(total, show):
    if not show:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="training", unit="batch", leave=False)


def _write(line, bar):
    if bar is not None:
        bar.write(line)
    else:
        print(line, flush=True)
