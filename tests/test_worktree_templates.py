"""worktree_templates.py: placeholders and arithmetic, loading, confinement, WORKTREE_NUM records."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent_console.errors import InvalidRequest
from agent_console.model import Repository
from agent_console.worktree_templates import (
    NUM_FILE,
    TemplateFile,
    TemplateValues,
    apply_templates,
    evaluate,
    load_templates,
    next_worktree_num,
    read_worktree_num,
    record_worktree_num,
    render,
    template_source,
    used_worktree_nums,
)

VALUES = TemplateValues(worktree_num=3, branch="feat/x", repo="proj", worktree_path="/w/feat-x")


def test_render_fills_every_placeholder() -> None:
    """BRANCH, REPO, WORKTREE_PATH and WORKTREE_NUM are substituted, with or without spaces."""
    text = "b={{BRANCH}} r={{ REPO }} p={{WORKTREE_PATH}} n={{WORKTREE_NUM}}"
    assert render(text, VALUES) == "b=feat/x r=proj p=/w/feat-x n=3"


@pytest.mark.parametrize(
    ("expression", "value"),
    [("WORKTREE_NUM + 3000", 3003), ("3000+WORKTREE_NUM", 3003), ("WORKTREE_NUM * 10 + 1", 31),
     ("(WORKTREE_NUM + 1) * 2", 8), ("WORKTREE_NUM - 5", -2), ("-WORKTREE_NUM", -3),
     ("WORKTREE_NUM / 2", 1), ("100 / WORKTREE_NUM", 33), ("WORKTREE_NUM*WORKTREE_NUM", 9)],
)  # fmt: skip
def test_arithmetic(expression: str, value: int) -> None:
    """+ - * / with precedence and parentheses; / is integer division rounding down."""
    assert render("{{" + expression + "}}", VALUES) == str(value)


@pytest.mark.parametrize(
    "expression",
    ["WORKTREE_NUM +", "WORKTREE_NUM / 0", "WORKTREE_NUM ** 2", "WORKTREE_NUM + __import__('os')",
     "(WORKTREE_NUM", "WORKTREE_NUM 3", "WORKTREE_NUM + " + "9" * 19, "WORKTREE_NUM" + " * 999999" * 5],
)  # fmt: skip
def test_bad_arithmetic_is_refused(expression: str) -> None:
    """Malformed, unsafe, dividing-by-zero or huge expressions are a 400 naming the placeholder."""
    with pytest.raises(InvalidRequest, match="cannot evaluate"):
        render("port={{" + expression + "}}", VALUES, "template .env")


def test_unknown_placeholders_are_left_alone() -> None:
    """Other tools' brace syntax survives untouched."""
    text = "{{ .Values.port }} {{name}} {{}} {{ BRANCH_NAME }}"
    assert render(text, VALUES) == text


@given(st.integers(0, 10_000), st.integers(-10_000, 10_000), st.integers(1, 1000))
def test_evaluate_matches_integer_arithmetic(num: int, a: int, b: int) -> None:
    """The evaluator agrees with Python's integer arithmetic on the same expression."""
    assert evaluate(f"WORKTREE_NUM * {b} + ({a}) - WORKTREE_NUM / {b}", num) == (
        num * b + a - num // b
    )


@given(st.text(max_size=60))
def test_evaluate_never_raises_anything_but_value_error(expression: str) -> None:
    """Any text either evaluates to an int or raises ValueError (never eval'd, never crashes)."""
    with contextlib.suppress(ValueError):
        assert isinstance(evaluate(expression, 1), int)


def test_load_and_apply(tmp_path: Path) -> None:
    """Files (nested, binary, executable) are copied with placeholders filled in text files only."""
    source = tmp_path / "src"
    (source / "config").mkdir(parents=True)
    (source / ".env").write_text("PORT={{WORKTREE_NUM + 3000}}\nBRANCH={{BRANCH}}\n")
    (source / "config" / "run.sh").write_text("#!/bin/sh\necho {{REPO}}\n")
    (source / "config" / "run.sh").chmod(0o755)
    (source / "logo.bin").write_bytes(b"\0{{BRANCH}}\xff")
    worktree = tmp_path / "wt"
    worktree.mkdir()
    written = apply_templates(load_templates(source), worktree, VALUES)
    assert sorted(written) == [".env", "config/run.sh", "logo.bin"]
    assert (worktree / ".env").read_text() == "PORT=3003\nBRANCH=feat/x\n"
    assert (worktree / "config" / "run.sh").read_text() == "#!/bin/sh\necho proj\n"
    assert os.access(worktree / "config" / "run.sh", os.X_OK)
    assert (worktree / "logo.bin").read_bytes() == b"\0{{BRANCH}}\xff"


def test_symlinks_in_the_source_are_refused(tmp_path: Path) -> None:
    """A template folder containing a symbolic link (to a file or a folder) is refused whole."""
    secret = tmp_path / "secret"
    secret.write_text("key")
    for link_name in ("file-link", "dir-link"):
        source = tmp_path / f"src-{link_name}"
        source.mkdir()
        (source / link_name).symlink_to(secret if link_name == "file-link" else tmp_path)
        with pytest.raises(InvalidRequest, match="link"):
            load_templates(source)


def test_symlinked_source_folder_is_refused(tmp_path: Path) -> None:
    """The template folder itself may not be a symbolic link."""
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    with pytest.raises(InvalidRequest, match="symbolic link"):
        load_templates(tmp_path / "link")


@pytest.mark.parametrize("name", ["../escape", "/etc/passwd", "a/../../b", ".git/hooks/pre-commit",
                                  "sub/.GIT/config", "."])  # fmt: skip
def test_names_that_could_escape_are_refused(tmp_path: Path, name: str) -> None:
    """Absolute names, '..' and anything under .git are refused before anything is written."""
    worktree = tmp_path / "wt"
    worktree.mkdir()
    template = TemplateFile(PurePosixPath(name), b"x", 0o644)
    with pytest.raises(InvalidRequest, match="template name"):
        apply_templates([template], worktree, VALUES)
    assert not (tmp_path / "escape").exists() and not (tmp_path / "b").exists()


def test_symlink_in_the_worktree_cannot_redirect_a_write(tmp_path: Path) -> None:
    """A link already in the worktree (a folder or the file itself) is not followed by a write."""
    outside = tmp_path / "outside"
    outside.mkdir()
    worktree = tmp_path / "wt"
    worktree.mkdir()
    (worktree / "config").symlink_to(outside)
    (worktree / "target.txt").symlink_to(outside / "victim.txt")
    for name in ("config/app.env", "target.txt"):
        with pytest.raises(InvalidRequest, match="cannot be written inside the worktree"):
            apply_templates([TemplateFile(PurePosixPath(name), b"x", 0o644)], worktree, VALUES)
    assert list(outside.iterdir()) == []


def test_template_source_order(tmp_path: Path) -> None:
    """The repository's .agent-console/ wins; else templates/<id>/; else templates/<name>/."""
    repo_dir, templates = tmp_path / "proj", tmp_path / "templates"
    repo_dir.mkdir()
    repo = Repository(id="r1", name="proj", path=str(repo_dir))
    assert template_source(repo, templates) is None
    (templates / "proj").mkdir(parents=True)
    assert template_source(repo, templates) == templates / "proj"
    (templates / "r1").mkdir()
    assert template_source(repo, templates) == templates / "r1"
    (repo_dir / ".agent-console").mkdir()
    assert template_source(repo, templates) == repo_dir / ".agent-console"


def test_worktree_numbers_are_lowest_free(tmp_path: Path) -> None:
    """Numbers recorded in admin folders are read back; the next is the lowest free positive one."""
    common = tmp_path / "git"
    for name, number in (("a", 1), ("b", 3)):
        (common / "worktrees" / name).mkdir(parents=True)
        record_worktree_num(common / "worktrees" / name, number)
    (common / "worktrees" / "c").mkdir()
    (common / "worktrees" / "c" / NUM_FILE).write_text("garbage")
    assert used_worktree_nums(common) == {1, 3}
    assert read_worktree_num(common / "worktrees" / "c") is None
    assert next_worktree_num({1, 3}) == 2
    assert next_worktree_num(set()) == 1
    assert next_worktree_num({1, 2, 3}) == 4


@given(st.sets(st.integers(1, 50)))
def test_next_worktree_num_property(used: set[int]) -> None:
    """The next number is positive, unused, and every smaller positive number is used."""
    number = next_worktree_num(used)
    assert number >= 1 and number not in used
    assert all(n in used for n in range(1, number))
