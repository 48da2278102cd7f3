"""logforensics: turn the logs of a Flink incident into a post-mortem that names the root cause."""

__version__ = "0.1.0"
