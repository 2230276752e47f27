import numpy as np
import pytest

from gdeep_widgets._binary import (
    encode_base64_tree,
    pack_array,
    to_float32,
    unpack_array,
)


def test_pack_array_casts_and_makes_c_contiguous():
    X = np.arange(12, dtype=np.float64).reshape(3, 4)[:, ::2]

    packed = pack_array(X, "float32")

    assert packed["dtype"] == "float32"
    assert packed["shape"] == [3, 2]
    assert len(packed["buffer"]) == 3 * 2 * 4
    expected = np.array([[0, 2], [4, 6], [8, 10]], dtype="<f4").tobytes()
    assert bytes(packed["buffer"]) == expected


def test_pack_array_uint8_and_empty():
    assert bytes(pack_array([1, 2, 255], "uint8")["buffer"]) == b"\x01\x02\xff"
    empty = pack_array(np.zeros((0, 3)), "float32")
    assert len(empty["buffer"]) == 0
    assert unpack_array(empty).shape == (0, 3)


def test_unpack_array_round_trips():
    X = np.random.default_rng(0).normal(size=(5, 3))

    out = unpack_array(pack_array(X, "float32"))

    np.testing.assert_array_equal(out, X.astype(np.float32))


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"buffer": b"\x00" * 8, "dtype": "float32", "shape": [3]}, "need 12"),
        ({"buffer": b"", "dtype": "int64", "shape": [0]}, "dtype must be one of"),
        ({"buffer": b""}, "keys 'buffer', 'dtype' and 'shape'"),
    ],
)
def test_unpack_array_rejects_bad_payloads(payload, message):
    with pytest.raises(ValueError, match=message):
        unpack_array(payload)


def test_to_float32_warns_only_on_visible_precision_loss():
    rng = np.random.default_rng(0)
    ordinary = rng.normal(size=(100, 2))
    far = 1e7 + rng.uniform(size=(100, 2))

    assert to_float32(ordinary, "data").dtype == np.float32
    with pytest.warns(UserWarning, match="data loses precision"):
        to_float32(far, "data")
    with pytest.raises(ValueError, match="beyond the float32 range"):
        to_float32(np.array([[1e39, 0.0]]), "data")


def test_encode_base64_tree_replaces_bytes_leaves():
    tree = encode_base64_tree({"a": [pack_array([1, 2], "uint8")], "b": "text"})
    assert tree == {
        "a": [{"buffer": {"$b64": "AQI="}, "dtype": "uint8", "shape": [2]}],
        "b": "text",
    }
