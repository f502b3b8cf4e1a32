"""Every WebAssembly policy × request of the bundled demo (resources/demo/demo.yml), run in the window."""

from __future__ import annotations

from typing import Any

import pytest
from gui.gui_helpers import run
from helpers import REPO_ROOT, in_ci

from workbench.core.demo import load_demo
from workbench.gui.mainwindow import MainWindow, demo_verdict

DEMO_DIR = REPO_ROOT / "resources" / "demo"


@pytest.fixture(scope="module")
def demo() -> Any:
    if not (DEMO_DIR / "demo.yml").is_file():
        message = f"the demo workspace is missing ({DEMO_DIR / 'demo.yml'})"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    return load_demo(DEMO_DIR)


def test_every_demo_verdict_in_the_window(qtbot: Any, window: MainWindow, demo: Any) -> None:
    window.load_demo(demo)
    checked = 0
    for policy in demo.policies:
        if policy.engine != "wasm":
            with pytest.raises(Exception, match="Rego source"):
                window.open_demo_policy(policy)
            continue
        with qtbot.waitSignal(window.module_loaded, timeout=60000):
            window.open_demo_policy(policy)
        for index, case in enumerate(policy.cases):
            window.demo_requests.setCurrentIndex(index)
            window.demo_requests.activated.emit(index)
            record = run(qtbot, window)
            got = demo_verdict(record)
            assert got == case.expect, f"{policy.id} / {case.name}: {got}"
            if case.message:
                text = record.error.message if record.error else (record.outcome.response.message or "")
                assert case.message in text
            assert f"expected {case.expect}, got {got}" in window.banner.text.text()
            checked += 1
    assert checked >= 3
