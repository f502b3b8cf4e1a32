"""Which OPA v1.20.2 builtins a compiled Wasm module handles itself and which the host must provide.

Data copied from ``shared/docs/opa-host-builtins.md`` (OPA's ``capabilities/v1.20.2.json``,
206 builtins; the native set is ``builtinsFunctions`` of ``internal/compiler/wasm/wasm.go``).

Statuses (:func:`builtin_status`):

* ``native``: compiled into the module (or compiled away by the planner, such as
  ``assign``/``eq``/``print``), no host work;
* ``host``: implemented here and enabled by default;
* ``disabled``: implemented here but off unless an option enables it (``http.send`` ...);
* ``missing``: the module would need it from the host and we do not have it.

:func:`kubewarden_status` is the same question under the ``kubewarden`` builtin profile
(see ``profile.py``): ``native``, ``host`` (in Burrego's table) or ``missing``.
"""

from __future__ import annotations

import dataclasses

from workbench.core.engines.opa.builtins._registry import REGISTRY

__all__ = [
    "COMPILED_AWAY",
    "NATIVE_BUILTINS",
    "NON_NATIVE_BUILTINS",
    "OPA_VERSION",
    "BuiltinStatus",
    "all_builtins",
    "builtin_status",
    "kubewarden_status",
]

OPA_VERSION = "v1.20.2"

#: builtins OPA compiles natively into the Wasm module (``builtinsFunctions`` in wasm.go)
NATIVE_BUILTINS: frozenset[str] = frozenset(
    (
        "abs",
        "all",
        "and",
        "any",
        "array.concat",
        "array.reverse",
        "array.slice",
        "base64.decode",
        "base64.encode",
        "base64.is_valid",
        "base64url.decode",
        "base64url.encode",
        "bits.and",
        "bits.lsh",
        "bits.negate",
        "bits.or",
        "bits.rsh",
        "bits.xor",
        "ceil",
        "concat",
        "contains",
        "count",
        "div",
        "endswith",
        "equal",
        "floor",
        "format_int",
        "glob.match",
        "graph.reachable",
        "gt",
        "gte",
        "indexof",
        "internal.member_2",
        "internal.member_3",
        "intersection",
        "is_array",
        "is_boolean",
        "is_null",
        "is_number",
        "is_object",
        "is_set",
        "is_string",
        "json.filter",
        "json.is_valid",
        "json.marshal",
        "json.remove",
        "json.unmarshal",
        "lower",
        "lt",
        "lte",
        "max",
        "min",
        "minus",
        "mul",
        "neq",
        "net.cidr_contains",
        "net.cidr_intersects",
        "net.cidr_overlap",
        "numbers.range",
        "object.filter",
        "object.get",
        "object.keys",
        "object.remove",
        "object.union",
        "object.union_n",
        "or",
        "plus",
        "product",
        "re_match",
        "regex.find_all_string_submatch_n",
        "regex.is_valid",
        "regex.match",
        "rem",
        "replace",
        "round",
        "set_diff",
        "sort",
        "split",
        "startswith",
        "strings.replace_n",
        "strings.reverse",
        "substring",
        "sum",
        "to_number",
        "trim",
        "trim_left",
        "trim_prefix",
        "trim_right",
        "trim_space",
        "trim_suffix",
        "type_name",
        "union",
        "upper",
        "walk",
    )
)

#: (name, category, deterministic) of the 112 builtins that are not native
NON_NATIVE_BUILTINS: tuple[tuple[str, str, str], ...] = (
    ("array.flatten", "Arrays", "yes"),
    ("assign", "Assignment", "n/a"),
    ("base64url.encode_no_pad", "Encoding", "yes"),
    ("cast_array", "Types (deprecated)", "yes"),
    ("cast_boolean", "Types (deprecated)", "yes"),
    ("cast_null", "Types (deprecated)", "yes"),
    ("cast_object", "Types (deprecated)", "yes"),
    ("cast_set", "Types (deprecated)", "yes"),
    ("cast_string", "Types (deprecated)", "yes"),
    ("crypto.hmac.equal", "Crypto", "yes"),
    ("crypto.hmac.md5", "Crypto", "yes"),
    ("crypto.hmac.sha1", "Crypto", "yes"),
    ("crypto.hmac.sha256", "Crypto", "yes"),
    ("crypto.hmac.sha512", "Crypto", "yes"),
    ("crypto.md5", "Crypto", "yes"),
    ("crypto.parse_private_keys", "Crypto", "yes"),
    ("crypto.sha1", "Crypto", "yes"),
    ("crypto.sha256", "Crypto", "yes"),
    ("crypto.x509.parse_and_verify_certificates", "Crypto", "no"),
    ("crypto.x509.parse_and_verify_certificates_with_options", "Crypto", "partly"),
    ("crypto.x509.parse_certificate_request", "Crypto", "yes"),
    ("crypto.x509.parse_certificates", "Crypto", "yes"),
    ("crypto.x509.parse_keypair", "Crypto", "yes"),
    ("crypto.x509.parse_rsa_private_key", "Crypto", "yes"),
    ("eq", "Equality", "n/a"),
    ("glob.quote_meta", "Glob", "yes"),
    ("graph.reachable_paths", "Graph", "yes"),
    ("graphql.is_valid", "GraphQL", "yes"),
    ("graphql.parse", "GraphQL", "yes"),
    ("graphql.parse_and_verify", "GraphQL", "yes"),
    ("graphql.parse_query", "GraphQL", "yes"),
    ("graphql.parse_schema", "GraphQL", "yes"),
    ("graphql.schema_is_valid", "GraphQL", "yes"),
    ("hex.decode", "Encoding", "yes"),
    ("hex.encode", "Encoding", "yes"),
    ("http.send", "HTTP", "no"),
    ("indexof_n", "Strings", "yes"),
    ("internal.print", "Debugging", "no"),
    ("internal.template_string", "Strings (template strings)", "yes"),
    ("internal.test_case", "Internal", "n/a"),
    ("io.jwt.decode", "Tokens (JWT)", "yes"),
    ("io.jwt.decode_verify", "Tokens (JWT)", "partly"),
    ("io.jwt.encode_sign", "Tokens (JWT)", "partly"),
    ("io.jwt.encode_sign_raw", "Tokens (JWT)", "partly"),
    ("io.jwt.verify_eddsa", "Tokens (JWT)", "yes"),
    ("io.jwt.verify_es256", "Tokens (JWT)", "yes"),
    ("io.jwt.verify_es384", "Tokens (JWT)", "yes"),
    ("io.jwt.verify_es512", "Tokens (JWT)", "yes"),
    ("io.jwt.verify_hs256", "Tokens (JWT)", "yes"),
    ("io.jwt.verify_hs384", "Tokens (JWT)", "yes"),
    ("io.jwt.verify_hs512", "Tokens (JWT)", "yes"),
    ("io.jwt.verify_ps256", "Tokens (JWT)", "yes"),
    ("io.jwt.verify_ps384", "Tokens (JWT)", "yes"),
    ("io.jwt.verify_ps512", "Tokens (JWT)", "yes"),
    ("io.jwt.verify_rs256", "Tokens (JWT)", "yes"),
    ("io.jwt.verify_rs384", "Tokens (JWT)", "yes"),
    ("io.jwt.verify_rs512", "Tokens (JWT)", "yes"),
    ("json.marshal_with_options", "Encoding / Objects", "yes"),
    ("json.match_schema", "Encoding / Objects", "yes"),
    ("json.patch", "Encoding / Objects", "yes"),
    ("json.verify_schema", "Encoding / Objects", "yes"),
    ("net.cidr_contains_matches", "Net", "yes"),
    ("net.cidr_expand", "Net", "yes"),
    ("net.cidr_is_valid", "Net", "yes"),
    ("net.cidr_merge", "Net", "yes"),
    ("net.lookup_ip_addr", "Net", "no"),
    ("numbers.range_step", "Numbers", "yes"),
    ("object.subset", "Objects", "yes"),
    ("opa.runtime", "OPA runtime", "no"),
    ("print", "Debugging", "no"),
    ("providers.aws.sign_req", "Providers", "yes"),
    ("rand.intn", "Random", "no"),
    ("regex.find_n", "Regex", "yes"),
    ("regex.globs_match", "Regex", "yes"),
    ("regex.replace", "Regex", "yes"),
    ("regex.split", "Regex", "yes"),
    ("regex.template_match", "Regex", "yes"),
    ("rego.metadata.chain", "Rego", "n/a"),
    ("rego.metadata.rule", "Rego", "n/a"),
    ("rego.parse_module", "Rego", "yes"),
    ("semver.compare", "SemVer", "yes"),
    ("semver.is_valid", "SemVer", "yes"),
    ("sprintf", "Strings", "yes"),
    ("strings.any_prefix_match", "Strings", "yes"),
    ("strings.any_suffix_match", "Strings", "yes"),
    ("strings.count", "Strings", "yes"),
    ("strings.render_template", "Strings", "yes"),
    ("strings.split_n", "Strings", "yes"),
    ("time.add_date", "Time", "yes"),
    ("time.clock", "Time", "yes"),
    ("time.date", "Time", "yes"),
    ("time.diff", "Time", "yes"),
    ("time.format", "Time", "yes"),
    ("time.now_ns", "Time", "no"),
    ("time.parse_duration_ns", "Time", "yes"),
    ("time.parse_ns", "Time", "yes"),
    ("time.parse_rfc3339_ns", "Time", "yes"),
    ("time.weekday", "Time", "yes"),
    ("trace", "Debugging", "no"),
    ("units.parse", "Units", "yes"),
    ("units.parse_bytes", "Units", "yes"),
    ("uri.is_valid", "URI", "yes"),
    ("uri.parse", "URI", "yes"),
    ("urlquery.decode", "Encoding", "yes"),
    ("urlquery.decode_object", "Encoding", "yes"),
    ("urlquery.encode", "Encoding", "yes"),
    ("urlquery.encode_object", "Encoding", "yes"),
    ("uuid.parse", "UUID", "yes"),
    ("uuid.rfc4122", "UUID", "no"),
    ("yaml.is_valid", "Encoding", "yes"),
    ("yaml.marshal", "Encoding", "yes"),
    ("yaml.unmarshal", "Encoding", "yes"),
)

#: non-native builtins that never reach the host in a normal build (planner constructs,
#: ``print`` rewritten to ``internal.print``, rule metadata, test markers)
COMPILED_AWAY: frozenset[str] = frozenset(
    {"assign", "eq", "print", "rego.metadata.chain", "rego.metadata.rule", "internal.test_case"}
)

_NON_NATIVE = {name: (category, deterministic) for name, category, deterministic in NON_NATIVE_BUILTINS}


@dataclasses.dataclass(frozen=True)
class BuiltinStatus:
    """One builtin of the capabilities list and what this host does about it.

    ``status`` is the availability under the ``opa`` builtin profile; ``kubewarden`` the
    availability under the ``kubewarden`` profile (what Kubewarden's policy-server provides):
    ``native``, ``host`` or ``missing``.
    """

    name: str
    status: str
    category: str
    deterministic: str
    note: str = ""
    kubewarden: str = ""

    def as_dict(self) -> dict[str, str]:
        return dataclasses.asdict(self)


def builtin_status(name: str) -> str:
    """``"native"``, ``"host"``, ``"disabled"`` or ``"missing"`` for the builtin ``name``."""
    if name in NATIVE_BUILTINS or name in COMPILED_AWAY:
        return "native"
    entry = REGISTRY.get(name)
    if entry is None:
        return "missing"
    return "host" if entry.enabled_by_default else "disabled"


def _note(name: str) -> str:
    if name in COMPILED_AWAY:
        return "compiled away; never a host call"
    if name in NATIVE_BUILTINS:
        return "compiled into the module"
    return ""


def kubewarden_status(name: str) -> str:
    """``"native"``, ``"host"`` or ``"missing"``: the builtin under the ``kubewarden`` profile."""
    from workbench.core.engines.opa.builtins.profile import BuiltinProfile, profile_provides

    if name in NATIVE_BUILTINS or name in COMPILED_AWAY:
        return "native"
    return "host" if profile_provides(BuiltinProfile.KUBEWARDEN, name) else "missing"


def _kubewarden_note(name: str) -> str:
    from workbench.core.engines.opa.builtins.profile import kubewarden_profile

    short = name.rsplit(".", 1)[-1]
    if short != name and short in kubewarden_profile().builtins:
        return f"Kubewarden's Burrego registers it as {short!r} (never found)"
    return ""


def _with_profiles(entry: BuiltinStatus) -> BuiltinStatus:
    note = entry.note
    extra = _kubewarden_note(entry.name)
    if extra:
        note = f"{note}; {extra}" if note else extra
    return dataclasses.replace(entry, note=note, kubewarden=kubewarden_status(entry.name))


def all_builtins() -> list[BuiltinStatus]:
    """Every builtin of the OPA v1.20.2 capabilities (sorted by name), plus any extra
    builtin registered here, with its status under the ``opa`` and ``kubewarden`` profiles."""
    out: list[BuiltinStatus] = []
    for name in sorted(NATIVE_BUILTINS):
        out.append(BuiltinStatus(name, "native", "native", "yes", _note(name)))
    for name, (category, deterministic) in _NON_NATIVE.items():
        out.append(BuiltinStatus(name, builtin_status(name), category, deterministic, _note(name)))
    for name, entry in REGISTRY.items():
        if name not in _NON_NATIVE and name not in NATIVE_BUILTINS:
            status = "host" if entry.enabled_by_default else "disabled"
            deterministic = "yes" if entry.deterministic else "no"
            out.append(
                BuiltinStatus(name, status, entry.category, deterministic, "not in the OPA capabilities")
            )
    out.sort(key=lambda s: s.name)
    return [_with_profiles(entry) for entry in out]
