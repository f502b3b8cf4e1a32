"""``policy-workbench gui [MODULE]``: the desktop workbench (PySide6 is imported only here, lazily)."""

from __future__ import annotations

import argparse
import importlib
import os
import sys

__all__ = ["display_available", "register", "run"]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("gui", help="open the desktop workbench (the default without a command)")
    p.add_argument(
        "module", nargs="?", help="a policy to open: .wasm, .rego, a policy manifest or a registry reference"
    )
    p.add_argument("-w", "--workspace", metavar="FILE", help="a workspace to open: a *.suite.yaml file (docs/suites.md) or a folder holding one")
    p.add_argument("-r", "--request-path", metavar="FILE", help="request to load into the request editor")
    p.add_argument("-s", "--settings-path", metavar="FILE", help="settings to load into the settings editor")
    p.add_argument(
        "--demo", action="store_true", help="open the bundled demo workspace (resources/demo/demo.suite.yaml)"
    )
    p.add_argument(
        "--demo-dir", metavar="DIR", help="open the demo workspace of another folder (its *.suite.yaml)"
    )
    p.add_argument(
        "--demo-policy", metavar="ID", help="the workspace policy to open first (default: the first one)"
    )
    p.add_argument(
        "--demo-case", metavar="N", type=int, default=1, help="the case of that policy to select (1 = first)"
    )
    p.add_argument(
        "--screenshot",
        metavar="PNG",
        help="load and run the current policy, save a picture of the window and exit (works without a display)",
    )
    p.add_argument(
        "--run-all", action="store_true", help="with --screenshot: run every case of the workspace first"
    )
    p.add_argument("--size", metavar="WxH", help="window size, e.g. 1280x720")
    p.add_argument(
        "--history", metavar="FILE", help="run history database (default: in the user data folder)"
    )
    p.add_argument("--theme", choices=("system", "light", "dark"), default="system", help="colour scheme")
    p.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        help="evaluation deadline in seconds (default 2; 0 = none, Cancel still works)",
    )
    p.add_argument("--config", metavar="INI", help="settings file for window layout and recent files")
    p.set_defaults(func=run)


def display_available() -> bool:
    return bool(
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("QT_QPA_PLATFORM")
    )


def _headless_demo() -> int:
    try:
        demo = importlib.import_module("workbench.core.demo")
    except ImportError:
        print("error: the headless demo is not available in this build", file=sys.stderr)
        return 1
    return int(demo.run_headless_demo(sys.stdout))


def run(args: argparse.Namespace) -> int:
    if not display_available():
        if args.screenshot:
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        else:
            print(
                "policy-workbench: no display available (DISPLAY and WAYLAND_DISPLAY are unset): "
                "running the headless demo instead",
                file=sys.stderr,
            )
            return _headless_demo()
    from workbench.gui.app import run_app

    return run_app(args)
