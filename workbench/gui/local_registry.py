"""Policy menu: "Push to Local Test Registry" — the demo's registry walkthrough in the window.

Starts Debian's ``docker-registry`` on 127.0.0.1 at a free port with a temporary storage folder
(:mod:`workbench.core.demo_registry`), pushes the open module as a Kubewarden OCI artifact, pulls it
back and checks the bytes, then stops the registry and deletes its folder. Every step goes to the
log pane with the equivalent command line. Without ``docker-registry`` the banner says how to
install it (``apt-get install docker-registry``).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

if TYPE_CHECKING:
    from workbench.gui.tasks import Task
    from workbench.gui.view import WindowView

__all__ = ["LocalRegistryTool", "WalkthroughResult", "install_local_registry"]


@dataclasses.dataclass(frozen=True)
class WalkthroughResult:
    host: str
    reference: str
    digest: str
    immutable_ref: str
    verified: bool


class LocalRegistryTool:
    def __init__(self, window: WindowView, menu: QMenu) -> None:
        self.window = window
        self.last_result: WalkthroughResult | None = None
        self.action = QAction("Push to &Local Test Registry", window.widget())
        self.action.setObjectName("push_local_registry")
        self.action.setStatusTip(
            "Start docker-registry on 127.0.0.1, push the open module, pull it back, stop the registry"
        )
        self.action.triggered.connect(lambda _checked=False: self.walkthrough())
        menu.addAction(self.action)

    def walkthrough(self) -> Task | None:
        from workbench.core import INSTALL_HINT, find_registry_binary

        window = self.window
        module = window.module
        if module is None or module.path is None:
            window.show_message(
                "Open a policy module first: the walkthrough pushes the open module", "warning"
            )
            return None
        if find_registry_binary() is None:
            window.show_message(INSTALL_HINT, "warning")
            return None
        path = module.path
        log = window.context.log

        def work(ctx: Any) -> WalkthroughResult:
            from workbench.core import DockerConfig, RegistryClient, push_demo_policy, start_demo_registry

            with start_demo_registry() as registry:
                log.app(
                    f"local registry: docker-registry listening on {registry.url} (storage {registry.root})"
                )
                ctx.cancel.check("push walkthrough")
                reference, pushed = push_demo_policy(registry, path)
                log.app(
                    f"local registry: pushed {path.name} as {reference} ({pushed.digest}) "
                    f"(the registry is plain HTTP: tick Insecure in the Push / Pull dialog to reach {registry.host})"
                )
                ctx.cancel.check("push walkthrough")
                with RegistryClient(sources=registry.sources(), docker_config=DockerConfig()) as client:
                    pulled = client.pull(reference)
                verified = pulled == path.read_bytes()
                log.app(
                    f"local registry: pulled {reference} back: "
                    + ("identical bytes" if verified else "DIFFERENT bytes"),
                    "info" if verified else "error",
                )
                return WalkthroughResult(
                    registry.host, reference, pushed.digest, pushed.immutable_ref, verified
                )

        def done(result: WalkthroughResult) -> None:
            self.last_result = result
            log.app("local registry: stopped and its storage deleted")
            if result.verified:
                window.show_message(
                    f"Pushed and pulled back {result.reference} ({result.digest[:19]}…)", "info"
                )
            else:
                window.show_message(
                    f"{result.reference}: the pulled module differs from the pushed one", "error"
                )

        return window.context.runner.run(
            work, "Local registry walkthrough", on_finished=done, on_failed=window.show_error
        )


def install_local_registry(window: WindowView, menu: QMenu) -> LocalRegistryTool:
    return LocalRegistryTool(window, menu)
