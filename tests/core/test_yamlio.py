"""YAML/JSON I/O: YAML 1.2 booleans, duplicate keys, clear errors, atomic writes."""

from __future__ import annotations

import io
import os
import re
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.core.errors import InputError, WorkbenchError
from workbench.core.yamlio import (
    MAX_NESTING_DEPTH,
    atomic_write,
    dump_json,
    dump_yaml,
    load_json_or_yaml,
    load_yaml,
    load_yaml_all,
    read_text,
)


# -- YAML 1.2 core schema --------------------------------------------------------------------
@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "y", "n", "Yes", "NO", "On", "OFF"])
def test_yaml_11_booleans_stay_strings(word: str) -> None:
    assert load_yaml(f"k: {word}") == {"k": word}


@pytest.mark.parametrize(
    ("word", "value"), [("true", True), ("false", False), ("True", True), ("FALSE", False)]
)
def test_yaml_12_booleans(word: str, value: bool) -> None:
    assert load_yaml(f"k: {word}") == {"k": value}


def test_other_scalars_keep_their_types() -> None:
    assert load_yaml("a: 1\nb: 1.5\nc: null\nd: ~\ne: '1'\nf: \"true\"") == {
        "a": 1,
        "b": 1.5,
        "c": None,
        "d": None,
        "e": "1",
        "f": "true",
    }


# -- errors ----------------------------------------------------------------------------------
def test_duplicate_key_error_names_key_source_and_line() -> None:
    with pytest.raises(InputError) as info:
        load_yaml("a: 1\nb:\n  c: 1\n  c: 2\n", source="settings.yml")
    message = str(info.value)
    assert message.startswith("settings.yml is not valid YAML at line 4")
    assert "duplicate mapping key 'c'" in message
    assert info.value.line == 4  # type: ignore[attr-defined]


def test_duplicate_key_detected_in_every_document() -> None:
    with pytest.raises(InputError, match=r"line 5.*duplicate mapping key 'x'"):
        load_yaml_all("x: 1\n---\ny: 1\nx: 2\nx: 3\n")


def test_unhashable_key_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unhashable mapping key"):
        load_yaml("? [a, b]\n: 1\n")


def test_syntax_error_line_and_column() -> None:
    with pytest.raises(InputError, match=r"^f\.yml is not valid YAML at line 2, column \d+: ") as info:
        load_yaml("a: 1\n b: [\n", source="f.yml")
    assert info.value.line is not None  # type: ignore[attr-defined]


def test_python_tags_are_refused() -> None:
    with pytest.raises(InputError, match="not valid YAML"):
        load_yaml("!!python/object/apply:os.system ['true']")


@pytest.mark.parametrize(
    "text",
    [
        "d: 2026-02-30",  # timestamp resolver, impossible date
        "n: !!int abc",
        "f: !!float abc",
        "t: !!timestamp nope",
        "x: " + "9" * 5000,  # beyond Python's int-string limit
        "<<: 5",
    ],
)
def test_bad_typed_scalars_are_input_errors(text: str) -> None:
    with pytest.raises(InputError, match="input is not valid YAML"):
        load_yaml(text)


def test_deep_nesting_is_an_input_error() -> None:
    with pytest.raises(InputError, match=r"nested too deeply|not valid"):
        load_yaml("[" * 100_000)
    with pytest.raises(InputError, match=r"nested too deeply|not valid"):
        load_json_or_yaml("[" * 100_000 + "]" * 100_000)


def test_json_huge_integer_is_an_input_error() -> None:
    with pytest.raises(InputError, match="not valid"):
        load_json_or_yaml("[" + "1" * 5000 + "]")
    with pytest.raises(InputError, match="not valid JSON: Exceeds the limit"):
        load_json_or_yaml('{"a": ' + "1" * 5000 + "}")


def test_bad_scalar_error_names_line_and_value() -> None:
    with pytest.raises(InputError) as info:
        load_yaml("a: 1\nwhen: 2026-02-30\n", source="s.yml")
    assert str(info.value).startswith(
        "s.yml is not valid YAML at line 2, column 7: cannot read '2026-02-30' as timestamp"
    )
    assert info.value.line == 2  # type: ignore[attr-defined]


@pytest.mark.parametrize("value", ["a\x85b", "\u2028", "x\u2029\ny", "\x7f", "tab\tand\x00nul"])
def test_dump_yaml_escapes_special_characters(value: str) -> None:
    assert load_yaml(dump_yaml({value: value})) == {value: value}


# -- load_json_or_yaml -----------------------------------------------------------------------
def test_json_looking_yaml_is_accepted() -> None:
    # not JSON (empty value) but valid flow YAML: the YAML reading wins, like for any YAML input
    assert load_json_or_yaml('{"a": 1, "b": }') == {"a": 1, "b": None}


def test_json_and_yaml_both_load() -> None:
    assert load_json_or_yaml('{"a": [1, true]}') == {"a": [1, True]}
    assert load_json_or_yaml("a:\n  - 1\n  - yes\n") == {"a": [1, "yes"]}
    # JSON-looking flow YAML (unquoted keys) is accepted through the YAML fallback
    assert load_json_or_yaml("{a: 1}") == {"a": 1}


def test_broken_json_reports_the_json_error() -> None:
    with pytest.raises(InputError) as info:
        load_json_or_yaml('{\n  "a": 1,\n  "b": [\n}\n', source="request.json")
    assert str(info.value).startswith("request.json is not valid JSON at line 4, column 1")
    assert info.value.line == 4  # type: ignore[attr-defined]


def test_load_yaml_all_skips_empty_documents() -> None:
    assert load_yaml_all("---\na: 1\n---\n---\nb: 2\n") == [{"a": 1}, {"b": 2}]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.text(max_size=200))
def test_any_text_loads_or_raises_input_error_only(text: str) -> None:
    for loader in (load_yaml, load_json_or_yaml, load_yaml_all):
        try:
            loader(text)
        except InputError as exc:
            assert str(exc)


yaml_alphabet = st.sampled_from(list(":-[]{},&*!|>'\"%@`#? \n\tabc019.~=<+"))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(yaml_alphabet, max_size=60).map("".join))
def test_yaml_syntax_soup_raises_input_error_only(text: str) -> None:
    for loader in (load_yaml, load_json_or_yaml, load_yaml_all):
        try:
            loader(text)
        except InputError:
            pass


json_like = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=10)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=8), c, max_size=4),
    max_leaves=15,
)


@settings(max_examples=150, deadline=None)
@given(json_like)
def test_dump_then_load_round_trips(value: object) -> None:
    assert load_yaml(dump_yaml(value)) == value
    assert load_json_or_yaml(dump_json(value)) == value
    assert load_json_or_yaml(dump_json(value, indent=None)) == value


def test_dump_yaml_multiline_strings_use_block_style_and_keep_order() -> None:
    text = dump_yaml({"z": 1, "a": "line1\nline2\n"})
    assert text.index("z:") < text.index("a:")
    assert "a: |" in text
    assert dump_json({"a": "é"}) == '{\n  "a": "é"\n}\n'


# -- read_text -------------------------------------------------------------------------------
def test_read_text_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=re.escape(f"request {tmp_path / 'nope.json'} does not exist")):
        read_text(tmp_path / "nope.json", "request")
    with pytest.raises(InputError, match="is a directory, not a file"):
        read_text(tmp_path, "settings file")
    bad = tmp_path / "latin1.yml"
    bad.write_bytes(b"a: caf\xe9\n")
    with pytest.raises(
        InputError, match=r"settings file .*latin1.yml is not UTF-8 text \(bad byte at offset 6\)"
    ):
        read_text(bad, "settings file")


@pytest.mark.skipif(
    sys.platform == "win32" or os.geteuid() == 0, reason="permissions are not enforced for root"
)
def test_read_text_permission_denied(tmp_path: Path) -> None:
    secret = tmp_path / "secret.yml"
    secret.write_text("a: 1")
    secret.chmod(0)
    with pytest.raises(InputError, match="permission denied"):
        read_text(secret, "settings file")


def test_read_text_dash_is_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("from stdin"))
    assert read_text("-", "request") == "from stdin"


# -- atomic_write ----------------------------------------------------------------------------
def test_atomic_write_creates_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "out.yml"
    atomic_write(target, "one ✓")
    assert target.read_text(encoding="utf-8") == "one ✓"
    assert (target.stat().st_mode & 0o777) == 0o644
    target.chmod(0o600)
    atomic_write(target, b"two")
    assert target.read_bytes() == b"two"
    assert (target.stat().st_mode & 0o777) == 0o600  # the old file's mode is kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.yml"]


def test_atomic_write_missing_folder_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"folder .*does not exist"):
        atomic_write(tmp_path / "missing" / "out.yml", "x")


def test_atomic_write_onto_a_directory_keeps_it_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "adir"
    target.mkdir()
    (target / "inside").write_text("keep")
    with pytest.raises(WorkbenchError, match="adir"):
        atomic_write(target, "x")
    assert (target / "inside").read_text() == "keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["adir"]


class _Boom(Exception):
    pass


def test_atomic_write_failure_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "keep.yml"
    target.write_text("old content")

    def failing_fsync(fd: int) -> None:
        raise _Boom("disk on fire")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(_Boom):
        atomic_write(target, "new content")
    assert target.read_text() == "old content"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.yml"]


def test_atomic_write_interrupted_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "keep.yml"
    target.write_text("old content")

    def interrupted(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, "new content")
    assert target.read_text() == "old content"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.yml"]


@pytest.mark.skipif(
    sys.platform == "win32" or os.geteuid() == 0, reason="permissions are not enforced for root"
)
def test_atomic_write_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "f").write_text("old")
    folder.chmod(0o500)
    try:
        with pytest.raises(InputError, match="permission denied"):
            atomic_write(folder / "f", "new")
        assert (folder / "f").read_text() == "old"
    finally:
        folder.chmod(0o700)


def test_yaml_is_read_with_libyaml_when_pyyaml_has_it() -> None:
    from workbench.core import yamlio

    assert issubclass(yamlio._Loader, getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@pytest.mark.parametrize("depth", [1, 126, 127, 128, 999, 1001, 5000])
def test_one_nesting_limit_whichever_parser_refuses(depth: int) -> None:
    """Our limit below libyaml's (1000 levels) and beyond it: the same words either way."""
    text = "[" * depth + "]" * depth
    if depth <= MAX_NESTING_DEPTH:
        assert load_yaml(text, "doc") is not None
        assert len(load_yaml_all(text + "\n---\n" + text, "doc")) == 2
    else:
        with pytest.raises(InputError, match=r"doc is not valid YAML at line 1, column \d+: nested too deeply"):
            load_yaml(text, "doc")


def test_an_escaped_lone_surrogate_is_refused_with_our_words() -> None:
    with pytest.raises(InputError, match="lone UTF-16 surrogate"):
        load_yaml('a: "\\ud800"\n', "doc")
