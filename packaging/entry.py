"""Entry point of the packaged executable (PyInstaller): the same ``main`` as the ``policy-workbench`` script."""

from workbench.cli.main import main

raise SystemExit(main())
