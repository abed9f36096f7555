"""The git revision a run records: the short commit of the working directory, `-dirty` with
uncommitted changes to tracked files, None outside a checkout or without git."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from simspace.run.revision import git_revision

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo, capture_output=True, text=True, check=True, timeout=30,
    )  # fmt: skip
    return done.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository with one commit, and nothing above tmp_path taken for a repository."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    path = tmp_path / "repo"
    path.mkdir()
    _git(path, "init", "-q")
    (path / "tracked.txt").write_text("one\n", encoding="utf-8")
    _git(path, "add", "tracked.txt")
    _git(path, "commit", "-q", "-m", "first")
    return path


def test_a_clean_checkout_gives_its_short_commit(repo: Path) -> None:
    revision = git_revision(repo)
    assert revision is not None
    assert len(revision) >= 4
    assert _git(repo, "rev-parse", "HEAD").startswith(revision)


def test_an_untracked_file_leaves_it_clean(repo: Path) -> None:
    (repo / "new.txt").write_text("untracked\n", encoding="utf-8")
    revision = git_revision(repo)
    assert revision is not None
    assert not revision.endswith("-dirty")


def test_a_changed_tracked_file_makes_it_dirty(repo: Path) -> None:
    (repo / "tracked.txt").write_text("two\n", encoding="utf-8")
    commit = _git(repo, "rev-parse", "HEAD")
    revision = git_revision(repo)
    assert revision is not None
    assert revision.endswith("-dirty")
    assert commit.startswith(revision.removesuffix("-dirty"))


def test_a_repository_without_a_commit_gives_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    _git(tmp_path, "init", "-q")
    assert git_revision(tmp_path) is None


def test_outside_a_checkout_it_is_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert git_revision(tmp_path) is None


def test_without_git_it_is_none(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(repo / "no-such-bin"))
    assert git_revision(repo) is None
