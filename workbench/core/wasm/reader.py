"""A small, strict reader of the WebAssembly binary format.

It decodes what the workbench needs — section layout, imports, exports,
globals (with constant initialisers), custom sections and data segments —
and nothing more (function bodies are skipped). Every malformation raises
:class:`~workbench.core.errors.ModuleError` with the byte offset and what
was expected; no other exception escapes :func:`parse_module`.
"""

from __future__ import annotations

import dataclasses
import struct
from typing import Any

from workbench.core.errors import ModuleError

__all__ = [
    "MAGIC",
    "MAX_SECTIONS",
    "CustomSection",
    "DataSegment",
    "Export",
    "Global",
    "Import",
    "Section",
    "WasmInfo",
    "parse_module",
]

MAGIC = b"\0asm"
VERSION = b"\x01\x00\x00\x00"

SECTION_NAMES = {
    0: "custom",
    1: "type",
    2: "import",
    3: "function",
    4: "table",
    5: "memory",
    6: "global",
    7: "export",
    8: "start",
    9: "element",
    10: "code",
    11: "data",
    12: "datacount",
    13: "tag",
}
EXTERNAL_KINDS = {0: "func", 1: "table", 2: "memory", 3: "global", 4: "tag"}
VALTYPES = {0x7F: "i32", 0x7E: "i64", 0x7D: "f32", 0x7C: "f64", 0x7B: "v128", 0x70: "funcref", 0x6F: "externref"}
#: most sections a module may have (a real policy has a few dozen): a file of millions of tiny
#: custom sections would otherwise cost seconds and gigabytes to list (see docs/security.md)
MAX_SECTIONS = 10_000
# Known non-id section order (ids 1..13; datacount sits between element and code).
_SECTION_ORDER = {1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 13: 6, 6: 7, 7: 8, 8: 9, 9: 10, 12: 11, 10: 12, 11: 13}


@dataclasses.dataclass(frozen=True)
class Section:
    id: int
    offset: int  # offset of the section id byte
    payload_offset: int
    size: int  # payload size

    @property
    def end(self) -> int:
        return self.payload_offset + self.size

    @property
    def name(self) -> str:
        return SECTION_NAMES.get(self.id, f"unknown({self.id})")


@dataclasses.dataclass(frozen=True)
class CustomSection:
    name: str
    offset: int  # offset of the section id byte
    size: int  # whole payload size (name included), as tools report it
    #: the module bytes and the span of the payload (the bytes after the name); the payload is only
    #: copied out when asked for, so big custom sections cost nothing to parse
    source: bytes = dataclasses.field(repr=False, compare=False)
    payload_start: int = 0
    payload_end: int = 0

    @property
    def payload(self) -> bytes:
        return self.source[self.payload_start : self.payload_end]


@dataclasses.dataclass(frozen=True)
class Import:
    module: str
    name: str
    kind: str  # func | table | memory | global | tag
    detail: dict[str, Any] = dataclasses.field(default_factory=dict, compare=False)


@dataclasses.dataclass(frozen=True)
class Export:
    name: str
    kind: str
    index: int


@dataclasses.dataclass(frozen=True)
class Global:
    valtype: str
    mutable: bool
    #: value of a constant initialiser (i32/i64/f32/f64.const), None for anything else
    init_value: int | float | None
    imported: bool = False


@dataclasses.dataclass(frozen=True)
class DataSegment:
    active: bool
    data: bytes


@dataclasses.dataclass(frozen=True)
class WasmInfo:
    size: int
    sections: tuple[Section, ...]
    imports: tuple[Import, ...]
    exports: tuple[Export, ...]
    globals: tuple[Global, ...]  # whole global index space: imported first
    custom_sections: tuple[CustomSection, ...]
    data_segments: tuple[DataSegment, ...]

    def export_names(self) -> list[str]:
        return [e.name for e in self.exports]

    def has_export(self, name: str, kind: str | None = None) -> bool:
        return any(e.name == name and (kind is None or e.kind == kind) for e in self.exports)

    def import_modules(self) -> list[str]:
        seen: dict[str, None] = {}
        for imp in self.imports:
            seen.setdefault(imp.module, None)
        return list(seen)

    def imports_by_module(self) -> dict[str, list[Import]]:
        grouped: dict[str, list[Import]] = {}
        for imp in self.imports:
            grouped.setdefault(imp.module, []).append(imp)
        return grouped

    def global_const_i32(self, export_name: str) -> int | None:
        """Constant value of an exported i32 global (e.g. ``opa_wasm_abi_version``)."""
        for exp in self.exports:
            if exp.name == export_name and exp.kind == "global":
                if exp.index >= len(self.globals):
                    return None
                glob = self.globals[exp.index]
                if glob.valtype == "i32" and isinstance(glob.init_value, int):
                    return glob.init_value
                return None
        return None

    def custom_section(self, name: str) -> CustomSection | None:
        """The first custom section with this name (as Kubewarden reads metadata)."""
        for section in self.custom_sections:
            if section.name == name:
                return section
        return None


class _Lazy:
    """A label of what is being read, formatted only when an error message needs it."""

    __slots__ = ("args", "template")

    def __init__(self, template: str, *args: object) -> None:
        self.template = template
        self.args = args

    def __str__(self) -> str:
        return self.template.format(*(str(arg) for arg in self.args))

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


#: what a reading step names in its error message
Label = str | _Lazy


class _Cursor:
    __slots__ = ("data", "end", "pos")

    def __init__(self, data: bytes, pos: int = 0, end: int | None = None) -> None:
        self.data = data
        self.pos = pos
        self.end = len(data) if end is None else end

    def fail(self, what: str) -> ModuleError:
        return ModuleError(f"invalid wasm module at byte {self.pos}: {what}")

    def byte(self, what: Label = "a byte") -> int:
        if self.pos >= self.end:
            raise self.fail(f"unexpected end while reading {what}")
        value = self.data[self.pos]
        self.pos += 1
        return value

    def take(self, count: int, what: Label) -> bytes:
        if count < 0 or self.pos + count > self.end:
            raise self.fail(f"{what} of {count} bytes runs past the end of its section")
        chunk = self.data[self.pos : self.pos + count]
        self.pos += count
        return bytes(chunk)

    def uleb(self, bits: int = 32, what: Label = "an unsigned LEB128 integer") -> int:
        result = 0
        shift = 0
        max_bytes = (bits + 6) // 7
        for _ in range(max_bytes):
            b = self.byte(what)
            result |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                if result >= 1 << bits:
                    raise self.fail(f"{what} does not fit in {bits} bits")
                return result
        raise self.fail(f"{what} is longer than {max_bytes} bytes")

    def sleb(self, bits: int, what: Label = "a signed LEB128 integer") -> int:
        result = 0
        shift = 0
        max_bytes = (bits + 6) // 7
        for _ in range(max_bytes):
            b = self.byte(what)
            result |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                if b & 0x40:
                    result -= 1 << shift
                if not -(1 << (bits - 1)) <= result < 1 << (bits - 1):
                    raise self.fail(f"{what} does not fit in {bits} bits")
                return result
        raise self.fail(f"{what} is longer than {max_bytes} bytes")

    def name(self, what: str) -> str:
        length = self.uleb(32, f"the length of {what}")
        raw = self.take(length, what)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ModuleError(
                f"invalid wasm module at byte {self.pos - length + exc.start}: {what} is not valid UTF-8"
            ) from None

    def limits(self, what: str) -> dict[str, Any]:
        flags = self.byte(f"the limits flags of {what}")
        if flags > 0x07:
            raise self.fail(f"unknown limits flags 0x{flags:02x} in {what}")
        bits = 64 if flags & 0x04 else 32
        minimum = self.uleb(bits, f"the minimum of {what}")
        maximum = self.uleb(bits, f"the maximum of {what}") if flags & 0x01 else None
        return {"min": minimum, "max": maximum, "shared": bool(flags & 0x02), "memory64": bool(flags & 0x04)}

    def valtype(self, what: str) -> str:
        code = self.byte(what)
        if code not in VALTYPES:
            self.pos -= 1
            raise self.fail(f"unknown value type 0x{code:02x} in {what}")
        return VALTYPES[code]

    def const_expr(self, what: Label) -> int | float | None:
        """Read an initialiser expression up to ``end`` (0x0B); return its value if it is a single const."""
        values: list[int | float | None] = []
        while True:
            op = self.byte(what)
            if op == 0x0B:
                break
            if op == 0x41:
                values.append(self.sleb(32, _Lazy("an i32.const in {}", what)))
            elif op == 0x42:
                values.append(self.sleb(64, _Lazy("an i64.const in {}", what)))
            elif op == 0x43:
                values.append(struct.unpack("<f", self.take(4, _Lazy("an f32.const in {}", what)))[0])
            elif op == 0x44:
                values.append(struct.unpack("<d", self.take(8, _Lazy("an f64.const in {}", what)))[0])
            elif op in (0x23, 0xD2):  # global.get / ref.func
                self.uleb(32, _Lazy("an index in {}", what))
                values.append(None)
            elif op == 0xD0:  # ref.null
                self.byte(_Lazy("a reference type in {}", what))
                values.append(None)
            elif op in (0x6A, 0x6B, 0x6C, 0x7C, 0x7D, 0x7E):  # extended-const arithmetic
                values.append(None)
            elif op == 0xFD:  # v128.const
                sub = self.uleb(32, _Lazy("a SIMD opcode in {}", what))
                if sub != 12:
                    raise self.fail(f"unsupported SIMD opcode {sub} in {what}")
                self.take(16, _Lazy("a v128.const in {}", what))
                values.append(None)
            else:
                self.pos -= 1
                raise self.fail(f"unsupported instruction 0x{op:02x} in {what}")
        return values[0] if len(values) == 1 else None


def _read_imports(cur: _Cursor) -> list[Import]:
    imports: list[Import] = []
    for i in range(cur.uleb(32, "the import count")):
        module = cur.name(f"the module name of import {i}")
        field = cur.name(f"the field name of import {i}")
        kind_code = cur.byte(f"the kind of import {module}.{field}")
        detail: dict[str, Any] = {}
        if kind_code == 0:
            detail["type_index"] = cur.uleb(32, f"the type index of import {module}.{field}")
        elif kind_code == 1:
            detail["reftype"] = cur.valtype(f"the table type of import {module}.{field}")
            detail.update(cur.limits(f"import {module}.{field}"))
        elif kind_code == 2:
            detail.update(cur.limits(f"import {module}.{field}"))
        elif kind_code == 3:
            detail["valtype"] = cur.valtype(f"the global type of import {module}.{field}")
            mut = cur.byte(f"the mutability of import {module}.{field}")
            if mut > 1:
                raise cur.fail(f"invalid mutability {mut} of import {module}.{field}")
            detail["mutable"] = bool(mut)
        elif kind_code == 4:
            cur.byte(f"the tag attribute of import {module}.{field}")
            detail["type_index"] = cur.uleb(32, f"the tag type of import {module}.{field}")
        else:
            cur.pos -= 1
            raise cur.fail(f"unknown import kind 0x{kind_code:02x} for {module}.{field}")
        imports.append(Import(module, field, EXTERNAL_KINDS[kind_code], detail))
    return imports


def _read_globals(cur: _Cursor) -> list[Global]:
    out: list[Global] = []
    for i in range(cur.uleb(32, "the global count")):
        valtype = cur.valtype(f"the type of global {i}")
        mut = cur.byte(f"the mutability of global {i}")
        if mut > 1:
            raise cur.fail(f"invalid mutability {mut} of global {i}")
        out.append(Global(valtype, bool(mut), cur.const_expr(f"the initialiser of global {i}")))
    return out


def _read_exports(cur: _Cursor) -> list[Export]:
    exports: list[Export] = []
    seen: set[str] = set()
    for i in range(cur.uleb(32, "the export count")):
        name = cur.name(f"the name of export {i}")
        kind_code = cur.byte(f"the kind of export {name!r}")
        if kind_code not in EXTERNAL_KINDS:
            cur.pos -= 1
            raise cur.fail(f"unknown export kind 0x{kind_code:02x} for {name!r}")
        index = cur.uleb(32, f"the index of export {name!r}")
        if name in seen:
            raise cur.fail(f"duplicate export name {name!r}")
        seen.add(name)
        exports.append(Export(name, EXTERNAL_KINDS[kind_code], index))
    return exports


def _read_data(cur: _Cursor) -> list[DataSegment]:
    # (labels formatted only for an error: a module has hundreds of segments)
    segments: list[DataSegment] = []
    for i in range(cur.uleb(32, "the data segment count")):
        mode = cur.uleb(32, _Lazy("the mode of data segment {}", i))
        if mode == 0:
            cur.const_expr(_Lazy("the offset of data segment {}", i))
            active = True
        elif mode == 1:
            active = False
        elif mode == 2:
            cur.uleb(32, _Lazy("the memory index of data segment {}", i))
            cur.const_expr(_Lazy("the offset of data segment {}", i))
            active = True
        else:
            raise cur.fail(f"unknown mode {mode} of data segment {i}")
        length = cur.uleb(32, _Lazy("the size of data segment {}", i))
        segments.append(DataSegment(active, cur.take(length, _Lazy("data segment {}", i))))
    return segments


def iter_sections(data: bytes) -> list[Section]:
    """Section boundaries of a module, validated (magic, version, sizes, order)."""
    if len(data) < 8:
        if not data:
            raise ModuleError("not a wasm module: the file is empty")
        raise ModuleError(f"not a wasm module: only {len(data)} bytes, a module starts with 8 header bytes")
    if data[:4] != MAGIC:
        raise ModuleError(
            f"not a wasm module: wrong magic bytes {data[:4].hex(' ')} (expected 00 61 73 6d, '\\0asm')"
        )
    if data[4:8] != VERSION:
        raise ModuleError(
            f"unsupported wasm binary version {int.from_bytes(data[4:8], 'little')} (expected 1); "
            "components and other versions are not policy modules"
        )
    cur = _Cursor(data, 8)
    sections: list[Section] = []
    last_order = 0
    while cur.pos < len(data):
        if len(sections) >= MAX_SECTIONS:
            raise ModuleError(
                f"invalid wasm module: more than {MAX_SECTIONS} sections (the next one starts at byte {cur.pos}); "
                "policy modules have a few dozen"
            )
        start = cur.pos
        section_id = cur.byte("a section id")
        if section_id not in SECTION_NAMES:
            cur.pos = start
            raise cur.fail(f"unknown section id {section_id}")
        size = cur.uleb(32, f"the size of the {SECTION_NAMES[section_id]} section")
        payload_offset = cur.pos
        if payload_offset + size > len(data):
            raise ModuleError(
                f"invalid wasm module: the {SECTION_NAMES[section_id]} section at byte {start} declares "
                f"{size} bytes but only {len(data) - payload_offset} remain (truncated file?)"
            )
        if section_id != 0:
            order = _SECTION_ORDER[section_id]
            if order <= last_order:
                raise ModuleError(
                    f"invalid wasm module: the {SECTION_NAMES[section_id]} section at byte {start} "
                    "is out of order or duplicated"
                )
            last_order = order
        sections.append(Section(section_id, start, payload_offset, size))
        cur.pos = payload_offset + size
    return sections


def parse_module(data: bytes) -> WasmInfo:
    """Parse ``data`` as a WebAssembly module; raises ModuleError when it is not a valid one."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise ModuleError(f"not a wasm module: expected bytes, got {type(data).__name__}")
    data = bytes(data)
    sections = iter_sections(data)
    imports: list[Import] = []
    exports: list[Export] = []
    defined_globals: list[Global] = []
    customs: list[CustomSection] = []
    segments: list[DataSegment] = []
    for section in sections:
        cur = _Cursor(data, section.payload_offset, section.end)
        if section.id == 0:
            name = cur.name("a custom section name")
            customs.append(CustomSection(name, section.offset, section.size, data, cur.pos, section.end))
            continue
        if section.id == 2:
            imports = _read_imports(cur)
        elif section.id == 6:
            defined_globals = _read_globals(cur)
        elif section.id == 7:
            exports = _read_exports(cur)
        elif section.id == 11:
            segments = _read_data(cur)
        else:
            continue
        if cur.pos != section.end:
            raise ModuleError(
                f"invalid wasm module: the {section.name} section at byte {section.offset} has "
                f"{section.end - cur.pos} unexpected trailing bytes"
            )
    imported_globals = [
        Global(imp.detail["valtype"], imp.detail["mutable"], None, imported=True)
        for imp in imports
        if imp.kind == "global"
    ]
    all_globals = imported_globals + defined_globals
    for exp in exports:
        if exp.kind == "global" and exp.index >= len(all_globals):
            raise ModuleError(
                f"invalid wasm module: export {exp.name!r} refers to global {exp.index}, "
                f"but the module has only {len(all_globals)}"
            )
    return WasmInfo(
        size=len(data),
        sections=tuple(sections),
        imports=tuple(imports),
        exports=tuple(exports),
        globals=tuple(all_globals),
        custom_sections=tuple(customs),
        data_segments=tuple(segments),
    )
