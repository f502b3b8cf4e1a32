"""Suite results as text: a table, JSON, JUnit XML, TAP 13 and GitHub annotations (docs/suites.md)."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from enum import StrEnum
from xml.etree import ElementTree as ET

from workbench.core.suites.model import CaseResult, CaseStatus, SuiteRun

__all__ = [
    "OutputFormat",
    "format_run",
    "render_failure",
    "render_github",
    "render_json",
    "render_junit",
    "render_table",
    "render_tap",
]


class OutputFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    JUNIT = "junit"
    TAP = "tap"
    GITHUB = "github"


def _one_line(text: str, width: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


def _rel(path: os.PathLike[str] | str) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel


def render_failure(result: CaseResult, indent: str = "    ") -> list[str]:
    """Expected vs got, the message, and the structural diff of a mutation."""
    lines = [
        f"{indent}at {_rel(result.suite)}:{result.line}",
        f"{indent}expected: {result.expected}",
        f"{indent}got:      {result.got or '-'}"
        + (f" ({_one_line(result.message, 200)})" if result.message else ""),
        f"{indent}reason:   {_one_line(result.reason, 300)}",
    ]
    if result.diff:
        lines.append(f"{indent}diff (expected -> got):")
        lines.extend(f"{indent}  {d}" for d in result.diff)
    return lines


def render_table(run: SuiteRun, *, verbose: bool = False) -> str:
    rows = run.results
    w_case = max([len("case")] + [len(r.case_id) for r in rows])
    w_policy = max([len("policy")] + [len(r.policy_id) for r in rows])
    out = [
        f"{'':4}{'case':<{w_case}}  {'policy':<{w_policy}}  {'expected':<14}  {'got':<14}  {'time':>8}  reason"
    ]
    out.append(f"{'':4}{'-' * w_case}  {'-' * w_policy}  {'-' * 14}  {'-' * 14}  {'-' * 8}  {'-' * 6}")
    for r in rows:
        mark = {CaseStatus.PASSED: "ok", CaseStatus.FAILED: "FAIL", CaseStatus.CANCELLED: "--"}[r.status]
        reason = _one_line(r.reason, 80) if not r.passed else (_one_line(r.message, 80) if verbose else "")
        out.append(
            f"{mark:<4}{r.case_id:<{w_case}}  {r.policy_id:<{w_policy}}  {r.expected:<14}  {r.got or '-':<14}  "
            f"{r.elapsed_s * 1000:>6.1f}ms  {reason}".rstrip()
        )
    failures = [r for r in rows if r.status is CaseStatus.FAILED]
    if failures:
        out.append("")
        out.append("failures:")
        for r in failures:
            out.append(f"  {r.name}")
            out.extend(render_failure(r))
    cancelled = sum(r.status is CaseStatus.CANCELLED for r in rows)
    summary = f"{run.passed} passed, {run.failed} failed"
    if cancelled:
        summary += f", {cancelled} not run (cancelled)"
    summary += f" in {run.elapsed_s:.2f}s ({run.workers} worker{'s' if run.workers != 1 else ''})"
    out.append("")
    out.append(summary)
    return "\n".join(out) + "\n"


def render_json(run: SuiteRun) -> str:
    doc = {
        "passed": run.passed,
        "failed": run.failed,
        "cancelled": run.cancelled,
        "elapsed_s": run.elapsed_s,
        "workers": run.workers,
        "results": [r.to_dict() for r in run.results],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False, default=str) + "\n"


def _xml_safe(text: str) -> str:
    """XML 1.0 cannot carry most control characters, even escaped: show them as \\xNN."""
    return "".join(
        ch
        if ch in "\t\n\r"
        or (0x20 <= ord(ch) <= 0xD7FF)
        or (0xE000 <= ord(ch) <= 0xFFFD)
        or ord(ch) >= 0x10000
        else f"\\x{ord(ch):02x}"
        for ch in text
    )


def render_junit(run: SuiteRun) -> str:
    """JUnit XML (the Ant/Jenkins schema most CI systems read): one testsuite per suite file."""
    root = ET.Element(
        "testsuites",
        name="policy-workbench",
        tests=str(len(run.results)),
        failures=str(run.failed),
        time=f"{run.elapsed_s:.3f}",
    )
    by_suite: dict[str, list[CaseResult]] = {}
    for r in run.results:
        by_suite.setdefault(str(r.suite), []).append(r)
    for suite_path, results in by_suite.items():
        node = ET.SubElement(
            root,
            "testsuite",
            name=_xml_safe(_rel(suite_path)),
            tests=str(len(results)),
            failures=str(sum(r.status is CaseStatus.FAILED for r in results)),
            errors="0",
            skipped=str(sum(r.status is CaseStatus.CANCELLED for r in results)),
            time=f"{sum(r.elapsed_s for r in results):.3f}",
        )
        for r in results:
            case = ET.SubElement(
                node,
                "testcase",
                name=_xml_safe(r.name),
                classname=_xml_safe(f"{_rel(suite_path)}.{r.policy_id}"),
                file=_xml_safe(_rel(suite_path)),
                line=str(r.line),
                time=f"{r.elapsed_s:.6f}",
            )
            if r.status is CaseStatus.FAILED:
                failure = ET.SubElement(
                    case, "failure", message=_xml_safe(_one_line(r.reason, 500)), type="expectation"
                )
                failure.text = _xml_safe("\n".join(render_failure(r, indent="")))
            elif r.status is CaseStatus.CANCELLED:
                ET.SubElement(case, "skipped", message="cancelled")
            if r.message:
                ET.SubElement(case, "system-out").text = _xml_safe(r.message)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _yaml_block(lines: Sequence[str]) -> list[str]:
    return ["  ---", *[f"  {line}" for line in lines], "  ..."]


def render_tap(run: SuiteRun) -> str:
    """TAP version 13 with a YAML diagnostic block for every failure."""
    out = ["TAP version 13", f"1..{len(run.results)}"]
    for i, r in enumerate(run.results, start=1):
        name = r.name.replace("#", "\\#")
        if r.status is CaseStatus.CANCELLED:
            out.append(f"ok {i} - {name} # SKIP cancelled")
            continue
        out.append(f"{'ok' if r.passed else 'not ok'} {i} - {name}")
        if not r.passed:
            diag = [
                f"message: {json.dumps(_one_line(r.reason, 500), ensure_ascii=False)}",
                "severity: fail",
                f"expected: {json.dumps(r.expected)}",
                f"got: {json.dumps(r.got)}",
                f"at: {json.dumps(f'{_rel(r.suite)}:{r.line}')}",
            ]
            if r.diff:
                diag.append("diff:")
                diag.extend(f"  - {json.dumps(d, ensure_ascii=False)}" for d in r.diff)
            out.extend(_yaml_block(diag))
    return "\n".join(out) + "\n"


def _gh_escape(text: str, *, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def render_github(run: SuiteRun) -> str:
    """GitHub Actions workflow commands: one ``::error`` per failed case, then a notice summary."""
    out = []
    for r in run.results:
        if r.status is not CaseStatus.FAILED:
            continue
        body = "\n".join([r.reason, *r.diff])
        out.append(
            f"::error file={_gh_escape(_rel(r.suite), prop=True)},line={r.line},"
            f"title={_gh_escape(r.name, prop=True)}::{_gh_escape(body)}"
        )
    out.append(f"::notice title=policy-workbench test::{run.passed} passed, {run.failed} failed")
    return "\n".join(out) + "\n"


def format_run(run: SuiteRun, fmt: OutputFormat | str, *, verbose: bool = False) -> str:
    fmt = OutputFormat(fmt)
    if fmt is OutputFormat.JSON:
        return render_json(run)
    if fmt is OutputFormat.JUNIT:
        return render_junit(run)
    if fmt is OutputFormat.TAP:
        return render_tap(run)
    if fmt is OutputFormat.GITHUB:
        return render_github(run)
    return render_table(run, verbose=verbose)
