//! Lenient `application/x-www-form-urlencoded` parsing (server-api.md §1.3).
//!
//! Raw UTF-8, raw spaces and JSON punctuation are accepted; each pair is split on its first
//! `=`; invalid `%xx` sequences are kept as they are; `+` means space.

/// A parsed form body, in the order the pairs were sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Form {
    pairs: Vec<(String, String)>,
}

impl Form {
    /// Parses `body`; never fails.
    pub fn parse(body: &[u8]) -> Self {
        Form {
            pairs: form_urlencoded::parse(body).into_owned().collect(),
        }
    }

    /// The first value of `key`, if sent.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `key`, in the order sent (lists are sent as the key repeated).
    pub fn get_all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.pairs
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
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
    fn returns_every_value_of_a_repeated_key() {
        let form = Form::parse(b"userId=u1&minute=10&userId=u2");
        assert_eq!(form.get_all("userId").collect::<Vec<_>>(), ["u1", "u2"]);
        assert_eq!(form.get_all("nothing").count(), 0);
    }
}
