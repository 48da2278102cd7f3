from __future__ import annotations

import pytest

from logforensics.parsers.lines import has_lone_cr, read_lines


def test_bad_bytes_crlf_and_empty_lines_keep_line_numbers() -> None:
    data = b"\xef\xbb\xbfa,b\r\n\n\xff\xfebad\x00nul\nlast"
    frame = read_lines(data, "t").frame
    assert frame["line_no"].to_list() == [1, 2, 3, 4]
    assert frame["line"][0] == "a,b"
    assert frame["line"][1] == ""
    assert "\ufffd" in frame["line"][2]
    assert frame["line"][3] == "last"


def test_empty_input() -> None:
    assert read_lines(b"", "t").frame.height == 0


def test_separator_clash_retries_with_another_byte() -> None:
    frame = read_lines(b"a\x1fb\nc\n", "t").frame
    assert frame["line"].to_list() == ["a\x1fb", "c"]


def test_binary_with_every_candidate_separator_still_splits() -> None:
    data = bytes(b for b in range(32) if b != 10) + b"\nx\n"
    result = read_lines(data, "t")
    assert result.frame.height == 2
    assert result.warnings


def test_text_that_starts_like_a_compressed_stream_is_not_inflated() -> None:
    for data in (b"x^2 is a square\nnext\n", b"\x1f\x8b\x00\x00\nnext\n"):
        frame = read_lines(data, "t").frame
        assert frame["line"].to_list()[1] == "next"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"a\r\nb\r\n", False),
        (b"a\rb\n", True),
        (b"a\r\r\n", True),  # the first CR is followed by a CR
        (b"progress 10%\rprogress 20%\n", True),
        (b"ends with a CR\r", False),  # what follows decides (the next chunk, or nothing)
        (b"no carriage return\n", False),
        (b"", False),
    ],
)
def test_lone_cr_is_a_cr_not_followed_by_lf(data: bytes, expected: bool) -> None:
    assert has_lone_cr(data) is expected
