"""Message content over the C ABI from Python: content nested at the limit (32), escaped
surrogate pairs (Python's json escapes every non-BMP character as one) and any Unicode are
read back whole by every read; a lone surrogate, deeper nesting and built-in types without
their fields are refused with 33003."""
import time

import pytest

import imcore
from test_examples import token

PRIVATE = 1
MAX_CONTENT_DEPTH = 32


def nested_text(depth):
    """A TextMessage content `depth` deep (the content object counting as 1)."""
    d = []
    for _ in range(depth - 2):
        d = [d]
    return {"content": "deep", "d": d}


def wait_for_messages(client, count):
    got, deadline = [], time.monotonic() + 10
    while len(got) < count and time.monotonic() < deadline:
        event = client.poll(500)
        if event and event["type"] == "message":
            got.append(event["message"])
    assert len(got) == count, f"only {len(got)} of {count} messages arrived"
    return got


def test_every_read_returns_accepted_content_and_bad_content_is_refused(server, tmp_path):
    alice = imcore.Client(server.app_key, {"navi": server.url, "dbPath": str(tmp_path / "alice")})
    bob = imcore.Client(server.app_key, {"navi": server.url, "dbPath": str(tmp_path / "bob")})
    try:
        alice.connect(token(server, "alice"))
        bob.connect(token(server, "bob"))
        for object_name, content in [
            ("RC:TxtMsg", {"content": "\ud800 abc"}),
            ("RC:TxtMsg", nested_text(MAX_CONTENT_DEPTH + 1)),
            ("RC:TxtMsg", {"content": None}),
            ("RC:TxtMsg", {"content": 5}),
            ("RC:ImgMsg", {"content": 5, "imageUri": "https://x/y.jpg"}),
        ]:
            with pytest.raises(imcore.ImError) as refused:
                alice.send_message(PRIVATE, "bob", {"objectName": object_name, "content": content})
            assert refused.value.code == 33003, (object_name, content)

        accepted = [{"content": "😀 é你好 \U0001d11e \" \\ \n", "extra": "🎉"},
                    nested_text(MAX_CONTENT_DEPTH)]
        for content in accepted:
            sent = alice.send_message(PRIVATE, "bob", {"objectName": "RC:TxtMsg", "content": content})
            assert sent["content"] == content
        assert [m["content"] for m in wait_for_messages(bob, 2)] == accepted

        latest = accepted[-1]
        assert bob.get_conversation_list(None, 10)[0]["latestMessage"]["content"] == latest
        assert bob.get_conversation(PRIVATE, "alice")["latestMessage"]["content"] == latest
        for read in (bob.get_history_messages, bob.get_remote_history_messages):
            page = read(PRIVATE, "alice", 0, 10, 0)
            assert sorted(map(str, (m["content"] for m in page["list"]))) == sorted(map(str, accepted))
    finally:
        alice.close()
        bob.close()
