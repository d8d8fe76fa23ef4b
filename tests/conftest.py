"""Shared pytest fixtures: a Voilà server and a real Chromium driven by Playwright."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # tests/academy_testing.py, whatever the import mode

# Checks run by tests and nbval must not write learners' progress logs into the repository.
os.environ["ACADEMY_NO_PROGRESS"] = "1"

from academy_testing import CHROMIUM, CHROMIUM_ARGS, ROOT, free_port, serve_voila, wait_http  # noqa: F401,E402

@pytest.fixture(scope="session")
def chromium():
    """A real headless Debian Chromium driven by Playwright (no browser download)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run 'make browser' (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture()
def voila():
    """``with voila(notebook_path, env={...}) as url:`` serves a notebook for a browser test."""
    return serve_voila


@pytest.fixture()
def chinese(monkeypatch):
    """The course in Simplified Chinese for this test, whatever $ACADEMY_LANG says; English after."""
    from grader import i18n

    monkeypatch.delenv("ACADEMY_LANG", raising=False)
    i18n.use_language("zh-CN")
    yield
    i18n.use_language(None)
