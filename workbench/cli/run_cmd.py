"""``policy-workbench run POLICY -r REQUEST ...`` — kwctl-compatible evaluation.

POLICY is anything :meth:`workbench.core.PolicySource.parse` accepts: a ``.wasm`` file, a
reference, ``.rego`` source, or a Kubewarden policy manifest (each policy of a
multi-document manifest is run and answered on its own line). Prints one line of compact
JSON per policy, the AdmissionResponse (``auditAnnotations`` and ``warnings`` always
present). Exit 0 on accept and on reject; non-zero with ``error: ...`` on invalid
settings, bad request, bad module, missing builtins, timeout.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from workbench.cli._common import add_registry_flags, registry_options, safe_text, stderr_log
from workbench.cli.verify_cmd import add_verification_flags, verification_options_from_args
from workbench.core import (
    DEFAULT_TIMEOUT,
    ExecutionMode,
    InputError,
    PolicyMode,
    PolicySource,
    PostProcessing,
    RunConfig,
    Session,
    SourceKind,
    load_settings,
    open_sessions,
    parse_timeout,
)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be at least 1 (got {value})")
    return value


def _deadline(text: str) -> float:
    try:
        value = parse_timeout(text)
    except InputError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    assert value is not None
    return value


def add_run_flags(p: argparse.ArgumentParser) -> None:
    """Flags shared by ``run`` and ``bench``."""
    p.add_argument(
        "module",
        metavar="POLICY",
        help="a .wasm file or file:// URI, a registry:// / https:// / short reference, .rego source "
        "(file or folder, interpreter), or a Kubewarden policy manifest (YAML)",
    )
    p.add_argument("-r", "--request-path", required=True, help="AdmissionReview or AdmissionRequest (JSON/YAML, - = stdin)")
    settings = p.add_mutually_exclusive_group()
    settings.add_argument("-s", "--settings-path", help="settings file (YAML or JSON)")
    settings.add_argument("--settings-json", help="settings as a JSON string")
    p.add_argument(
        "-e",
        "--execution-mode",
        choices=("opa", "gatekeeper", "kubewarden", "kubewarden-wapc", "wasi"),
        help="override the metadata's execution mode",
    )
    p.add_argument("--entrypoint", help="OPA entrypoint name or id (default: id 0, as Kubewarden)")
    p.add_argument("--raw", action="store_true", default=None, help="pass the request file as-is (raw policy)")
    deadline = p.add_mutually_exclusive_group()
    deadline.add_argument(
        "--timeout", type=_deadline, default=None, metavar="SECONDS",
        help=f"evaluation deadline in seconds (default {DEFAULT_TIMEOUT:g}; a manifest's timeoutEvalSeconds wins)",
    )
    deadline.add_argument("--no-timeout", action="store_true", help="run without an evaluation deadline")
    p.add_argument(
        "--memory-limit", type=_positive_int, default=256, metavar="MIB", help="memory cap per instance (MiB)"
    )
    p.add_argument("--allow-context-aware", action="store_true", help="grant the metadata's contextAwareResources")
    p.add_argument("--cluster-snapshot", metavar="PATH", help="folder or multi-document YAML of Kubernetes objects")
    rec = p.add_mutually_exclusive_group()
    rec.add_argument("--record-host-capabilities-interactions", metavar="FILE")
    rec.add_argument("--replay-host-capabilities-interactions", metavar="FILE")
    p.add_argument(
        "--allowed-host-capabilities", nargs="+", default=["*"], metavar="PATTERN", help="capability allow list"
    )
    p.add_argument(
        "--allow-network-builtins",
        action="store_true",
        help="let Rego's http.send and net.lookup_ip_addr reach the network (off by default)",
    )
    p.add_argument(
        "--builtins",
        choices=("kubewarden", "opa"),
        default="kubewarden",
        help="OPA builtins a Rego module may use: kubewarden = exactly what policy-server's Burrego provides "
        "(default, as in the cluster); opa = every OPA builtin (see docs/builtins.md)",
    )
    p.add_argument("--disable-wasmtime-cache", action="store_true", help="do not use the compiled-module cache")
    p.add_argument("-v", "--verbose", action="store_true", help="policy log and warnings on stderr")
    add_registry_flags(p)
    add_verification_flags(p)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="evaluate a policy against an admission request (like kwctl run)")
    add_run_flags(p)
    p.add_argument("--mode", choices=("protect", "monitor"), default="protect", help="policy mode (default protect)")
    p.add_argument("--disallow-mutation", action="store_true", help="reject requests the policy would mutate")
    p.add_argument("--message", help="custom rejection message (CR spec.message)")
    p.add_argument(
        "--check-scope",
        action="store_true",
        help="first decide, like the API server, whether the request reaches the policy (rules, selectors, "
        "matchConditions; docs/suites.md); print the decision on stderr and evaluate only when it does",
    )
    p.set_defaults(func=run)


def _entrypoint(value: str | None) -> str | int | None:
    if value is None:
        return None
    return int(value) if value.isascii() and value.isdigit() else value


def build_config(args: argparse.Namespace) -> RunConfig:
    from workbench.core import BuiltinOptions, BuiltinProfile

    timeout: float | None = None
    if not args.no_timeout:
        timeout = args.timeout if args.timeout is not None else DEFAULT_TIMEOUT
    return RunConfig(
        execution_mode=ExecutionMode.parse(args.execution_mode) if args.execution_mode else None,
        entrypoint=_entrypoint(args.entrypoint),
        raw=args.raw,
        timeout=timeout,
        memory_limit=args.memory_limit * 1024 * 1024,
        post=PostProcessing(
            mode=PolicyMode(getattr(args, "mode", "protect")),
            allowed_to_mutate=not getattr(args, "disallow_mutation", False),
            custom_rejection_message=getattr(args, "message", None),
        ),
        allow_context_aware=args.allow_context_aware,
        allowed_host_capabilities=tuple(args.allowed_host_capabilities),
        cluster_snapshot=args.cluster_snapshot,
        record_path=args.record_host_capabilities_interactions,
        replay_path=args.replay_host_capabilities_interactions,
        builtins=BuiltinOptions(
            allow_http_send=args.allow_network_builtins,
            allow_net_lookup=args.allow_network_builtins,
            profile=BuiltinProfile(args.builtins),
        ),
        log=stderr_log(args.verbose),
        use_cache=not args.disable_wasmtime_cache,
        input_paths=tuple(Path(p) for p in (args.request_path, args.settings_path) if p and p != "-"),
        registry=dataclasses.replace(registry_options(args), verification=verification_options_from_args(args)),
    )


def print_warnings(session: Session) -> None:
    for warning in session.warnings():
        sys.stderr.write(safe_text(f"warning: {warning}\n", sys.stderr))


def run(args: argparse.Namespace) -> int:
    config = build_config(args)
    source = PolicySource.parse(args.module)
    explicit = args.settings_path is not None or args.settings_json is not None
    if source.kind == SourceKind.MANIFEST:
        # kwctl: the manifest carries the settings; the request is passed as an AdmissionReview
        if args.raw:
            raise InputError(f"The --raw option cannot be used with a YAML file: {source.path}")
        if explicit:
            print("info: the policy manifest defines the settings: --settings-path/--settings-json are ignored",
                  file=sys.stderr)
            explicit = False
    settings = load_settings(args.settings_path, args.settings_json) if explicit else {}
    sessions = open_sessions(source, config)
    if len(sessions) > 1:
        print(
            "Multiple policies defined inside of the CRD file. All of them will run sequentially using the same request.",
            file=sys.stderr,
        )
    try:
        for session in sessions:
            request = session.load_request(args.request_path)
            if getattr(args, "check_scope", False):
                from workbench.core import ScopeOutcome, check_session_scope

                decision = check_session_scope(session, request, snapshot=config.cluster_snapshot)
                sys.stderr.write(safe_text(decision.describe() + "\n", sys.stderr))
                if decision.outcome is ScopeOutcome.ERROR:
                    raise InputError(f"the API server would reject the request: {decision.reason}")
                if not decision.matched:
                    continue
            if args.verbose:
                print_warnings(session)
            outcome = session.run(request, settings if explicit else session.default_settings)
            sys.stdout.write(outcome.response.to_json() + "\n")
            if args.verbose:
                print(f"evaluated in {outcome.elapsed_s * 1000:.2f} ms", file=sys.stderr)
    finally:
        for session in sessions:
            session.close()
    return 0
