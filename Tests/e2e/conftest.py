"""Shared fixtures: the msoko binary, free ports, a running server."""
import os
import socket
import subprocess
import tempfile
import time
import urllib.request

import pytest

BIN = os.environ.get("MSOKO_BIN", os.path.join(os.path.dirname(__file__), "..", "..", ".build", "debug", "msoko"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(args, data=None, stdin=None, env_extra=None, check=True):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(env_extra or {})
    cmd = [BIN] + args + (["--data", data] if data else [])
    p = subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=env, timeout=120)
    if check and p.returncode != 0:
        raise AssertionError(f"{cmd} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    return p


class Server:
    def __init__(self, data, env_extra=None, demo=False):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(env_extra or {})
        args = [BIN, "serve", "--port", str(self.port), "--data", data] + (["--demo"] if demo else [])
        self.log = open(os.path.join(data, "server.log"), "w") if os.path.isdir(data) else subprocess.DEVNULL
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT, env=env)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.base + "/healthz", timeout=1)
                return
            except Exception:
                if self.proc.poll() is not None:
                    raise AssertionError("msoko serve exited early")
                time.sleep(0.3)
        raise AssertionError("msoko serve did not start")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture
def datadir():
    with tempfile.TemporaryDirectory(prefix="msoko-e2e-") as d:
        yield d


@pytest.fixture
def demo_server(datadir):
    server = Server(datadir, demo=True)
    yield server
    server.stop()
