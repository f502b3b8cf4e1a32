"""Hand-written OPA-ABI test modules (shared by the OPA engine tests) (WAT compiled with ``wasmtime.wat2wasm``).

The module implements the OPA Wasm ABI exports minimally: a value is a
16-byte record ``{json_len, json_ptr, rego_len, rego_ptr}`` holding the text
it was parsed from (``opa_json_dump`` returns the JSON text, ``opa_value_dump``
the Rego text; they differ only for the built-in set constant ``{1,2}``).
``opa_malloc`` is a bump allocator that grows memory and calls ``opa_abort``
("opa_malloc: failed") when growth fails; the heap pointer is global.

Entrypoints (id: name -> result):

 0 echo       [{"result":<input>}]
 1 data       [{"result":<data>}]
 2 b0..b4     [{"result":<builtin test.N(input, ..., input)>}] or [] when undefined  (ids 2..6)
 7 set        [{"result":<builtin test.set({1,2})>}]
 8 abort      opa_abort("boom from policy")
 9 println    opa_println("hello from policy"), then echo
10 loop       never returns
11 hog        allocates 8 MiB blocks forever (memory cap)
12 missing    calls builtin missing.fn (id 20)
13 response   [{"result":{"response":{"uid":"policy-uid","allowed":false,"status":{"message":"no way"}}}}]
14 undefined  []
15 violation  [{"result":[{"msg":"first"},{"msg":"second","details":{}}]}]
"""

from __future__ import annotations

import hashlib
import json

import wasmtime

from workbench.core.module import PolicyModule

ENTRYPOINTS = {
    "test/echo": 0,
    "test/data": 1,
    "test/b0": 2,
    "test/b1": 3,
    "test/b2": 4,
    "test/b3": 5,
    "test/b4": 6,
    "test/set": 7,
    "test/abort": 8,
    "test/println": 9,
    "test/loop": 10,
    "test/hog": 11,
    "test/missing": 12,
    "test/response": 13,
    "test/undefined": 14,
    "test/violation": 15,
}
#: builtin name -> id as the module's `builtins` export lists them (ids deliberately not dense)
BUILTINS = {"test.zero": 0, "test.one": 3, "test.two": 5, "test.three": 6, "test.four": 8, "test.set": 9}
MISSING_BUILTIN = "missing.fn"


def _data(offset: int, text: str) -> str:
    escaped = "".join(f"\\{b:02x}" for b in text.encode())
    return f'(data (i32.const {offset}) "{escaped}")'


def opa_wat(
    minor: int = 2,
    *,
    builtins: dict[str, int] | None = None,
    entrypoints: dict[str, int] | None = None,
    eval_export: bool | None = None,
    value_dump: bool = True,
    abi_globals: bool = True,
    entrypoints_export: bool = True,
) -> str:
    builtins_map = dict(BUILTINS if builtins is None else builtins)
    eps = dict(ENTRYPOINTS if entrypoints is None else entrypoints)
    if eval_export is None:
        eval_export = minor >= 2
    strings = {
        "builtins": json.dumps(builtins_map, separators=(",", ":")),
        "entrypoints": json.dumps(eps, separators=(",", ":")),
        "prefix": '[{"result":',
        "suffix": "}]",
        "empty": "[]",
        "abort": "boom from policy",
        "println": "hello from policy",
        "illegal": "internal: illegal entrypoint id",
        "oom": "opa_malloc: failed",
        "reserved": "invalid reserved argument",
        "set_json": "[1,2]",
        "set_rego": "{1,2}",
        "response": '[{"result":{"response":{"uid":"policy-uid","allowed":false,"status":{"message":"no way"}}}}]',
        "violation": '[{"result":[{"msg":"first"},{"msg":"second","details":{}}]}]',
    }
    addr: dict[str, tuple[int, int]] = {}
    segments = []
    offset = 1024
    for key, text in strings.items():
        size = len(text.encode())
        addr[key] = (offset, size)
        segments.append(_data(offset, text + "\0"))
        offset += size + 1
    # constant value records: builtins map, entrypoints map, the set {1,2}
    records = {}
    for name, (json_key, rego_key) in {
        "builtins": ("builtins", "builtins"),
        "entrypoints": ("entrypoints", "entrypoints"),
        "set": ("set_json", "set_rego"),
    }.items():
        offset = (offset + 15) // 16 * 16
        jp, jl = addr[json_key]
        rp, rl = addr[rego_key]
        records[name] = offset
        raw = b"".join(v.to_bytes(4, "little") for v in (jl, jp, rl, rp))
        segments.append(f'(data (i32.const {offset}) "' + "".join(f"\\{b:02x}" for b in raw) + '")')
        offset += 16
    assert offset < 60000

    def s(key: str) -> str:
        return f"(i32.const {addr[key][0]})"

    def n(key: str) -> str:
        return f"(i32.const {addr[key][1]})"

    bid = {k: builtins_map.get(k, 99) for k in BUILTINS}
    globals_wat = ""
    if abi_globals:
        globals_wat = (
            '(global (export "opa_wasm_abi_version") i32 (i32.const 1))\n'
            f'(global (export "opa_wasm_abi_minor_version") i32 (i32.const {minor}))'
        )
    eval_wat = ""
    if eval_export:
        eval_wat = f"""
  (func (export "opa_eval") (param $reserved i32) (param $ep i32) (param $data i32) (param $in i32)
        (param $len i32) (param $heap i32) (param $format i32) (result i32)
    (if (local.get $reserved) (then (call $abort {s("reserved")}) (unreachable)))
    (global.set $heap (local.get $heap))
    (call $dump_json (call $run (local.get $ep) (call $parse (local.get $in) (local.get $len)) (local.get $data))))"""
    value_dump_wat = ""
    if value_dump:
        value_dump_wat = """
  (func (export "opa_value_dump") (param $v i32) (result i32)
    (if (result i32) (local.get $v)
      (then (call $cstr (i32.load offset=12 (local.get $v)) (i32.load offset=8 (local.get $v))))
      (else (i32.const 0))))"""
    ep_export = '(export "entrypoints" (func $entrypoints))' if entrypoints_export else ""
    return f"""
(module
  (import "env" "memory" (memory 2))
  (import "env" "opa_abort" (func $abort (param i32)))
  (import "env" "opa_println" (func $println (param i32)))
  (import "env" "opa_builtin0" (func $b0 (param i32 i32) (result i32)))
  (import "env" "opa_builtin1" (func $b1 (param i32 i32 i32) (result i32)))
  (import "env" "opa_builtin2" (func $b2 (param i32 i32 i32 i32) (result i32)))
  (import "env" "opa_builtin3" (func $b3 (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "opa_builtin4" (func $b4 (param i32 i32 i32 i32 i32 i32) (result i32)))
  {globals_wat}
  (global $heap (mut i32) (i32.const 65536))
  {" ".join(segments)}
  (func $malloc (export "opa_malloc") (param $size i32) (result i32)
    (local $p i32) (local $end i32) (local $pages i32)
    (local.set $p (global.get $heap))
    (local.set $end (i32.add (local.get $p) (local.get $size)))
    (if (i32.gt_u (local.get $end) (i32.mul (memory.size) (i32.const 65536)))
      (then
        (local.set $pages (i32.add (i32.div_u (i32.sub (local.get $end) (i32.mul (memory.size) (i32.const 65536)))
                                              (i32.const 65536)) (i32.const 1)))
        (if (i32.eq (memory.grow (local.get $pages)) (i32.const -1))
          (then (call $abort {s("oom")}) (unreachable)))))
    (global.set $heap (local.get $end))
    (local.get $p))
  (func (export "opa_free") (param i32))
  (func (export "opa_heap_ptr_get") (result i32) (global.get $heap))
  (func (export "opa_heap_ptr_set") (param i32) (global.set $heap (local.get 0)))
  ;; value record from text (copied)
  (func $mkval2 (param $jp i32) (param $jl i32) (param $rp i32) (param $rl i32) (result i32)
    (local $v i32)
    (local.set $v (call $malloc (i32.const 16)))
    (i32.store (local.get $v) (local.get $jl))
    (i32.store offset=4 (local.get $v) (local.get $jp))
    (i32.store offset=8 (local.get $v) (local.get $rl))
    (i32.store offset=12 (local.get $v) (local.get $rp))
    (local.get $v))
  (func $parse (param $p i32) (param $len i32) (result i32)
    (local $copy i32)
    (if (i32.eqz (local.get $len)) (then (return (i32.const 0))))
    (if (i32.eq (i32.load8_u (local.get $p)) (i32.const 33)) (then (return (i32.const 0))))  ;; '!' = malformed
    (local.set $copy (call $malloc (local.get $len)))
    (memory.copy (local.get $copy) (local.get $p) (local.get $len))
    (call $mkval2 (local.get $copy) (local.get $len) (local.get $copy) (local.get $len)))
  (func (export "opa_json_parse") (param i32 i32) (result i32) (call $parse (local.get 0) (local.get 1)))
  (func (export "opa_value_parse") (param i32 i32) (result i32) (call $parse (local.get 0) (local.get 1)))
  (func $cstr (param $p i32) (param $len i32) (result i32)
    (local $out i32)
    (local.set $out (call $malloc (i32.add (local.get $len) (i32.const 1))))
    (memory.copy (local.get $out) (local.get $p) (local.get $len))
    (i32.store8 (i32.add (local.get $out) (local.get $len)) (i32.const 0))
    (local.get $out))
  (func $dump_json (export "opa_json_dump") (param $v i32) (result i32)
    (if (result i32) (local.get $v)
      (then (call $cstr (i32.load offset=4 (local.get $v)) (i32.load (local.get $v))))
      (else (i32.const 0))))
  {value_dump_wat}
  (func $const (param $p i32) (param $len i32) (result i32)
    (call $mkval2 (local.get $p) (local.get $len) (local.get $p) (local.get $len)))
  ;; [{{"result":<v>}}]
  (func $wrap (param $v i32) (result i32)
    (local $len i32) (local $out i32) (local $total i32)
    (if (i32.eqz (local.get $v)) (then (return (call $const {s("empty")} {n("empty")}))))
    (local.set $len (i32.load (local.get $v)))
    (local.set $total (i32.add (local.get $len) (i32.const 13)))
    (local.set $out (call $malloc (local.get $total)))
    (memory.copy (local.get $out) {s("prefix")} (i32.const 11))
    (memory.copy (i32.add (local.get $out) (i32.const 11)) (i32.load offset=4 (local.get $v)) (local.get $len))
    (memory.copy (i32.add (local.get $out) (i32.add (local.get $len) (i32.const 11))) {s("suffix")} (i32.const 2))
    (call $const (local.get $out) (local.get $total)))
  (func $run (param $ep i32) (param $in i32) (param $data i32) (result i32)
    (block $bad
     (block $e15 (block $e14 (block $e13 (block $e12 (block $e11 (block $e10 (block $e9 (block $e8
     (block $e7 (block $e6 (block $e5 (block $e4 (block $e3 (block $e2 (block $e1 (block $e0
       (br_table $e0 $e1 $e2 $e3 $e4 $e5 $e6 $e7 $e8 $e9 $e10 $e11 $e12 $e13 $e14 $e15 $bad (local.get $ep)))
       (return (call $wrap (local.get $in))))
       (return (call $wrap (local.get $data))))
       (return (call $wrap (call $b0 (i32.const {bid["test.zero"]}) (i32.const 0)))))
       (return (call $wrap (call $b1 (i32.const {bid["test.one"]}) (i32.const 0) (local.get $in)))))
       (return (call $wrap (call $b2 (i32.const {bid["test.two"]}) (i32.const 0) (local.get $in) (local.get $in)))))
       (return (call $wrap (call $b3 (i32.const {bid["test.three"]}) (i32.const 0) (local.get $in) (local.get $in)
                                     (local.get $in)))))
       (return (call $wrap (call $b4 (i32.const {bid["test.four"]}) (i32.const 0) (local.get $in) (local.get $in)
                                     (local.get $in) (local.get $in)))))
       (return (call $wrap (call $b1 (i32.const {bid["test.set"]}) (i32.const 0) (i32.const {records["set"]})))))
       (call $abort {s("abort")}) (unreachable))
       (call $println {s("println")}) (return (call $wrap (local.get $in))))
       (loop $forever (br $forever)) (unreachable))
       (loop $more (drop (call $malloc (i32.const 8388608))) (br $more)) (unreachable))
       (return (call $wrap (call $b1 (i32.const 20) (i32.const 0) (local.get $in)))))
       (return (call $const {s("response")} {n("response")})))
       (return (call $const {s("empty")} {n("empty")})))
       (return (call $const {s("violation")} {n("violation")})))
    (call $abort {s("illegal")}) (unreachable))
  ;; eval context {{input, data, result, entrypoint}}
  (func (export "opa_eval_ctx_new") (result i32)
    (local $c i32) (local.set $c (call $malloc (i32.const 16)))
    (i32.store (local.get $c) (i32.const 0)) (i32.store offset=4 (local.get $c) (i32.const 0))
    (i32.store offset=8 (local.get $c) (i32.const 0)) (i32.store offset=12 (local.get $c) (i32.const 0))
    (local.get $c))
  (func (export "opa_eval_ctx_set_input") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "opa_eval_ctx_set_data") (param i32 i32) (i32.store offset=4 (local.get 0) (local.get 1)))
  (func (export "opa_eval_ctx_set_entrypoint") (param i32 i32) (i32.store offset=12 (local.get 0) (local.get 1)))
  (func (export "opa_eval_ctx_get_result") (param i32) (result i32) (i32.load offset=8 (local.get 0)))
  (func (export "eval") (param $c i32) (result i32)
    (i32.store offset=8 (local.get $c)
      (call $run (i32.load offset=12 (local.get $c)) (i32.load (local.get $c)) (i32.load offset=4 (local.get $c))))
    (i32.const 0))
  {eval_wat}
  (func (export "builtins") (result i32) (i32.const {records["builtins"]}))
  (func $entrypoints (result i32) (i32.const {records["entrypoints"]}))
  {ep_export}
)
"""


def make_module(**kwargs: object) -> PolicyModule:
    data = wasmtime.wat2wasm(opa_wat(**kwargs))  # type: ignore[arg-type]
    module = PolicyModule.from_bytes(bytes(data))
    assert hashlib.sha256(bytes(data)).hexdigest() == module.sha256
    return module
