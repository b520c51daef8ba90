"""Worktree templates: files copied into each new worktree with placeholders filled, never outside it.

Source: `<repository>/.agent-console/` when that directory exists, else the data directory's
`templates/<repository id>/`, else `templates/<repository name>/`. Every regular file under it is
copied to the same relative path in the new worktree (overwriting), keeping its permission bits.
Symbolic links, special files, absolute names, `..` and anything under `.git` are refused; files are
written through directory descriptors with O_NOFOLLOW, so a symlink already in the worktree cannot
redirect a write outside it either.

Placeholders in UTF-8 text files (binary files are copied byte for byte):
  {{BRANCH}} {{REPO}} {{WORKTREE_PATH}} {{WORKTREE_NUM}}
  {{WORKTREE_NUM + 3000}}: integer arithmetic with + - * / and parentheses; / rounds down.
Anything else between braces (e.g. another tool's `{{ .Values.x }}`) is left as it is.

WORKTREE_NUM is a small number stable for a worktree's life: the lowest positive integer that no
other worktree of the repository holds. It is recorded in the worktree's own git admin directory
(`<common git dir>/worktrees/<name>/agent-console-worktree-num`), so git removes it with the worktree
and the number becomes free again. The main worktree holds none.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from agent_console.errors import InvalidRequest
from agent_console.model import Repository

SOURCE_DIR_NAME = ".agent-console"
NUM_FILE = "agent-console-worktree-num"
MAX_FILES = 500
MAX_TOTAL_BYTES = 16 * 1024 * 1024
MAX_EXPRESSION = 200
MAX_MAGNITUDE = 10**18
_PLACEHOLDER = re.compile(r"\{\{([^{}]*)\}\}")
_TOKEN = re.compile(r"\s*(?:(\d{1,18})|(WORKTREE_NUM)|([-+*/()]))")
_WORDS = ("BRANCH", "REPO", "WORKTREE_PATH")


@dataclass(frozen=True)
class TemplateFile:
    relative: PurePosixPath
    content: bytes
    mode: int


@dataclass(frozen=True)
class TemplateValues:
    worktree_num: int
    branch: str
    repo: str
    worktree_path: str


# --- where templates come from ----------------------------------------------------------------


def template_source(repo: Repository, templates_dir: Path) -> Path | None:
    """The first template folder that exists for the repository, or None."""
    candidates = [Path(repo.path) / SOURCE_DIR_NAME, templates_dir / repo.id]
    if _safe_name(repo.name):
        candidates.append(templates_dir / repo.name)
    return next((c for c in candidates if c.is_dir() or c.is_symlink()), None)


def load_templates(source: Path) -> list[TemplateFile]:
    """Every regular file under source; InvalidRequest on links, special files or too much data."""
    if source.is_symlink():
        raise InvalidRequest(f"template folder {source} is a symbolic link; it must be a folder")
    files: list[TemplateFile] = []
    total = 0
    for folder, dirnames, filenames in os.walk(source):
        dirnames.sort()
        for name in [*dirnames, *sorted(filenames)]:
            path = Path(folder) / name
            rel = PurePosixPath(path.relative_to(source).as_posix())
            if path.is_symlink() or not (path.is_dir() or path.is_file()):
                raise InvalidRequest(
                    f"template {rel} is a link or special file; templates hold only files"
                )
            if path.is_file():
                check_template_name(rel)
                content = path.read_bytes()
                total += len(content)
                files.append(TemplateFile(rel, content, path.lstat().st_mode & 0o777))
        if len(files) > MAX_FILES or total > MAX_TOTAL_BYTES:
            raise InvalidRequest(
                f"templates in {source} exceed {MAX_FILES} files or {MAX_TOTAL_BYTES} bytes"
            )
    return files


def check_template_name(rel: PurePosixPath) -> None:
    """Refuses names that could leave the worktree or reach into its git metadata."""
    if rel.is_absolute() or not rel.parts:
        raise InvalidRequest(f"template name {str(rel)!r} must be relative")
    for part in rel.parts:
        if not _safe_name(part) or part.lower() == ".git":
            raise InvalidRequest(f"template name {str(rel)!r} may not contain {part!r}")


def _safe_name(part: str) -> bool:
    return part not in ("", ".", "..") and "/" not in part and "\0" not in part


# --- placeholders -----------------------------------------------------------------------------


def render(text: str, values: TemplateValues, where: str = "template") -> str:
    """text with every known placeholder replaced; unknown ones left alone."""
    words = {"BRANCH": values.branch, "REPO": values.repo, "WORKTREE_PATH": values.worktree_path}

    def substitute(match: re.Match[str]) -> str:
        inner = match.group(1).strip()
        if inner in words:
            return words[inner]
        if "WORKTREE_NUM" in inner:
            try:
                return str(evaluate(inner, values.worktree_num))
            except ValueError as exc:
                raise InvalidRequest(f"{where}: cannot evaluate {match.group(0)}: {exc}") from None
        return match.group(0)

    return _PLACEHOLDER.sub(substitute, text)


def evaluate(expression: str, worktree_num: int) -> int:
    """Integer arithmetic over WORKTREE_NUM and literals (+ - * / parentheses); ValueError if bad."""
    if len(expression) > MAX_EXPRESSION:
        raise ValueError(f"expression longer than {MAX_EXPRESSION} characters")
    tokens = _tokens(expression)
    parser = _Parser(tokens, worktree_num)
    value = parser.expression()
    if parser.pos != len(tokens):
        raise ValueError(f"unexpected {tokens[parser.pos]!r}")
    return value


def _tokens(expression: str) -> list[str]:
    tokens, pos = [], 0
    stripped = expression.rstrip()
    while pos < len(stripped):
        match = _TOKEN.match(stripped, pos)
        if not match:
            raise ValueError(f"unexpected text {stripped[pos:].strip()[:20]!r}")
        tokens.append(match.group(match.lastindex or 0))
        pos = match.end()
    return tokens


class _Parser:
    """Recursive descent: expression := term (+|- term)*; term := factor (*|/ factor)*."""

    def __init__(self, tokens: list[str], worktree_num: int) -> None:
        self.tokens, self.pos, self.num, self.depth = tokens, 0, worktree_num, 0

    def _peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _take(self) -> str:
        token = self._peek()
        if token is None:
            raise ValueError("expression ends too early")
        self.pos += 1
        return token

    def expression(self) -> int:
        value = self.term()
        while self._peek() in ("+", "-"):
            op = self._take()
            value = _bounded(value + self.term() if op == "+" else value - self.term())
        return value

    def term(self) -> int:
        value = self.factor()
        while self._peek() in ("*", "/"):
            op, right = self._take(), self.factor()
            if op == "/" and right == 0:
                raise ValueError("division by zero")
            value = _bounded(value * right if op == "*" else value // right)
        return value

    def factor(self) -> int:
        token = self._take()
        if token in ("+", "-"):
            value = self._nested(self.factor)
            return value if token == "+" else -value
        if token == "(":
            value = self._nested(self.expression)
            if self._take() != ")":
                raise ValueError("missing ')'")
            return value
        if token == "WORKTREE_NUM":
            return self.num
        if token.isdigit():
            return int(token)
        raise ValueError(f"unexpected {token!r}")

    def _nested(self, parse: Callable[[], int]) -> int:
        self.depth += 1
        if self.depth > 32:
            raise ValueError("expression nests too deeply")
        value = parse()
        self.depth -= 1
        return value


def _bounded(value: int) -> int:
    if abs(value) > MAX_MAGNITUDE:
        raise ValueError("result out of range")
    return value


# --- writing ----------------------------------------------------------------------------------


def apply_templates(
    files: Iterable[TemplateFile], worktree: Path, values: TemplateValues
) -> list[str]:
    """Writes each file into worktree (placeholders filled in text files); returns their names."""
    written = []
    for template in files:
        check_template_name(template.relative)
        data = _rendered(template, values)
        _write_inside(worktree, template.relative, data, template.mode)
        written.append(template.relative.as_posix())
    return written


def _rendered(template: TemplateFile, values: TemplateValues) -> bytes:
    if b"\0" in template.content:
        return template.content
    try:
        text = template.content.decode("utf-8")
    except UnicodeDecodeError:
        return template.content
    return render(text, values, f"template {template.relative}").encode("utf-8")


def _write_inside(worktree: Path, rel: PurePosixPath, data: bytes, mode: int) -> None:
    """Creates rel under worktree without following any symlink on the way (TOCTOU-safe)."""
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
    fds = [os.open(worktree, flags)]
    try:
        for part in rel.parts[:-1]:
            with contextlib.suppress(FileExistsError):
                os.mkdir(part, 0o777, dir_fd=fds[-1])
            fds.append(os.open(part, flags, dir_fd=fds[-1]))
        out = os.open(
            rel.parts[-1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, mode,
            dir_fd=fds[-1],
        )  # fmt: skip
        with os.fdopen(out, "wb") as stream:
            os.fchmod(stream.fileno(), mode)  # also when the file existed: exact bits, no umask
            stream.write(data)
    except OSError as exc:
        raise InvalidRequest(
            f"template {rel} cannot be written inside the worktree "
            f"({exc.strerror}; a symbolic link or file is in the way)"
        ) from None
    finally:
        for fd in fds:
            os.close(fd)


# --- WORKTREE_NUM -----------------------------------------------------------------------------


def used_worktree_nums(common_dir: Path) -> set[int]:
    """Numbers recorded by the repository's existing linked worktrees."""
    used = set()
    for record in (common_dir / "worktrees").glob(f"*/{NUM_FILE}"):
        number = read_worktree_num(record.parent)
        if number is not None:
            used.add(number)
    return used


def next_worktree_num(used: Iterable[int]) -> int:
    """The lowest positive integer not in used."""
    taken = set(used)
    return next(n for n in range(1, len(taken) + 2) if n not in taken)


def record_worktree_num(admin_dir: Path, number: int) -> None:
    (admin_dir / NUM_FILE).write_text(f"{number}\n")


def read_worktree_num(admin_dir: Path) -> int | None:
    try:
        text = (admin_dir / NUM_FILE).read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() and len(text) < 10 else None
