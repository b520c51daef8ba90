"""directories.py: `~` expansion and folder completion for the new-session field (real folders),
then GET /api/directories and `~` in a new session against a real server."""

from __future__ import annotations

from pathlib import Path

import httpx

from agent_console.directories import complete, expand_home
from tests.harness import Server


def test_expands_only_the_home_forms() -> None:
    """`~` and `~/x` become the home directory; `~user`, relative and absolute paths do not."""
    assert expand_home("~", "/home/u") == "/home/u"
    assert expand_home("~/src/app", "/home/u/") == "/home/u/src/app"
    assert expand_home("~/x", "/") == "/x"
    assert [expand_home(p, "/home/u") for p in ("~bob/x", "src", "/etc")] == [
        "~bob/x",
        "src",
        "/etc",
    ]


def test_completes_the_last_part_with_subfolders_only(tmp_path: Path) -> None:
    """Folders starting with the typed part are offered, files and hidden folders are not."""
    for name in ("api", "apps", "web", ".cache", ".config"):
        (tmp_path / name).mkdir()
    (tmp_path / "apple.txt").write_text("x")
    assert complete(f"{tmp_path}/ap", "/nowhere") == [f"{tmp_path}/api", f"{tmp_path}/apps"]
    assert complete(f"{tmp_path}/", "/nowhere") == [
        f"{tmp_path}/{n}" for n in ("api", "apps", "web")
    ]
    assert complete(f"{tmp_path}/.c", "/nowhere") == [f"{tmp_path}/.cache", f"{tmp_path}/.config"]


def test_completes_under_home_and_caps_the_list(tmp_path: Path) -> None:
    """`~/` lists the home's folders (absolute); at most `limit` of them."""
    for n in range(5):
        (tmp_path / f"d{n}").mkdir()
    assert complete("~/d", str(tmp_path), limit=3) == [str(tmp_path / f"d{n}") for n in range(3)]


def test_nothing_for_what_cannot_be_listed(tmp_path: Path) -> None:
    """A relative prefix, a missing folder or a file as the parent give no suggestion, no error."""
    (tmp_path / "file").write_text("x")
    assert complete("src/a", "/home/u") == []
    assert complete(f"{tmp_path}/missing/a", "/home/u") == []
    assert complete(f"{tmp_path}/file/a", "/home/u") == []
    assert complete("/bad\0path", "/home/u") == []


# --- on the wire, against a real server --------------------------------------------------------


def test_the_api_lists_the_home_and_its_folders(server: Server, api: httpx.Client) -> None:
    """GET /api/directories gives the server's home and the folders completing a prefix."""
    home = Path(server.env["HOME"])
    (home / "projects").mkdir()
    (home / "photos").mkdir()
    answer = api.get("/api/directories", params={"prefix": "~/p"}).json()
    assert answer == {
        "home": str(home),
        "directories": [str(home / "photos"), str(home / "projects")],
    }
    assert api.get("/api/directories", params={"prefix": "relative/x"}).json()["directories"] == []
    with server.http(token=None) as anonymous:
        assert anonymous.get("/api/directories").status_code == 401


def test_a_session_may_start_in_a_folder_under_tilde(server: Server, api: httpx.Client) -> None:
    """locationPath `~/x` is the folder x in the server's home; a missing one is a clear 400."""
    home = Path(server.env["HOME"])
    (home / "work").mkdir()
    created = api.post("/api/sessions", json={"type": "quick", "locationPath": "~/work"})
    assert created.status_code == 201 and created.json()["session"]["locationPath"] == str(
        home / "work"
    )
    missing = api.post("/api/sessions", json={"type": "quick", "locationPath": "~/nowhere"})
    assert missing.status_code == 400 and "does not exist" in missing.json()["error"]
