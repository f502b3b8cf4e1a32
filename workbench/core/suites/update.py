"""``test --update``: rewrite the expectations of failing cases from what the policies answered now.

The suite text is edited in place, value by value, at the positions the YAML parser
recorded, so comments, order and formatting of everything else stay as they were. A review
diff comes first; files are written (atomically) only when the caller says so.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from workbench.core.errors import InputError
from workbench.core.suites.loader import Span, parse_positions
from workbench.core.suites.model import CaseResult, CaseStatus, Suite, SuiteRun
from workbench.core.yamlio import atomic_write, dump_yaml, read_text

__all__ = ["SuiteUpdate", "apply_updates", "plan_updates", "render_updates"]

_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_SPECIAL = re.compile(r"([.^$*+?{}\[\]\\|()])")


def _literal_regex(text: str) -> str:
    """A regular expression matching ``text`` literally (only regex metacharacters escaped)."""
    return _SPECIAL.sub(r"\\\1", text)


@dataclasses.dataclass
class SuiteUpdate:
    """New text for one suite file (and for expected-object files it names)."""

    path: Path
    old: str
    new: str
    files: dict[Path, tuple[str, str]] = dataclasses.field(default_factory=dict)  # path -> (old, new)
    notes: list[str] = dataclasses.field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.old != self.new or any(o != n for o, n in self.files.values())


def _scalar(value: Any) -> str:
    if (
        isinstance(value, str)
        and _PLAIN.match(value)
        and value not in ("true", "false", "null", "yes", "no", "on", "off")
    ):
        return value
    return json.dumps(value, ensure_ascii=False)


@dataclasses.dataclass
class _Edit:
    start: int
    end: int
    text: str


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _remove_entry(text: str, span: Span, key_index: int) -> _Edit:
    start = _line_start(text, key_index)
    end = span.end
    newline = text.find("\n", end)
    if newline != -1 and not text[end:newline].strip():
        end = newline + 1
    elif newline == -1 and not text[end:].strip():
        end = len(text)
    # a block value ends where the next entry starts: keep that line's indentation
    if end > 0 and text[end - 1] != "\n":
        end = _line_start(text, end)
    return _Edit(start, end, "")


def _file_text(path: Path, value: Any) -> str:
    if path.suffix == ".json":
        return json.dumps(value, indent=2, ensure_ascii=False) + "\n"
    return dump_yaml(value)


def _wanted(results: Sequence[CaseResult]) -> tuple[CaseResult | None, str]:
    """The one result to take the new expectation from, or None with a note (disagreeing policies)."""
    failing = [r for r in results if r.status is CaseStatus.FAILED]
    if not failing:
        return None, ""
    kinds = {(r.got, r.message) for r in results if r.status is not CaseStatus.CANCELLED}
    if len(kinds) > 1:
        return None, "policies disagree: " + "; ".join(f"{r.policy_id}: {r.got}" for r in results)
    return failing[0], ""


def plan_updates(suites: Sequence[Suite], run: SuiteRun) -> list[SuiteUpdate]:
    """The edits that make every failed case expect what it got (gator suites cannot be updated)."""
    by_case: dict[tuple[Path, str], list[CaseResult]] = {}
    for r in run.results:
        by_case.setdefault((r.suite, r.case_id), []).append(r)
    updates = []
    for suite in suites:
        if not any(
            suite.path == key[0] and any(r.status is CaseStatus.FAILED for r in rs)
            for key, rs in by_case.items()
        ):
            continue
        if suite.format != "workbench":
            raise InputError(
                f"{suite.path}: --update rewrites workbench suites only (convert with `suite import-gator`)"
            )
        text = read_text(suite.path, "suite file")
        data, spans = parse_positions(text, str(suite.path))
        update = SuiteUpdate(suite.path, text, text)
        edits: list[_Edit] = []
        for index, case in enumerate(suite.cases):
            chosen, note = _wanted(by_case.get((suite.path, case.id), []))
            if note:
                update.notes.append(f"{case.id}: not updated, {note}")
            if chosen is None:
                continue
            raw = data["cases"][index]
            path = ("cases", index)
            case_span = spans[path]
            if text[case_span.start : case_span.start + 1] == "{":
                update.notes.append(f"{case.id}: not updated (a flow-style mapping; edit it by hand)")
                continue
            expect_span = spans[(*path, "expect")]
            indent = " " * (expect_span.key_column - 1)
            inserts: list[str] = []
            if (
                chosen.got
                and chosen.got != raw["expect"]
                and not (raw["expect"] == "accepted" and chosen.got == "allowed")
            ):
                edits.append(_Edit(expect_span.start, expect_span.end, _scalar(chosen.got)))
            message_ok = case.message is None or re.search(case.message, chosen.message) is not None
            if not message_ok:
                span = spans[(*path, "message")]
                if chosen.message:
                    edits.append(_Edit(span.start, span.end, _scalar(_literal_regex(chosen.message))))
                else:
                    edits.append(_remove_entry(text, span, span.key_start))
            code = ((chosen.response or {}).get("status") or {}).get("code")
            if "code" in raw and raw["code"] != code:
                span = spans[(*path, "code")]
                if code is None:
                    edits.append(_remove_entry(text, span, span.key_start))
                else:
                    edits.append(_Edit(span.start, span.end, str(code)))
            for key, got_value in (("patched", chosen.patched), ("patch", chosen.patch)):
                if key not in raw:
                    continue
                span = spans[(*path, key)]
                if chosen.got != "mutated":
                    edits.append(_remove_entry(text, span, span.key_start))
                elif isinstance(raw[key], str):
                    target = (suite.base / raw[key]).resolve()
                    old = read_text(target, f"{key} file")
                    update.files[target] = (old, _file_text(target, got_value))
                else:
                    edits.append(
                        _Edit(
                            span.start, span.end, json.dumps(got_value, ensure_ascii=False, sort_keys=False)
                        )
                    )
            if (
                chosen.got == "mutated"
                and "patched" not in raw
                and "patch" not in raw
                and chosen.patched is not None
            ):
                inserts.append(f"{indent}patched: {json.dumps(chosen.patched, ensure_ascii=False)}\n")
            if inserts:
                after = text.find("\n", expect_span.end)
                at = len(text) if after == -1 else after + 1
                edits.append(_Edit(at, at, "".join(inserts)))
        new = text
        for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
            new = new[: edit.start] + edit.text + new[edit.end :]
        update.new = new
        updates.append(update)
    return updates


def render_updates(updates: Sequence[SuiteUpdate]) -> str:
    """Unified diffs of every change, for review."""
    out: list[str] = []
    for update in updates:
        pairs = [(update.path, update.old, update.new), *((p, o, n) for p, (o, n) in update.files.items())]
        for path, old, new in pairs:
            if old == new:
                continue
            out.extend(
                difflib.unified_diff(
                    old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{path}", f"b/{path}"
                )
            )
        out.extend(f"note: {n}\n" for n in update.notes)
    return "".join(line if line.endswith("\n") else line + "\n" for line in out)


def apply_updates(updates: Sequence[SuiteUpdate]) -> list[Path]:
    """Write every changed file atomically; returns what was written. The new suite text is
    parsed first, so a broken edit never reaches the disk."""
    from workbench.core.suites.loader import load_suite

    written: list[Path] = []
    for update in updates:
        if update.new != update.old:
            load_suite(update.path, text=update.new)
    for update in updates:
        for path, (old, new) in update.files.items():
            if old != new:
                atomic_write(path, new)
                written.append(path)
        if update.new != update.old:
            atomic_write(update.path, update.new)
            written.append(update.path)
    return written
