"""Groups (conversation type 3) and the SYSTEM conversation (type 6) through the Python package
and through the C ABI (bindings-examples/c/calls), one test body for both: groups made and
system messages published with the vendor's official Python Server SDK, group texts from one
member received live by the others and read back in history and the conversation list, with
unread counts and an @-mention, and the sends the server or core refuse."""
import pytest
from rongcloud.rongcloud import RongCloud

from test_examples import token
from test_message_types import CShell, PythonShell, messages

GROUP, SYSTEM = 3, 6
USERS = [("A", "alice"), ("B", "bob"), ("C", "carol")]


def ok(answer):
    assert isinstance(answer, dict) and answer["code"] == 200, answer
    return answer


@pytest.fixture(params=["python", "c"])
def shell(request, server, tmp_path):
    """Alice, bob and carol connected as A, B and C; all three in "team", carol not in "staff"."""
    group = RongCloud(server.app_key, server.app_secret, server.url).get_group()
    ok(group.create(["alice", "bob", "carol"], "team", "Team"))
    ok(group.create(["alice", "bob"], "staff", "Staff"))
    shell = {"python": PythonShell, "c": CShell}[request.param](server, tmp_path / "clients")
    for who, user in USERS:
        assert shell.call(who, "connect", {"token": token(server, user)}) == (0, user)
    yield shell
    shell.close()


def send(shell, who, conversation_type, target_id, content):
    return shell.call(who, "sendMessage", {"conversationType": conversation_type, "targetId": target_id,
                                           "message": {"objectName": "RC:TxtMsg", "content": content}})


def conversation(shell, who, conversation_type, target_id):
    code, found = shell.call(who, "getConversation", {"conversationType": conversation_type,
                                                       "targetId": target_id})
    assert code == 0 and found, (who, target_id)
    return found


def history(shell, who, conversation_type, target_id):
    code, page = shell.call(who, "getHistoryMessages", {"conversationType": conversation_type,
                                                        "targetId": target_id, "timestamp": 0,
                                                        "count": 20, "order": 1})
    assert code == 0, (who, target_id)
    return [m["content"]["content"] for m in page["list"]]


def test_group_and_system_conversations(shell, server):
    mention = {"content": "@bob", "mentionedInfo": {"type": 2, "userIdList": ["bob"]}}
    for content in ({"content": "hello team"}, mention):
        code, sent = send(shell, "A", GROUP, "team", content)
        assert code == 0 and (sent["conversationType"], sent["targetId"]) == (GROUP, "team")
    for who in "BC":
        got = messages(shell, who, 2)
        assert [(m["conversationType"], m["targetId"], m["senderUserId"], m["content"]["content"])
                for m in got] == [(GROUP, "team", "alice", "hello team"), (GROUP, "team", "alice", "@bob")]
    for who in "ABC":
        assert history(shell, who, GROUP, "team") == ["hello team", "@bob"], who

    code, listed = shell.call("B", "getConversationList", {"types": [GROUP], "count": 10})
    assert code == 0 and [(c["conversationType"], c["targetId"]) for c in listed] == [(GROUP, "team")]
    assert listed[0]["latestMessage"]["content"]["content"] == "@bob"
    unread_and_mentions = lambda c: (c["unreadMessageCount"], c["hasMentioned"], c["mentionedCount"])
    assert unread_and_mentions(listed[0]) == (2, True, 1)
    assert unread_and_mentions(conversation(shell, "C", GROUP, "team")) == (2, False, 0)
    assert unread_and_mentions(conversation(shell, "A", GROUP, "team")) == (0, False, 0)

    # Carol is not in "staff"; nobody may send into a SYSTEM conversation.
    assert send(shell, "C", GROUP, "staff", {"content": "let me in"})[0] == 22406
    assert send(shell, "A", SYSTEM, "admin", {"content": "x"})[0] == 33003

    notice = RongCloud(server.app_key, server.app_secret, server.url).get_message().get_system()
    ok(notice.send("admin", ["bob"], "RC:TxtMsg", {"content": "notice"}))
    [got] = messages(shell, "B", 1)
    assert (got["conversationType"], got["targetId"], got["senderUserId"]) == (SYSTEM, "admin", "admin")
    assert history(shell, "B", SYSTEM, "admin") == ["notice"]
    assert conversation(shell, "B", SYSTEM, "admin")["unreadMessageCount"] == 1
    code, listed = shell.call("B", "getConversationList", {"types": [SYSTEM], "count": 10})
    assert code == 0 and [c["targetId"] for c in listed] == ["admin"]
