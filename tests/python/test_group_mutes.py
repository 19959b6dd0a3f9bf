"""Group mutes through the vendor's official Python Server SDK (`rc-server-sdk`): member gags
in one group or every group, whole-group mutes and their whitelists, kept across a restart;
bad input refused with 1002."""
import json

from rongcloud.rongcloud import RongCloud

from conftest import Server


def group_users(server):
    return RongCloud(server.app_key, server.app_secret, server.url).get_group().get_user()


def answer_of(answer):
    # rc-server-sdk returns the raw body bytes for non-2xx answers.
    return answer if isinstance(answer, dict) else json.loads(answer)


def ok(answer):
    answer = answer_of(answer)
    assert answer["code"] == 200, answer
    return answer


def gagged(server, group_id=None):
    users = ok(group_users(server).get_gag().query(group_id))["users"]
    return [(u.get("groupId"), u["userId"]) for u in users]


def test_gags_bans_and_whitelists_through_the_sdk(server):
    gag, ban = group_users(server).get_gag(), group_users(server).get_ban()
    ok(gag.add(["u1", "u2"], "g1", 10))
    ok(gag.add("u3", None, 0))
    assert gagged(server, "g1") == [("g1", "u1"), ("g1", "u2")]
    assert gagged(server) == [("", "u3"), ("g1", "u1"), ("g1", "u2")]
    users = ok(gag.query(None))["users"]
    assert users[0]["time"] == "9999-12-31 23:59:59", users
    assert len(users[1]["time"]) == len("yyyy-MM-dd HH:mm:ss"), users
    ok(gag.remove("u1", "g1"))
    ok(gag.remove("u3", None))
    assert gagged(server) == [("g1", "u2")]

    ok(ban.add(["g1", "g2"]))
    ok(ban.remove("g2"))
    infos = ok(ban.query(["g1", "g2"]))["groupinfo"]
    assert infos == [{"groupId": "g1", "stat": 1}, {"groupId": "g2", "stat": 0}], infos
    whitelist = ban.get_whitelist()
    ok(whitelist.add(["u2", "u1"], "g1"))
    ok(whitelist.remove("u1", "g1"))
    assert ok(whitelist.query("g1"))["userIds"] == ["u2"]


def test_mutes_survive_a_restart(tmp_path):
    data = tmp_path / "server"
    first = Server(data, "py-app", "py-secret")
    try:
        ok(group_users(first).get_gag().add("u1", "g1", 0))
        ok(group_users(first).get_ban().add("g1"))
        ok(group_users(first).get_ban().get_whitelist().add("u2", "g1"))
    finally:
        first.stop()
    second = Server(data, "py-app", "py-secret")
    try:
        assert gagged(second, "g1") == [("g1", "u1")]
        assert ok(group_users(second).get_ban().query("g1"))["groupinfo"] == [{"groupId": "g1", "stat": 1}]
        assert ok(group_users(second).get_ban().get_whitelist().query("g1"))["userIds"] == ["u2"]
    finally:
        second.stop()


def test_bad_input_is_refused_with_1002(server):
    gag, ban = group_users(server).get_gag(), group_users(server).get_ban()
    # The SDK checks minute itself (0–43200); ids the SDK lets through are refused here.
    for answer in (gag.add("a b", "g1", 1), gag.add("u1", "g 1", 1),
                   ban.add("g 1"), ban.get_whitelist().add("u1", "a b")):
        assert answer_of(answer)["code"] == 1002, answer
    assert gagged(server) == []
    assert ok(ban.query("g1"))["groupinfo"] == [{"groupId": "g1", "stat": 0}]
