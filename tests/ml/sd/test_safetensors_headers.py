"""Registration validates a safetensors header whole (issue 13 §3): anything it accepts loads
with the safetensors library later, and anything else is one ModelError, never a traceback."""

from __future__ import annotations

import contextlib
import json
import os
import struct
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from safetensors import safe_open
from safetensors.numpy import save_file

from drc_desktop.core.errors import ModelError
from drc_desktop.ml.sd.formats import detect, read_safetensors_header

TENSORS = {
    "image_proj.proj.weight": np.zeros((8, 4), np.float32),
    "image_proj.norm.weight": np.ones(8, np.float16),
    "ip_adapter.1.to_k_ip.weight": np.zeros((2, 8), np.float32),
    "ip_adapter.1.to_v_ip.weight": np.zeros((0, 8), np.int8),
}


def valid_file(folder: Path) -> tuple[dict, bytes]:
    path = folder / "valid.safetensors"
    save_file(TENSORS, str(path), metadata={"format": "pt"})
    raw = path.read_bytes()
    (length,) = struct.unpack("<Q", raw[:8])
    return json.loads(raw[8 : 8 + length]), raw[8 + length :]


def write(path: Path, header: object, data: bytes, length_shift: int = 0) -> Path:
    text = header if isinstance(header, bytes) else json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", max(0, len(text) + length_shift)) + text + data)
    return path


def loads_with_safetensors(path: Path) -> None:
    with safe_open(str(path), framework="numpy") as file:
        for key in file.keys():  # noqa: SIM118 - safe_open has no __iter__
            file.get_tensor(key)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


@st.composite
def mutated(draw, header: dict, data: bytes):
    header = json.loads(json.dumps(header))
    names = sorted(k for k in header if k != "__metadata__")
    length_shift = 0
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(names))
        choice = draw(st.integers(0, 7))
        if choice == 0:
            field = draw(st.sampled_from(["dtype", "shape", "data_offsets"]))
            header[name][field] = draw(json_values)
        elif choice == 1:
            offsets = header[name].get("data_offsets")
            if isinstance(offsets, list) and len(offsets) == 2:
                header[name]["data_offsets"] = [
                    n + draw(st.integers(-40, 40)) if type(n) is int else n for n in offsets
                ]
        elif choice == 2:
            header[name]["shape"] = draw(st.lists(st.integers(-2, 20), max_size=4))
        elif choice == 3:
            header[name].pop(draw(st.sampled_from(sorted(header[name]))), None)
        elif choice == 4:
            dtypes = ["F32", "F16", "BF16", "I8", "U64", "BOOL", "F8_E4M3", "f32", "X"]
            header[name]["dtype"] = draw(st.sampled_from(dtypes))
        elif choice == 5:
            length_shift = draw(st.integers(-4, 4))
        elif choice == 6:
            data = data[: draw(st.integers(0, len(data)))] + b"\x00" * draw(st.integers(0, 9))
        else:
            header[draw(st.text(max_size=4))] = draw(json_values)
    return header, data, length_shift


@pytest.fixture(scope="module")
def valid(tmp_path_factory):
    return valid_file(tmp_path_factory.mktemp("valid"))


def test_the_valid_file_is_accepted(valid, tmp_path):
    path = write(tmp_path / "ok.safetensors", *valid)
    assert sorted(read_safetensors_header(path)) == sorted(TENSORS)
    loads_with_safetensors(path)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_a_mutated_header_is_accepted_only_if_it_loads(valid, tmp_path, data):
    header, body, shift = data.draw(mutated(*valid))
    path = write(tmp_path / "m.safetensors", header, body, shift)
    try:
        read_safetensors_header(path)
    except ModelError as exc:
        assert str(path) in str(exc)
    else:
        loads_with_safetensors(path)  # what registration accepts, generation can load
    with contextlib.suppress(ModelError):  # detect() reads shapes: never another exception
        detect(path)


@pytest.mark.parametrize(
    "header",
    [
        b"[" * 200_000 + b"]" * 200_000,
        b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
        {"image_proj.x": {"dtype": "F32", "shape": 4, "data_offsets": [0, 16]}},
        {"image_proj.x": {"dtype": "F32", "shape": ["4"], "data_offsets": [0, 16]}},
        {"image_proj.x": {"dtype": "F32", "shape": [True], "data_offsets": [0, 4]}},
        {"image_proj.x": []},
        {"image_proj.x": "text"},
        [],
        "a string",
        {
            "image_proj.x": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]},
            "image_proj.y": {"dtype": "F32", "shape": [4], "data_offsets": [8, 24]},
        },  # overlap
        {"image_proj.x": {"dtype": "F32", "shape": [4], "data_offsets": [0, 4096]}},  # past end
        {"image_proj.x": {"dtype": "F32", "shape": [2**40, 2**40], "data_offsets": [0, 16]}},
        {"__metadata__": {"a": 1}},
        b'{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "a": 2}',  # duplicate
    ],
)
def test_malformed_headers_are_one_model_error(tmp_path, header):
    path = write(tmp_path / "bad.safetensors", header, b"\x00" * 16)
    with pytest.raises(ModelError, match="not a valid safetensors file"):
        read_safetensors_header(path)
    with pytest.raises(ModelError):
        detect(path)


@pytest.mark.skipif(os.name != "posix", reason="FIFOs are POSIX")
def test_a_fifo_named_like_a_model_is_refused_at_once(tmp_path):
    fifo = tmp_path / "model.safetensors"
    os.mkfifo(fifo)
    with pytest.raises(ModelError, match="not a regular file"):
        detect(fifo)
