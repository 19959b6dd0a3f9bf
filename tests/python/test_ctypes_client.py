"""The Python package (python/imcore) over the C ABI against a real imserver
with its default send rate limit: a refused send's error carries the stored FAILED message,
which resends."""
import time

import imcore
from test_examples import token

PRIVATE = 1
FAILED, SENT = 20, 30


def test_a_refused_send_carries_the_failed_message_which_resends(server, tmp_path):
    client = imcore.Client(server.app_key, {"navi": server.url, "dbPath": str(tmp_path / "alice")})
    try:
        assert client.connect(token(server, "alice")) == "alice"
        refused = []
        for i in range(8):
            try:
                client.send_message(PRIVATE, "bob",
                                    {"objectName": "RC:TxtMsg", "content": {"content": f"burst {i}"}})
            except imcore.ImError as e:
                refused.append(e)
        assert refused, "eight sends at once exceed the default five a second"
        assert all(e.code == 20604 for e in refused)
        failed = refused[0].failed_message
        assert failed["sentStatus"] == FAILED and failed["messageUId"] == ""
        time.sleep(0.25)
        resent = client.resend_message(failed["messageId"])
        assert (resent["messageId"], resent["sentStatus"]) == (failed["messageId"], SENT)
        assert resent["messageUId"]
    finally:
        client.close()
