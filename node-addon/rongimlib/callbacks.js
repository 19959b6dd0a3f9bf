'use strict';
// How the facade talks to host code: its log, guarded callbacks and listeners, and the seed's
// `{onSuccess, onError(code)}` objects settled exactly once, asynchronously.
const { LogLevel } = require('./enums');

/** Status codes the facade itself reports (the seed's table). */
const Code = Object.freeze({ NOT_CONNECTED: 30001, INVALID: 33003 });

/** An Error carrying a seed status code. */
function failure(code, message) {
  return Object.assign(new Error(message), { code });
}

/** Whether `value` is a callback object: it has `onSuccess` or `onError`. */
function isCallback(value) {
  return value !== null && typeof value === 'object'
    && (typeof value.onSuccess === 'function' || typeof value.onError === 'function');
}

/** The log (level and sink set by `init`) and the guarded calls into host code. */
class Host {
  constructor() {
    this.level = LogLevel.WARN;
    this.stdout = null;
  }

  /** Logs `text` at `level` through `logStdout` when set, else the console. */
  log(level, text) {
    if (level < this.level || this.level >= LogLevel.NONE) return;
    if (this.stdout) {
      try { this.stdout(level, text); } catch { /* a throwing log sink must not recurse */ }
      return;
    }
    const out = globalThis.console;
    if (out) (level >= LogLevel.WARN ? out.error : out.log).call(out, `[RongIMLib] ${text}`);
  }

  /** Runs host code `fn` with `args`; a throw is logged and goes no further. */
  guard(what, fn, thisArg, args) {
    try {
      fn.apply(thisArg, args);
    } catch (e) {
      this.log(LogLevel.ERROR, `${what} threw: ${e && e.stack ? e.stack : e}`);
    }
  }

  /**
   * Settles the callback object `args[slot]` of `method` once, asynchronously, with `run()`'s
   * outcome: `onSuccess(...success(result))`, or `onError(code, ...)` (`onTokenIncorrect()` for
   * 31004/31010 when `tokenIncorrect`). A callback without `onSuccess`, or one found elsewhere
   * in `args` (wrong argument count), gets 33003; with none at all the failure is only logged.
   */
  settle(method, args, slot, run, success = (r) => [r], tokenIncorrect = false) {
    let callback = args[slot];
    let outcome;
    if (typeof callback?.onSuccess === 'function') {
      outcome = Promise.resolve().then(run);
    } else {
      if (!isCallback(callback)) callback = args.find(isCallback);
      outcome = Promise.reject(failure(Code.INVALID,
        `${method}: argument ${slot + 1} must be the callback {onSuccess, onError}`));
    }
    outcome.then((result) => {
      if (typeof callback?.onSuccess === 'function') this.guard(`${method} onSuccess`, callback.onSuccess, callback, success(result));
    }, (e) => {
      const code = typeof e?.code === 'number' ? e.code : Code.INVALID;
      this.log(LogLevel.ERROR, `${method} failed: ${code} ${e?.message ?? e}`);
      if (tokenIncorrect && (code === 31004 || code === 31010) && typeof callback?.onTokenIncorrect === 'function') {
        this.guard(`${method} onTokenIncorrect`, callback.onTokenIncorrect, callback, []);
      } else if (typeof callback?.onError === 'function') {
        this.guard(`${method} onError`, callback.onError, callback, [code, ...(e?.failedMessage ? [e.failedMessage] : [])]);
      }
    });
  }
}

module.exports = { Host, Code, failure, isCallback };
