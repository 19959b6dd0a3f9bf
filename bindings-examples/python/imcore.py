"""A small ctypes binding of libimcore (see include/imcore.h).

Events are pulled with imcore_poll_event() on the caller's thread (GIL-friendly); asynchronous
calls block until their completion fires on imcore's dispatcher thread.
"""
import atexit
import ctypes
import json
import os
import queue

COMPLETION = ctypes.CFUNCTYPE(None, ctypes.c_int32, ctypes.c_char_p, ctypes.c_void_p)
POLL_TIMEOUT = 1


class ImError(Exception):
    """An imcore failure carrying the seed's status code, and for a failed send the message as
    stored (FAILED, ready for `Client.resend`)."""

    def __init__(self, code, message="", failed_message=None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.failed_message = failed_message


def load(path=None):
    """Loads libimcore and declares the signatures used here."""
    lib = ctypes.CDLL(path or os.environ.get("IMCORE_LIB", "libimcore.so"))
    p, s, i32, i64, b = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int32, ctypes.c_int64, ctypes.c_bool
    signatures = {
        "imcore_client_new": (p, []),
        "imcore_client_free": (None, [p]),
        "imcore_init": (i32, [p, s, s]),
        "imcore_connect": (i32, [p, s, COMPLETION, p]),
        "imcore_register_message_type": (i32, [s, s, b, b, s]),
        "imcore_send_message": (i32, [p, i32, s, s, COMPLETION, p]),
        "imcore_resend_message": (i32, [p, i64, COMPLETION, p]),
        "imcore_get_history_messages": (i32, [p, i32, s, i64, i32, i32, s, COMPLETION, p]),
        "imcore_get_conversation_list": (i32, [p, s, i32, COMPLETION, p]),
        "imcore_get_total_unread_count": (i32, [p, s, b, COMPLETION, p]),
        "imcore_get_conversation_unread_count": (i32, [p, s, COMPLETION, p]),
        "imcore_clear_unread_count": (i32, [p, i32, s, COMPLETION, p]),
        "imcore_search_messages": (i32, [p, i32, s, s, i64, i32, COMPLETION, p]),
        "imcore_disconnect": (i32, [p]),
        "imcore_get_connection_status": (i32, [p, ctypes.POINTER(i32)]),
        "imcore_poll_event": (i32, [p, i32, ctypes.POINTER(ctypes.c_void_p)]),
        "imcore_string_free": (None, [p]),
    }
    for name, (restype, argtypes) in signatures.items():
        function = getattr(lib, name)
        function.restype, function.argtypes = restype, argtypes
    return lib


def register_message_type(lib, message_type, object_name, is_counted, is_persisted,
                          search_props=None):
    """Registers a custom message type for the whole process (call it before connecting)."""
    props = None if search_props is None else json.dumps(list(search_props)).encode()
    code = lib.imcore_register_message_type(_bytes(message_type), _bytes(object_name), is_counted,
                                            is_persisted, props)
    if code != 0:
        raise ImError(code, "registerMessageType refused")


def _bytes(value):
    return value.encode() if isinstance(value, str) else value


def _types(types):
    """A list of conversation types as the C ABI takes it: a JSON array, or NULL for all."""
    return None if types is None else json.dumps(list(types)).encode()


class Client:
    """One imcore client; `close()` (or interpreter exit) frees it."""

    def __init__(self, lib, app_key, options):
        self.lib = lib
        self.handle = lib.imcore_client_new()
        self._callbacks = []  # CFUNCTYPE objects must outlive every call that may use them
        self._check(lib.imcore_init(self.handle, _bytes(app_key), _bytes(json.dumps(options))))
        atexit.register(self.close)

    def _check(self, code):
        if code != 0:
            raise ImError(code, "refused")

    def _call(self, function, *args, timeout=20):
        answers = queue.Queue()

        def done(code, text, _user_data):
            answers.put((code, text.decode()))

        callback = COMPLETION(done)
        self._callbacks.append(callback)
        self._check(function(self.handle, *args, callback, None))
        code, text = answers.get(timeout=timeout)
        if code != 0:
            error = json.loads(text)
            raise ImError(code, error.get("message", ""), error.get("failedMessage"))
        return json.loads(text)

    def connect(self, token):
        """Connects; returns the user id."""
        return self._call(self.lib.imcore_connect, _bytes(token))["userId"]

    def send(self, conversation_type, target_id, object_name, content):
        """Sends a message of any built-in or registered type; returns the stored Message."""
        message = {"objectName": object_name, "content": content}
        return self._call(self.lib.imcore_send_message, conversation_type, _bytes(target_id),
                          _bytes(json.dumps(message)))

    def resend(self, message_id):
        """Sends a FAILED message again (same idempotency key); returns it, now SENT."""
        return self._call(self.lib.imcore_resend_message, message_id)

    def send_text(self, conversation_type, target_id, text):
        """Sends a TextMessage; returns the stored Message."""
        return self.send(conversation_type, target_id, "RC:TxtMsg", {"content": text})

    def history(self, conversation_type, target_id, timestamp=0, count=20, order=0,
                object_name=None):
        """A page of history (of one ObjectName if given): {"list": [...], "hasMore": bool}."""
        return self._call(self.lib.imcore_get_history_messages, conversation_type, _bytes(target_id),
                          timestamp, count, order, _bytes(object_name))

    def conversation_list(self, types=None, count=100):
        """Conversations of `types` (None = all), pinned first, then latest first."""
        return self._call(self.lib.imcore_get_conversation_list, _types(types), count)

    def total_unread_count(self, types=None, include_muted=False):
        """Unread messages over `types` (None = all); muted conversations only if asked."""
        return self._call(self.lib.imcore_get_total_unread_count, _types(types), include_muted)

    def clear_unread_count(self, conversation_type, target_id):
        """Clears one conversation's unread count; returns whether anything was unread."""
        return self._call(self.lib.imcore_clear_unread_count, conversation_type, _bytes(target_id))

    def search_messages(self, conversation_type, target_id, keyword, timestamp=0, count=20):
        """Messages of one conversation containing `keyword`, newest first."""
        return self._call(self.lib.imcore_search_messages, conversation_type, _bytes(target_id),
                          _bytes(keyword), timestamp, count)

    def poll(self, timeout_ms):
        """The next event as a dict, or None after `timeout_ms`."""
        out = ctypes.c_void_p()
        code = self.lib.imcore_poll_event(self.handle, timeout_ms, ctypes.byref(out))
        if code == POLL_TIMEOUT:
            return None
        self._check(code)
        try:
            return json.loads(ctypes.string_at(out.value).decode())
        finally:
            self.lib.imcore_string_free(out)

    def close(self):
        """Disconnects and frees the client; no callback runs afterwards."""
        if self.handle:
            self.lib.imcore_client_free(self.handle)
            self.handle = None
