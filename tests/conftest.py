"""Shared fixtures: the real stack (city data API, actions, Rasa, gateway) for the whole session."""

from __future__ import annotations

from collections.abc import Generator, Iterator
from pathlib import Path

import pytest

from tests.stack import Stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The whole assistant on free ports, started once per session (Rasa loads in ~30 s)."""
    workdir: Path = tmp_path_factory.mktemp("stack")
    with Stack.from_environment(workdir) as running:
        yield running


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, None]:
    """When a test that used the stack fails, show the tails of the services' logs with it."""
    outcome = yield
    report = outcome.get_result()
    if report.failed and "stack" in getattr(item, "fixturenames", ()):
        running = getattr(item, "funcargs", {}).get("stack")
        if isinstance(running, Stack):
            report.sections.append(("stack logs", running.logs(60)))
