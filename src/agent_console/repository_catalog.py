"""The registered repositories, persisted: add (checked by git), list, get, remove."""

from __future__ import annotations

from agent_console.errors import InvalidRequest, NotFound
from agent_console.model import Repository
from agent_console.repositories import inspect_repository
from agent_console.store import Store


class RepositoryCatalog:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._repos = {r.id: r for r in store.load_repositories()}

    def all(self) -> list[Repository]:
        return list(self._repos.values())

    def get(self, repo_id: str) -> Repository:
        repo = self._repos.get(repo_id)
        if repo is None:
            raise NotFound(f"repository {repo_id!r} not found")
        return repo

    def resolve(self, repo_id: str) -> Repository:
        """The repository a request names; an unknown id is the request's mistake (400)."""
        try:
            return self.get(repo_id)
        except NotFound:
            raise InvalidRequest(f"repositoryId: unknown repository {repo_id!r}") from None

    async def add(self, path: str) -> Repository:
        repo = await inspect_repository(path, self.all())
        self._store.save_repository(repo)  # first: memory changes only once the change is stored
        self._repos[repo.id] = repo
        return repo

    def remove(self, repo_id: str) -> None:
        """Forgets the repository; its sessions keep running and nothing on disk is touched."""
        self.get(repo_id)
        self._store.delete_repository(repo_id)
        del self._repos[repo_id]
