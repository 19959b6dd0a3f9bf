//! Lenient `application/x-www-form-urlencoded` parsing (server-api.md §1.3).
//!
//! Raw UTF-8, raw spaces and JSON punctuation are accepted; each pair is split on its first
//! `=`; invalid `%xx` sequences are kept as they are; `+` means space — except in ids
//! ([`Form::id`]), where `+` is a valid character that the Python SDK sends unencoded.

use std::borrow::Cow;

use percent_encoding::percent_decode;

/// One `key=value` pair.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pair {
    key: String,
    /// Decoded with `+` as space.
    value: String,
    /// Decoded with `+` kept: the value of an id parameter.
    id: String,
}

/// A parsed form body, in the order the pairs were sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Form {
    pairs: Vec<Pair>,
}

impl Form {
    /// Parses `body`; never fails.
    pub fn parse(body: &[u8]) -> Self {
        let pairs = body
            .split(|b| *b == b'&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (key, value) = match pair.iter().position(|b| *b == b'=') {
                    Some(at) => (&pair[..at], &pair[at + 1..]),
                    None => (pair, &[][..]),
                };
                Pair {
                    key: decode(&plus_as_space(key)),
                    value: decode(&plus_as_space(value)),
                    id: decode(value),
                }
            })
            .collect();
        Form { pairs }
    }

    /// The first value of `key`, if sent.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.first(key).map(|pair| pair.value.as_str())
    }

    /// Every value of `key`, in the order sent (lists are sent as the key repeated).
    pub fn get_all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.with_key(key).map(|pair| pair.value.as_str())
    }

    /// The first value of the id parameter `key`, with a `+` read as `+`: the Python SDK
    /// sends `a+b` unencoded, the Go and Node SDKs send `a%2Bb`, and both mean `a+b` (a space,
    /// which the Go SDK would send as `+`, is no id character).
    pub fn id(&self, key: &str) -> Option<&str> {
        self.first(key).map(|pair| pair.id.as_str())
    }

    /// Every value of the id parameter `key`, read as [`Form::id`] reads it.
    pub fn ids<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.with_key(key).map(|pair| pair.id.as_str())
    }

    /// The pairs of a map parameter `name[<key>]=<value>` as `(key, value)`, in the order
    /// sent (the Go SDK percent-encodes the brackets, the Python SDK sends them raw).
    pub fn bracketed<'a>(&'a self, name: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.pairs.iter().filter_map(move |pair| {
            let inner = pair
                .key
                .strip_prefix(name)?
                .strip_prefix('[')?
                .strip_suffix(']')?;
            Some((inner, pair.value.as_str()))
        })
    }

    /// Whether the boolean parameter `key` is set (`true`, `True` or `1`; `false`, `False`, `0`
    /// or empty are not), `default` if absent; `None` for any other value.
    pub fn flag(&self, key: &str, default: bool) -> Option<bool> {
        match self.get(key).map(str::trim) {
            None | Some("") => Some(default),
            Some("true" | "True" | "1") => Some(true),
            Some("false" | "False" | "0") => Some(false),
            Some(_) => None,
        }
    }

    /// The first pair of `key`.
    fn first(&self, key: &str) -> Option<&Pair> {
        self.pairs.iter().find(|pair| pair.key == key)
    }

    /// The pairs of `key`, in the order sent.
    fn with_key<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a Pair> + 'a {
        self.pairs.iter().filter(move |pair| pair.key == key)
    }
}

/// `bytes` with every `+` replaced by a space.
fn plus_as_space(bytes: &[u8]) -> Cow<'_, [u8]> {
    if bytes.contains(&b'+') {
        let spaced = bytes.iter().map(|b| if *b == b'+' { b' ' } else { *b });
        Cow::Owned(spaced.collect())
    } else {
        Cow::Borrowed(bytes)
    }
}

/// `bytes` percent-decoded (invalid sequences kept), as UTF-8 (invalid bytes replaced).
fn decode(bytes: &[u8]) -> String {
    percent_decode(bytes).decode_utf8_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_raw_python_sdk_body() {
        let form = Form::parse("userId=u1&name=张三 a&b&portraitUri=http://x/p.png?a=1".as_bytes());
        assert_eq!(form.get("userId"), Some("u1"));
        assert_eq!(form.get("name"), Some("张三 a"));
        assert_eq!(form.get("b"), Some(""));
        assert_eq!(form.get("portraitUri"), Some("http://x/p.png?a=1"));
    }

    #[test]
    fn decodes_the_go_and_node_bodies() {
        let go = Form::parse(
            b"userId=u1&name=%E5%BC%A0%E4%B8%89+a%26b&portraitUri=http%3A%2F%2Fx%2Fp.png%3Fa%3D1",
        );
        assert_eq!(go.get("name"), Some("张三 a&b"));
        assert_eq!(go.get("portraitUri"), Some("http://x/p.png?a=1"));
        let node = Form::parse(b"name=%E5%BC%A0%E4%B8%89%20a%26b&userId=u1");
        assert_eq!(node.get("name"), Some("张三 a&b"));
        assert_eq!(node.get("userId"), Some("u1"));
    }

    #[test]
    fn keeps_invalid_percent_sequences_and_raw_json() {
        let form = Form::parse(br#"a=100%&b=%zz%4&pushExt={"title":"t"}"#);
        assert_eq!(form.get("a"), Some("100%"));
        assert_eq!(form.get("b"), Some("%zz%4"));
        assert_eq!(form.get("pushExt"), Some(r#"{"title":"t"}"#));
    }

    #[test]
    fn returns_the_first_of_repeated_keys_and_handles_empty_bodies() {
        let form = Form::parse(b"userId=u1&userId=u2&portraitUri=");
        assert_eq!(form.get("userId"), Some("u1"));
        assert_eq!(form.get("portraitUri"), Some(""));
        assert_eq!(Form::parse(b"").get("userId"), None);
    }

    #[test]
    fn reads_a_plus_in_an_id_as_a_plus_whether_sent_raw_or_encoded() {
        let python = Form::parse(b"userId=a+b&name=a+b&userId=c+d");
        assert_eq!(python.id("userId"), Some("a+b"));
        assert_eq!(python.ids("userId").collect::<Vec<_>>(), ["a+b", "c+d"]);
        assert_eq!(python.get("name"), Some("a b"));
        let go = Form::parse(b"userId=a%2Bb&name=a+b");
        assert_eq!(go.id("userId"), Some("a+b"));
        assert_eq!(go.get("name"), Some("a b"));
        // A space stays a space: the id check refuses it.
        assert_eq!(Form::parse(b"userId=a%20b").id("userId"), Some("a b"));
        assert_eq!(Form::parse(b"userId=a=b").id("userId"), Some("a=b"));
        assert_eq!(Form::parse(b"user+Id=a").id("user Id"), Some("a"));
    }

    #[test]
    fn reads_map_parameters_with_raw_or_encoded_brackets_and_lenient_booleans() {
        let form = Form::parse(b"userId=u1&group[g1]=G One&group%5Bg2%5D=G2&groupx=1&a=True&b=0");
        let groups: Vec<_> = form.bracketed("group").collect();
        assert_eq!(groups, [("g1", "G One"), ("g2", "G2")]);
        assert_eq!(form.flag("a", false), Some(true));
        assert_eq!(form.flag("b", true), Some(false));
        assert_eq!(form.flag("missing", true), Some(true));
        assert_eq!(form.flag("userId", true), None);
    }

    #[test]
    fn returns_every_value_of_a_repeated_key() {
        let form = Form::parse(b"userId=u1&minute=10&userId=u2");
        assert_eq!(form.get_all("userId").collect::<Vec<_>>(), ["u1", "u2"]);
        assert_eq!(form.get_all("nothing").count(), 0);
    }
}
