import numpy as np
import pytest
import torch


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(0)
    np.random.seed(0)


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture
def sent(monkeypatch):
    """Patch a viewer's send to record (content, buffers) instead."""

    def patch(viewer):
        messages = []

        def send(content, buffers=None):
            messages.append((content, [bytes(b) for b in buffers or []]))

        monkeypatch.setattr(viewer, "send", send)
        return messages

    return patch
