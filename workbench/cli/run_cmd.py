"""``policy-workbench run MODULE -r REQUEST ...`` — kwctl-compatible evaluation.

Prints one line of compact JSON, the AdmissionResponse (``auditAnnotations`` and
``warnings`` always present). Exit 0 on accept and on reject; non-zero with
``error: ...`` on invalid settings, bad request, bad module, missing builtins,
timeout.
"""

from __future__ import annotations

import argparse
import sys

from workbench.cli._common import add_registry_flags, resolve_module, stderr_log
from workbench.core.engines import PostProcessing
from workbench.core.requests import load_request, load_settings
from workbench.core.runner import PolicySession, RunConfig


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be at least 1 (got {value})")
    return value


def add_run_flags(p: argparse.ArgumentParser) -> None:
    """Flags shared by ``run`` and ``bench``."""
    p.add_argument("module", help="path, file:// URI, registry:// reference, or a .rego file/folder (interpreter)")
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
    p.add_argument("--timeout", type=float, default=2.0, help="evaluation deadline in seconds (default 2)")
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
    p.add_argument("--disable-wasmtime-cache", action="store_true", help="do not use the compiled-module cache")
    p.add_argument("-v", "--verbose", action="store_true", help="policy log and warnings on stderr")
    add_registry_flags(p)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="evaluate a policy against an admission request (like kwctl run)")
    add_run_flags(p)
    p.add_argument("--mode", choices=("protect", "monitor"), default="protect", help="policy mode (default protect)")
    p.add_argument("--disallow-mutation", action="store_true", help="reject requests the policy would mutate")
    p.add_argument("--message", help="custom rejection message (CR spec.message)")
    p.set_defaults(func=run)


def _entrypoint(value: str | None) -> str | int | None:
    if value is None:
        return None
    return int(value) if value.isascii() and value.isdigit() else value


def build_config(args: argparse.Namespace) -> RunConfig:
    from workbench.core.engines.opa.builtins import BuiltinOptions

    return RunConfig(
        execution_mode=args.execution_mode,
        entrypoint=_entrypoint(args.entrypoint),
        raw=args.raw,
        timeout=args.timeout if args.timeout and args.timeout > 0 else None,
        memory_limit=args.memory_limit * 1024 * 1024,
        post=PostProcessing(
            mode=getattr(args, "mode", "protect"),
            allowed_to_mutate=not getattr(args, "disallow_mutation", False),
            custom_rejection_message=getattr(args, "message", None),
        ),
        allow_context_aware=args.allow_context_aware,
        allowed_host_capabilities=tuple(args.allowed_host_capabilities),
        cluster_snapshot=args.cluster_snapshot,
        record_path=args.record_host_capabilities_interactions,
        replay_path=args.replay_host_capabilities_interactions,
        builtin_options=BuiltinOptions(
            allow_http_send=args.allow_network_builtins, allow_net_lookup=args.allow_network_builtins
        ),
        log=stderr_log(args.verbose),
        use_cache=not args.disable_wasmtime_cache,
    )


def _open_session(args: argparse.Namespace, config: RunConfig) -> tuple[object, object]:
    """(session, module) for a Wasm module or reference, or a Rego source file/folder (interpreter)."""
    from pathlib import Path

    target = Path(args.module)
    if args.module.endswith(".rego") or (target.is_dir() and any(target.glob("*.rego"))):
        from workbench.core.engines.rego_source import open_rego_session

        mode = config.execution_mode
        config.execution_mode = None
        return open_rego_session(target, config, execution_mode=mode), None
    module = resolve_module(args.module, args)
    return PolicySession(module, config), module


def run(args: argparse.Namespace) -> int:
    config = build_config(args)
    settings = load_settings(args.settings_path, args.settings_json)
    session, module = _open_session(args, config)
    with session:  # type: ignore[attr-defined]
        request = load_request(args.request_path, raw=session.raw)  # type: ignore[attr-defined]
        if args.verbose:
            if module is not None:
                from workbench.core.inspect import module_warnings

                for warning in module_warnings(module):  # type: ignore[arg-type]
                    print(f"warning: {warning}", file=sys.stderr)
            else:
                print("note: evaluated from Rego source (interpreter)", file=sys.stderr)
            engine_warnings = getattr(session.engine, "warnings", None)  # type: ignore[attr-defined]
            if callable(engine_warnings):
                for warning in engine_warnings():
                    print(f"warning: {warning}", file=sys.stderr)
        outcome = session.run(request, settings)  # type: ignore[attr-defined]
    sys.stdout.write(outcome.response.to_json() + "\n")
    if args.verbose:
        print(f"evaluated in {outcome.elapsed_s * 1000:.2f} ms", file=sys.stderr)
    return 0
