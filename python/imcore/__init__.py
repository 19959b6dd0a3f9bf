"""imcore for Python: ctypes over libimcore's one entry point, `imcore_call`.

Every operation of the engine is a method of `Client`, named like the engine's method in
snake_case (`getHistoryMessages` -> `get_history_messages`) and built from the method list the
library itself reports (`imcore_methods`): no signature is kept here. Arguments are the
method's parameters in order, or by keyword (snake_case or camelCase); the result is the
parsed JSON. Asynchronous methods block until their completion fires on imcore's dispatcher
thread; events are pulled with `Client.poll()` on the caller's thread (GIL-friendly).

    client = imcore.Client(app_key, {"navi": "http://127.0.0.1:8700", "dbPath": "/tmp/im"})
    user_id = client.connect(token)
    client.send_message(1, "bob", {"objectName": "RC:TxtMsg", "content": {"content": "hi"}})
    page = client.get_history_messages(1, "bob", 0, 20, 0)

The library is found through `IMCORE_LIB`, else beside this file, else on the loader's path.
See docs/methods.md for every method's parameters, result and status codes.
"""
import atexit
import ctypes
import ctypes.util
import itertools
import json
import os
import pathlib
import queue
import re
import threading

__all__ = ["Client", "ImError", "load", "register_message_type", "POLL_TIMEOUT"]

COMPLETION = ctypes.CFUNCTYPE(None, ctypes.c_int32, ctypes.c_char_p, ctypes.c_void_p)
POLL_TIMEOUT = 1


class ImError(Exception):
    """An imcore failure carrying the seed's status code, and for a failed send the message as
    stored (FAILED, ready for `Client.resend_message`)."""

    def __init__(self, code, message="", failed_message=None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.failed_message = failed_message


def _error(code, text):
    try:
        info = json.loads(text)
    except ValueError:
        info = {}
    return ImError(code, info.get("message", text), info.get("failedMessage"))


# Calls waiting for their completion, by the id passed as user_data. One completion function
# serves every call; a call's entry is released as soon as its completion fired.
_waiting = {}
_waiting_lock = threading.Lock()
_ids = itertools.count(1)


@COMPLETION
def _complete(code, text, user_data):
    with _waiting_lock:
        answer = _waiting.pop(user_data, None)
    if answer is not None:
        answer.put((code, text.decode() if text else "null"))


def _library_path():
    explicit = os.environ.get("IMCORE_LIB")
    if explicit:
        return explicit
    here = pathlib.Path(__file__).resolve().parent
    for name in ("libimcore.so", "libimcore.dylib", "imcore.dll"):
        if (here / name).exists():
            return str(here / name)
    return ctypes.util.find_library("imcore") or "libimcore.so"


class Library:
    """libimcore loaded, with its method list."""

    def __init__(self, path=None):
        lib = ctypes.CDLL(path or _library_path())
        p, s, i32, out = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int32, ctypes.POINTER(ctypes.c_void_p)
        for name, restype, argtypes in [
            ("imcore_client_new", p, []),
            ("imcore_client_free", None, [p]),
            ("imcore_init", i32, [p, s, s]),
            ("imcore_call", i32, [p, s, s, COMPLETION, p]),
            ("imcore_call_sync", i32, [p, s, s, out]),
            ("imcore_methods", i32, [out]),
            ("imcore_poll_event", i32, [p, i32, out]),
            ("imcore_string_free", None, [p]),
            ("imcore_version", s, []),
        ]:
            function = getattr(lib, name)
            function.restype, function.argtypes = restype, argtypes
        self.c = lib
        self.version = lib.imcore_version().decode()
        self.methods = {m["name"]: m for m in json.loads(self.take(lib.imcore_methods))}

    def take(self, function, *args):
        """Calls `function(*args, &out)` and returns the string handed out (freed here)."""
        out = ctypes.c_void_p()
        code = function(*args, ctypes.byref(out))
        try:
            text = ctypes.string_at(out.value).decode() if out.value else ""
        finally:
            self.c.imcore_string_free(out)
        if code not in (0, POLL_TIMEOUT):
            raise _error(code, text)
        return text if code == 0 else None

    def params(self, method, args, kwargs):
        """The JSON parameters of `method` from positional and keyword arguments."""
        if method not in self.methods:  # the engine answers unknown methods with 33003
            return json.dumps({_camel(k): v for k, v in kwargs.items()}).encode()
        names = [p["name"] for p in self.methods[method]["params"]]
        if len(args) > len(names):
            raise TypeError(f"{method} takes at most {len(names)} arguments")
        params = {name: value for name, value in zip(names, args) if value is not None}
        for key, value in kwargs.items():
            name = _camel(key)
            if name not in names:
                raise TypeError(f"{method} has no parameter {key!r}")
            if value is not None:
                params[name] = value
        return json.dumps(params).encode()

    def call_sync(self, handle, method, args=(), kwargs=None):
        """Answers a synchronous method at once."""
        params = self.params(method, args, kwargs or {})
        return json.loads(self.take(self.c.imcore_call_sync, handle, method.encode(), params))


_default = None


def load(path=None):
    """libimcore (the default one, loaded once, unless `path` names another)."""
    global _default
    if path is not None:
        return Library(path)
    if _default is None:
        _default = Library()
    return _default


def _camel(name):
    return re.sub(r"_([a-z])", lambda m: m.group(1).upper(), name)


def _snake(name):
    return re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), name)


def register_message_type(message_type, object_name, message_tag, search_props=None, lib=None):
    """Registers a custom message type for the whole process (call it before connecting);
    `message_tag` is `{"isCounted": bool, "isPersited": bool}`."""
    (lib or load()).call_sync(None, "registerMessageType",
                              (message_type, object_name, message_tag, search_props))


class Client:
    """One imcore client; `close()` (or interpreter exit) frees it. Every engine method is a
    method of this class in snake_case; `call(method, **params)` runs one by its own name."""

    timeout = 20

    def __init__(self, app_key, options, lib=None):
        self.lib = lib or load()
        self.handle = self.lib.c.imcore_client_new()
        code = self.lib.c.imcore_init(self.handle, app_key.encode(), json.dumps(options).encode())
        if code != 0:
            self.lib.c.imcore_client_free(self.handle)
            self.handle = None
            raise ImError(code, "init refused")
        atexit.register(self.close)

    def call(self, method, *args, **kwargs):
        """Runs `method` (the engine's name, e.g. "getHistoryMessages") and returns its result."""
        kind = self.lib.methods.get(method, {}).get("kind", "async")
        if kind != "async":
            return self.lib.call_sync(self.handle, method, args, kwargs)
        params = self.lib.params(method, args, kwargs)
        answer = queue.Queue(maxsize=1)
        call_id = next(_ids)
        with _waiting_lock:
            _waiting[call_id] = answer
        code = self.lib.c.imcore_call(self.handle, method.encode(), params, _complete, call_id)
        if code != 0:
            with _waiting_lock:
                _waiting.pop(call_id, None)
            raise ImError(code, f"{method} refused")
        code, text = answer.get(timeout=self.timeout)
        if code != 0:
            raise _error(code, text)
        return json.loads(text)

    def __getattr__(self, name):
        method = _camel(name)
        if name.startswith("_") or method not in self.__dict__.get("lib", load()).methods:
            raise AttributeError(name)
        return lambda *args, **kwargs: self.call(method, *args, **kwargs)

    def __dir__(self):
        return sorted(set(super().__dir__()) | {_snake(m) for m in self.lib.methods})

    def poll(self, timeout_ms):
        """The next event as a dict, or None after `timeout_ms`."""
        text = self.lib.take(self.lib.c.imcore_poll_event, self.handle, timeout_ms)
        return None if text is None else json.loads(text)

    def close(self):
        """Disconnects and frees the client; no callback runs afterwards."""
        if self.handle:
            self.lib.c.imcore_client_free(self.handle)
            self.handle = None
