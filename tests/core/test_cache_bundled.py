"""The read-only bundled module cache (packaged builds) in front of the user cache."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from workbench.core import cache
from workbench.core.engines.runtime import shared_engine
from workbench.core.resources import demo_dir

MODULE = demo_dir() / "policies" / "require-labels" / "policy.wasm"


@pytest.fixture
def dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    data = MODULE.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    bundled_root, user_root = tmp_path / "bundle-cache", tmp_path / "user-cache"
    # precompile exactly as packaging/build.sh does: the normal cache API pointed into the bundle
    monkeypatch.setenv("POLICY_WORKBENCH_CACHE_DIR", str(bundled_root))
    cache.forget_compiled()
    cache.compile_module(shared_engine(), data, sha)
    monkeypatch.setenv("POLICY_WORKBENCH_CACHE_DIR", str(user_root))
    monkeypatch.setenv("POLICY_WORKBENCH_BUNDLED_CACHE", str(bundled_root / "modules"))
    cache.forget_compiled()
    yield data, sha, bundled_root / "modules", user_root / "modules"
    cache.forget_compiled()


def test_bundled_entry_is_used_and_the_user_cache_stays_empty(dirs) -> None:
    data, sha, bundled, user = dirs
    assert cache.bundled_cache_dir() == bundled
    module = cache.compile_module(shared_engine(), data, sha)
    assert any(e.name == "__guest_call" for e in module.exports)
    assert not list(user.glob("*.cwasm"))


def test_tampered_bundled_entry_is_skipped_not_deleted(dirs) -> None:
    data, sha, bundled, user = dirs
    entry = bundled / f"{cache.cache_key(sha)}.cwasm"
    blob = bytearray(entry.read_bytes())
    blob[-1] ^= 0xFF
    entry.write_bytes(bytes(blob))
    module = cache.compile_module(shared_engine(), data, sha)
    assert any(e.name == "__guest_call" for e in module.exports)
    assert entry.exists()  # read-only layer: never modified
    assert list(user.glob("*.cwasm"))  # compiled and stored in the user cache instead


def test_foreign_key_is_rejected(dirs) -> None:
    data, sha, bundled, user = dirs
    (bundled.parent / "hmac.key").write_bytes(b"\x01" * 32)
    cache.compile_module(shared_engine(), data, sha)
    assert list(user.glob("*.cwasm"))


def test_no_bundle_means_no_bundled_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("POLICY_WORKBENCH_BUNDLED_CACHE", raising=False)
    assert cache.bundled_cache_dir() is None
    monkeypatch.setenv("POLICY_WORKBENCH_BUNDLED_CACHE", str(tmp_path))  # no hmac.key there
    assert cache.bundled_cache_dir() is None
