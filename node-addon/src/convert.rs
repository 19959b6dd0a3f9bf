//! Conversions from JS values to core's inputs, and from core errors to JS errors.
//!
//! Every argument arrives as an untyped JS value and is checked here, so that a wrong JS type is
//! an `ImError` with 33003 like any other bad parameter, never a napi type error or a crash.
//! Which *values* are acceptable is decided by core's request types, not here.

use imcore::{ImError, ImResult};
use napi::bindgen_prelude::{FromNapiValue, JsObjectValue, JsValue, Object, Unknown};
use napi::{Env, ValueType};
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

/// A JS object (or array) argument as JSON, for core's serde parsers. Functions, symbols and
/// bigints inside it are refused by napi's reading (33003).
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

/// The parameters of a call: an object of named fields, `null`/`undefined` for none. A bigint
/// field is refused (napi would read it as a number) like any non-JSON value.
pub(crate) fn params(value: &Unknown<'_>) -> ImResult<Value> {
    if matches!(type_of(value), ValueType::Null | ValueType::Undefined) {
        return Ok(Value::Null);
    }
    let json = json_object(value, "params")?;
    let object: Object<'_> = read(value, "params")?;
    for name in json
        .as_object()
        .into_iter()
        .flat_map(|fields| fields.keys())
    {
        let field: Option<Unknown<'_>> = object.get(name).ok().flatten();
        if field.is_some_and(|field| type_of(&field) == ValueType::BigInt) {
            return Err(ImError::invalid(format!("`{name}` must not be a bigint")));
        }
    }
    Ok(json)
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
/// `code` is the seed's numeric status code (e.g. `33003`); a failed send's `failedMessage`
/// is its JSON text until `index.js` parses it.
pub(crate) fn js_error(env: &Env, error: ImError) -> napi::Error {
    let build = || -> napi::Result<napi::Error> {
        let mut object: Object<'_> =
            env.create_error(napi::Error::from_reason(error.message.clone()))?;
        object.set_named_property("code", error.code)?;
        if let Some(failed) = &error.failed_message {
            // As JSON text, which `index.js` parses like every result: napi's serde conversion
            // would hand the raw content on as a wrapper object, and stops at 128 levels.
            let json = serde_json::to_string(failed)
                .map_err(|e| napi::Error::from_reason(e.to_string()))?;
            object.set_named_property("failedMessage", json)?;
        }
        Ok(napi::Error::from(object.to_unknown()))
    };
    // Falls back to napi's own error (string code) only if the environment cannot build one.
    build().unwrap_or_else(|_| napi::Error::from_reason(error.to_string()))
}
