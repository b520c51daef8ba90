"""terminal_replies.py: the replies a terminal sends by itself are told apart from every key."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from agent_console.terminal_replies import without_replies
from tests.strategies import KEYS, REPLIES


@given(KEYS)
def test_no_key_is_a_reply(key: str) -> None:
    """Every key the user can press (or paste) is kept whole, and is no reply."""
    assert without_replies(key) == (key, False)


@given(REPLIES)
def test_every_reply_is_recognised(reply: str) -> None:
    """Each kind of terminal reply is removed entirely."""
    assert without_replies(reply) == ("", True)


@given(st.lists(REPLIES), KEYS, st.lists(REPLIES, min_size=1))
def test_a_key_between_replies_is_what_was_typed(
    before: list[str], key: str, after: list[str]
) -> None:
    """In one chunk, replies around a key leave exactly the key."""
    assert without_replies("".join(before) + key + "".join(after)) == (key, True)
