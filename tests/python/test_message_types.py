"""Every built-in message type between two users, from the table the Rust and Node tests share
(tests/fixtures/message_types.json, made from improto::message_types), and the sending options
as Message fields: through the Python package and through the C ABI (bindings-examples/c/calls,
driven line by line), one test body for both."""
import json
import subprocess
import time

import pytest

import imcore
from conftest import ROOT, Server
from test_examples import token

PRIVATE = 1
SAMPLES = json.loads((ROOT / "tests" / "fixtures" / "message_types.json").read_text())


class PythonShell:
    """Clients "A", "B" and "C" of the Python package, as in bindings-examples/c/calls."""

    def __init__(self, server, db_dir):
        options = lambda name: {"navi": server.url, "dbPath": str(db_dir / name)}
        self.clients = {who: imcore.Client(server.app_key, options(who)) for who in "ABC"}

    def call(self, who, method, params):
        """`method` with `params` (a dict); (0, result) or (code, None)."""
        try:
            return 0, self.clients[who].call(method, **params)
        except imcore.ImError as e:
            return e.code, None

    def poll(self, who, timeout_ms):
        return self.clients[who].poll(timeout_ms)

    def close(self):
        for client in self.clients.values():
            client.close()


class CShell:
    """Clients "A", "B" and "C" of the C ABI, in bindings-examples/c/calls."""

    def __init__(self, server, db_dir):
        binary = ROOT / "bindings-examples" / "c" / "calls"
        self.proc = subprocess.Popen([str(binary), server.url, server.app_key, str(db_dir)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def _ask(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline()
        assert answer, f"calls ended at {line[:80]!r}"
        code, _, text = answer.rstrip("\n").partition(" ")
        return int(code), text

    def call(self, who, method, params):
        code, text = self._ask(f"{who} call {method} {json.dumps(params)}")
        return code, (json.loads(text) if code == 0 else None)

    def poll(self, who, timeout_ms):
        code, text = self._ask(f"{who} poll {timeout_ms}")
        return json.loads(text) if code == 0 else None

    def close(self):
        self.proc.stdin.close()
        assert self.proc.wait(timeout=30) == 0


@pytest.fixture
def unlimited(tmp_path, monkeypatch):
    """A server without send or request rate limits (the table sends two dozen at once)."""
    monkeypatch.setenv("IMSERVER_MAX_SENDS_PER_SECOND", "0")
    monkeypatch.setenv("IMSERVER_MAX_REQUESTS_PER_SECOND", "0")
    s = Server(tmp_path / "server", "types-app", "types-secret")
    yield s
    s.stop()


@pytest.fixture(params=["python", "c"])
def shell(request, unlimited, tmp_path):
    shell = {"python": PythonShell, "c": CShell}[request.param](unlimited, tmp_path / "clients")
    for who, user in [("A", "alice"), ("B", "bob")]:
        assert shell.call(who, "connect", {"token": token(unlimited, user)}) == (0, user)
    yield shell
    shell.close()


def messages(shell, who, count):
    """The next `count` messages `who` receives (10 s without progress fails)."""
    got, deadline = [], time.monotonic() + 10
    while len(got) < count:
        assert time.monotonic() < deadline, f"only {len(got)} of {count} messages arrived"
        event = shell.poll(who, 200)
        if event and event["type"] == "message":
            got.append(event["message"])
            deadline = time.monotonic() + 10
    return got


def send(shell, sample, **options):
    params = {"conversationType": PRIVATE, "targetId": "bob",
              "message": {"objectName": sample["objectName"], "content": sample["content"]}}
    return shell.call("A", "sendMessage", {**params, **options})


def names(messages):
    return [m["objectName"] for m in messages]


def flagged(flag):
    return names(s for s in SAMPLES if s[flag])


def test_every_built_in_type_travels_and_reads_back_as_its_flags_say(shell):
    for sample in SAMPLES:
        code, sent = send(shell, sample)
        assert code == 0, sample["objectName"]
        assert sent["content"] == sample["content"]
        assert (sent["messageId"] != 0) == sample["persisted"], sample["objectName"]
    got = messages(shell, "B", len(SAMPLES))
    assert [(m["objectName"], m["content"]) for m in got] == [(s["objectName"], s["content"]) for s in SAMPLES]
    by_name = {s["objectName"]: s for s in SAMPLES}
    for who, peer in [("A", "bob"), ("B", "alice")]:
        for method, count in [("getHistoryMessages", 20), ("getRemoteHistoryMessages", 100)]:
            code, page = shell.call(who, method, {"conversationType": PRIVATE, "targetId": peer,
                                                  "timestamp": 0, "count": count, "order": 1})
            assert code == 0 and not page["hasMore"]
            assert names(page["list"]) == flagged("persisted"), (who, method)
            assert all(m["content"] == by_name[m["objectName"]]["content"] for m in page["list"])
    for sample in (s for s in SAMPLES if s["keyword"]):
        code, found = shell.call("B", "searchMessages", {"conversationType": PRIVATE, "targetId": "alice",
                                                         "keyword": sample["keyword"], "timestamp": 0, "count": 10})
        assert (code, names(found)) == (0, [sample["objectName"]]), sample["keyword"]
    unread = shell.call("B", "getUnreadCount", {"conversationType": PRIVATE, "targetId": "alice"})
    assert unread == (0, len(flagged("counted")))


def test_sending_options_become_the_message_fields(shell):
    text = {"objectName": "RC:TxtMsg", "content": {"content": "silent"}}
    push_config = {"pushTitle": "title", "iOSConfig": {"threadId": "t"}, "androidConfig": {"channelIdMi": "m"}}
    code, sent = send(shell, text, isMentioned=True, pushContent="push text", pushData="push data",
                      config={"disableNotification": True, "isVoipPush": True, "pushConfig": push_config})
    assert code == 0
    [got] = messages(shell, "B", 1)
    code, page = shell.call("B", "getHistoryMessages", {"conversationType": PRIVATE, "targetId": "alice",
                                                        "timestamp": 0, "count": 20, "order": 1})
    for who, m in [("sender", sent), ("recipient", got), ("history", page["list"][0])]:
        assert m["disableNotification"], who
        # The send's pushContent and pushData fill in the config's.
        assert m["pushConfig"] == {**push_config, "pushContent": "push text", "pushData": "push data"}, who
    code, status = send(shell, text, config={"isStatusMessage": True})
    assert (code, status["messageId"], status["isStatusMessage"]) == (0, 0, True)
    [live] = messages(shell, "B", 1)
    assert live["isStatusMessage"] and live["messageId"] == 0
    assert send(shell, text, config={"pushConfig": {"badge": 1}}) == (33003, None)
    assert send(shell, text, pushContent="x" * 1025) == (33003, None)
