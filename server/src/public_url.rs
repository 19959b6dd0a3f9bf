//! The WebSocket URLs `/navi.json` hands out: the configured public ones (`--public-url`,
//! validated at startup), else `ws://<bound address>/ws`, or with a wildcard bind (`0.0.0.0`,
//! `[::]`), a URL built from what each request came in on — never the wildcard itself.

use std::net::SocketAddr;

/// Where navigation sends clients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicUrls {
    /// The same URLs for every request: configured, or the specific address bound.
    Fixed(Vec<String>),
    /// A wildcard bind (to `bound`) without `--public-url`: each request's `Host`, else the
    /// local address its connection was accepted on.
    PerRequest {
        /// The wildcard address bound, used only when a request's local address is unknown.
        bound: SocketAddr,
    },
}

impl PublicUrls {
    /// The URLs for a server configured with `configured` (`--public-url`) and bound to `bound`.
    pub fn new(configured: &[String], bound: SocketAddr) -> Self {
        if !configured.is_empty() {
            PublicUrls::Fixed(configured.to_vec())
        } else if bound.ip().is_unspecified() {
            PublicUrls::PerRequest { bound }
        } else {
            PublicUrls::Fixed(vec![ws_url(&bound.to_string())])
        }
    }

    /// The URLs to answer a request that named `host` (its `Host` header) and arrived on the
    /// local address `arrived_on`. A `Host` that is not a plain `host[:port]` is ignored.
    pub fn for_request(&self, host: Option<&str>, arrived_on: Option<SocketAddr>) -> Vec<String> {
        match self {
            PublicUrls::Fixed(urls) => urls.clone(),
            PublicUrls::PerRequest { bound } => {
                let arrived_on = arrived_on.unwrap_or(*bound);
                let local = SocketAddr::new(arrived_on.ip().to_canonical(), arrived_on.port());
                let authority = host
                    .filter(|host| valid_authority(host))
                    .map_or_else(|| local.to_string(), str::to_owned);
                vec![ws_url(&authority)]
            }
        }
    }
}

/// `ws://<authority>/ws`.
fn ws_url(authority: &str) -> String {
    format!("ws://{authority}/ws")
}

/// Checks a `--public-url`: `ws://` or `wss://`, a `host[:port]` (port 1–65535), then nothing
/// or a path; no spaces, query or fragment.
pub fn parse_public_url(text: &str) -> Result<String, String> {
    let url = text.trim();
    let rest = url
        .strip_prefix("ws://")
        .or_else(|| url.strip_prefix("wss://"))
        .ok_or_else(|| format!("{url:?} is not a ws:// or wss:// URL"))?;
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    if !valid_authority(authority) {
        return Err(format!("{url:?} names no valid host[:port]"));
    }
    if !path
        .chars()
        .all(|c| c.is_ascii_graphic() && !matches!(c, '?' | '#'))
    {
        return Err(format!(
            "{url:?} has a path that is not plain ASCII without ? or #"
        ));
    }
    Ok(url.to_owned())
}

/// Whether `text` is a plain `host[:port]`: a name or IPv4 address of letters, digits, `.`,
/// `-` and `_`, or a bracketed IPv6 address, and an optional port 1–65535.
fn valid_authority(text: &str) -> bool {
    let (host, port) = match text.rfind(':') {
        Some(at) if !text[at..].contains(']') => (&text[..at], Some(&text[at + 1..])),
        _ => (text, None),
    };
    let host_ok = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(v6) => v6.parse::<std::net::Ipv6Addr>().is_ok(),
        None => {
            !host.is_empty()
                && host.len() <= 253
                && host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        }
    };
    let port_ok = port.is_none_or(|p| p.parse::<u16>().is_ok_and(|p| p > 0));
    host_ok && port_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(text: &str) -> SocketAddr {
        text.parse().unwrap()
    }

    #[test]
    fn accepts_websocket_urls_with_a_host_and_refuses_the_rest() {
        for good in [
            "wss://im.example.com/ws",
            "ws://10.0.0.1:8700/ws",
            "ws://[::1]:8700/ws",
            "wss://im.example.com",
        ] {
            assert_eq!(parse_public_url(good).as_deref(), Ok(good));
        }
        assert_eq!(parse_public_url(" ws://a/ws ").as_deref(), Ok("ws://a/ws"));
        for bad in [
            "http://x/ws",
            "ws://",
            "wss:///ws",
            "im.example.com",
            "ws://a:0/ws",
            "ws://a:99999/ws",
            "ws://a:x/ws",
            "ws://us er@a/ws",
            "ws://a/w s",
            "ws://a/ws?x=1",
            "ws://[nothost]/ws",
        ] {
            assert!(parse_public_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn hands_out_configured_urls_else_the_bound_address() {
        let configured = vec!["wss://im.example.com/ws".to_owned()];
        let urls = PublicUrls::new(&configured, addr("0.0.0.0:8700"));
        assert_eq!(
            urls.for_request(Some("evil"), Some(addr("10.0.0.5:8700"))),
            configured
        );
        let urls = PublicUrls::new(&[], addr("127.0.0.1:8700"));
        assert_eq!(
            urls.for_request(Some("other:1"), Some(addr("127.0.0.1:8700"))),
            ["ws://127.0.0.1:8700/ws"]
        );
    }

    #[test]
    fn with_a_wildcard_bind_answers_the_host_asked_for_or_the_local_address() {
        let urls = PublicUrls::new(&[], addr("[::]:8700"));
        assert_eq!(
            urls,
            PublicUrls::PerRequest {
                bound: addr("[::]:8700")
            }
        );
        let local = Some(addr("[::ffff:10.0.0.5]:8700"));
        assert_eq!(
            urls.for_request(Some("im.example.com:8700"), local),
            ["ws://im.example.com:8700/ws"]
        );
        assert_eq!(
            urls.for_request(Some("[2001:db8::1]:8700"), local),
            ["ws://[2001:db8::1]:8700/ws"]
        );
        for unusable in [None, Some(""), Some("a/b"), Some("a@b"), Some("a:b")] {
            assert_eq!(
                urls.for_request(unusable, local),
                ["ws://10.0.0.5:8700/ws"],
                "{unusable:?}"
            );
        }
    }
}
