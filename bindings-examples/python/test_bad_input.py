"""Bad input through the Python package (ctypes over imcore_call): seed codes, never a crash.
No server needed.

Run with `IMCORE_LIB=target/debug/libimcore.so python3 -m pytest -q test_bad_input.py`, or as a
plain script (`python3 test_bad_input.py`), which prints `N passed, N failed` last.
"""
import gc
import json

import pytest

import imcore

OPTIONS = {"navi": "http://127.0.0.1:1", "dbPath": "/tmp/imcore-py-bad-input"}
TEXT = {"objectName": "RC:TxtMsg", "content": {"content": "hi"}}


def code_of(call, *args, **kwargs):
    with pytest.raises(imcore.ImError) as error:
        call(*args, **kwargs)
    return error.value.code


def test_methods_come_from_the_library():
    lib = imcore.load()
    assert lib.version.count(".") == 2
    assert {"connect", "sendMessage", "getHistoryMessages", "registerMessageType"} <= set(lib.methods)
    client = imcore.Client("k", OPTIONS)
    try:
        assert "get_history_messages" in dir(client)
        for method in lib.methods:
            assert callable(getattr(client, imcore._snake(method))), method
        assert client.get_current_connection_status() == 2  # disconnected
        assert code_of(client.clear_total_unread_count) == 30001  # no user database yet
        with pytest.raises(AttributeError):
            client.no_such_method()
        with pytest.raises(TypeError):
            client.get_message(1, 2)
        with pytest.raises(TypeError):
            client.get_message(bogus=1)
    finally:
        client.close()


def test_calls_before_init_are_33001():
    lib = imcore.load()
    handle = lib.c.imcore_client_new()
    try:
        assert code_of(lib.call_sync, handle, "getConnectionStatus") == 33001
        assert code_of(lib.call_sync, handle, "disconnect") == 33001
    finally:
        lib.c.imcore_client_free(handle)


def test_null_and_invalid_arguments_are_33003():
    lib = imcore.load()
    assert lib.c.imcore_init(None, b"k", b"{}") == 33003
    assert lib.c.imcore_call(None, b"connect", b"{}", imcore._complete, None) == 33003
    handle = lib.c.imcore_client_new()
    try:
        assert lib.c.imcore_init(handle, None, b"{}") == 33003
        assert lib.c.imcore_init(handle, b"k", b"{not json") == 33003
        assert lib.c.imcore_init(handle, b"\xff\xfe", json.dumps(OPTIONS).encode()) == 33003
    finally:
        lib.c.imcore_client_free(handle)
    client = imcore.Client("k", OPTIONS)
    try:
        assert code_of(client.send_message, 2, "bob", TEXT) == 33003  # unknown type
        assert code_of(client.send_message, 1, None, TEXT) == 33003  # targetId missing
        assert code_of(client.send_message, 1, "bob", []) == 33003
        assert code_of(client.get_history_messages, 1, "bob", 0, 5, 9) == 33003
        assert code_of(client.call, "noSuchMethod") == 33003
    finally:
        client.close()


def test_register_message_type_refuses_bad_names_and_fields():
    tag = {"isCounted": True, "isPersited": True}
    imcore.register_message_type("PyPerson", "py:person", tag, ["name"])
    for args in [
        ("PyBad", "RC:Bad", tag),
        ("PyBad", "", tag),
        ("TextMessage", "py:bad", tag),
        ("PyBad", "py:bad", tag, "not a list"),
        ("PyBad", "py:bad", tag, {"name": 1}),
        ("PyBad", "py:bad", {"isCounted": True}),
        (None, "py:bad", tag),
        ("PyBad", None, tag),
    ]:
        assert code_of(imcore.register_message_type, *args) == 33003, args


def test_conversation_calls_refuse_bad_types_and_counts():
    client = imcore.Client("k", OPTIONS)
    try:
        for types in ([2], ["1"], {}, "1"):
            assert code_of(client.get_conversation_list, types, 10) == 33003, types
            assert code_of(client.get_total_unread_count, types, True) == 33003, types
        assert code_of(client.get_conversation_unread_count) == 33003
        assert code_of(client.get_conversation_list, None, -1) == 33003
        assert code_of(client.search_messages, 1, "bob", None, 0, 10) == 33003
        assert code_of(client.search_messages, 1, "bob", "hi", 0, -1) == 33003
    finally:
        client.close()


def test_engine_errors_arrive_through_the_completion():
    client = imcore.Client("k", OPTIONS)
    try:
        assert code_of(client.send_message, 1, "bob", TEXT) == 30001
        assert code_of(client.get_history_messages, 1, "bob", 0, 21, 0) == 33003
        assert code_of(client.get_conversation_list, [1, 3], 10) == 30001, \
            "the user's database opens on the first connect"
        assert code_of(client.search_messages, 1, "bob", "hi", 0, 101) == 33003
        assert client.poll(10) is None, "no connection was attempted, so no event"
    finally:
        client.close()


def test_completions_are_released_once_they_fired():
    client = imcore.Client("k", OPTIONS)
    try:
        for _ in range(50):
            code_of(client.get_unread_count, 1, "bob")
        gc.collect()
        assert imcore._waiting == {}, "every call's state is released when it completes"
    finally:
        client.close()


def main():
    """Runs the tests without pytest's runner; prints `N passed, N failed` last."""
    import sys
    import traceback

    tests = [(name, f) for name, f in globals().items() if name.startswith("test_") and callable(f)]
    passed = failed = 0
    for name, test in tests:
        try:
            test()
        except Exception:  # noqa: BLE001 - report every failure and keep going
            failed += 1
            print(f"FAIL {name}")
            traceback.print_exc()
        else:
            passed += 1
            print(f"ok   {name}")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
