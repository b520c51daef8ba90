"""protocol.py: inbound parsing refuses everything malformed with ProtocolError, and only that."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent_console import protocol

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@given(st.one_of(st.text(), st.binary(), json_values.map(json.dumps)))
def test_worker_parse_never_crashes(raw: Any) -> None:
    """Any input is either a valid message or a ProtocolError — never another exception."""
    try:
        message = protocol.parse_worker(raw)
    except protocol.ProtocolError as exc:
        assert str(exc)
    else:
        assert isinstance(message, protocol.Input | protocol.Resize | protocol.Image)


@given(
    st.fixed_dictionaries(
        {"type": st.sampled_from(["input", "resize", "image", "request-sync"])},
        optional={
            "data": json_values,
            "cols": json_values,
            "rows": json_values,
            "mimeType": json_values,
        },
    )
)
def test_typed_messages_with_random_fields(value: dict[str, Any]) -> None:
    """Messages with the right type but random fields are parsed or refused with a reason."""
    for parse in (protocol.parse_worker, protocol.parse_app):
        try:
            parse(json.dumps(value))
        except protocol.ProtocolError as exc:
            assert str(exc)


@given(st.text(), st.integers(1, 1000), st.integers(1, 1000))
def test_valid_messages_parse(data: str, cols: int, rows: int) -> None:
    """Well-formed input and resize messages come back with their values."""
    assert protocol.parse_worker(json.dumps({"type": "input", "data": data})) == protocol.Input(
        type="input", data=data
    )
    resize = protocol.parse_worker(json.dumps({"type": "resize", "cols": cols, "rows": rows}))
    assert isinstance(resize, protocol.Resize) and (resize.cols, resize.rows) == (cols, rows)


def test_image_limits() -> None:
    """Images decode within the cap; other types, bad base64 and oversize are refused."""
    ok = protocol.Image(type="image", data=base64.b64encode(b"abc").decode(), mimeType="image/png")
    assert protocol.decode_image(ok, 10) == b"abc"
    with pytest.raises(protocol.ProtocolError, match="larger"):
        protocol.decode_image(ok, 2)
    with pytest.raises(protocol.ProtocolError, match="mimeType"):
        protocol.decode_image(ok.model_copy(update={"mime_type": "image/svg+xml"}), 10)
    with pytest.raises(protocol.ProtocolError, match="base64"):
        protocol.decode_image(ok.model_copy(update={"data": "a b"}), 10)


@given(st.text(), st.integers(0, 2**62))
def test_output_frames_round_trip(data: str, offset: int) -> None:
    """Encoded output frames are JSON that gives back the same data and offset."""
    assert json.loads(protocol.output(data, offset)) == {
        "type": "output",
        "data": data,
        "offset": offset,
    }
