"""``policy-workbench eval MODULE -i INPUT [-d DATA] [--entrypoint E]`` — raw OPA evaluation.

Evaluates one entrypoint of an OPA Wasm module (``opa build -t wasm``) on an
arbitrary ``input`` and ``data`` and prints the result set as JSON, the way
``opa eval`` shows the compiled query: ``[{"result": ...}]`` (``[]`` when the
rule is undefined). INPUT and DATA are JSON or YAML files; ``-`` reads stdin.

``--builtins opa`` (the default) gives the module every OPA host builtin with OPA's own
results; ``--builtins kubewarden`` only what Kubewarden's policy-server provides (Burrego's
builtins and formatting), as ``run`` does by default. See docs/builtins.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from workbench.cli._common import add_registry_flags, resolve_module, stderr_log
from workbench.core import BuiltinProfile, EngineOptions, InputError, load_json_or_yaml, read_text


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("eval", help="evaluate an OPA Wasm entrypoint on raw input/data (like opa eval)")
    p.add_argument("module", help="path, file:// URI or registry:// reference of an OPA Wasm module")
    p.add_argument(
        "-i", "--input", required=True, metavar="INPUT", help="input document (JSON/YAML, - = stdin)"
    )
    p.add_argument("-d", "--data", metavar="DATA", help="data document (JSON/YAML, - = stdin; default {})")
    p.add_argument("--entrypoint", help="entrypoint name (e.g. policy/main) or id (default: id 0)")
    p.add_argument(
        "--timeout", type=float, default=2.0, help="evaluation deadline in seconds (default 2, 0 = none)"
    )
    p.add_argument(
        "--memory-limit", type=int, default=256, metavar="MIB", help="memory cap (MiB, default 256)"
    )
    p.add_argument(
        "--allow-network-builtins",
        action="store_true",
        help="let http.send and net.lookup_ip_addr reach the network (off by default)",
    )
    p.add_argument(
        "--builtins",
        choices=[profile.value for profile in BuiltinProfile],
        default=BuiltinProfile.OPA.value,
        help="host builtins the module gets: opa = every OPA builtin, exactly as OPA (default); "
        "kubewarden = only what Kubewarden's policy-server (Burrego) provides, formatted as it does",
    )
    p.add_argument("--compact", action="store_true", help="one line of compact JSON")
    p.add_argument("-v", "--verbose", action="store_true", help="policy log (println, trace) on stderr")
    add_registry_flags(p)
    p.set_defaults(func=run)


def _document(source: str, what: str) -> Any:
    return load_json_or_yaml(read_text(source, what), source=what if source == "-" else source)


def _entrypoint(value: str | None) -> str | int | None:
    if value is None:
        return None
    stripped = value.strip()
    return int(stripped) if stripped.isascii() and stripped.isdigit() else value


def run(args: argparse.Namespace) -> int:
    from workbench.core import BuiltinOptions, OpaEngine

    if args.input == "-" and args.data == "-":
        raise InputError("only one of --input and --data can be read from stdin")
    module = resolve_module(args.module, args)
    input_value = _document(args.input, "input")
    data_value = {} if args.data is None else _document(args.data, "data")
    options = EngineOptions(
        timeout=args.timeout if args.timeout and args.timeout > 0 else None,
        memory_limit=args.memory_limit * 1024 * 1024,
        entrypoint=_entrypoint(args.entrypoint),
        log=stderr_log(args.verbose),
        builtin_options=BuiltinOptions(
            allow_http_send=args.allow_network_builtins,
            allow_net_lookup=args.allow_network_builtins,
            profile=BuiltinProfile(args.builtins),
        ),
    )
    with OpaEngine(module, "opa", options) as engine:
        result = engine.evaluate(input_value, data_value)
    if args.compact:
        sys.stdout.write(json.dumps(result, separators=(",", ":"), ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return 0
