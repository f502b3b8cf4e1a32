from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.core.errors import RequestError, SettingsError, WorkbenchError
from workbench.core.requests import load_request, load_settings, parse_request


def test_admission_review_is_unwrapped(fixtures_dir: Path) -> None:
    review = load_request(fixtures_dir / "requests/pod-privileged-review.json")
    bare = load_request(fixtures_dir / "requests/pod-privileged.json")
    assert review.request["operation"] == "CREATE"
    assert not review.raw
    assert bare.uid == bare.request["uid"]


def test_yaml_request(tmp_path: Path, fixtures_dir: Path) -> None:
    import yaml

    data = json.loads((fixtures_dir / "requests/pod-privileged.json").read_text())
    path = tmp_path / "r.yaml"
    path.write_text(yaml.safe_dump(data))
    assert load_request(path).request == data


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "is empty"),
        ("{not json", "not valid JSON at line 1"),
        ('{"kind": "AdmissionReview"}', "invalid AdmissionReview object"),
        ('{"uid": "1", "kind": {"group": "", "version": "v1", "kind": "Pod"}, "operation": "CREATE", "userInfo": {}}',
         "missing field `resource`"),
        ("[1, 2]", "expected an object"),
        ('{"uid": 5, "kind": {}, "resource": {}, "operation": "CREATE", "userInfo": {}}', "`uid` must be a string"),
    ],
)
def test_bad_requests(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "r.json"
    path.write_text(text)
    with pytest.raises(RequestError, match=fragment):
        load_request(path)


def test_raw_request_passes_anything(tmp_path: Path) -> None:
    path = tmp_path / "raw.json"
    path.write_text('{"uid": "abc", "user": "x"}')
    req = load_request(path, raw=True)
    assert req.raw and req.uid == "abc" and req.original_object == {"uid": "abc", "user": "x"}
    assert parse_request([1], raw=True).uid == ""


def test_missing_request_file() -> None:
    with pytest.raises(WorkbenchError, match="does not exist"):
        load_request("/nonexistent/request.json")


def test_settings(tmp_path: Path) -> None:
    assert load_settings() == {}
    assert load_settings(json_text="null") == {}
    assert load_settings(json_text='{"a": 1}') == {"a": 1}
    path = tmp_path / "s.yml"
    path.write_text("denied_names:\n  - foo\n")
    assert load_settings(path) == {"denied_names": ["foo"]}
    path.write_text("- a\n- b\n")
    with pytest.raises(SettingsError, match="not an object"):
        load_settings(path)
    with pytest.raises(SettingsError, match="not valid JSON"):
        load_settings(json_text="{")
    path.write_text("")
    assert load_settings(path) == {}


@given(st.text(max_size=200))
def test_arbitrary_request_text_only_raises_workbench_errors(text: str) -> None:
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as fh:
        fh.write(text)
    try:
        load_request(fh.name)
    except WorkbenchError:
        pass
    finally:
        Path(fh.name).unlink()
