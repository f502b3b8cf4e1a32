from helpers import REPO_ROOT


def test_repo_root_has_pyproject() -> None:
    assert (REPO_ROOT / "pyproject.toml").is_file()
