"""Drafts through the Python package and through the C ABI (bindings-examples/c/calls), one test
body for both: saved for conversations without messages, listed page by page with
`getTextMessageDrafts`, and listed again by a new client on the same database."""
import pytest

from test_examples import token
from test_message_types import CShell, PythonShell

PRIVATE, GROUP = 1, 3
SAVED = [(PRIVATE, "bob", "half a sentence"), (PRIVATE, "carol", "草稿"), (GROUP, "team", "later")]


def listed(shell, count, after=None):
    params = {"count": count} if after is None else {"count": count, "after": after}
    code, page = shell.call("A", "getTextMessageDrafts", params)
    assert code == 0, (code, params)
    return [(d["conversationType"], d["targetId"], d["draft"]) for d in page]


@pytest.mark.parametrize("kind", ["python", "c"])
def test_drafts_are_listed_page_by_page_and_after_a_restart(kind, server, tmp_path):
    make = {"python": PythonShell, "c": CShell}[kind]
    shell = make(server, tmp_path / "clients")
    assert shell.call("A", "connect", {"token": token(server, "alice")}) == (0, "alice")
    for conversation_type, target_id, draft in SAVED:
        assert shell.call("A", "saveTextMessageDraft", {"conversationType": conversation_type,
                                                        "targetId": target_id, "draft": draft})[0] == 0
    first = listed(shell, 2)
    assert first == SAVED[:2]
    last = {"conversationType": first[-1][0], "targetId": first[-1][1]}
    assert listed(shell, 2, last) == SAVED[2:]
    for count in (0, 101):
        assert shell.call("A", "getTextMessageDrafts", {"count": count})[0] == 33003
    assert shell.call("A", "getTextMessageDrafts", {"count": 1, "after": {"targetId": "bob"}})[0] == 33003
    shell.close()

    again = make(server, tmp_path / "clients")
    assert again.call("A", "connect", {"token": token(server, "alice")}) == (0, "alice")
    assert listed(again, 100) == SAVED
    again.close()
