"""The host protocol's framing: round trips, any byte stream decodes or is refused cleanly."""

from __future__ import annotations

import contextlib
import os
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent_console.host import wire

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=10,
)


@given(
    fields=st.dictionaries(st.text(max_size=10), JSON_VALUES, max_size=5),
    data=st.none() | st.binary(max_size=300),
    cut=st.integers(1, 64),
)
def test_frames_round_trip_however_the_stream_is_cut(
    fields: dict[str, object], data: bytes | None, cut: int
) -> None:
    """Messages come out whole and in order, whatever the chunking of the byte stream."""
    message = {**fields, "op": "output"}
    stream = wire.encode(message, data) * 2
    decoder = wire.Decoder()
    got = []
    for start in range(0, len(stream), cut):
        got += decoder.feed(stream[start : start + cut])
    assert [(m.op, m.fields, m.data) for m in got] == [("output", message, data)] * 2


def test_an_environment_with_undecodable_bytes_crosses_whole() -> None:
    """A spawn's environment may hold bytes that are not UTF-8 (as Python's surrogate
    escapes): they reach the host as they were."""
    env = {"LATIN1": os.fsdecode(b"caf\xe9"), "PLAIN": "ok"}
    [message] = wire.Decoder().feed(wire.encode({"op": "spawn", "env": env}))
    assert message.fields["env"] == env
    assert os.fsencode(message.fields["env"]["LATIN1"]) == b"caf\xe9"


@given(st.binary(max_size=200))
def test_any_bytes_decode_or_are_refused_with_a_wire_error(noise: bytes) -> None:
    """Garbage never raises anything but WireError (the host then drops that connection)."""
    with contextlib.suppress(wire.WireError):
        wire.Decoder(max_frame=1024).feed(noise)


@pytest.mark.parametrize(
    ("frame", "reason"),
    [
        (struct.pack(">I", 1 << 30), "limit"),
        (struct.pack(">I", 0), "limit"),
        (struct.pack(">I", 3) + b"Xab", "kind"),
        (struct.pack(">I", 3) + b"J[]", "object"),
        (struct.pack(">I", 4) + b"J{\x00}", "JSON"),
        (struct.pack(">I", 3) + b"D\x00\x00", "header length"),
        (struct.pack(">I", 7) + b"D" + struct.pack(">I", 99) + b"{}", "longer"),
        (wire.encode({"op": 3}), "op"),
    ],
)
def test_malformed_frames_are_refused(frame: bytes, reason: str) -> None:
    """Oversized, empty, unknown, non-object and torn frames are each a WireError."""
    with pytest.raises(wire.WireError, match=reason):
        wire.Decoder(max_frame=1 << 20).feed(frame)


@given(sizes=st.lists(st.integers(0, 300_000), min_size=1, max_size=4), cuts=st.data())
def test_large_frames_come_out_whole_wherever_the_reads_end(
    sizes: list[int], cuts: st.DataObject
) -> None:
    """Output frames of hundreds of KiB, read in pieces ending anywhere (in a length, a header,
    the data, or exactly at a frame's end), decode to the same bytes."""
    frames = [(i, bytes([i % 251]) * size) for i, size in enumerate(sizes)]
    stream = b"".join(wire.encode({"op": "output", "offset": i}, data) for i, data in frames)
    points = sorted(cuts.draw(st.lists(st.integers(0, len(stream)), max_size=12)))
    decoder, got = wire.Decoder(), []
    for start, stop in zip([0, *points], [*points, len(stream)], strict=True):
        got += decoder.feed(stream[start:stop])
    assert [(m.get("offset"), m.data) for m in got] == frames
