"""imcore from Python (ctypes): A sends B a text, B polls the event, B's history holds it,
B's conversation list and unread count show it, and a keyword search finds it. Then A sends
a custom type registered before connecting, which B finds by its registered search field.

usage: (pip install ./python) IMCORE_LIB=/path/libimcore.so python3 example.py NAVI APP_KEY TOKEN_A USER_A TOKEN_B USER_B DB_DIR
"""
import sys
import time

import imcore

PRIVATE = 1
TEXT = "hello from Python 你好"


def main(navi, app_key, token_a, user_a, token_b, user_b, db_dir):
    tag = {"isCounted": True, "isPersited": True}
    imcore.register_message_type("OrderMessage", "py:order", tag, ["item"])
    a = imcore.Client(app_key, {"navi": navi, "dbPath": f"{db_dir}/py-a"})
    b = imcore.Client(app_key, {"navi": navi, "dbPath": f"{db_dir}/py-b"})
    print("A connected as", a.connect(token_a))
    print("B connected as", b.connect(token_b))
    sent = a.send_message(PRIVATE, user_b, {"objectName": "RC:TxtMsg", "content": {"content": TEXT}})
    print("A sent", sent["messageUId"], "at", sent["sentTime"])

    deadline = time.time() + 20
    while time.time() < deadline:
        event = b.poll(500)
        if event and event["type"] == "message":
            message = event["message"]
            assert message["content"]["content"] == TEXT, message
            assert message["messageUId"] == sent["messageUId"]
            print("B received:", message["content"]["content"])
            break
    else:
        raise SystemExit("B did not receive the message")

    page = b.get_history_messages(PRIVATE, user_a, 0, 20, 0)
    assert [m["content"]["content"] for m in page["list"]] == [TEXT], page
    print("B history holds it:", page["list"][0]["messageUId"])

    assert b.get_total_unread_count() == 1
    [conversation] = b.get_conversation_list([PRIVATE], 100)
    assert conversation["targetId"] == user_a and conversation["unreadMessageCount"] == 1, conversation
    assert conversation["latestMessage"]["messageUId"] == sent["messageUId"]
    print("B's conversation list shows", user_a, "with 1 unread message")
    found = b.search_messages(PRIVATE, user_a, "from Python", 0, 20)
    assert [m["messageUId"] for m in found] == [sent["messageUId"]], found
    print("searching 'from Python' finds it")
    assert b.clear_unread_count(PRIVATE, user_a) is True
    assert b.get_total_unread_count() == 0
    print("after clearing, B's total unread count is 0")

    order = a.send_message(PRIVATE, user_b,
                           {"objectName": "py:order", "content": {"item": "green tea", "quantity": 3}})
    assert order["messageType"] == "OrderMessage", order
    deadline = time.time() + 20
    while time.time() < deadline:
        event = b.poll(500)
        if event and event["type"] == "message" and event["message"]["objectName"] == "py:order":
            break
    else:
        raise SystemExit("B did not receive the order")
    found = b.search_messages(PRIVATE, user_a, "green tea", timestamp=0, count=20)
    assert [m["messageUId"] for m in found] == [order["messageUId"]], found
    assert b.get_total_unread_count() == 1
    orders = b.get_history_messages(PRIVATE, user_a, 0, 20, 0, object_name="py:order")
    assert [m["messageUId"] for m in orders["list"]] == [order["messageUId"]], orders
    print("B received a registered OrderMessage, counted, found by its item and by its type")
    a.close()
    b.close()
    print("OK")


if __name__ == "__main__":
    if len(sys.argv) != 8:
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
