"""Groups through the vendor's official Python Server SDK (rc-server-sdk): create, join, quit,
dismiss, rename, sync, the member and user-group queries, and group publish (to every member
and directed), with the refusals the Server API documents."""
import json

from conftest import Server
from rongcloud.rongcloud import RongCloud


def answer_of(answer):
    # rc-server-sdk returns the raw body bytes for non-2xx answers.
    return answer if isinstance(answer, dict) else json.loads(answer)


def sdk(server):
    return RongCloud(server.app_key, server.app_secret, server.url)


def ok(answer):
    answer = answer_of(answer)
    assert answer["code"] == 200, answer
    return answer


def members(group_api, group_id):
    return [u["id"] for u in ok(group_api.query(group_id))["users"]]


def test_membership_through_the_official_sdk(server):
    group = sdk(server).get_group()
    ok(group.create(["u1", "u2"], "g1", "G One"))
    ok(group.join(["u3"], "g1", "G One"))
    assert members(group, "g1") == ["u1", "u2", "u3"]
    assert members(group.get_user(), "g1") == ["u1", "u2", "u3"]
    ok(group.quit(["u2", "u3"], "g1"))
    assert members(group, "g1") == ["u1"]
    ok(group.update("g1", "New"))
    ok(group.sync("u1", [("g1", "ignored"), ("g2", "G2")]))
    groups = ok(group.query_user_group("u1"))["groups"]
    assert groups == [{"id": "g1", "name": "New"}, {"id": "g2", "name": "G2"}]
    ok(group.dismiss("u1", "g1"))
    assert members(group, "g1") == []
    assert ok(group.query_user_group("u1"))["groups"] == [{"id": "g2", "name": "G2"}]


def test_group_publish_through_the_official_sdk(server):
    rc = sdk(server)
    ok(rc.get_group().create(["u1", "u2", "u3"], "g1", "G1"))
    messages = rc.get_message().get_group()
    content = {"content": "hi @u2",
               "mentionedInfo": {"type": 2, "userIdList": ["u2"], "mentionedContent": "@you"}}
    sent = ok(messages.send("u1", "g1", "RC:TxtMsg", content, push_content="pc",
                            is_persisted=0, is_include_sender=1, is_mentioned=1,
                            content_available=1, expansion=True, disable_push=True,
                            push_ext='{"title":"t"}'))
    assert sent["messageUIDs"][0]["groupId"] == "g1"
    ok(messages.send_direction("u1", "g1", ["u2", "u3"], "RC:TxtMsg", content, is_mentioned=1))
    # Directed to a non-member, into an unknown or a dismissed group: 1002.
    stray = answer_of(messages.send_direction("u1", "g1", ["zz"], "RC:TxtMsg", content))
    assert stray["code"] == 1002, stray
    assert answer_of(messages.send("u1", "nope", "RC:TxtMsg", content))["code"] == 1002
    ok(rc.get_group().dismiss("u1", "g1"))
    assert answer_of(messages.send("u1", "g1", "RC:TxtMsg", content))["code"] == 1002


def test_a_join_past_the_member_limit_is_refused(tmp_path):
    server = Server(tmp_path / "server", "py-app", "py-secret", ["--max-group-members", "2"])
    try:
        group = sdk(server).get_group()
        ok(group.create(["u1", "u2"], "g1", "G1"))
        refused = answer_of(group.join(["u3"], "g1", "G1"))
        assert refused["code"] == 405, refused
        assert members(group, "g1") == ["u1", "u2"]
    finally:
        server.stop()
