"""Fixtures: a real imserver child process on loopback with a temporary SQLite data dir."""
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


class Server:
    """A running imserver; `addr` is 127.0.0.1:PORT."""

    def __init__(self, data_dir, app_key, app_secret, args=()):
        binary = os.environ.get("IMSERVER_BIN", str(ROOT / "target" / "debug" / "imserver"))
        self.app_key, self.app_secret = app_key, app_secret
        self.proc = subprocess.Popen(
            [binary, "--data-dir", str(data_dir), "--listen", "127.0.0.1:0",
             "--app-key", app_key, "--app-secret", app_secret, *args],
            stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        words = line.split()
        assert "on" in words, f"unexpected ready line {line!r}"
        self.addr = words[words.index("on") + 1]
        self.url = f"http://{self.addr}"

    def stop(self):
        self.proc.kill()
        self.proc.wait()


@pytest.fixture
def server(tmp_path):
    s = Server(tmp_path / "server", "py-app", "py-secret")
    yield s
    s.stop()
