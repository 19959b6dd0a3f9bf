"""User ids with `+` (a valid id character) through the vendor's official Python Server SDK,
which sends form values unencoded, and through a percent-encoded request as the Go and Node
SDKs send it: both name the same user `a+b`, and `a b` (a space is no id character) is
refused rather than taken for another user."""
import hashlib
import json
import urllib.error
import urllib.request

from rongcloud.rongcloud import RongCloud


def sdk_user(server):
    return RongCloud(server.app_key, server.app_secret, server.url).get_user()


def answer_of(answer):
    # rc-server-sdk returns the raw body bytes for non-2xx answers.
    return answer if isinstance(answer, dict) else json.loads(answer)


def sdk_register(server, user_id):
    return answer_of(sdk_user(server).register(user_id, ""))


def raw_post(server, path, body):
    """POSTs `body` as it is to `path`, signed; returns the JSON answer."""
    nonce, timestamp = "4711", "1795642435"
    signature = hashlib.sha1(f"{server.app_secret}{nonce}{timestamp}".encode()).hexdigest()
    request = urllib.request.Request(
        f"{server.url}{path}", data=body.encode(), method="POST",
        headers={"App-Key": server.app_key, "Nonce": nonce, "Timestamp": timestamp,
                 "Signature": signature, "Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(request) as answer:
            return json.loads(answer.read())
    except urllib.error.HTTPError as e:
        return json.loads(e.read())


def raw_get_token(server, body):
    return raw_post(server, "/user/getToken.json", body)


def test_a_plus_in_a_user_id_is_the_same_user_whichever_sdk_sends_it(server):
    via_sdk = sdk_register(server, "a+b")
    assert via_sdk["code"] == 200, via_sdk
    assert via_sdk["userId"] == "a+b"
    percent_encoded = raw_get_token(server, "userId=a%2Bb&name=")
    assert percent_encoded["code"] == 200, percent_encoded
    assert percent_encoded["userId"] == "a+b"
    # The other valid special characters, unencoded and encoded.
    assert sdk_register(server, "x=y-z_1")["userId"] == "x=y-z_1"
    assert raw_get_token(server, "userId=x%3Dy-z_1")["userId"] == "x=y-z_1"


def test_a_user_the_sdk_blocks_is_the_one_a_percent_encoded_call_unblocks(server):
    block = sdk_user(server).get_block()
    assert answer_of(block.add(["a+b"], 10))["code"] == 200
    assert [u["userId"] for u in answer_of(block.query())["users"]] == ["a+b"]
    assert raw_post(server, "/user/unblock.json", "userId=a%2Bb")["code"] == 200
    assert answer_of(block.query())["users"] == []


def test_a_space_in_a_user_id_is_refused_not_taken_for_a_plus(server):
    for refused in (sdk_register(server, "a b"), raw_get_token(server, "userId=a%20b&name=")):
        assert refused["code"] == 1002, refused
