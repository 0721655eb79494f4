"""Fleet telemetry: the health registry, the Prometheus exposition and the /metrics and
/health HTTP endpoint (see docs/operations.md)."""
