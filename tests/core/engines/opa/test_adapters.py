"""The input/data/response adapters shared by the OPA Wasm engine and the Rego-source interpreter."""

from __future__ import annotations

import json

import pytest

from workbench.core.engines.hostcaps.snapshot import ClusterSnapshot
from workbench.core.engines.opa import adapters
from workbench.core.errors import InputError

NS = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a"}}
POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "team-a"}}


def test_inputs_and_their_byte_forms_agree() -> None:
    request, settings = {"uid": "u", "x": [1, 2]}, {"a": True}
    assert json.loads(
        adapters.opa_input_json(adapters.encode_json(request, "request"))
    ) == adapters.opa_input(request)
    gk = adapters.gatekeeper_input_json(
        adapters.encode_json(request, "request"), adapters.encode_json(settings, "s")
    )
    assert (
        json.loads(gk)
        == adapters.gatekeeper_input(request, settings)
        == {"parameters": settings, "review": request}
    )


def test_encode_json_names_what_failed() -> None:
    with pytest.raises(InputError, match="the settings cannot be encoded"):
        adapters.encode_json({"x": float("nan")}, "settings")


def test_inventory_only_for_granted_types() -> None:
    snapshot = ClusterSnapshot([NS, POD])
    assert adapters.build_inventory("opa", (), snapshot) is None
    opa = adapters.build_inventory("opa", (("v1", "Namespace"),), snapshot)
    assert opa == {"namespaces": {"team-a": NS}}
    gk = adapters.build_inventory("gatekeeper", (("v1", "Pod"),), snapshot)
    assert gk == {"cluster": {}, "namespace": {"team-a": {"v1": {"Pod": {"web": POD}}}}}
    assert adapters.build_inventory("gatekeeper", (("v1", "Pod"),), None) == {"cluster": {}, "namespace": {}}


def test_data_documents() -> None:
    warnings: list[str] = []
    assert adapters.opa_data({"a": 1}, None, warnings.append) == {"a": 1}
    merged = adapters.opa_data({"a": 1, "kubernetes": "mine"}, {"pods": {}}, warnings.append)
    assert merged == {"a": 1, "kubernetes": {"pods": {}}} and warnings == [adapters.KUBERNETES_OVERWRITTEN]
    assert adapters.gatekeeper_data(None) == {}
    assert adapters.gatekeeper_data({"cluster": {}}) == {"inventory": {"cluster": {}}}


def test_opa_response() -> None:
    ok = adapters.opa_response("uid-1", [{"result": {"response": {"uid": "other", "allowed": True}}}])
    assert ok is not None and ok.uid == "uid-1" and ok.allowed
    assert adapters.opa_response("u", []) is None
    assert adapters.opa_response("u", [{"result": {"nothing": 1}}]) is None
    bad = adapters.opa_response("u", [{"result": {"response": {"uid": "u"}}}])
    assert bad is not None and not bad.allowed and "missing field `allowed`" in (bad.status or {})["message"]


@pytest.mark.parametrize(
    ("output", "allowed", "message"),
    [
        ([], True, None),
        ([{"result": []}], True, None),
        ([{"result": [{"msg": "a"}, {"msg": "b"}, {"details": 1}]}], False, "a, b"),
        ([{"result": ["not an object"]}], True, None),
        ([{"result": [{"msg": 3}]}], True, None),
        ([{"result": {"msg": "an object, not a set"}}], True, None),
    ],
)
def test_gatekeeper_response(output, allowed, message) -> None:
    response = adapters.gatekeeper_response("u", output)
    assert response.allowed is allowed
    assert (response.status or {}).get("message") == message
