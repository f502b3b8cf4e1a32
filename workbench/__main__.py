"""``python -m workbench``: the command line (guarded, so spawned suite workers can import this module)."""

from workbench.cli.main import entry_point

if __name__ == "__main__":
    entry_point()
