"""The token's life on disk and in logs: created 0600 without following symlinks, loaded again,
refused when others could have read it; the cookie is no copy of it; log lines are scrubbed."""

from __future__ import annotations

import logging
import os
import stat
import sys
from pathlib import Path

import pytest

from agent_console import access


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_new_token_is_random_stored_0600_and_loaded_again(tmp_path: Path) -> None:
    """A fresh data dir gets a ≥128-bit token in `token` (0600); the next start reads it back."""
    access.prepare_data_dir(tmp_path / "d")
    token = access.load_or_create_token(tmp_path / "d", None)
    assert len(token) >= 22 and access.valid_shape(token)  # 32 random bytes, url-safe
    assert mode(tmp_path / "d") == 0o700 and mode(tmp_path / "d" / "token") == 0o600
    assert access.load_or_create_token(tmp_path / "d", None) == token
    access.prepare_data_dir(tmp_path / "e")
    assert access.load_or_create_token(tmp_path / "e", None) != token


def test_environment_token_wins_and_is_not_written(tmp_path: Path) -> None:
    """AGENT_CONSOLE_TOKEN is used as is and leaves no file behind."""
    token = "env-token-0123456789abcdef"
    assert access.load_or_create_token(tmp_path, token) == token
    assert not (tmp_path / "token").exists()


def test_malformed_environment_token_is_refused(tmp_path: Path) -> None:
    """A short or URL-unsafe AGENT_CONSOLE_TOKEN stops the server with a clear message."""
    for bad in ("short", "has space in it 0123456789", "x" * 513, "semi;colon0123456789"):
        with pytest.raises(access.AccessError, match="AGENT_CONSOLE_TOKEN"):
            access.load_or_create_token(tmp_path, bad)


def test_token_file_behind_a_symlink_is_refused_and_its_target_untouched(tmp_path: Path) -> None:
    """A symlink at `token` is neither followed for reading nor written through."""
    target = tmp_path / "elsewhere"
    (tmp_path / "token").symlink_to(target)
    with pytest.raises(access.AccessError, match="symlink"):
        access.load_or_create_token(tmp_path, None)
    assert not target.exists()
    target.write_text("attacker-chosen-token-0123456789\n")
    target.chmod(0o600)
    with pytest.raises(access.AccessError, match="symlink"):
        access.load_or_create_token(tmp_path, None)


def test_exclusive_write_never_replaces(tmp_path: Path) -> None:
    """write_secret refuses an existing file or a dangling symlink."""
    (tmp_path / "a").write_text("x")
    (tmp_path / "b").symlink_to(tmp_path / "nowhere")
    for name in ("a", "b"):
        with pytest.raises(FileExistsError):
            access.write_secret(tmp_path / name, "secret")
    assert not (tmp_path / "nowhere").exists()


def test_token_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    """A token file with group/other bits may have leaked: the server refuses it."""
    (tmp_path / "token").write_text("stored-token-0123456789abcdef\n")
    (tmp_path / "token").chmod(0o644)
    with pytest.raises(access.AccessError, match="readable by other users"):
        access.load_or_create_token(tmp_path, None)


def test_malformed_token_file_is_refused(tmp_path: Path) -> None:
    """An empty or garbled token file is an error that says to delete it."""
    access.write_secret(tmp_path / "token", "\n")
    with pytest.raises(access.AccessError, match="malformed"):
        access.load_or_create_token(tmp_path, None)


def test_data_dir_writable_by_others_is_refused(tmp_path: Path) -> None:
    """A data directory writable by group or others stops the start, naming the fix."""
    for bits, who in ((0o770, "group"), (0o703, "others"), (0o777, "group and others")):
        path = tmp_path / f"d{bits:o}"
        path.mkdir()
        path.chmod(bits)
        with pytest.raises(access.AccessError, match=f"writable by {who}.*chmod 700"):
            access.prepare_data_dir(path)


def test_data_dir_readable_by_others_gets_a_warning(tmp_path: Path) -> None:
    """A 0755 data directory starts, with a warning to tighten it."""
    path = tmp_path / "d"
    path.mkdir()
    path.chmod(0o755)
    warning = access.prepare_data_dir(path)
    assert warning is not None and "chmod 700" in warning


def test_new_data_dir_is_0700_even_with_a_loose_umask(tmp_path: Path) -> None:
    """The data directory is created 0700 whatever the umask."""
    old = os.umask(0)
    try:
        access.prepare_data_dir(tmp_path / "new" / "data")
    finally:
        os.umask(old)
    assert mode(tmp_path / "new" / "data") == 0o700


def test_cookie_value_is_no_copy_of_the_token() -> None:
    """The cookie is an HMAC: stable per token, different per token, never containing it."""
    token = "cookie-token-0123456789abcdef"
    value = access.cookie_value(token)
    assert value == access.cookie_value(token) != access.cookie_value(token + "x")
    assert token not in value and len(value) == 64


def test_same_secret_takes_any_bytes() -> None:
    """Constant-time comparison accepts non-ASCII and odd bytes without raising."""
    assert access.same_secret("abc", "abc")
    for given in ("abd", "ab", "", "ünï", "\udcff", b"\xff\x00"):
        assert not access.same_secret(given, "abc")


def test_login_url_quotes_the_token_and_reaches_wildcards_on_loopback() -> None:
    """The printed URL uses 127.0.0.1 for a wildcard bind and brackets IPv6."""
    assert access.login_url("0.0.0.0", 5, "a-b") == "http://127.0.0.1:5/?token=a-b"
    assert access.login_url("::1", 5, "t") == "http://[::1]:5/?token=t"
    assert access.login_url("127.0.0.1", 5, "a b") == "http://127.0.0.1:5/?token=a%20b"


def test_launch_page_is_0600_and_forwards(tmp_path: Path) -> None:
    """The --open page is private to the user and redirects to the token URL."""
    url = "http://127.0.0.1:5/?token=tok-0123456789abcdef"
    page = access.write_launch_page(tmp_path, url)
    assert mode(page) == 0o600
    assert f'url={url}"' in page.read_text()


def test_scrub_removes_query_tokens_and_secrets() -> None:
    """Every token= query value and every listed secret is replaced in a log line."""
    line = 'GET /x?a=1&token=abc&TOKEN=def HTTP/1.1 "/ws/app?token=ghi" s3cr3t-value'
    clean = access.scrub(line, ["s3cr3t-value"])
    for secret in ("abc", "def", "ghi", "s3cr3t-value"):
        assert secret not in clean
    assert "a=1" in clean


def test_redacting_filter_cleans_args_messages_and_tracebacks() -> None:
    """A record's message, its %-args and its exception text leave the filter scrubbed."""
    filter_ = access.RedactSecrets(["topsecret-0123456789"])
    try:
        raise ValueError("bad topsecret-0123456789")
    except ValueError:
        record = logging.LogRecord(
            "uvicorn.access", logging.INFO, __file__, 1,
            '%s - "%s %s" %d', ("1.2.3.4", "GET", "/?token=topsecret-0123456789", 200),
            exc_info=sys.exc_info(),
        )  # fmt: skip
    assert filter_.filter(record)
    text = logging.Formatter().format(record)
    assert "topsecret" not in text and "token=[redacted]" in text
