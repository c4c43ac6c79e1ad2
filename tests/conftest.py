"""Shared fixtures: the steering repo's shared/ folder, a real Prefect test server, the demo mirror."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "seeds").is_dir():
        pytest.fail(f"the shared/ folder with seeds and gold is expected beside the repository, at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def prefect_server():
    """A real, temporary Prefect API (SQLite) for the flow runs of the whole session."""
    from prefect.testing.utilities import prefect_test_harness
    with prefect_test_harness(server_startup_timeout=120):
        yield
