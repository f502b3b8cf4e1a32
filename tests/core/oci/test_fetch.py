from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from core.oci.wasmgen import module

from workbench.core.errors import InputError, StoreError
from workbench.core.oci.fetch import fetch_module, needs_pull
from workbench.core.oci.reference import parse_oci_reference
from workbench.core.oci.store import Store


def test_local_paths(tmp_path: Path) -> None:
    target = tmp_path / "p.wasm"
    target.write_bytes(module())
    assert fetch_module(str(target)) == target
    assert fetch_module(target) == target
    assert fetch_module(target.as_uri()) == target
    with pytest.raises(InputError, match="does not exist"):
        fetch_module(str(tmp_path / "missing.wasm"))


def test_sha_prefix_and_store_only(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    data = module(seed=b"fetch")
    stored = store.write("registry://h.example.com/a:v1", data)
    assert fetch_module(hashlib.sha256(data).hexdigest()[:12], store=store) == stored
    # non-latest tags are served from the store without touching the network
    assert fetch_module("registry://h.example.com/a:v1", store=store) == stored
    assert fetch_module("h.example.com/a:v1", store=store, pull=False) == stored
    with pytest.raises(StoreError, match="pull it first"):
        fetch_module("registry://h.example.com/a:v2", store=store, pull=False)


def test_cache_rule(tmp_path: Path) -> None:
    store = Store(tmp_path)
    v1 = parse_oci_reference("h.example.com/a:v1")
    latest = parse_oci_reference("h.example.com/a")
    assert needs_pull(v1, store) and needs_pull(latest, store)
    store.write(v1, module())
    store.write(latest, module())
    assert not needs_pull(v1, store)
    assert needs_pull(latest, store)  # latest is always re-pulled, like kwctl
