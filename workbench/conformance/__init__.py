"""Conformance runners: ``python -m workbench.conformance builtins DIR``."""
