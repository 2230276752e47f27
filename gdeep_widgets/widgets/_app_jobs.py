"""Helpers of the DecisionBoundaryApp's background jobs: training and flow."""

from __future__ import annotations

import time

from ..training import TrainingCallback

__all__ = ["FramePusher", "LiveTraining"]


class LiveTraining(TrainingCallback):
    """Moves a progress bar over batches and calls ``on_epoch`` after each epoch.

    Parameters
    ----------
    progress : ipywidgets.IntProgress
    label : ipywidgets.HTML
        Shows the epoch, numbered as in the epoch table (from 0, across
        runs), how many epochs of this run are done, and the last batch loss:
        "epoch 12 · 2/10 done · loss 0.3141".
    on_epoch : callable
        Called with each EpochRecord (redraws the plot and the table).
    min_interval : float, default=0.1
        Shortest time between two progress updates, in seconds: one comm
        message per batch would flood the front end on fast models, and ten
        updates a second look continuous.
    """

    def __init__(self, progress, label, on_epoch, min_interval=0.1):
        self.progress = progress
        self.label = label
        self.on_epoch = on_epoch
        self.min_interval = min_interval
        self.done = 0
        self.epochs_done = 0
        self.n_epochs = 0
        self.last = 0.0

    def on_train_begin(self, n_epochs, n_batches):
        self.n_epochs = n_epochs
        self.progress.value = 0
        self.progress.max = max(n_epochs * n_batches, 1)

    def on_batch_end(self, epoch, batch, loss):
        self.done += 1
        now = time.perf_counter()
        if now - self.last >= self.min_interval:
            self.last = now
            self.progress.value = self.done
            self.label.value = f"{self.done_text(epoch)} &middot; loss {loss:.4f}"
        return False

    def on_epoch_end(self, record):
        if not record.partial:
            self.epochs_done += 1
        self.progress.value = self.done
        self.on_epoch(record)
        return False

    def done_text(self, epoch):
        """Label text for table epoch ``epoch``: "epoch 12 · 2/10 done"."""
        return f"epoch {epoch} &middot; {self.epochs_done}/{self.n_epochs} done"


class FramePusher:
    """Flow callback: sends each frame to the viewer, at most one per ``interval``."""

    def __init__(self, viewer, interval):
        self.viewer = viewer
        self.interval = interval
        self.next_time = 0.0
        self.seconds = 0.0
        self.n_sent = 0

    def __call__(self, frame):
        start = time.perf_counter()
        if start < self.next_time:
            time.sleep(self.next_time - start)
        self.viewer.add_frame(frame.points, frame.distances, epoch=frame.epoch)
        self.n_sent += 1
        end = time.perf_counter()
        self.next_time = end + self.interval
        self.seconds += end - start
