"""Run inside a real X server by tests/gui/test_xvfb_screenshots.py (not a test module itself).

``python tests/gui/xvfb_probe.py WIDTH HEIGHT THEME OUT.png``: opens the bundled demo workspace at that
size, runs every case, selects the mutation case, saves a screenshot and prints a JSON report of every
visible text that does not fit its widget.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]


def main() -> int:
    from gui.test_actions import clipped_texts  # the same check as the offscreen test
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from workbench.gui import cmds_open
    from workbench.gui.app import create_window

    width, height, theme, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], Path(sys.argv[4])
    app = QApplication([sys.argv[0]])
    folder = Path(tempfile.mkdtemp(prefix="pwb-probe-"))
    window = create_window(app, folder / "s.ini", dark=theme == "dark", history_path=folder / "h.sqlite3")
    window.ask_unsaved = lambda _parts: "discard"
    window.resize(width, height)
    window.show()
    report: dict[str, object] = {}

    def finish() -> None:
        report["clipped"] = clipped_texts(window)
        report["size"] = [window.width(), window.height()]

        window.grab().save(str(out), "PNG")
        print(json.dumps(report))
        window.close()
        app.quit()

    def show_mutation() -> None:
        policy = window.workspace.policy("set-image-pull-policy")
        assert policy is not None
        case = policy.case_named("pod without pull policy")
        window.banner.hide()
        cmds_open.select_case(window, policy, case, on_loaded=lambda: QTimer.singleShot(400, finish))

    def suite_done(records: list[object]) -> None:
        report["cases"] = len(records)
        QTimer.singleShot(100, show_mutation)

    window.suite_finished.connect(suite_done)
    cmds_open.open_demo(window, on_loaded=lambda: window.run_all_cases())
    QTimer.singleShot(120_000, app.quit)
    app.exec()
    return 0 if "clipped" in report else 1


if __name__ == "__main__":
    sys.exit(main())
