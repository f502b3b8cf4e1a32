"""Rego from source: run ``.rego`` files through an embedded interpreter (regopy, the Python package of rego-cpp).

OPA's compiler (``opa build -t wasm``) is a Go program the workbench cannot ship,
so ``.rego`` files run *from source* here. The request is turned into ``input``
and ``data`` and the result into an AdmissionResponse by exactly the same
adapters as the OPA Wasm engine (:mod:`workbench.core.engines.opa.adapters`), so
both engines judge a policy by the same rules; ``Compare engines``
(:mod:`workbench.core.compare`) runs both and lists any difference.

Execution mode of a ``.rego`` (it has no embedded metadata): the caller's
override, else ``executionMode`` of a ``metadata.yml`` next to it, else guessed
from the rules (a ``violation`` rule → gatekeeper, otherwise opa).
Entrypoint: a rule path such as ``policy/violation`` (``data.`` prefix and dots
accepted too), else derived: gatekeeper → ``<package>/violation``, opa →
``<package>/main``, else the first rule of the first file.

Known limitations (shown to the user through :data:`LIMITATIONS`):

* **Timeouts**: rego-cpp runs in-process C++ and cannot be interrupted. Each
  query runs in a worker thread; past the deadline (or on Cancel) the caller
  stops waiting and gets :class:`EvaluationTimeout` / :class:`EvaluationCancelled`,
  while the abandoned query finishes in the background (its interpreter is then
  discarded). A policy that never terminates keeps one CPU core busy until the
  process exits.
* **Rego v0 syntax**: rego-cpp parses Rego v1, where ``deny[msg] { … }`` is not
  a partial set. Modules without ``import rego.v1`` are rewritten before they
  are loaded: ``name[term] { … }`` → ``name contains term if { … }`` and a
  body-less ``name[term]`` → ``name contains term`` (OPA's v0 meaning).
* **Builtins** are rego-cpp's own implementations, not the workbench's OPA
  host builtins; ``print``/``trace`` output is not captured.
* **Strings** are handed to the interpreter as JSON text, the form rego-cpp
  keeps string literals in, so input, data and literals compare equal; builtins
  that count characters see JSON escapes (``\\"``, ``\\n``) as two characters.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.core.engines.base import (
    EngineOptions,
    LogRecord,
    SettingsOutcome,
    ValidationOutcome,
    ValidationRequest,
)
from workbench.core.engines.opa import adapters
from workbench.core.engines.response import internal_error
from workbench.core.errors import (
    EvaluationCancelled,
    EvaluationError,
    EvaluationTimeout,
    InputError,
    ModuleError,
    SettingsError,
)

if TYPE_CHECKING:
    from workbench.core.metadata import Metadata

__all__ = [
    "LABEL",
    "LIMITATIONS",
    "RegoModuleInfo",
    "RegoSource",
    "RegoSourceEngine",
    "default_entrypoint",
    "entrypoint_query_path",
    "guess_execution_mode",
    "load_rego_source",
    "rego_source_facts",
    "resolve_rego_mode",
    "rewrite_v0",
    "scan_module",
]

LABEL = "Rego source (interpreter)"
LIMITATIONS = (
    "Rego source runs in the embedded rego-cpp interpreter: a query cannot be interrupted (past the "
    "deadline the workbench stops waiting), builtins are rego-cpp's and print/trace output is not shown. "
    "Compile with `opa build -t wasm` to run the policy exactly as Kubewarden does."
)
TIMEOUT_MESSAGE = "Policy execution interrupted because it exceeded the allowed execution time"
_REGO_MODES = ("opa", "gatekeeper")
_KEYWORDS = frozenset(
    {"package", "import", "default", "else", "not", "some", "every", "with", "as", "in", "if", "contains"}
)
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


# =====================================================================================
# A small Rego lexer: enough to find the package, the rule heads and v0 partial sets.
# =====================================================================================
@dataclasses.dataclass(frozen=True)
class _Token:
    kind: str  # ident, string, number, punct, newline, comment, space
    text: str
    start: int
    end: int


def _tokens(text: str) -> list[_Token]:
    """Total tokenizer: never raises; an unterminated string runs to the end of the text."""
    out: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        start = i
        if c == "\n":
            i += 1
            out.append(_Token("newline", "\n", start, i))
            continue
        if c in " \t\r\f\v":
            while i < n and text[i] in " \t\r\f\v":
                i += 1
            out.append(_Token("space", text[start:i], start, i))
            continue
        if c == "#":
            while i < n and text[i] != "\n":
                i += 1
            out.append(_Token("comment", text[start:i], start, i))
            continue
        if c == '"':
            i += 1
            while i < n and text[i] != '"' and text[i] != "\n":
                i += 2 if text[i] == "\\" else 1
            i = min(i + 1, n) if i < n and text[i] == '"' else min(i, n)
            out.append(_Token("string", text[start:i], start, i))
            continue
        if c == "`":
            end = text.find("`", i + 1)
            i = n if end < 0 else end + 1
            out.append(_Token("string", text[start:i], start, i))
            continue
        match = _IDENT.match(text, i)
        if match:
            i = match.end()
            out.append(_Token("ident", match.group(), start, i))
            continue
        if c.isdigit():
            while i < n and (text[i].isalnum() or text[i] in "._"):
                i += 1
            out.append(_Token("number", text[start:i], start, i))
            continue
        if text.startswith(":=", i) or text.startswith("==", i) or text.startswith("!=", i):
            i += 2
        else:
            i += 1
        out.append(_Token("punct", text[start:i], start, i))
    return out


@dataclasses.dataclass(frozen=True)
class _Head:
    name: str  # first segment of the rule name
    first: int  # token index of the name
    after: int  # token index after the ref (name(.ident)*)
    is_function: bool


def _heads(tokens: list[_Token]) -> tuple[str | None, bool, list[_Head]]:
    """(package, imports rego.v1, top-level rule heads) of a tokenized module."""
    package: str | None = None
    rego_v1 = False
    heads: list[_Head] = []
    depth = 0
    line_start = True
    i = 0
    significant = [t.kind not in ("space", "comment") for t in tokens]
    while i < len(tokens):
        tok = tokens[i]
        if tok.kind == "newline":
            if depth == 0:
                line_start = True
            i += 1
            continue
        if not significant[i]:
            i += 1
            continue
        if depth == 0 and line_start and tok.kind == "ident":
            line_start = False
            if tok.text in ("package", "import"):
                parts: list[str] = []
                j = i + 1
                while j < len(tokens) and tokens[j].kind != "newline":
                    if tokens[j].kind in ("ident", "punct", "string") and tokens[j].text != "as":
                        parts.append(tokens[j].text)
                    elif tokens[j].kind == "ident":
                        break
                    j += 1
                dotted = "".join(parts)
                if tok.text == "package" and package is None:
                    package = dotted
                elif tok.text == "import" and dotted == "rego.v1":
                    rego_v1 = True
                i = j
                continue
            if tok.text not in _KEYWORDS:
                j = i + 1
                while j + 1 < len(tokens) and tokens[j].text == "." and tokens[j + 1].kind == "ident":
                    j += 2
                is_function = j < len(tokens) and tokens[j].text == "("
                heads.append(_Head(tok.text, i, j, is_function))
        elif depth == 0:
            line_start = False
        if tok.kind == "punct":
            if tok.text in "([{":
                depth += 1
            elif tok.text in ")]}":
                depth = max(0, depth - 1)
        i += 1
    return package, rego_v1, heads


def _next_significant(tokens: list[_Token], i: int, *, cross_newlines: bool = False) -> int:
    while i < len(tokens) and (
        tokens[i].kind in ("space", "comment") or (cross_newlines and tokens[i].kind == "newline")
    ):
        i += 1
    return i


def _matching_bracket(tokens: list[_Token], i: int) -> int | None:
    """Index of the ``]`` closing the ``[`` at ``i`` (None when unbalanced)."""
    depth = 0
    for j in range(i, len(tokens)):
        text = tokens[j].text if tokens[j].kind == "punct" else ""
        if text in ("(", "[", "{"):
            depth += 1
        elif text in (")", "]", "}"):
            depth -= 1
            if depth == 0:
                return j if text == "]" else None
    return None


def rewrite_v0(text: str) -> str:
    """Give v0 partial-set heads their v1 spelling (see the module docstring); v1 modules are unchanged.

    ``name[term] {`` → ``name contains term if {`` and a body-less ``name[term]`` →
    ``name contains term``. Heads followed by ``=``, ``:=``, ``if`` or further refs
    (partial objects, v1 rules) are left alone. Idempotent; never raises.
    """
    tokens = _tokens(text)
    _package, rego_v1, heads = _heads(tokens)
    if rego_v1:
        return text
    edits: list[tuple[int, int, str]] = []
    for head in heads:
        if head.is_function or head.after >= len(tokens) or tokens[head.after].text != "[":
            continue
        if head.after != head.first + 1:
            continue  # dotted ref heads (a.b[x]) are v1-only syntax
        close = _matching_bracket(tokens, head.after)
        if close is None:
            continue
        inner = text[tokens[head.after].end : tokens[close].start].strip()
        if not inner:
            continue
        nxt = _next_significant(tokens, close + 1)
        follower = tokens[nxt].text if nxt < len(tokens) else ""
        start = tokens[head.after].start
        if follower == "{":
            edits.append((start, tokens[nxt].start, f" contains {inner} if "))
        elif nxt >= len(tokens) or tokens[nxt].kind == "newline":
            edits.append((start, tokens[close].end, f" contains {inner}"))
    for start, end, replacement in reversed(edits):
        text = text[:start] + replacement + text[end:]
    return text


@dataclasses.dataclass(frozen=True)
class RegoModuleInfo:
    """What the workbench needs to know about one ``.rego`` file."""

    package: str
    rules: tuple[str, ...]  # top-level rule names in file order (functions excluded)
    rego_v1: bool


def scan_module(text: str, name: str = "<module>") -> RegoModuleInfo:
    """Package and rule names of a Rego module; :class:`InputError` when it has no package."""
    _toks = _tokens(text)
    package, rego_v1, heads = _heads(_toks)
    if not package:
        raise InputError(f"{name}: not a Rego module (no `package` declaration)")
    rules: list[str] = []
    for head in heads:
        if not head.is_function and head.name not in rules:
            rules.append(head.name)
    return RegoModuleInfo(package, tuple(rules), rego_v1)


# =====================================================================================
# Sources
# =====================================================================================
@dataclasses.dataclass(frozen=True)
class RegoSource:
    """One or more ``.rego`` files evaluated together (plus an optional ``metadata.yml``)."""

    files: tuple[Path, ...]
    texts: tuple[str, ...]  # as loaded into the interpreter (after the v0 rewrite)
    modules: tuple[RegoModuleInfo, ...]
    metadata: Metadata | None = None
    metadata_path: Path | None = None

    @property
    def path(self) -> Path:
        return self.files[0]

    @property
    def sha256(self) -> str:
        digest = hashlib.sha256()
        for text in self.texts:
            digest.update(text.encode())
            digest.update(b"\0")
        return digest.hexdigest()

    def rules(self) -> dict[str, list[str]]:
        """package → rule names (packages split over several files are merged)."""
        out: dict[str, list[str]] = {}
        for info in self.modules:
            names = out.setdefault(info.package, [])
            names.extend(r for r in info.rules if r not in names)
        return out


def _rego_files(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                p for p in sorted(path.rglob("*.rego")) if not p.name.endswith("_test.rego") and p.is_file()
            )
        elif path.is_file():
            files.append(path)
        else:
            raise InputError(f"{path}: no such Rego file or folder")
    if not files:
        raise InputError("no .rego files found in " + ", ".join(str(p) for p in paths))
    return files


def load_rego_source(
    paths: str | Path | Sequence[str | Path], metadata_path: str | Path | None = None
) -> RegoSource:
    """Read ``.rego`` files (a file, several, or a folder of them) and a ``metadata.yml`` next to the first."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    files = _rego_files([Path(p) for p in paths])
    texts: list[str] = []
    infos: list[RegoModuleInfo] = []
    for file in files:
        try:
            raw = file.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise InputError(f"{file}: not UTF-8 text") from None
        except OSError as exc:
            raise InputError(f"{file}: cannot read: {exc.strerror or exc}") from None
        infos.append(scan_module(raw, str(file)))
        texts.append(rewrite_v0(raw))
    md = None
    md_path = Path(metadata_path) if metadata_path is not None else None
    if md_path is None:
        folder = files[0].parent
        for candidate in ("metadata.yml", "metadata.yaml"):
            if (folder / candidate).is_file():
                md_path = folder / candidate
                break
    if md_path is not None:
        from workbench.core.metadata import load_metadata_file

        md = load_metadata_file(md_path)
    return RegoSource(tuple(files), tuple(texts), tuple(infos), md, md_path)


def guess_execution_mode(source: RegoSource) -> str:
    """gatekeeper when some package defines ``violation``, else opa."""
    for rules in source.rules().values():
        if "violation" in rules:
            return "gatekeeper"
    return "opa"


def resolve_rego_mode(source: RegoSource, override: str | None = None) -> str:
    if override and override != "rego-source":
        if override not in _REGO_MODES:
            raise ModuleError(f"a Rego policy runs in execution mode opa or gatekeeper, not {override!r}")
        return override
    md = source.metadata
    if md is not None and md.execution_mode in _REGO_MODES:
        return md.execution_mode
    return guess_execution_mode(source)


def default_entrypoint(source: RegoSource, execution_mode: str) -> str:
    """gatekeeper → ``<package>/violation``; opa → ``<package>/main``; else the first rule of the first file."""
    rules = source.rules()
    wanted = "violation" if execution_mode == "gatekeeper" else "main"
    for package, names in rules.items():
        if wanted in names:
            return f"{package.replace('.', '/')}/{wanted}"
    for info in source.modules:
        if info.rules:
            return f"{info.package.replace('.', '/')}/{info.rules[0]}"
    raise ModuleError(f"{source.path}: the Rego source defines no rule to evaluate")


def entrypoint_query_path(entrypoint: str) -> str:
    """``policy/violation`` (or ``data.policy.violation``) → ``data.policy.violation`` (quoted where needed)."""
    text = entrypoint.strip()
    if text.startswith("data.") or text.startswith("data/"):
        text = text[5:]
    parts = [p for p in re.split(r"[/.]", text) if p]
    if not parts:
        raise ModuleError(f"invalid entrypoint {entrypoint!r}: expected a rule path such as policy/violation")
    out = "data"
    for part in parts:
        out += f".{part}" if _IDENT.fullmatch(part) and part not in _KEYWORDS else f"[{json.dumps(part)}]"
    return out


# =====================================================================================
# Evaluation
# =====================================================================================
class _Interp:
    """One regopy interpreter with the modules and one ``data`` document loaded."""

    def __init__(self, source: RegoSource, data_json: str) -> None:
        from regopy import Interpreter, LogLevel, RegoError

        self.source = source
        self.data_json = data_json
        self.interp = Interpreter()
        self.interp.log_level = LogLevel.NONE  # rego-cpp prints errors on stdout otherwise
        for file, text in zip(source.files, source.texts, strict=True):
            try:
                self.interp.add_module(str(file), text)
            except RegoError as exc:
                raise ModuleError(
                    f"{file}: the Rego interpreter rejects this module: {_rego_error(exc)}"
                ) from None
        try:
            self.interp.add_data_json(data_json)
        except RegoError as exc:
            raise InputError(f"the Rego data document is not accepted: {_rego_error(exc)}") from None
        self.busy = False

    def query(self, input_json: str, query_path: str) -> list[Any]:
        """The OPA result set of ``query_path``: ``[{"result": value}]`` or ``[]`` when undefined."""
        from regopy import RegoError

        try:
            self.interp.set_input_term(input_json)
            ok, text = _raw_query(self.interp, f"x = {query_path}")
        except RegoError as exc:
            raise EvaluationError(f"Rego evaluation failed: {_rego_error(exc)}") from None
        if not ok:
            detail = _diagnose(self.source, self.data_json, input_json, f"x = {query_path}")
            raise EvaluationError(f"Rego evaluation failed: {detail}")
        if text.startswith("(error"):
            raise EvaluationError(f"Rego evaluation failed: {_rego_error(text)}")
        if text.strip() == "undefined":
            return []
        try:
            document = json.loads(text)
        except ValueError as exc:
            raise EvaluationError(f"the Rego interpreter returned an unreadable result: {exc}") from None
        bindings = document.get("bindings") if isinstance(document, dict) else None
        if not isinstance(bindings, dict) or "x" not in bindings:
            return []
        return [{"result": bindings["x"]}]


def _raw_query(interp: Any, query: str) -> tuple[bool, str]:
    """(ok, output text) of one query; regopy's ``Output`` is bypassed because it parses eagerly."""
    from regopy.rego_shared import rego_free_output, rego_output_ok, rego_output_string, rego_query

    impl = rego_query(interp._impl, query)
    try:
        return bool(rego_output_ok(impl)), rego_output_string(impl)
    finally:
        rego_free_output(impl)


_diagnose_lock = threading.Lock()


def _diagnose(source: RegoSource, data_json: str, input_json: str, query: str) -> str:
    """rego-cpp only *prints* compile errors found at query time: re-run once and capture its stdout."""
    import ctypes
    import os
    import sys
    import tempfile

    from regopy import Interpreter, LogLevel

    with _diagnose_lock:
        interp = Interpreter()
        interp.log_level = LogLevel.OUTPUT
        try:
            for file, text in zip(source.files, source.texts, strict=True):
                interp.add_module(str(file), text)
            interp.add_data_json(data_json)
            interp.set_input_term(input_json)
        except Exception as exc:
            return _rego_error(exc)
        try:
            sys.stdout.flush()
        except (OSError, ValueError):
            pass
        saved = os.dup(1)
        with tempfile.TemporaryFile() as capture:
            os.dup2(capture.fileno(), 1)
            try:
                _raw_query(interp, query)
                ctypes.CDLL(None).fflush(None)
            finally:
                os.dup2(saved, 1)
                os.close(saved)
            capture.seek(0)
            printed = capture.read().decode("utf-8", "replace")
    return _rego_error(printed) if printed.strip() else "the interpreter reported no detail"


def _rego_error(exc: object) -> str:
    """A readable message from a RegoError, an ``(error …)`` result or rego-cpp's printed report."""
    text = str(exc).strip()
    messages = re.findall(r"\(errormsg \d+:([^\n]*?)\)\s*$", text, flags=re.M)
    if messages:
        return "; ".join(dict.fromkeys(m.strip() for m in messages))
    text = re.sub(r"^Errors:\n", "", text)
    text = re.sub(r"\n-- \n.*\Z", "", text, flags=re.S)  # drop rego-cpp's pass/trailer noise
    return text.strip() or "unknown error"


def _json_text(value: Any, what: str) -> str:
    try:
        return json.dumps(value, separators=(",", ":"), allow_nan=False, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise InputError(f"the {what} cannot be encoded as JSON: {exc}") from None


class RegoSourceEngine:
    """:class:`~workbench.core.engines.base.Engine` over ``.rego`` files, evaluated by rego-cpp (regopy).

    Constructed like every engine: ``RegoSourceEngine(source, execution_mode, options)``
    where ``source`` is a :class:`RegoSource`, a path or a list of paths, and
    ``execution_mode`` is opa, gatekeeper or ``rego-source`` (= resolve from the
    source's metadata, else guess).
    """

    label = LABEL

    def __init__(
        self,
        source: RegoSource | str | Path | Sequence[str | Path],
        execution_mode: str = "rego-source",
        options: EngineOptions | None = None,
    ) -> None:
        if not isinstance(source, RegoSource):
            source = load_rego_source(source)
        self.source = source
        self.execution_mode = resolve_rego_mode(source, execution_mode)
        self.options = options or EngineOptions()
        entry = self.options.entrypoint
        if isinstance(entry, int):
            raise ModuleError(
                "Rego source entrypoints are rule paths such as policy/violation, not numeric ids"
            )
        self.entrypoint = entry or default_entrypoint(source, self.execution_mode)
        self.query_path = entrypoint_query_path(self.entrypoint)
        self._lock = threading.Lock()
        self._interp: _Interp | None = None
        self._cancel = threading.Event()
        self._inventory: dict[str, Any] | None = None
        self._inventory_built = False
        self._logs: list[LogRecord] = []
        self._unregister_cancel = None
        if self.options.cancel is not None:
            self._unregister_cancel = self.options.cancel.on_cancel(self.interrupt)
        self._interpreter_for("{}")  # parse errors surface at load time, like a Wasm compile

    # -- introspection ---------------------------------------------------------------
    def entrypoints(self) -> list[str]:
        """Every rule path (``package/rule``) a user may pick as entrypoint."""
        return [
            f"{pkg.replace('.', '/')}/{rule}" for pkg, rules in self.source.rules().items() for rule in rules
        ]

    def warnings(self) -> list[str]:
        return [LIMITATIONS]

    # -- data --------------------------------------------------------------------------
    def _emit(self, level: str, message: str, source: str = "app") -> None:
        record = LogRecord(level=level, message=message, source=source)
        self._logs.append(record)
        self.options.log(record)

    def _inventory_value(self) -> dict[str, Any] | None:
        if not self._inventory_built:
            self._inventory = adapters.build_inventory(
                self.execution_mode, self.options.context_aware_resources, self.options.cluster_snapshot
            )
            self._inventory_built = True
        return self._inventory

    def _documents(self, request: ValidationRequest, settings: dict[str, Any]) -> tuple[str, str]:
        inventory = self._inventory_value()
        if self.execution_mode == "gatekeeper":
            input_doc = adapters.gatekeeper_input(request.request, settings)
            data_doc = adapters.gatekeeper_data(inventory)
        else:
            input_doc = adapters.opa_input(request.request)
            data_doc = adapters.opa_data(settings, inventory, lambda m: self._emit("warning", m))
        return _json_text(input_doc, "request"), _json_text(data_doc, "settings")

    def _interpreter_for(self, data_json: str) -> _Interp:
        interp = self._interp
        if interp is None or interp.busy or interp.data_json != data_json:
            interp = _Interp(self.source, data_json)
            self._interp = interp
        return interp

    # -- evaluation --------------------------------------------------------------------
    def _query(self, input_json: str, data_json: str, query_path: str) -> list[Any]:
        """Run one query in a worker thread; stop waiting at the deadline or on cancel."""
        self._cancel.clear()
        if self.options.cancel is not None:
            self.options.cancel.check_evaluation()
        interp = self._interpreter_for(data_json)
        interp.busy = True
        box: dict[str, Any] = {}

        def work() -> None:
            try:
                box["result"] = interp.query(input_json, query_path)
            except BaseException as exc:  # handed to the waiting thread
                box["error"] = exc
            finally:
                interp.busy = False
                done.set()

        done = threading.Event()
        worker = threading.Thread(target=work, name="rego-source-query", daemon=True)
        timeout = self.options.timeout
        deadline = None if timeout is None else time.monotonic() + timeout
        worker.start()
        while not done.wait(0.02 if deadline is None else max(0.0, min(0.02, deadline - time.monotonic()))):
            if self._cancel.is_set():
                self._abandon(interp)
                raise EvaluationCancelled("evaluation cancelled by the user")
            if deadline is not None and time.monotonic() >= deadline:
                self._abandon(interp)
                raise EvaluationTimeout(TIMEOUT_MESSAGE)
        if "error" in box:
            raise box["error"]
        return box["result"]  # type: ignore[no-any-return]

    def _abandon(self, interp: _Interp) -> None:
        """The query keeps running in its thread; never reuse that interpreter."""
        if self._interp is interp:
            self._interp = None
        self._emit(
            "warning",
            "the Rego interpreter cannot be interrupted: the abandoned query finishes in the background",
        )

    def validate(self, request: ValidationRequest, settings: dict[str, Any]) -> ValidationOutcome:
        if not isinstance(settings, dict):
            raise SettingsError("Invalid settings in CRD, not an object")
        started = time.perf_counter()
        with self._lock:
            self._logs = []
            uid = request.uid
            if self.execution_mode == "gatekeeper" and request.raw:
                return ValidationOutcome(
                    internal_error(uid, adapters.GATEKEEPER_RAW), elapsed_s=time.perf_counter() - started
                )
            input_json, data_json = self._documents(request, settings)
            output = self._query(input_json, data_json, self.query_path)
            if self.execution_mode == "gatekeeper":
                response = adapters.gatekeeper_response(uid, output)
            else:
                maybe = adapters.opa_response(uid, output)
                if maybe is None:
                    self._emit(
                        "warning",
                        f"opa mode: the result of entrypoint {self.entrypoint} has no `response` object "
                        f"({adapters.CANNOT_INTERPRET})",
                    )
                    maybe = internal_error(uid, adapters.CANNOT_INTERPRET)
                response = maybe
            return ValidationOutcome(
                response=response,
                policy_output=output,
                logs=list(self._logs),
                elapsed_s=time.perf_counter() - started,
            )

    def evaluate(self, input: Any, data: Any = None, entrypoint: str | None = None) -> list[Any]:
        """Evaluate a rule on arbitrary ``input``/``data``; returns the OPA result set (like OpaEngine.evaluate)."""
        query_path = entrypoint_query_path(entrypoint) if entrypoint else self.query_path
        with self._lock:
            return self._query(_json_text(input, "input"), _json_text(data or {}, "data"), query_path)

    def validate_settings(self, settings: dict[str, Any]) -> SettingsOutcome:
        """Rego policies have no settings validation: always valid (as Kubewarden)."""
        return SettingsOutcome(valid=True)

    def protocol_version(self) -> str:
        return "Unknown"

    def interrupt(self) -> None:
        """Make the waiting caller give up at once (the C++ query itself cannot be stopped)."""
        self._cancel.set()

    def close(self) -> None:
        self._interp = None
        if self._unregister_cancel is not None:
            self._unregister_cancel()
            self._unregister_cancel = None

    def __enter__(self) -> RegoSourceEngine:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def rego_source_facts(path: str | Path) -> dict[str, Any]:
    """What ``inspect`` shows of Rego source: files, packages and rules, mode and entrypoint."""
    source = load_rego_source(path)
    mode = resolve_rego_mode(source)
    return {
        "path": str(path),
        "kind": "rego-source",
        "files": [str(f) for f in source.files],
        "rules": source.rules(),
        "execution_mode": mode,
        "entrypoint": default_entrypoint(source, mode),
        "metadata_path": str(source.metadata_path) if source.metadata_path else None,
        "metadata": source.metadata.to_dict() if source.metadata else None,
        "limitations": LIMITATIONS,
    }
