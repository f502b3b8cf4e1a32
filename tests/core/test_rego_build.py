"""``opa build -t wasm``: with a real ``opa`` binary when one is on PATH (never faked), else skipped."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core import rego_build
from workbench.core.errors import ModuleError

OPA = rego_build.find_opa()
needs_opa = pytest.mark.skipif(
    OPA is None, reason="no `opa` binary on PATH: the opa build integration needs a real one"
)


def test_download_url_points_at_a_static_binary() -> None:
    url = rego_build.opa_download_url()
    assert url.startswith("https://github.com/open-policy-agent/opa/releases/")
    assert url in rego_build.OPA_MISSING_HELP


def test_without_opa_the_error_explains_how_to_get_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POLICY_WORKBENCH_OPA", str(tmp_path / "no-such-opa"))
    assert rego_build.find_opa() is None
    source = tmp_path / "p.rego"
    source.write_text("package p\nimport rego.v1\nallow := true\n")
    with pytest.raises(ModuleError, match="needs the `opa` command"):
        rego_build.build_wasm([source], "p/allow")


def test_bundles_without_policy_wasm_are_refused(tmp_path: Path) -> None:
    import io
    import tarfile

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        info = tarfile.TarInfo("data.json")
        info.size = 2
        tar.addfile(info, io.BytesIO(b"{}"))
    with pytest.raises(ModuleError, match=r"no /policy\.wasm"):
        rego_build._policy_wasm(buffer.getvalue())
    with pytest.raises(ModuleError, match="cannot be read"):
        rego_build._policy_wasm(b"not a tarball")


@needs_opa
def test_demo_rego_compiles_and_agrees_with_the_interpreter(tmp_path: Path) -> None:
    from workbench.core.compare import compare_engines
    from workbench.core.demo import load_demo
    from workbench.core.module import load_module
    from workbench.core.requests import load_request, load_settings

    demo = load_demo()
    for policy in demo.policies:
        if policy.engine != "rego-source":
            continue
        from workbench.core.engines.rego_source import default_entrypoint, load_rego_source, resolve_rego_mode

        source = load_rego_source(policy.module)
        mode = resolve_rego_mode(source, policy.execution_mode)
        entry = policy.entrypoint or default_entrypoint(source, mode)
        out = tmp_path / f"{policy.id}.wasm"
        data = rego_build.build_wasm(source.files, entry, out)
        assert data.startswith(b"\0asm") and load_module(out).is_rego
        for case in policy.cases:
            comparison = compare_engines(
                policy.module,
                out,
                load_request(case.request),
                load_settings(case.settings or policy.settings),
                execution_mode=mode,
                entrypoint=entry,
            )
            assert comparison.same, comparison.differences


@needs_opa
def test_opa_errors_are_reported(tmp_path: Path) -> None:
    source = tmp_path / "bad.rego"
    source.write_text("package p\nx := \n")
    with pytest.raises(ModuleError, match="opa build` failed"):
        rego_build.build_wasm([source], "p/x")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=512))
def test_bundle_reader_only_raises_module_error(blob: bytes) -> None:
    try:
        rego_build._policy_wasm(blob)
    except ModuleError:
        pass
