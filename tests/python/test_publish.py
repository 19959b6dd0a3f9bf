"""Messages published through the vendor's official Python Server SDK (`rc-server-sdk`):
`Private.send` and `System.send` reach an online recipient live and an offline one when it
connects, exactly once, in the private conversation with the sender or in the SYSTEM
conversation whose target is the sender; the sender gets nothing; bad input is refused."""
import json
import time

from rongcloud.rongcloud import RongCloud

import imcore
from test_examples import token

PRIVATE, SYSTEM = 1, 6


def message(server):
    return RongCloud(server.app_key, server.app_secret, server.url).get_message()


def answer_of(answer):
    # rc-server-sdk returns the raw body bytes for non-2xx answers.
    return answer if isinstance(answer, dict) else json.loads(answer)


def client(server, tmp_path, user_id):
    c = imcore.Client(server.app_key, {"navi": server.url, "dbPath": str(tmp_path / user_id)})
    c.connect(token(server, user_id))
    return c


def wait_for_messages(c, count):
    got, deadline = [], time.monotonic() + 10
    while len(got) < count and time.monotonic() < deadline:
        event = c.poll(500)
        if event and event["type"] == "message":
            got.append(event["message"])
    assert len(got) == count, f"only {len(got)} of {count} messages arrived"
    return got


def history(c, conversation_type, target_id):
    return c.get_history_messages(conversation_type, target_id, 0, 20, 0)["list"]


def test_private_and_system_messages_reach_online_and_offline_recipients_once(server, tmp_path):
    alice, bob = client(server, tmp_path, "alice"), client(server, tmp_path, "bob")
    carol = None
    try:
        sent = message(server).get_private().send(
            "alice", ["bob", "carol"], "RC:TxtMsg", {"content": "hello", "extra": "x"},
            push_content="pc", push_data="pd", disable_push=True)
        assert sent["code"] == 200, sent
        notice = message(server).get_system().send("admin", ["bob", "carol"], "RC:TxtMsg",
                                                   {"content": "notice"})
        assert notice["code"] == 200, notice

        live = wait_for_messages(bob, 2)
        assert [(m["conversationType"], m["targetId"], m["senderUserId"], m["content"]["content"])
                for m in live] == [(PRIVATE, "alice", "alice", "hello"),
                                   (SYSTEM, "admin", "admin", "notice")], live

        carol = client(server, tmp_path, "carol")
        pulled = wait_for_messages(carol, 2)
        assert sorted((m["conversationType"], m["targetId"]) for m in pulled) == [
            (PRIVATE, "alice"), (SYSTEM, "admin")]

        # Once each; the sender (not included) got no delivery (its cloud history holds the
        # message, as it holds every message of the conversation).
        for c in (bob, carol):
            assert len(history(c, PRIVATE, "alice")) == 1
            assert [m["content"]["content"] for m in history(c, SYSTEM, "admin")] == ["notice"]
        assert alice.get_conversation_list(None, 10) == []
    finally:
        for c in (alice, bob, carol):
            if c is not None:
                c.close()


def test_bad_input_is_refused(server):
    private, system = message(server).get_private(), message(server).get_system()
    for answer in (
        private.send("a b", "bob", "RC:TxtMsg", {"content": "x"}),
        private.send("alice", "bob", "RC:TxtMsg", {"content": 5}),
        private.send("alice", "bob", "RC:Nope", {"content": "x"}),
        system.send("admin", "bob", "RC:ImgMsg", {"imageUri": 5}),
    ):
        assert answer_of(answer)["code"] == 1002, answer
