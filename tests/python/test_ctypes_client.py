"""The ctypes binding (bindings-examples/python/imcore.py) over the C ABI against a real imserver
with its default send rate limit: a refused send's error carries the stored FAILED message,
which resends."""
import sys
import time

from conftest import ROOT
from test_examples import token

sys.path.insert(0, str(ROOT / "bindings-examples" / "python"))
import imcore  # noqa: E402

PRIVATE = 1
FAILED, SENT = 20, 30


def test_a_refused_send_carries_the_failed_message_which_resends(server, tmp_path):
    client = imcore.Client(imcore.load(), server.app_key,
                           {"navi": server.url, "dbPath": str(tmp_path / "alice")})
    try:
        assert client.connect(token(server, "alice")) == "alice"
        refused = []
        for i in range(8):
            try:
                client.send_text(PRIVATE, "bob", f"burst {i}")
            except imcore.ImError as e:
                refused.append(e)
        assert refused, "eight sends at once exceed the default five a second"
        assert all(e.code == 20604 for e in refused)
        failed = refused[0].failed_message
        assert failed["sentStatus"] == FAILED and failed["messageUId"] == ""
        time.sleep(0.25)
        resent = client.resend(failed["messageId"])
        assert (resent["messageId"], resent["sentStatus"]) == (failed["messageId"], SENT)
        assert resent["messageUId"]
    finally:
        client.close()
