"""`glueflow ui` through the real entry point: with `serve` running it prints the console's URL and opens it in the
browser $BROWSER names; without a graphical browser it still succeeds and says so."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from glueflow.cli import ui

from .conftest import Console, make_project

pytestmark = pytest.mark.slow


def _glueflow(console: Console, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("BROWSER", "DISPLAY", "WAYLAND_DISPLAY")}
    environment.update(GLUEFLOW_STATE_DIR=str(console.deployment.state_dir), **env)
    return subprocess.run(
        [sys.executable, "-m", "glueflow.cli.main", *args],
        cwd=console.deployment.root,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_ui_opens_the_served_console_in_the_browser(console: Console, tmp_path: Path) -> None:
    opened = tmp_path / "opened.txt"
    browser = f'{sys.executable} -c "import pathlib,sys; pathlib.Path(sys.argv[1]).write_text(sys.argv[2])" {opened} %s'
    result = _glueflow(console, "ui", BROWSER=browser)
    assert result.returncode == 0, result.stderr
    assert f"Web console {console.url}/" in result.stdout
    assert opened.read_text() == f"{console.url}/"


def test_ui_without_a_browser_prints_the_url_and_succeeds(console: Console) -> None:
    result = _glueflow(console, "ui")
    assert result.returncode == 0, result.stderr
    assert f"{console.url}/" in result.stdout
    assert "no graphical browser here" in result.stderr


def test_open_browser_never_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing() -> None:
        raise ui.webbrowser.Error("could not locate runnable browser")

    monkeypatch.setattr(ui.webbrowser, "get", missing)
    assert ui.open_browser("http://127.0.0.1:1/") is False


def test_run_links_to_the_run_page_in_the_console(console: Console) -> None:
    result = _glueflow(console, "run", "--pipeline", "console_demo")
    assert result.returncode == 1, result.stderr  # boom fails on purpose
    link = re.search(r"watch it: (http://\S+)", result.stderr)
    assert link and link[1].startswith(f"{console.url}/workflows/{console.workflow}/runs/wr_")
    status, _, html = console.get(link[1].removeprefix(console.url))
    assert status == 200 and 'data-node="boom" data-type="JOB" data-state="FAILED"' in html


def test_ui_serves_the_console_itself_when_nothing_is_serving(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    environment = {k: v for k, v in os.environ.items() if k not in ("BROWSER", "DISPLAY", "WAYLAND_DISPLAY")}
    environment["GLUEFLOW_STATE_DIR"] = str(root / ".glueflow-state")
    ui_process = subprocess.Popen(
        [sys.executable, "-m", "glueflow.cli.main", "ui", "--no-browser", "--no-schedules"],
        cwd=root,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert ui_process.stdout is not None
        url = None
        for line in ui_process.stdout:  # the serve banner
            if line.startswith("Web console"):
                url = line.split()[-1]
                break
        assert url is not None and url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(url, timeout=30) as response:
            assert response.status == 200 and "console_demo" in response.read().decode()
    finally:
        ui_process.terminate()  # SIGTERM: serve stops its services and exits
        assert ui_process.wait(timeout=60) == 0
