"""The vendor's official Python Server SDK against imserver, and the C, Python and Node
examples run end to end against a real imserver."""
import json
import os
import subprocess
import sys

import pytest
from rongcloud.rongcloud import RongCloud

from conftest import ROOT


def token(server, user_id):
    answer = RongCloud(server.app_key, server.app_secret, server.url).get_user().register(user_id, user_id)
    assert answer["code"] == 200, answer
    assert answer["userId"] == user_id
    return answer["token"]


def test_official_python_sdk_obtains_a_token(server):
    t = token(server, "alice")
    assert 0 < len(t) <= 256


def test_official_python_sdk_sees_signature_errors(server):
    # rc-server-sdk returns the raw body bytes for non-2xx answers.
    wrong_secret = RongCloud(server.app_key, "not-the-secret", server.url).get_user().register("alice", "a")
    assert json.loads(wrong_secret)["code"] == 1004
    wrong_key = RongCloud("no-such-app", server.app_secret, server.url).get_user().register("alice", "a")
    assert json.loads(wrong_key)["code"] == 1001


def example_args(server, tmp_path):
    return [server.url, server.app_key, token(server, "alice"), "alice", token(server, "bob"), "bob",
            str(tmp_path / "clients")]


def run(cmd, **kwargs):
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, **kwargs)
    print(done.stdout, done.stderr)
    assert done.returncode == 0, f"{cmd[0]} failed with {done.returncode}"
    return done.stdout


def test_c_example(server, tmp_path):
    run([str(ROOT / "bindings-examples" / "c" / "example")] + example_args(server, tmp_path))


def test_python_example(server, tmp_path):
    run([sys.executable, str(ROOT / "bindings-examples" / "python" / "example.py")] + example_args(server, tmp_path))


def test_node_example(server, tmp_path):
    run(["node", str(ROOT / "bindings-examples" / "node" / "example.js")] + example_args(server, tmp_path))
