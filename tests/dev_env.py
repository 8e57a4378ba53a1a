"""Loaded first (`-p tests.dev_env` in pyproject): the suite runs the app in development mode.

The app defaults to production (DEBUG false), which refuses to start without real secrets; the
suite sets DEBUG=true explicitly, as `make run` does, unless the environment already says.
Tests of production mode start their own process with DEBUG=false (tests/trust/test_startup.py)."""
import os

os.environ.setdefault("DEBUG", "true")
