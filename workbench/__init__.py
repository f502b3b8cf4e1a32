"""Policy Workbench: inspect, annotate, run and ship Kubernetes admission policies compiled to Wasm."""

__version__ = "0.1.0"
