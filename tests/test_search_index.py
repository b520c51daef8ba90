"""The search index on its own (real SQLite): candidates newest first, what each drop removes,
a query's words and its exact test on a line, chunks cut on whole lines, and a damaged index
started afresh."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_console.errors import InvalidRequest
from agent_console.indexer import CHUNK, split
from agent_console.search import Cursor, Query
from agent_console.search_index import SearchIndex


def test_candidates_come_newest_first_and_page_below_an_id(tmp_path: Path) -> None:
    """Chunks holding the words in that order, the last one as a prefix; newest first; `below`
    pages on."""
    index = SearchIndex(tmp_path / "search.db")
    index.add("w1", [(0, 10, "build failed here"), (10, 20, "failed build")], 20, 1.0)
    index.add("w2", [(0, 10, "the build failed")], 10, 2.0)
    match = Query.parse("build fail").match
    found = index.candidates(match, None, 10)
    assert [(c.worker_id, c.start) for c in found] == [("w2", 0), ("w1", 0)]
    assert [c.worker_id for c in index.candidates(match, found[0].id, 10)] == ["w1"]
    assert index.indexed() == {"w1": 20, "w2": 10}


def test_drops_remove_exactly_what_went(tmp_path: Path) -> None:
    """Chunks wholly before a log's retained start, whole logs, and chunks older than a time."""
    index = SearchIndex(tmp_path / "search.db")
    index.add("w1", [(0, 10, "alpha"), (10, 20, "alpha")], 20, 1.0)
    index.add("w2", [(0, 10, "alpha")], 10, 5.0)
    index.add("w3", [(0, 10, "alpha"), (10, 20, "alpha")], 20, 2.0)
    index.drop_before("w3", 15)
    index.drop_logs(["w2"])
    index.drop_older(1.5)
    assert [(c.worker_id, c.start) for c in index.candidates('"alpha"', None, 10)] == [("w3", 10)]
    assert index.indexed() == {"w1": 20, "w3": 20}
    assert index.stats() == (1, 10)


def test_a_damaged_index_starts_afresh(tmp_path: Path) -> None:
    """A file that is not a database is replaced by an empty index (rebuilt from the logs)."""
    path = tmp_path / "search.db"
    path.write_bytes(b"not a database" * 100)
    index = SearchIndex(path)
    assert index.rebuilt and index.indexed() == {}


def test_a_query_is_its_words_and_an_exact_test_from_a_word_start() -> None:
    """The words as one phrase, the last a prefix unless the query ends in a separator; the
    exact test ignores case."""
    query = Query.parse("Build fail")
    assert query.match == '"Build fail"*'
    assert query.pattern.search("the build failed") and not query.pattern.search("rebuild failed")
    assert Query.parse("error: file ").match == '"error file"'
    assert Query.parse("--force").pattern.search("git push --force-with-lease")
    with pytest.raises(InvalidRequest):
        Query.parse("-> !")


def test_a_cursor_reads_back_what_it_wrote() -> None:
    """`next` round-trips; anything else is refused."""
    assert Cursor.parse(Cursor(12, 345).dump()) == Cursor(12, 345)
    with pytest.raises(InvalidRequest):
        Cursor.parse("12;drop")


def test_chunks_are_whole_lines_of_about_the_chunk_size() -> None:
    """Each chunk ends after a line end; a line longer than a chunk is one chunk."""
    line = b"x" * 99 + b"\n"
    data = line * (3 * CHUNK // 100) + b"y" * (CHUNK + 5) + b"\n"
    chunks = split(data, 1000)
    assert b"".join(c for _, c in chunks) == data and chunks[0][0] == 1000
    assert all(c.endswith(b"\n") and len(c) <= CHUNK for _, c in chunks[:-1])
    assert chunks[-1][1] == b"y" * (CHUNK + 5) + b"\n"
