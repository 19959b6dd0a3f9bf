"""Bad input through the C ABI from Python: seed codes, never a crash. No server needed.

Run with `IMCORE_LIB=target/debug/libimcore.so python3 -m pytest -q test_bad_input.py`, or as a
plain script (`python3 test_bad_input.py`), which prints `N passed, N failed` last.
"""
import ctypes
import json

import pytest

import imcore

OPTIONS = {"navi": "http://127.0.0.1:1", "dbPath": "/tmp/imcore-py-bad-input"}


@pytest.fixture(scope="module")
def lib():
    return imcore.load()


def test_calls_before_init_are_33001(lib):
    handle = lib.imcore_client_new()
    try:
        noop = imcore.COMPLETION(lambda *_: None)
        assert lib.imcore_connect(handle, b"token", noop, None) == 33001
        assert lib.imcore_disconnect(handle) == 33001
        status = ctypes.c_int32()
        assert lib.imcore_get_connection_status(handle, ctypes.byref(status)) == 33001
    finally:
        lib.imcore_client_free(handle)


def test_null_and_invalid_arguments_are_33003(lib):
    noop = imcore.COMPLETION(lambda *_: None)
    assert lib.imcore_init(None, b"k", b"{}") == 33003
    assert lib.imcore_connect(None, b"t", noop, None) == 33003
    handle = lib.imcore_client_new()
    try:
        assert lib.imcore_init(handle, None, b"{}") == 33003
        assert lib.imcore_init(handle, b"k", b"{not json") == 33003
        assert lib.imcore_init(handle, b"\xff\xfe", json.dumps(OPTIONS).encode()) == 33003
        assert lib.imcore_init(handle, b"k", json.dumps(OPTIONS).encode()) == 0
        text = json.dumps({"objectName": "RC:TxtMsg", "content": {"content": "hi"}}).encode()
        assert lib.imcore_send_message(handle, 2, b"bob", text, noop, None) == 33003  # unknown type
        assert lib.imcore_send_message(handle, 1, None, text, noop, None) == 33003
        assert lib.imcore_send_message(handle, 1, b"bob", b"[]", noop, None) == 33003
        assert lib.imcore_get_history_messages(handle, 1, b"bob", 0, 5, 9, None, noop, None) == 33003
    finally:
        lib.imcore_client_free(handle)


def test_register_message_type_refuses_bad_names_and_fields(lib):
    imcore.register_message_type(lib, "PyPerson", "py:person", True, True, ["name"])
    for args in [
        (b"PyBad", b"RC:Bad", True, True, None),
        (b"PyBad", b"", True, True, None),
        (b"TextMessage", b"py:bad", True, True, None),
        (b"PyBad", b"py:bad", True, True, b"not json"),
        (b"PyBad", b"py:bad", True, True, b'{"name": 1}'),
        (None, b"py:bad", True, True, None),
        (b"PyBad", None, True, True, None),
    ]:
        assert lib.imcore_register_message_type(*args) == 33003, args


def test_conversation_calls_refuse_bad_types_and_counts(lib):
    noop = imcore.COMPLETION(lambda *_: None)
    handle = lib.imcore_client_new()
    try:
        assert lib.imcore_get_total_unread_count(handle, None, False, noop, None) == 33001
        assert lib.imcore_init(handle, b"k", json.dumps(OPTIONS).encode()) == 0
        for types in (b"[2]", b"[1,", b'["1"]', b"{}"):
            assert lib.imcore_get_conversation_list(handle, types, 10, noop, None) == 33003, types
            assert lib.imcore_get_total_unread_count(handle, types, True, noop, None) == 33003, types
        assert lib.imcore_get_conversation_unread_count(handle, None, noop, None) == 33003
        assert lib.imcore_get_conversation_list(handle, None, -1, noop, None) == 33003
        assert lib.imcore_search_messages(handle, 1, b"bob", None, 0, 10, noop, None) == 33003
        assert lib.imcore_search_messages(handle, 1, b"bob", b"hi", 0, -1, noop, None) == 33003
    finally:
        lib.imcore_client_free(handle)


def test_engine_errors_arrive_through_the_completion(lib):
    client = imcore.Client(lib, "k", OPTIONS)
    try:
        with pytest.raises(imcore.ImError) as not_connected:
            client.send_text(1, "bob", "hi")
        assert not_connected.value.code == 30001
        with pytest.raises(imcore.ImError) as too_many:
            client.history(1, "bob", count=21)
        assert too_many.value.code == 33003
        with pytest.raises(imcore.ImError) as no_database:
            client.conversation_list([1, 3])
        assert no_database.value.code == 30001, "the user's database opens on the first connect"
        with pytest.raises(imcore.ImError) as out_of_range:
            client.search_messages(1, "bob", "hi", count=101)
        assert out_of_range.value.code == 33003
        assert client.poll(10) is None, "no connection was attempted, so no event"
    finally:
        client.close()


def main():
    """Runs the tests without pytest's runner; prints `N passed, N failed` last."""
    import sys
    import traceback

    library = imcore.load()
    tests = [(name, f) for name, f in globals().items() if name.startswith("test_") and callable(f)]
    passed = failed = 0
    for name, test in tests:
        try:
            test(library)
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
