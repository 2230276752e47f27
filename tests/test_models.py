import numpy as np
import pytest
import torch

from gdeep_widgets import Net, parse_architecture


def test_net_layers_follow_arch_and_end_in_n_classes():
    net = Net([3, 20, 10], n_classes=4)
    shapes = [(layer.in_features, layer.out_features) for layer in net.layers()]
    assert shapes == [(3, 20), (20, 10), (10, 4)]
    assert net(torch.zeros(7, 3)).shape == (7, 4)
    assert "arch=[3, 20, 10]" in repr(net)


def test_net_forward_returns_logits_not_probabilities():
    net = Net([2, 8])
    with torch.no_grad():
        net.layer1.weight.fill_(10.0)
        net.layer1.bias.copy_(torch.tensor([5.0, -5.0]))
    out = net(torch.ones(3, 2))
    assert not torch.allclose(out.sum(1), torch.ones(3))


def test_net_predict_proba_is_softmax_of_forward():
    net = Net([2, 8, 8], n_classes=3)
    x = np.random.default_rng(0).normal(size=(10, 2))
    proba = net.predict_proba(x)
    assert isinstance(proba, np.ndarray)
    expected = torch.softmax(net(torch.as_tensor(x, dtype=torch.float32)), 1)
    assert np.allclose(proba, expected.detach().numpy(), atol=1e-6)
    assert np.allclose(proba.sum(1), 1.0, atol=1e-6)
    assert torch.is_tensor(net.predict_proba(torch.zeros(2, 2)))
    assert net.predict(x).shape == (10,)


def test_net_reset_parameters_draws_new_weights():
    net = Net([2, 4])
    before = net.layer0.weight.detach().clone()
    net.reset_parameters()
    assert not torch.equal(before, net.layer0.weight)


def test_net_respects_dtype():
    net = Net([2, 4], dtype=torch.float64)
    assert net.layer0.weight.dtype == torch.float64


@pytest.mark.parametrize(
    "arch, error, message",
    [
        ([], ValueError, "arch must list at least the input width"),
        ([2, 0, 3], ValueError, r"arch\[1\] must be a positive integer; got 0"),
        ([2, -4], ValueError, r"arch\[1\] must be a positive integer; got -4"),
        ([2, 2.5], TypeError, r"arch\[1\] must be an integer"),
        ("2, 20", TypeError, "arch must be a list of layer widths"),
        (5, TypeError, "arch must be a list of layer widths"),
    ],
)
def test_net_rejects_bad_arch(arch, error, message):
    with pytest.raises(error, match=message):
        Net(arch)


def test_net_rejects_one_class():
    with pytest.raises(ValueError, match="n_classes must be >= 2; got 1"):
        Net([2, 3], n_classes=1)


@pytest.mark.parametrize(
    "text, expected",
    [("2, 20, 20", [2, 20, 20]), ("[3 20 10]", [3, 20, 10]), (" 4 ", [4])],
)
def test_parse_architecture_reads_widths(text, expected):
    assert parse_architecture(text) == expected


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "empty text"),
        ("2, twenty", "architecture entry 1 must be a positive integer; got 'twenty'"),
        ("2, 0", "architecture entry 1 must be a positive integer; got 0"),
        ("2, -3", "entry 1 must be a positive integer; got -3"),
        ("2.5, 3", "entry 0 must be a positive integer; got '2.5'"),
    ],
)
def test_parse_architecture_rejects_bad_text(text, message):
    with pytest.raises(ValueError, match=message):
        parse_architecture(text)


def test_net_explains_the_reference_notebooks_argument_order():
    with pytest.raises(
        TypeError, match=r"Net\(\[3, 20\]\) instead of Net\(0, \[3, 20\]\)"
    ):
        Net(0, [3, 20])
