"""Trust roots from Sigstore's real trusted_root.json, a ClientTrustConfig, or PEM files."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from helpers import REPO_ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.errors import InputError
from workbench.core.signatures.trust import load_trust_root, trust_root_from_pem_files

DATA = REPO_ROOT / "tests" / "data" / "signatures"
REKOR_LOG_ID = "c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d"


def test_public_good_trusted_root() -> None:
    root = load_trust_root(DATA / "sigstore-prod-trusted_root.json")
    assert len(root.authorities) == 2 and len(root.logs) == 1
    assert root.log(REKOR_LOG_ID.upper()) is root.logs[0]
    first = root.authorities[0]
    assert first.covers(datetime.datetime(2021, 10, 20, tzinfo=datetime.UTC))
    assert not first.covers(datetime.datetime(2023, 1, 1, tzinfo=datetime.UTC))
    assert [c.subject.rfc4514_string() for c in first.roots] == ["CN=sigstore,O=sigstore.dev"]
    second = root.authorities[1]
    assert len(second.intermediates) == 1 and len(second.roots) == 1


def test_client_trust_config_wraps_a_trusted_root(tmp_path: Path) -> None:
    inner = json.loads((DATA / "sigstore-prod-trusted_root.json").read_text())
    config = tmp_path / "trust_config.json"
    config.write_text(
        json.dumps(
            {"mediaType": "application/vnd.dev.sigstore.clienttrustconfig.v0.1+json", "trustedRoot": inner}
        )
    )
    assert load_trust_root(config).describe() == "2 Fulcio CA(s), 1 Rekor key(s)"


def test_pem_files() -> None:
    root = trust_root_from_pem_files(
        [DATA / "fulcio-2021-root-1.pem", DATA / "fulcio-2021-root-2.pem"], [DATA / "rekor-2021.pub"]
    )
    assert len(root.authorities) == 1 and len(root.authorities[0].roots) == 2
    assert root.logs[0].log_id == REKOR_LOG_ID
    merged = root.merged(load_trust_root(DATA / "sigstore-prod-trusted_root.json"))
    assert merged.describe() == "3 Fulcio CA(s), 2 Rekor key(s)"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "is not JSON"),
        ("[]", "not a JSON object"),
        ("{}", "neither certificateAuthorities nor tlogs"),
        (
            '{"certificateAuthorities":[{"certChain":{"certificates":[{"rawBytes":"!!"}]}}]}',
            r"certificates\[0\]: rawBytes is not base64",
        ),
        (
            '{"certificateAuthorities":[{"certChain":{"certificates":[{"rawBytes":"AAAA"}]}}]}',
            "is not a DER certificate",
        ),
        ('{"tlogs":[{"publicKey":{"rawBytes":"AAAA"}}]}', "not a PEM public key"),
        ('{"certificateAuthorities":[{"certChain":{}}]}', "certChain.certificates missing"),
    ],
)
def test_bad_trusted_roots_name_file_and_field(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "root.json"
    path.write_text(content)
    with pytest.raises(InputError, match=message) as info:
        load_trust_root(path)
    assert str(path) in str(info.value)


def test_missing_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        load_trust_root(tmp_path / "nope.json")
    (tmp_path / "x.pem").write_text("no certs")
    with pytest.raises(InputError, match="holds no PEM certificate"):
        trust_root_from_pem_files([tmp_path / "x.pem"])


_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=12)
    | st.sampled_from(["AAAA", "MFkw", "2021-01-01T00:00:00Z"]),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "trustedRoot",
                    "certificateAuthorities",
                    "tlogs",
                    "certChain",
                    "certificates",
                    "rawBytes",
                    "publicKey",
                    "logId",
                    "keyId",
                    "validFor",
                    "start",
                    "end",
                    "uri",
                    "baseUrl",
                ]
            ),
            children,
            max_size=4,
        )
    ),
    max_leaves=14,
)


@settings(max_examples=300, deadline=None)
@given(_json)
def test_trust_root_parser_only_raises_input_error(
    tmp_path_factory: pytest.TempPathFactory, document: object
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "root.json"
    path.write_text(json.dumps(document))
    try:
        load_trust_root(path)
    except InputError as exc:
        assert str(path) in str(exc)
