import numpy as np
import pytest
import torch
from sklearn.datasets import make_circles

from gdeep_widgets import (
    Net,
    TrainingCallback,
    make_tori,
    train_classification_nn,
)


@pytest.fixture
def moons():
    from sklearn.datasets import make_moons

    return make_moons(300, noise=0.1, random_state=0)


@pytest.mark.parametrize(
    "make, arch",
    [
        (
            lambda: make_circles(5000, noise=0.05, factor=0.3, random_state=0),
            [2, 20, 20, 20, 10],
        ),
        (lambda: make_tori(entangled=True), [3, 20, 20, 20, 10]),
        (lambda: make_tori(entangled=False), [3, 20, 20, 20, 20]),
    ],
    ids=["circles", "tori-entangled", "tori-unentangled"],
)
def test_train_reaches_high_validation_accuracy_on_reference_problems(make, arch):
    X, y = make()
    net = Net(arch)
    history = train_classification_nn(
        net, X, y, n_epochs=10, random_state=0, verbose=False
    )
    assert len(history) == 10
    assert history.last.accuracy >= 0.99
    # Cross entropy on logits can approach zero; softmax applied twice would
    # leave a floor near 0.313 for two classes.
    assert history.last.valid_loss < 0.1


def test_train_prints_one_row_per_epoch(moons, capsys):
    X, y = moons
    train_classification_nn(
        Net([2, 8]), X, y, n_epochs=3, random_state=0, progress=False
    )
    out = capsys.readouterr().out.splitlines()
    assert "| epoch | train_loss | valid_loss | accuracy | time" in out[0]
    rows = [
        line for line in out if line.startswith("|") and line[2:7].strip().isdigit()
    ]
    assert [int(r.split("|")[1]) for r in rows] == [0, 1, 2]


def test_train_holds_out_a_stratified_validation_split(moons):
    X, y = moons
    seen = []

    class Spy(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.net = Net([2, 4])
            self.n_classes = 2

        def forward(self, x):
            if not self.training:
                seen.append(len(x))
            return self.net(x)

    train_classification_nn(
        Spy(), X, y, n_epochs=1, validation_fraction=0.25, verbose=False
    )
    assert seen == [75]


def test_train_history_continues_numbering(moons):
    X, y = moons
    net = Net([2, 8])
    history = train_classification_nn(net, X, y, n_epochs=2, verbose=False)
    train_classification_nn(net, X, y, n_epochs=3, verbose=False, history=history)
    assert [r.epoch for r in history] == [0, 1, 2, 3, 4]
    assert history.to_dict()["epoch"] == [0, 1, 2, 3, 4]
    assert "<table>" in history._repr_html_()


def test_train_stops_after_the_current_batch_and_keeps_weights(moons):
    X, y = moons
    net = Net([2, 8])
    batches = []

    class StopAtFive(TrainingCallback):
        def on_batch_end(self, epoch, batch, loss):
            batches.append((epoch, batch))
            return len(batches) == 5

    before = net.layer0.weight.detach().clone()
    history = train_classification_nn(
        net, X, y, n_epochs=10, batch_size=16, callbacks=[StopAtFive()], verbose=False
    )
    assert len(batches) == 5
    assert len(history) == 1 and history.last.partial
    assert not torch.equal(before, net.layer0.weight)


def test_train_should_stop_and_epoch_callable(moons):
    X, y = moons
    records = []
    history = train_classification_nn(
        Net([2, 8]),
        X,
        y,
        n_epochs=10,
        verbose=False,
        callbacks=[records.append],
        should_stop=lambda: len(records) >= 2,
    )
    assert len(history) == 3
    assert records == list(history)


def test_train_restores_the_models_mode(moons):
    X, y = moons
    net = Net([2, 8]).eval()
    train_classification_nn(net, X, y, n_epochs=1, verbose=False)
    assert not net.training


def test_train_accepts_float64_data_for_a_float32_model(moons):
    X, y = moons
    history = train_classification_nn(
        Net([2, 8]), X.astype(np.float64), y, n_epochs=1, verbose=False
    )
    assert len(history) == 1


def test_train_accepts_tensors_and_generic_modules(moons):
    X, y = moons
    model = torch.nn.Sequential(
        torch.nn.Linear(2, 16), torch.nn.ReLU(), torch.nn.Linear(16, 2)
    )
    history = train_classification_nn(
        model, torch.tensor(X), torch.tensor(y), n_epochs=2, verbose=False
    )
    assert len(history) == 2


def _bad(X=None, y=None, **kw):
    from sklearn.datasets import make_moons

    X0, y0 = make_moons(60, random_state=0)
    return (X0 if X is None else X, y0 if y is None else y, kw)


@pytest.mark.parametrize(
    "model_arch, args, message",
    [
        ([2, 4], _bad(X=np.full((60, 2), np.nan)), "X must contain only finite values"),
        ([2, 4], _bad(X=np.full((60, 2), np.inf)), "X must contain only finite values"),
        ([2, 4], _bad(y=np.zeros(59, int)), "X and y must have the same length"),
        ([2, 4], _bad(y=np.arange(60) % 3), "labels in 0..1 .* got label 2"),
        ([2, 4], _bad(y=np.zeros(60, int)), "at least 2 classes; got only"),
        ([2, 4], _bad(y=-np.ones(60, int)), "labels >= 0; got -1"),
        ([3, 4], _bad(), "X has 2 columns but the model takes 3 input features"),
        ([2, 4], _bad(n_epochs=0), "n_epochs must be a positive integer; got 0"),
        ([2, 4], _bad(batch_size=-1), "batch_size must be a positive integer"),
        ([2, 4], _bad(learning_rate=0.0), r"learning_rate must be > 0.0; got 0.0"),
        ([2, 4], _bad(validation_fraction=1.0), "validation_fraction must be in"),
        ([2, 4], _bad(X=np.zeros(60)), "X must be a 2D array"),
    ],
)
def test_train_rejects_bad_input_before_touching_the_model(model_arch, args, message):
    X, y, kw = args
    net = Net(model_arch)
    before = [p.detach().clone() for p in net.parameters()]
    with pytest.raises(ValueError, match=message):
        train_classification_nn(net, X, y, verbose=False, **kw)
    assert all(torch.equal(a, b) for a, b in zip(before, net.parameters()))


def test_train_rejects_a_generic_model_that_cannot_take_X():
    X, y, _ = _bad()
    model = torch.nn.Linear(5, 2)
    with pytest.raises(ValueError, match="cannot take X with 2 columns"):
        train_classification_nn(model, X, y, verbose=False)
