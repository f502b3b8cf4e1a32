"""``policy-workbench scaffold metadata|manifest|admission-request``."""

from __future__ import annotations

import argparse
import sys

from workbench.cli._common import add_registry_flags, resolve_module


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("scaffold", help="generate metadata.yml, policy manifests and admission requests")
    scaffold = p.add_subparsers(dest="scaffold_command", metavar="WHAT", required=True)

    md = scaffold.add_parser("metadata", help="print a starting metadata.yml for a module")
    md.add_argument("module", help="path, file:// URI or registry:// reference")
    add_registry_flags(md)
    md.set_defaults(func=run_metadata)

    mf = scaffold.add_parser("manifest", help="print a ClusterAdmissionPolicy or AdmissionPolicy for a module")
    mf.add_argument("module", help="path, file:// URI or registry:// reference")
    mf.add_argument(
        "-t", "--type", dest="manifest_type", required=True, choices=("ClusterAdmissionPolicy", "AdmissionPolicy")
    )
    mf_settings = mf.add_mutually_exclusive_group()
    mf_settings.add_argument("-s", "--settings-path", metavar="FILE", help="policy settings (YAML or JSON)")
    mf_settings.add_argument("--settings-json", metavar="JSON", help="policy settings as a JSON string")
    mf.add_argument("--title", help="metadata.name of the policy (default: the policy title annotation)")
    mf.add_argument(
        "--allow-context-aware", action="store_true", help="grant the context-aware resources the policy declares"
    )
    add_registry_flags(mf)
    mf.set_defaults(func=run_manifest)

    ar = scaffold.add_parser("admission-request", help="wrap a Kubernetes object into an AdmissionRequest")
    ar.add_argument("-o", "--operation", required=True, choices=("CREATE", "UPDATE", "DELETE"))
    ar.add_argument("--object", dest="object_path", required=True, metavar="FILE", help="object YAML/JSON (- = stdin)")
    ar.add_argument("--old-object", dest="old_object_path", metavar="FILE", help="previous object (UPDATE, DELETE)")
    ar.add_argument("--review", action="store_true", help="wrap the request into an AdmissionReview")
    ar.set_defaults(func=run_admission_request)

    vc = scaffold.add_parser("verification-config", help="print kwctl's default verification-config.yml")
    vc.set_defaults(func=run_verification_config)

    vp = scaffold.add_parser(
        "vap", help="convert a ValidatingAdmissionPolicy and its binding into a Kubewarden CEL ClusterAdmissionPolicy"
    )
    vp.add_argument("-p", "--policy", required=True, metavar="VALIDATING-ADMISSION-POLICY.yaml")
    vp.add_argument("-b", "--binding", required=True, metavar="VALIDATING-ADMISSION-POLICY-BINDING.yaml")
    vp.add_argument(
        "--cel-policy", default="ghcr.io/kubewarden/policies/cel-policy:latest", metavar="URI",
        help="the CEL policy module to use (default: %(default)s)",
    )  # fmt: skip
    vp.set_defaults(func=run_vap)

    ah = scaffold.add_parser("artifacthub", help="print artifacthub-pkg.yml for a policy's metadata.yml")
    ah.add_argument("-m", "--metadata-path", metavar="PATH", help="metadata.yml (default: metadata.yml here)")
    ah.add_argument("-v", "--version", metavar="VALUE", help="deprecated and ignored, as in kwctl: the "
                    "metadata's io.kubewarden.policy.version is used")  # fmt: skip
    ah.add_argument("-q", "--questions-path", metavar="PATH", help="questions-ui.yml (default: questions-ui.yml here)")
    ah.add_argument("-o", "--output", metavar="FILE", help="write artifacthub-pkg.yml here instead of stdout")
    ah.add_argument(
        "--created-at", metavar="RFC3339",
        help="createdAt timestamp for a reproducible file (default: $SOURCE_DATE_EPOCH, else now)",
    )  # fmt: skip
    ah.set_defaults(func=run_artifacthub)


def run_metadata(args: argparse.Namespace) -> int:
    from workbench.core import scaffold_metadata

    sys.stdout.write(scaffold_metadata(resolve_module(args.module, args)))
    return 0


def _read_document(path: str, what: str) -> object:
    from workbench.core import load_json_or_yaml, read_text

    text = sys.stdin.read() if path == "-" else read_text(path, what)
    return load_json_or_yaml(text, what if path == "-" else path)


def run_manifest(args: argparse.Namespace) -> int:
    import json

    from workbench.core import SettingsError, scaffold_manifest

    settings: object = {}
    if args.settings_path is not None:
        settings = _read_document(args.settings_path, "settings file")
    elif args.settings_json is not None:
        try:
            settings = json.loads(args.settings_json)
        except json.JSONDecodeError as exc:
            raise SettingsError(f"--settings-json is not valid JSON: {exc}") from None
    if settings is None:
        settings = {}
    if not isinstance(settings, dict):
        raise SettingsError("settings must be a mapping (an object)")
    module = resolve_module(args.module, args)
    from workbench.core import PolicySource, SourceKind

    remote = PolicySource.parse(args.module).kind == SourceKind.REFERENCE
    source = args.module if remote else (module.path or args.module)
    result = scaffold_manifest(
        module.metadata,
        source,
        args.manifest_type,
        settings=settings,
        title=args.title,
        allow_context_aware=args.allow_context_aware,
    )
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    sys.stdout.write(result.text)
    return 0


def run_admission_request(args: argparse.Namespace) -> int:
    import json

    from workbench.core import resource_for_kind, scaffold_admission_request, wrap_admission_review

    obj = _read_document(args.object_path, "object file")
    old = _read_document(args.old_object_path, "old object file") if args.old_object_path else None
    request = scaffold_admission_request(args.operation, obj, old)
    info = resource_for_kind(request["kind"]["group"], request["kind"]["kind"])
    if not info.known:
        print(
            f"warning: {request['kind']['kind']} is not a built-in Kubernetes kind; its resource name was "
            f"guessed as {info.plural!r}: edit resource.resource if it is wrong",
            file=sys.stderr,
        )
    document = wrap_admission_review(request) if args.review else request
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return 0


def run_verification_config(args: argparse.Namespace) -> int:
    from workbench.core import scaffold_verification_config

    sys.stdout.write(scaffold_verification_config())
    return 0


def run_vap(args: argparse.Namespace) -> int:
    from workbench.core import scaffold_vap

    result = scaffold_vap(args.policy, args.binding, args.cel_policy)
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    sys.stdout.write(result.text)
    return 0


def _first_existing(names: tuple[str, ...]) -> str | None:
    import os

    return next((name for name in names if os.path.isfile(name)), None)


def run_artifacthub(args: argparse.Namespace) -> int:
    from workbench.core import InputError, atomic_write, read_text, scaffold_artifacthub

    metadata_path = args.metadata_path or _first_existing(("metadata.yml", "metadata.yaml"))
    if metadata_path is None:
        raise InputError("path to metadata file not provided, plus 'metadata.yml' not found")
    questions_path = args.questions_path or _first_existing(
        ("questions-ui.yml", "questions-ui.yaml", "questions.yml", "questions.yaml")
    )
    questions = read_text(questions_path, "questions file") if questions_path else None
    result = scaffold_artifacthub(
        metadata_path, questions=questions, created_at=args.created_at, version=args.version
    )
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if args.output:
        atomic_write(args.output, result.text)
    else:
        sys.stdout.write(result.text + "\n")
    return 0
