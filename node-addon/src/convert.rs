//! Conversions between JS values and core types, and from core errors to JS errors.
//!
//! Every argument arrives as an untyped JS value and is checked here, so that a wrong JS type is
//! an `ImError` with 33003 like any other bad parameter, never a napi type error or a crash.
//! Which *values* are acceptable is decided by core's parsers, not here.

use imcore::{ImError, ImResult, MessageRef};
use napi::bindgen_prelude::{FromNapiValue, JsObjectValue, JsValue, Object, Unknown};
use napi::{Env, ValueType};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Largest integer a JS number holds exactly (2^53 - 1).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

fn type_of(value: &Unknown<'_>) -> ValueType {
    value.get_type().unwrap_or(ValueType::Unknown)
}

/// Reads a value of a type already checked with `type_of`.
fn read<T: FromNapiValue>(value: &Unknown<'_>, name: &str) -> ImResult<T> {
    // SAFETY: `value` is a live handle of the current call's scope.
    unsafe { T::from_napi_value(value.value().env, value.raw()) }
        .map_err(|e| ImError::invalid(format!("`{name}`: {}", e.reason)))
}

/// A JS string argument.
pub(crate) fn string(value: &Unknown<'_>, name: &str) -> ImResult<String> {
    match type_of(value) {
        ValueType::String => read(value, name),
        other => Err(ImError::invalid(format!(
            "`{name}` must be a string, got {}",
            describe(other)
        ))),
    }
}

/// A JS number argument that must be an integer exactly representable in JS.
pub(crate) fn integer(value: &Unknown<'_>, name: &str) -> ImResult<i64> {
    if type_of(value) != ValueType::Number {
        return Err(ImError::invalid(format!(
            "`{name}` must be a number, got {}",
            describe(type_of(value))
        )));
    }
    let n: f64 = read(value, name)?;
    if n.fract() != 0.0 || !n.is_finite() || n.abs() > MAX_SAFE_INTEGER {
        return Err(ImError::invalid(format!(
            "`{name}` must be an integer, got {n}"
        )));
    }
    Ok(n as i64)
}

/// A JS number argument that must be a 32-bit integer (enumerations).
pub(crate) fn int32(value: &Unknown<'_>, name: &str) -> ImResult<i32> {
    let n = integer(value, name)?;
    i32::try_from(n).map_err(|_| ImError::invalid(format!("`{name}` is out of range: {n}")))
}

/// A JS object (or array) argument as JSON, for core's serde parsers.
pub(crate) fn json_object(value: &Unknown<'_>, name: &str) -> ImResult<Value> {
    match type_of(value) {
        ValueType::Object => {
            let mut json = read(value, name)?;
            whole_numbers_as_integers(&mut json);
            Ok(json)
        }
        other => Err(ImError::invalid(format!(
            "`{name}` must be an object, got {}",
            describe(other)
        ))),
    }
}

/// napi reads whole JS numbers beyond 32 bits (ms timestamps, ids) as JSON floats, which
/// integer fields refuse: those exactly representable become JSON integers again.
fn whole_numbers_as_integers(json: &mut Value) {
    match json {
        Value::Number(n) => {
            if let Some(f) = n.as_f64().filter(|f| n.is_f64() && f.fract() == 0.0)
                && f.abs() <= MAX_SAFE_INTEGER
            {
                *n = (f as i64).into();
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers_as_integers),
        Value::Object(fields) => fields.values_mut().for_each(whole_numbers_as_integers),
        _ => {}
    }
}

/// A JS object or array argument deserialised into `T` by serde.
pub(crate) fn parsed<T: DeserializeOwned>(value: &Unknown<'_>, name: &str) -> ImResult<T> {
    serde_json::from_value(json_object(value, name)?)
        .map_err(|e| ImError::invalid(format!("`{name}`: {e}")))
}

/// An optional object or array argument deserialised into `T`; `null` or `undefined` is `None`.
pub(crate) fn optional<T: DeserializeOwned>(
    value: &Unknown<'_>,
    name: &str,
) -> ImResult<Option<T>> {
    match type_of(value) {
        ValueType::Null | ValueType::Undefined => Ok(None),
        _ => parsed(value, name).map(Some),
    }
}

/// A list of conversation types such as `[1, 3]`; `null` or `undefined` for every type.
pub(crate) fn types(value: &Unknown<'_>) -> ImResult<Option<Vec<imcore::ConversationType>>> {
    optional(value, "types")
}

/// A count argument. Negative counts become 0, so that core reports its own range error.
pub(crate) fn count(value: &Unknown<'_>) -> ImResult<usize> {
    Ok(usize::try_from(integer(value, "count")?).unwrap_or(0))
}

/// An optional string argument (`undefined` or `null` when absent).
pub(crate) fn optional_string(value: &Unknown<'_>, name: &str) -> ImResult<Option<String>> {
    match type_of(value) {
        ValueType::Null | ValueType::Undefined => Ok(None),
        _ => string(value, name).map(Some),
    }
}

/// An optional boolean argument (`undefined` or `null` when absent).
pub(crate) fn optional_bool(value: &Unknown<'_>, name: &str) -> ImResult<Option<bool>> {
    match type_of(value) {
        ValueType::Null | ValueType::Undefined => Ok(None),
        ValueType::Boolean => read(value, name).map(Some),
        other => Err(ImError::invalid(format!(
            "`{name}` must be a boolean, got {}",
            describe(other)
        ))),
    }
}

/// A message by local id (number) or server UID (string), as core's [`MessageRef`] parses it.
pub(crate) fn message_ref(value: &Unknown<'_>) -> ImResult<MessageRef> {
    let json = match type_of(value) {
        ValueType::Number => Value::from(integer(value, "message")?),
        ValueType::String => Value::from(string(value, "message")?),
        // Anything else is refused by core with its own message.
        _ => Value::Null,
    };
    MessageRef::from_value(&json)
}

fn describe(t: ValueType) -> &'static str {
    match t {
        ValueType::Undefined => "undefined",
        ValueType::Null => "null",
        ValueType::Boolean => "a boolean",
        ValueType::Number => "a number",
        ValueType::String => "a string",
        ValueType::Symbol => "a symbol",
        ValueType::Object => "an object",
        ValueType::Function => "a function",
        ValueType::External => "an external",
        ValueType::BigInt => "a bigint",
        _ => "an unknown value",
    }
}

/// The JS error for a core error: an `Error` whose `message` is the core message and whose
/// `code` is the seed's numeric status code (e.g. `33003`).
pub(crate) fn js_error(env: &Env, error: ImError) -> napi::Error {
    let build = || -> napi::Result<napi::Error> {
        let mut object: Object<'_> =
            env.create_error(napi::Error::from_reason(error.message.clone()))?;
        object.set_named_property("code", error.code)?;
        if let Some(failed) = &error.failed_message {
            object.set_named_property("failedMessage", env.to_js_value(failed)?)?;
        }
        Ok(napi::Error::from(object.to_unknown()))
    };
    // Falls back to napi's own error (string code) only if the environment cannot build one.
    build().unwrap_or_else(|_| napi::Error::from_reason(error.to_string()))
}

/// A `(conversationType, targetId)` pair, the key of every conversation API.
pub(crate) fn conversation(
    conversation_type: &Unknown<'_>,
    target_id: &Unknown<'_>,
) -> ImResult<(imcore::ConversationType, String)> {
    let conversation_type =
        imcore::ConversationType::try_from(int32(conversation_type, "conversationType")?)?;
    Ok((conversation_type, string(target_id, "targetId")?))
}

/// A history query's cursor and size.
pub(crate) struct Page {
    /// Cursor in ms, 0 = latest.
    pub timestamp: i64,
    /// Page size.
    pub count: usize,
    /// Older or newer than the cursor.
    pub order: imcore::HistoryOrder,
}

/// The arguments of a history call: `(conversationType, targetId, timestamp, count, order)`.
pub(crate) fn page(
    conversation_type: &Unknown<'_>,
    target_id: &Unknown<'_>,
    timestamp: &Unknown<'_>,
    count: &Unknown<'_>,
    order: &Unknown<'_>,
) -> ImResult<(imcore::ConversationType, String, Page)> {
    let (kind, target, timestamp) = until(conversation_type, target_id, timestamp)?;
    let order = imcore::HistoryOrder::try_from(int32(order, "order")?)?;
    let count = self::count(count)?;
    Ok((
        kind,
        target,
        Page {
            timestamp,
            count,
            order,
        },
    ))
}

/// A conversation and a `timestamp` in ms: `(conversationType, targetId, timestamp)`.
pub(crate) fn until(
    conversation_type: &Unknown<'_>,
    target_id: &Unknown<'_>,
    timestamp: &Unknown<'_>,
) -> ImResult<(imcore::ConversationType, String, i64)> {
    let (kind, target) = conversation(conversation_type, target_id)?;
    Ok((kind, target, integer(timestamp, "timestamp")?))
}
