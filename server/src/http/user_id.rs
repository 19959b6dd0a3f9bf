//! User (and group) ids in Server API calls: 1 to [`MAX_ID_BYTES`] bytes of ASCII letters, digits and
//! `+ = - _`, the vendor's documented set, read with [`Form::id`].
//!
//! Within that set every official SDK's body names the same id: the Python SDK sends it
//! unencoded (`a+b`), the Go and Node SDKs percent-encode it (`a%2Bb`), and both read as
//! `a+b`. Any other character is refused (1002) rather than guessed: a space (`a b`, which
//! the Python SDK sends raw and the Node SDK as `%20`) would otherwise be one user here and
//! `a+b` there, and `&` or `%` arrive differently from each SDK.

use improto::limits::MAX_ID_BYTES;

use super::form::Form;
use super::reply::ApiError;

/// The required `userId` parameter, checked.
pub(super) fn user_id(form: &Form) -> Result<&str, ApiError> {
    id_param(form, "userId")
}

/// The repeated `userId` parameter: at least one, at most `max`, each checked; duplicates
/// dropped.
pub(super) fn user_ids(form: &Form, max: usize) -> Result<Vec<String>, ApiError> {
    id_params(form, "userId", max)
}

/// The required id parameter `key` (a user or group id), checked.
pub(super) fn id_param<'a>(form: &'a Form, key: &str) -> Result<&'a str, ApiError> {
    valid_id(key, form.id(key))
}

/// The repeated id parameter `key`: at least one, at most `max`, each checked; duplicates
/// dropped.
pub(super) fn id_params(form: &Form, key: &str, max: usize) -> Result<Vec<String>, ApiError> {
    let mut ids: Vec<String> = Vec::new();
    for id in form.ids(key) {
        valid_id(key, Some(id))?;
        if !ids.iter().any(|known| known == id) {
            ids.push(id.to_owned());
        }
    }
    if ids.is_empty() {
        return Err(ApiError::parameter(format!("{key} is required")));
    }
    if ids.len() > max {
        return Err(ApiError::parameter(format!(
            "at most {max} {key} may be given"
        )));
    }
    Ok(ids)
}

/// Whether `c` may appear in a user id.
fn is_user_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '+' | '=' | '-' | '_')
}

/// The id given as parameter `key`, checked.
pub(super) fn valid_id<'a>(key: &str, id: Option<&'a str>) -> Result<&'a str, ApiError> {
    match id {
        None | Some("") => Err(ApiError::parameter(format!("{key} is required"))),
        Some(id) if id.len() > MAX_ID_BYTES => Err(ApiError::parameter(format!(
            "{key} is longer than {MAX_ID_BYTES} bytes"
        ))),
        Some(id) if !id.chars().all(is_user_id_char) => Err(ApiError::parameter(format!(
            "{key} may hold only ASCII letters, digits and + = - _"
        ))),
        Some(id) => Ok(id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(body: &str) -> Result<String, i32> {
        user_id(&Form::parse(body.as_bytes()))
            .map(str::to_owned)
            .map_err(|e| e.code)
    }

    #[test]
    fn reads_every_sdk_s_body_of_a_valid_id_as_the_same_id() {
        // [py] raw, [go] / [node] percent-encoded.
        for body in ["userId=a+b=c-d_0", "userId=a%2Bb%3Dc-d_0"] {
            assert_eq!(read(body), Ok("a+b=c-d_0".to_owned()), "{body}");
        }
    }

    #[test]
    fn refuses_characters_outside_the_vendor_s_set() {
        for body in [
            "userId=a b",
            "userId=a%20b",
            "userId=a%25b",
            "userId=张三",
            "userId=a.b@c",
        ] {
            assert_eq!(read(body), Err(1002), "{body}");
        }
        assert_eq!(read("userId="), Err(1002));
        assert_eq!(read(&format!("userId={}", "u".repeat(65))), Err(1002));
        assert_eq!(
            read(&format!("userId={}", "u".repeat(64))).map(|id| id.len()),
            Ok(64)
        );
    }

    #[test]
    fn reads_repeated_ids_without_duplicates_and_caps_them() {
        let form = Form::parse(b"userId=a+b&userId=a%2Bb&userId=c");
        assert_eq!(
            user_ids(&form, 2),
            Ok(vec!["a+b".to_owned(), "c".to_owned()])
        );
        assert_eq!(user_ids(&form, 1).map_err(|e| e.code), Err(1002));
    }
}
