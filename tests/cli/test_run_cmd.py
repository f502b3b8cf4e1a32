"""``policy-workbench run``: kwctl's input/output contract (docs/kubewarden-compat.md §2) end to end.

Most cases call :func:`workbench.cli.main.main` in-process (fast); a few run the real
``python -m workbench`` in a subprocess to check the exact stdout/stderr/exit code contract.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO_ROOT

from workbench.cli.main import main
from workbench.core.engines.response import MUTATION_NOT_ALLOWED_TEMPLATE

DEMO = REPO_ROOT / "resources" / "demo"
REQUIRE_LABELS = str(DEMO / "policies/require-labels/policy.wasm")
PULL_POLICY = str(DEMO / "policies/set-image-pull-policy/policy.wasm")
NAMESPACE_LABEL = str(DEMO / "policies/namespace-label-required/policy.wasm")
LABEL_SETTINGS = str(DEMO / "settings/require-labels.yml")


def req(name: str) -> str:
    return str(DEMO / "requests" / f"{name}.json")


def run_cli(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    code = main(["run", *args])
    out, err = capsys.readouterr()
    return code, out, err


def one_response(out: str) -> dict:
    assert out.endswith("\n") and out.count("\n") == 1, out
    line = out.rstrip("\n")
    assert line == json.dumps(json.loads(line), separators=(",", ":"), ensure_ascii=False)  # compact
    return json.loads(line)


def cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "workbench", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=120,
    )


# -- the process contract (subprocess) -------------------------------------------------------
def test_reject_exits_zero_with_one_compact_json_line() -> None:
    proc = cli("run", REQUIRE_LABELS, "-r", req("pod-missing-labels"), "-s", LABEL_SETTINGS)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == (
        '{"uid":"7d3c9a52-0003-4c1e-9a61-demo00000003","allowed":false,'
        '"status":{"message":"missing required labels: owner"},"auditAnnotations":null,"warnings":null}\n'
    )
    assert "Traceback" not in proc.stderr


def test_invalid_settings_exit_one_with_error_line() -> None:
    proc = cli(
        "run",
        REQUIRE_LABELS,
        "-r",
        req("pod-compliant"),
        "-s",
        str(DEMO / "settings/require-labels-invalid.yml"),
    )
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr == "error: Provided settings are not valid: required_labels must not be empty\n"


def test_request_from_stdin() -> None:
    text = Path(req("pod-compliant")).read_text()
    proc = cli("run", REQUIRE_LABELS, "-r", "-", "-s", LABEL_SETTINGS, stdin=text)
    assert proc.returncode == 0, proc.stderr
    assert one_response(proc.stdout) == {
        "uid": "7d3c9a52-0001-4c1e-9a61-demo00000001",
        "allowed": True,
        "auditAnnotations": None,
        "warnings": None,
    }


def test_bad_request_on_stdin() -> None:
    proc = cli("run", REQUIRE_LABELS, "-r", "-", stdin='{"kind": "AdmissionReview"}')
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.startswith("error: invalid AdmissionReview object")


# -- verdicts and post-processing (in-process) -----------------------------------------------
def test_accept_and_settings_json(capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run_cli(
        capsys,
        REQUIRE_LABELS,
        "-r",
        req("pod-missing-labels"),
        "--settings-json",
        '{"required_labels": ["app"]}',
    )
    assert code == 0 and one_response(out)["allowed"] is True


def test_yaml_request_is_accepted(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    import yaml

    path = tmp_path / "review.yaml"
    path.write_text(yaml.safe_dump(json.loads(Path(req("pod-missing-labels")).read_text())))
    code, out, _ = run_cli(capsys, REQUIRE_LABELS, "-r", str(path), "-s", LABEL_SETTINGS)
    assert code == 0 and one_response(out)["status"]["message"] == "missing required labels: owner"


def test_file_uri_module(capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run_cli(
        capsys, "file://" + REQUIRE_LABELS, "-r", req("pod-compliant"), "-s", LABEL_SETTINGS
    )
    assert code == 0 and one_response(out)["allowed"] is True


def test_monitor_mode(capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run_cli(
        capsys, REQUIRE_LABELS, "-r", req("pod-missing-labels"), "-s", LABEL_SETTINGS, "--mode", "monitor"
    )
    assert code == 0
    assert one_response(out) == {
        "uid": "7d3c9a52-0003-4c1e-9a61-demo00000003",
        "allowed": True,
        "auditAnnotations": None,
        "warnings": None,
    }


def test_mutation_patch_and_disallow_mutation(capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run_cli(capsys, PULL_POLICY, "-r", req("pod-needs-pull-policy"))
    response = one_response(out)
    assert code == 0 and response["allowed"] is True and response["patchType"] == "JSONPatch"
    assert list(response) == ["uid", "allowed", "patchType", "patch", "auditAnnotations", "warnings"]
    code, out, _ = run_cli(capsys, PULL_POLICY, "-r", req("pod-needs-pull-policy"), "--disallow-mutation")
    response = one_response(out)
    assert code == 0 and response["allowed"] is False and "patch" not in response
    assert response["status"]["message"] == MUTATION_NOT_ALLOWED_TEMPLATE.format(policy_id="policy-from-cli")


def test_custom_message_keeps_the_original_as_a_cause(capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run_cli(
        capsys,
        REQUIRE_LABELS,
        "-r",
        req("pod-missing-labels"),
        "-s",
        LABEL_SETTINGS,
        "--message",
        "Label your pods!",
    )
    assert code == 0
    assert one_response(out)["status"] == {
        "message": "Label your pods!",
        "details": {"causes": [{"reason": None, "message": "missing required labels: owner", "field": None}]},
    }


def test_delete_mutation_is_refused(capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run_cli(capsys, PULL_POLICY, "-r", req("pod-delete"))
    response = one_response(out)
    assert code == 0 and response["allowed"] is False
    assert response["status"]["message"].startswith("Incoming object is null, which happens only with DELETE")


def test_execution_mode_alias_and_rego_requirement(capsys: pytest.CaptureFixture, fixtures_dir: Path) -> None:
    go = str(fixtures_dir / "policies/kw-go-pod-name-denylist.wasm")
    request = str(fixtures_dir / "requests/pod-named-test-pod.json")
    settings = '{"denied_names": ["test-pod"]}'
    for mode in ("kubewarden", "kubewarden-wapc"):
        code, out, _ = run_cli(capsys, go, "-r", request, "--settings-json", settings, "-e", mode)
        assert code == 0
        assert one_response(out)["status"]["message"] == "The 'test-pod' name is on the deny list"
    rego = str(fixtures_dir / "policies/gk-always-happy.wasm")
    code, out, err = run_cli(capsys, rego, "-r", request)
    assert code == 1 and out == ""
    assert err.startswith(
        "error: The policy has been created with Rego, please specify which Opa runtime has to be used"
    )
    code, out, _ = run_cli(capsys, rego, "-r", request, "-e", "gatekeeper")
    assert code == 0 and one_response(out)["allowed"] is True


def test_raw_flag(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    doc = tmp_path / "raw.json"
    doc.write_text(
        json.dumps({"uid": "raw-7", "object": {"metadata": {"labels": {"app": "a", "owner": "o"}}}})
    )
    code, out, _ = run_cli(capsys, REQUIRE_LABELS, "-r", str(doc), "-s", LABEL_SETTINGS, "--raw")
    assert code == 0 and one_response(out) == {
        "uid": "raw-7",
        "allowed": True,
        "auditAnnotations": None,
        "warnings": None,
    }
    # without --raw the same document is not an AdmissionRequest
    code, out, err = run_cli(capsys, REQUIRE_LABELS, "-r", str(doc), "-s", LABEL_SETTINGS)
    assert code == 1 and out == "" and "missing field" in err


def test_context_aware_warning_and_snapshot(capsys: pytest.CaptureFixture) -> None:
    settings = str(DEMO / "settings/namespace-label-required.yml")
    code, out, err = run_cli(capsys, NAMESPACE_LABEL, "-r", req("pod-compliant"), "-s", settings)
    assert code == 0 and one_response(out)["allowed"] is False
    assert "access to cluster resources was not allowed" in err
    code, out, err = run_cli(
        capsys, NAMESPACE_LABEL, "-r", req("pod-compliant"), "-s", settings,
        "--allow-context-aware", "--cluster-snapshot", str(DEMO / "cluster"),
    )  # fmt: skip
    assert code == 0 and one_response(out)["allowed"] is True
    assert "--allow-context-aware" not in err


def test_verbose_reports_timing_on_stderr_only(capsys: pytest.CaptureFixture) -> None:
    code, out, err = run_cli(capsys, REQUIRE_LABELS, "-r", req("pod-compliant"), "-s", LABEL_SETTINGS, "-v")
    assert code == 0 and one_response(out)["allowed"] is True
    assert "evaluated in" in err and " ms" in err


# -- user errors: "error: ..." and exit 1, never a traceback ---------------------------------
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-r", "/nonexistent/request.json"], "error: request file /nonexistent/request.json does not exist"),
        (
            ["-r", "REQ", "--settings-json", "[1]"],
            "error: Invalid settings in --settings-json, not an object",
        ),
        (["-r", "REQ", "--settings-json", "{bad"], "error: --settings-json is not valid JSON"),
        (
            ["-r", "REQ", "-s", "/nonexistent/settings.yml"],
            "error: settings file /nonexistent/settings.yml does not exist",
        ),
        (["-r", "REQ", "-e", "opa"], "error: "),
        (["-r", "REQ", "--cluster-snapshot", "/nonexistent/cluster"], "error: "),
        (["-r", "REQ", "--replay-host-capabilities-interactions", "/nonexistent/rec.yml"], "error: "),
    ],
)
def test_user_errors(capsys: pytest.CaptureFixture, args: list[str], message: str) -> None:
    args = [req("pod-compliant") if a == "REQ" else a for a in args]
    if "-s" not in args and "--settings-json" not in args:
        args += ["-s", LABEL_SETTINGS]
    code, out, err = run_cli(capsys, REQUIRE_LABELS, *args)
    assert code == 1, err
    assert out == ""
    assert err.startswith(message), err
    assert err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize(
    "content",
    [
        "{}",
        '{"kind": "AdmissionReview", "request": null}',
        '{"uid": "x", "kind": {"group": "", "version": "v1", "kind": "Pod"}, "operation": "CREATE", "userInfo": {}}',
        "[1, 2",
        "\x00\x01",
        "- a\n- b\n",
        "a: [\n",
    ],
)
def test_bad_requests(capsys: pytest.CaptureFixture, tmp_path: Path, content: str) -> None:
    path = tmp_path / "request.json"
    path.write_text(content)
    code, out, err = run_cli(capsys, REQUIRE_LABELS, "-r", str(path), "-s", LABEL_SETTINGS)
    assert code == 1 and out == ""
    assert err.startswith("error: ") and "Traceback" not in err


def test_missing_resource_is_named(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    review = json.loads(Path(req("pod-compliant")).read_text())
    del review["request"]["resource"]
    path = tmp_path / "request.json"
    path.write_text(json.dumps(review))
    code, _, err = run_cli(capsys, REQUIRE_LABELS, "-r", str(path), "-s", LABEL_SETTINGS)
    assert code == 1
    assert err == "error: cannot build AdmissionRequest object from given input: missing field `resource`\n"


@pytest.mark.parametrize("content", [b"", b"not wasm at all", b"\0asm\x01\0\0\0\x01\xff", b"\0asm\x01\0\0\0"])
def test_bad_modules(capsys: pytest.CaptureFixture, tmp_path: Path, content: bytes) -> None:
    module = tmp_path / "bad.wasm"
    module.write_bytes(content)
    code, out, err = run_cli(capsys, str(module), "-r", req("pod-compliant"))
    assert code == 1 and out == ""
    assert err.startswith("error: ") and "Traceback" not in err


def test_missing_module(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    code, out, err = run_cli(capsys, str(tmp_path / "none.wasm"), "-r", req("pod-compliant"))
    assert (code, out) == (1, "")
    assert err == f"error: module {tmp_path / 'none.wasm'} does not exist\n"


LOOP_WAT = """
(module
  (import "wapc" "__guest_request" (func (param i32 i32)))
  (memory (export "memory") 1)
  (func (export "__guest_call") (param i32 i32) (result i32)
    (loop $forever (br $forever))
    (i32.const 1)))
"""


def test_timeout_is_a_user_error(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    """A waPC guest that never returns: the deadline stops it and the CLI reports it."""
    import time

    import wasmtime

    module = tmp_path / "loop.wasm"
    module.write_bytes(wasmtime.wat2wasm(LOOP_WAT))
    started = time.monotonic()
    code, out, err = run_cli(capsys, str(module), "-r", req("pod-compliant"), "--timeout", "0.2")
    assert time.monotonic() - started < 10
    assert code == 1 and out == ""
    assert err.startswith("error: ") and "exceeded the allowed execution time" in err, err


def test_memory_limit_must_be_positive(capsys) -> None:
    import pytest as _pytest

    from workbench.cli.main import main

    with _pytest.raises(SystemExit) as exc:
        main(["run", "x.wasm", "-r", "r.json", "--memory-limit", "0"])
    assert exc.value.code == 2
    assert "must be at least 1" in capsys.readouterr().err


def test_run_rego_source_file(capsys) -> None:
    from helpers import REPO_ROOT

    from workbench.cli.main import main

    demo = REPO_ROOT / "resources" / "demo"
    rc = main(
        [
            "run",
            str(demo / "rego" / "namespace-guard" / "policy.rego"),
            "-r",
            str(sorted((demo / "requests").glob("*.json"))[0]),
        ]
    )
    assert rc == 0
    import json as _json

    response = _json.loads(capsys.readouterr().out)
    assert set(response) >= {"uid", "allowed", "auditAnnotations", "warnings"}


# -- deadlines (issue 13, finding 17) ----------------------------------------------------------
@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "-inf"])
def test_a_deadline_must_be_positive_and_finite(value: str) -> None:
    result = cli("run", REQUIRE_LABELS, "-r", req("pod-compliant"), "-s", LABEL_SETTINGS, f"--timeout={value}")
    assert result.returncode == 2 and "deadline must be a positive number of seconds" in result.stderr
    assert "Traceback" not in result.stderr


def test_no_deadline_is_explicit(capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run_cli(capsys, REQUIRE_LABELS, "-r", req("pod-compliant"), "-s", LABEL_SETTINGS, "--no-timeout")
    assert code == 0 and one_response(out)["allowed"] is True
    with pytest.raises(SystemExit):  # both at once is a usage error
        main(["run", REQUIRE_LABELS, "-r", req("pod-compliant"), "--no-timeout", "--timeout", "2"])


# -- policy manifests as the policy ------------------------------------------------------------
def test_a_manifest_runs_each_policy_with_its_settings(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    doc = (
        "apiVersion: policies.kubewarden.io/v1\nkind: ClusterAdmissionPolicy\nmetadata:\n  name: {name}\n"
        "spec:\n  module: {module}\n  message: {message}\n  settings:\n    required_labels: [app, owner]\n"
    )
    manifest = tmp_path / "policies.yaml"
    manifest.write_text(
        doc.format(name="one", module=REQUIRE_LABELS, message="first says no")
        + "---\n"
        + doc.format(name="two", module="policies/require-labels/policy.wasm", message="second says no").replace(
            "policies/require-labels/policy.wasm", "file://" + REQUIRE_LABELS
        )
    )
    code, out, _ = run_cli(capsys, str(manifest), "-r", req("pod-missing-labels"))
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(lines) == 2
    assert [line["status"]["message"].split(":")[0] for line in lines] == ["first says no", "second says no"]


# -- untrusted text on a terminal (issue 13, finding 12) ----------------------------------------
def test_control_characters_are_escaped_on_a_terminal_only() -> None:
    import io

    from workbench.cli._common import safe_text

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    hostile = "title\x1b]0;owned\x07 \x9b2J done\nnext\tline"
    assert safe_text(hostile, Tty()) == "title\\x1b]0;owned\\x07 \\x9b2J done\nnext\tline"
    assert safe_text(hostile, io.StringIO()) == hostile  # pipes and files get the text as it is


def test_inspect_escapes_metadata_on_a_terminal(tmp_path: Path) -> None:
    """A module whose metadata carries escape sequences cannot drive the user's terminal."""
    import os
    import pty

    from workbench.core.metadata import METADATA_SECTION
    from workbench.core.module import load_module
    from workbench.core.wasm.writer import replace_custom_section

    module = load_module(REQUIRE_LABELS)
    assert module.metadata is not None
    annotations = dict(module.metadata.annotations or {})
    annotations["io.kubewarden.policy.title"] = "evil\x1b]0;pwned\x07title"
    import dataclasses

    md = dataclasses.replace(module.metadata, annotations=annotations)
    hostile = tmp_path / "hostile.wasm"
    hostile.write_bytes(replace_custom_section(module.data, METADATA_SECTION, md.to_json_bytes()))
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "workbench", "inspect", str(hostile)], stdout=follower, stderr=subprocess.PIPE, cwd=REPO_ROOT
    )
    os.close(follower)
    chunks: list[bytes] = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait(timeout=60)
    os.close(leader)
    text = b"".join(chunks).decode()
    assert proc.returncode == 0 and "evil\\x1b]0;pwned\\x07title" in text and "\x1b]0;" not in text


# -- run verifies signatures before pulling (kwctl's -k / --verification-config-path) ----------
@pytest.mark.registry
@pytest.mark.usefixtures("isolated_env")
def test_run_verifies_the_signature_first(plain_registry, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    def keypair(name: str) -> tuple[Path, Path]:
        key = ec.generate_private_key(ec.SECP256R1())
        private, public = tmp_path / f"{name}.key", tmp_path / f"{name}.pub"
        private.write_bytes(
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        )
        public.write_bytes(
            key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        )
        return private, public

    sources = str(plain_registry.sources_yaml(tmp_path))
    ref = plain_registry.ref("signed/labels", "v1")
    assert main(["push", REQUIRE_LABELS, ref, "--sources-path", sources]) == 0
    alice_key, alice_pub = keypair("alice")
    _, bob_pub = keypair("bob")
    assert main(["sign", ref, "-k", str(alice_key), "--sources-path", sources]) == 0
    capsys.readouterr()
    base = [ref, "-r", req("pod-compliant"), "-s", LABEL_SETTINGS, "--sources-path", sources]
    code, out, err = run_cli(capsys, *base, "-k", str(bob_pub))
    assert code == 1 and err.startswith("error: ") and out == ""
    code, out, _ = run_cli(capsys, *base, "-k", str(alice_pub))
    assert code == 0 and one_response(out)["allowed"] is True


# -- the builtins the cluster really provides (issue 15) ----------------------------------------
def test_run_defaults_to_kubewardens_builtins(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from opa_wat import make_module

    wasm = tmp_path / "needs-time-date.wasm"
    wasm.write_bytes(make_module(minor=2, builtins={"time.date": 20}).data)
    code, out, err = run_cli(capsys, str(wasm), "-e", "opa", "-r", req("pod-compliant"))
    assert code == 1 and out == "" and "time.date" in err and "--builtins opa" in err
    code, out, err = run_cli(capsys, str(wasm), "-e", "opa", "-r", req("pod-compliant"), "--builtins", "opa")
    assert code == 0 and "time.date" not in err
    one_response(out)
    assert main(["inspect", str(wasm), "-o", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["opa"]["kubewarden_missing_builtins"] == ["time.date"]
    assert any("Burrego" in w and "time.date" in w for w in report["warnings"])


# -- a record path that is an input (issue 13, finding 21) -------------------------------------
@pytest.mark.parametrize("which", ["request", "module", "settings"])
def test_recording_into_an_input_is_refused_and_the_input_kept(tmp_path: Path, capsys: pytest.CaptureFixture, which: str) -> None:
    import shutil

    files = {
        "request": tmp_path / "request.json",
        "module": tmp_path / "policy.wasm",
        "settings": tmp_path / "settings.yml",
    }
    shutil.copy(req("pod-compliant"), files["request"])
    shutil.copy(REQUIRE_LABELS, files["module"])
    shutil.copy(LABEL_SETTINGS, files["settings"])
    before = files[which].read_bytes()
    code, out, err = run_cli(
        capsys, str(files["module"]), "-r", str(files["request"]), "-s", str(files["settings"]),
        "--record-host-capabilities-interactions", str(files[which]),
    )
    assert code == 1 and out == "" and "it is an input of this run" in err
    assert files[which].read_bytes() == before
