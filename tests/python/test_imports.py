"""History imports (`insertMessages`) through the Python package and through the C ABI
(bindings-examples/c/calls), one test body for both: a batch stored in one call and counted as
delivery counts, a second import of the same UIDs storing nothing, and a bad batch storing none
of its messages."""
import pytest

from test_examples import token
from test_message_types import CShell, PythonShell

PRIVATE = 1


@pytest.fixture(params=["python", "c"])
def shell(request, server, tmp_path):
    """Alice connected as A."""
    shell = {"python": PythonShell, "c": CShell}[request.param](server, tmp_path / "clients")
    assert shell.call("A", "connect", {"token": token(server, "alice")}) == (0, "alice")
    yield shell
    shell.close()


def received(text, uid=None, sent_time=1_000):
    message = {"senderUserId": "bob", "messageDirection": 2, "objectName": "RC:TxtMsg",
               "content": {"content": text}, "sentTime": sent_time}
    if uid:
        message["messageUId"] = uid
    return message


def unread(shell):
    code, count = shell.call("A", "getUnreadCount", {"conversationType": PRIVATE, "targetId": "bob"})
    assert code == 0
    return count


def test_an_import_is_one_call_counted_and_deduplicated(shell):
    batch = {"conversationType": PRIVATE, "targetId": "bob", "messages": [
        received("first", "IMP-1", 1_000), received("second", "IMP-2", 2_000),
        {**received("mine", "IMP-3", 3_000), "senderUserId": "alice", "messageDirection": 1},
    ]}
    code, stored = shell.call("A", "insertMessages", batch)
    assert code == 0 and [m["content"]["content"] for m in stored] == ["first", "second", "mine"]
    assert unread(shell) == 2, "received unread messages count; my own does not"
    code, again = shell.call("A", "insertMessages", batch)
    assert code == 0 and [m["messageId"] for m in again] == [m["messageId"] for m in stored]
    assert unread(shell) == 2

    code, page = shell.call("A", "getHistoryMessages", {"conversationType": PRIVATE, "targetId": "bob",
                                                        "timestamp": 0, "count": 20, "order": 1})
    assert code == 0 and [m["content"]["content"] for m in page["list"]] == ["first", "second", "mine"]


def test_a_bad_batch_stores_nothing(shell):
    bad_message = {**received("bad"), "content": {"content": 5}}
    for messages in ([received("lost", "IMP-9"), bad_message], [], [received("x")] * 501):
        code, _ = shell.call("A", "insertMessages", {"conversationType": PRIVATE, "targetId": "bob",
                                                     "messages": messages})
        assert code == 33003
    assert shell.call("A", "getMessage", {"message": "IMP-9"}) == (0, None)
    code, _ = shell.call("A", "insertMessages", {"messages": [received("no conversation")]})
    assert code == 33003
