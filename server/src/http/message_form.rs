//! The message parameters the publish endpoints share (`objectName`, `content`, the flags and
//! the push options), read and checked one way.

use axum::http::StatusCode;
use improto::MessageOptions;
use improto::content::ContentError;
use improto::limits::MAX_OBJECT_NAME_BYTES;
use improto::message_types::Handling;

use super::form::Form;
use super::reply::{self, ApiError};

/// The required `objectName`: 1002 when absent, 1005 over 32 bytes.
pub(super) fn object_name(form: &Form) -> Result<&str, ApiError> {
    let object_name = form.get("objectName").unwrap_or_default();
    if object_name.is_empty() {
        return Err(ApiError::parameter("objectName is required"));
    }
    if object_name.len() > MAX_OBJECT_NAME_BYTES {
        return Err(over_limit(format!(
            "objectName is longer than {MAX_OBJECT_NAME_BYTES} bytes"
        )));
    }
    Ok(object_name)
}

/// How a message of `object_name` is kept given `isPersisted` and `isCounted`: a built-in type
/// keeps its flags, the caller may only turn storing or counting off; 1002 for a reserved
/// `RC:` name that is not built in.
pub(super) fn handling(
    object_name: &str,
    is_persisted: bool,
    is_counted: bool,
) -> Result<Handling, ApiError> {
    let kept = improto::message_types::handling(object_name, is_persisted, is_counted).ok_or_else(
        || ApiError::parameter(format!("{object_name} is a reserved, not built-in type")),
    )?;
    Ok(Handling {
        persisted: kept.persisted && is_persisted,
        counted: kept.counted && is_counted,
        ..kept
    })
}

/// The `content` parameter of a message of type `object_name`, checked by the contract's content rules (1005 over 128 KB, else
/// 1002). A JSON string holding the content (the Python SDK given a string) is unwrapped once.
pub(super) fn content(form: &Form, object_name: &str) -> Result<String, ApiError> {
    let raw = form.get("content").unwrap_or_default();
    if raw.is_empty() {
        return Err(ApiError::parameter("content is required"));
    }
    let content = serde_json::from_str::<String>(raw).unwrap_or_else(|_| raw.to_owned());
    match improto::content::check(object_name, &content) {
        Ok(()) => Ok(content),
        Err(e @ ContentError::TooLarge(_)) => Err(over_limit(e.to_string())),
        Err(e) => Err(ApiError::parameter(e.to_string())),
    }
}

/// The message's options from `pushContent`, `pushData` and `disablePush`; `None` if none is
/// given.
pub(super) fn options(form: &Form) -> Result<Option<MessageOptions>, ApiError> {
    let options = MessageOptions {
        disable_notification: flag(form, "disablePush", false)?,
        push_content: form.get("pushContent").unwrap_or_default().to_owned(),
        push_data: form.get("pushData").unwrap_or_default().to_owned(),
        ..MessageOptions::default()
    };
    Ok((options != MessageOptions::default()).then_some(options))
}

/// The boolean parameter `key`: `true`, `True` or `1`; `false`, `False` or `0`; `default` when
/// absent or empty (server-api.md §1.3); else 1002.
pub(super) fn flag(form: &Form, key: &str, default: bool) -> Result<bool, ApiError> {
    form.flag(key, default)
        .ok_or_else(|| ApiError::parameter(format!("{key} must be 0 or 1")))
}

/// 1005 for a parameter (or what it would add) over its limit.
pub(super) fn over_limit(message: String) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, reply::PARAMETER_TOO_LONG, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_sdk_s_booleans_and_refuses_others() {
        let form = Form::parse(b"a=True&b=false&c=1&d=&e=yes");
        assert_eq!(flag(&form, "a", false), Ok(true));
        assert_eq!(flag(&form, "b", true), Ok(false));
        assert_eq!(flag(&form, "c", false), Ok(true));
        assert_eq!(flag(&form, "d", true), Ok(true));
        assert_eq!(flag(&form, "absent", false), Ok(false));
        assert_eq!(flag(&form, "e", false).map_err(|e| e.code), Err(1002));
    }

    #[test]
    fn unwraps_content_sent_as_a_json_string_once() {
        let form = Form::parse(br#"content="{\"content\":\"hello\"}""#);
        assert_eq!(
            content(&form, "RC:TxtMsg"),
            Ok(r#"{"content":"hello"}"#.to_owned())
        );
        let form = Form::parse(br#"content={"content": "hi"}"#);
        assert_eq!(
            content(&form, "RC:TxtMsg"),
            Ok(r#"{"content": "hi"}"#.to_owned())
        );
        let form = Form::parse(br#"content={"content":5}"#);
        assert_eq!(content(&form, "RC:TxtMsg").map_err(|e| e.code), Err(1002));
    }

    #[test]
    fn maps_push_parameters_to_the_options() {
        assert_eq!(
            options(&Form::parse(b"pushContent=&disablePush=false")),
            Ok(None)
        );
        let options = options(&Form::parse(b"pushContent=pc&pushData=pd&disablePush=True"));
        assert_eq!(
            options,
            Ok(Some(MessageOptions {
                disable_notification: true,
                push_content: "pc".into(),
                push_data: "pd".into(),
                ..MessageOptions::default()
            }))
        );
    }
}
