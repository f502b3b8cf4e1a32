"""Entry point of the packaged executable (PyInstaller): the same entry point as the ``policy-workbench`` script."""

from workbench.cli.main import entry_point

entry_point()
