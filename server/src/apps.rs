//! Apps (key and secret pairs) this server instance accepts.

use std::collections::HashMap;

/// One app's credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct App {
    /// Public app key, sent by clients and backends.
    pub key: String,
    /// Secret shared with the app's backend; signs Server API calls and keys its tokens.
    pub secret: String,
}

/// The apps served, looked up by key.
#[derive(Debug, Clone, Default)]
pub struct Apps {
    by_key: HashMap<String, App>,
}

impl Apps {
    /// A registry holding `apps`.
    pub fn new(apps: impl IntoIterator<Item = App>) -> Self {
        Apps {
            by_key: apps.into_iter().map(|a| (a.key.clone(), a)).collect(),
        }
    }

    /// The app with key `key`, if served.
    pub fn get(&self, key: &str) -> Option<&App> {
        self.by_key.get(key)
    }
}
