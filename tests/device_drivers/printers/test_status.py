"""DLE EOT status bytes: Epson's table, and arbitrary bytes only ever raise StatusReplyError."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from device_drivers.printers import status as rt


def test_all_clear() -> None:
    assert rt.decode({1: 0x12, 2: 0x12, 3: 0x12, 4: 0x12}) == rt.PrinterStatus(online=True)


@pytest.mark.parametrize(
    ("replies", "expected"),
    [
        ({1: 0x1A, 2: 0x16, 3: 0x12, 4: 0x12}, rt.PrinterStatus(online=False, cover_open=True)),
        ({1: 0x1A, 2: 0x32, 3: 0x12, 4: 0x72}, rt.PrinterStatus(online=False, paper_out=True)),
        ({1: 0x12, 2: 0x12, 3: 0x12, 4: 0x1E}, rt.PrinterStatus(online=True, paper_near_end=True)),
        ({1: 0x1A, 2: 0x52, 3: 0x52, 4: 0x12}, rt.PrinterStatus(online=False, error=True)),
    ],
)
def test_epson_vectors(replies: dict[int, int], expected: rt.PrinterStatus) -> None:
    assert rt.decode(replies) == expected


def test_python_escpos_masks_agree() -> None:
    # python-escpos' paper masks: 18 = paper adequate, 30 = near end, 114 = no paper.
    assert rt.decode({1: 0x12, 2: 0x12, 3: 0x12, 4: 30}).paper_near_end
    assert rt.decode({1: 0x12, 2: 0x12, 3: 0x12, 4: 114}).paper_out


def test_missing_or_garbage_reply() -> None:
    with pytest.raises(rt.StatusReplyError, match="DLE EOT 4"):
        rt.decode({1: 0x12, 2: 0x12, 3: 0x12})
    with pytest.raises(rt.StatusReplyError, match="0xFF"):
        rt.decode({1: 0xFF, 2: 0x12, 3: 0x12, 4: 0x12})
    with pytest.raises(ValueError):
        rt.query(5)


@given(st.lists(st.integers(0, 255), min_size=4, max_size=4))
def test_arbitrary_bytes_decode_or_raise_typed_error(values: list[int]) -> None:
    try:
        decoded = rt.decode(dict(zip(rt.QUERIES, values, strict=True)))
    except rt.StatusReplyError:
        return
    assert isinstance(decoded.ready, bool)


@given(
    st.builds(
        rt.PrinterStatus, st.booleans(), st.booleans(), st.booleans(), st.booleans(), st.booleans()
    )
)
def test_encode_decode_round_trip(status: rt.PrinterStatus) -> None:
    assert rt.decode(rt.encode(status)) == status
