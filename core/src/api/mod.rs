//! One request API for every shell: each operation is a request type with named fields and a
//! response type, and [`ImClient::call`] runs any of them by method name with JSON parameters.
//!
//! The request types are defined beside their implementation (in `client/`); this module holds
//! the traits they implement, the method table that names them, and the dispatcher. The C ABI
//! (`imcore_call`), the Node addon (`call`) and Python (over the C ABI) only forward to it, and
//! their method lists, TypeScript declarations and the method reference are generated from the
//! same table ([`describe`]).
//!
//! Adding an operation: define its request type (serde `Deserialize`, camelCase fields,
//! `deny_unknown_fields`, a doc comment saying what it does and which codes it fails with) and
//! its response type, implement [`Operation`] (or [`SyncOperation`]) for it, list it in
//! [`METHODS`], and regenerate the committed files (`IMCORE_BLESS=1 cargo test -p imcore --test
//! generated`).

pub mod describe;
mod fields;
pub mod json;

use crate::client::ImClient;
use crate::error::{ImError, ImResult, code};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::LazyLock;
use ts_rs::TS;

/// An asynchronous operation: runs on the client's runtime and answers once.
pub trait Operation: DeserializeOwned + TS + Send + 'static {
    /// The method name shells call it by (the seed's, e.g. `getHistoryMessages`).
    const METHOD: &'static str;
    /// What it resolves to.
    type Output: Serialize + TS + Send + 'static;
    /// Runs the operation on `client`.
    fn run(self, client: ImClient)
    -> impl Future<Output = ImResult<Self::Output>> + Send + 'static;
    /// Its output as the JSON the shells get: serde's; outputs made of messages use the
    /// faster [`json`] writer.
    fn answer(output: &Self::Output) -> ImResult<String> {
        to_json(output)
    }
}

/// A synchronous operation: no I/O, answered on the calling thread (the seed's synchronous
/// methods, e.g. `getCurrentConnectionStatus`, `disconnect`).
pub trait SyncOperation: DeserializeOwned + TS + 'static {
    /// The method name shells call it by.
    const METHOD: &'static str;
    /// Whether it works on a client that was not initialised (process-wide settings such as
    /// `registerMessageType`).
    const GLOBAL: bool = false;
    /// What it returns.
    type Output: Serialize + TS;
    /// Runs the operation on `client`.
    fn run(self, client: &ImClient) -> ImResult<Self::Output>;
}

/// An operation's answer still to come: its result as JSON.
pub type Pending = Pin<Box<dyn Future<Output = ImResult<String>> + Send>>;

/// The outcome of [`ImClient::call`]: answered at once, or to be awaited (on any executor).
pub enum Outcome {
    /// The result (or error) is known now: a synchronous method, or a call refused before it ran.
    Done(ImResult<String>),
    /// The result of an asynchronous method, JSON, once awaited.
    Pending(Pending),
}

/// The parameters of a call: JSON text (C, Python) or an already parsed value (Node).
pub enum Params<'a> {
    /// A JSON object as text; empty or `null` for a method without parameters.
    Json(&'a str),
    /// A JSON object as a value; `Null` for a method without parameters.
    Value(serde_json::Value),
}

impl Params<'_> {
    /// The request of `method`, or 33003 naming what is wrong with the parameters.
    fn parse<T: DeserializeOwned>(self, method: &str) -> ImResult<T> {
        let invalid = |e: serde_json::Error| ImError::invalid(format!("{method}: {e}"));
        match self {
            Params::Json(text) if text.trim().is_empty() || text.trim() == "null" => {
                serde_json::from_str("{}").map_err(invalid)
            }
            Params::Json(text) => serde_json::from_str(text).map_err(invalid),
            Params::Value(serde_json::Value::Null) => serde_json::from_str("{}").map_err(invalid),
            Params::Value(value) => serde_json::from_value(value).map_err(invalid),
        }
    }
}

/// How a method runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Kind {
    /// Answers later (a completion, a Promise).
    Async,
    /// Answers at once, on an initialised client.
    Sync,
    /// Answers at once, with or without `init` (process-wide).
    Global,
}

/// How a method's entry runs it.
enum Runner {
    /// Parses, checks and starts an asynchronous operation.
    Async(fn(&ImClient, Params<'_>) -> Outcome),
    /// Runs a synchronous operation to its end.
    Sync(fn(&ImClient, Params<'_>) -> ImResult<String>),
}

/// One entry of the method table.
pub struct Method {
    /// The method name.
    pub name: &'static str,
    /// How it runs.
    pub kind: Kind,
    run: Runner,
    describe: fn(&ts_rs::Config) -> describe::MethodInfo,
    types: fn(&mut describe::Declarations<'_>),
}

/// The JSON text of an operation's output.
fn to_json<T: Serialize>(value: &T) -> ImResult<String> {
    serde_json::to_string(value).map_err(|e| {
        ImError::new(
            code::UNKNOWN,
            format!("result could not be serialised: {e}"),
        )
    })
}

fn run_async<T: Operation>(client: &ImClient, params: Params<'_>) -> Outcome {
    let request = client
        .ensure_initialized()
        .and_then(|()| params.parse::<T>(T::METHOD));
    match request {
        Ok(request) => {
            let running = request.run(client.clone());
            Outcome::Pending(Box::pin(async move { T::answer(&running.await?) }))
        }
        Err(e) => Outcome::Done(Err(e)),
    }
}

fn run_sync<T: SyncOperation>(client: &ImClient, params: Params<'_>) -> ImResult<String> {
    if !T::GLOBAL {
        client.ensure_initialized()?;
    }
    let request = params.parse::<T>(T::METHOD)?;
    to_json(&request.run(client)?)
}

/// The table entry of an asynchronous operation.
const fn asynchronous<T: Operation>() -> Method {
    Method {
        name: T::METHOD,
        kind: Kind::Async,
        run: Runner::Async(run_async::<T>),
        describe: describe::method::<T, T::Output>,
        types: describe::types::<T, T::Output>,
    }
}

/// The table entry of a synchronous operation.
const fn synchronous<T: SyncOperation>() -> Method {
    Method {
        name: T::METHOD,
        kind: if T::GLOBAL { Kind::Global } else { Kind::Sync },
        run: Runner::Sync(run_sync::<T>),
        describe: describe::method::<T, T::Output>,
        types: describe::types::<T, T::Output>,
    }
}

use crate::client::conversations as conv;
use crate::client::drafts as draft;
use crate::client::local_messages as local;
use crate::client::search;
use crate::client::{connection as conn, messages as msg};
use crate::client::{conversation_sync, deletions, history};

/// Every operation, in the order the shells and the reference list them.
pub static METHODS: &[Method] = &[
    asynchronous::<conn::Connect>(),
    asynchronous::<conn::Reconnect>(),
    synchronous::<conn::Disconnect>(),
    synchronous::<conn::Logout>(),
    synchronous::<conn::GetConnectionStatus>(),
    synchronous::<conn::GetCurrentConnectionStatus>(),
    synchronous::<conn::GetCurrentUserId>(),
    synchronous::<msg::RegisterMessageType>(),
    asynchronous::<msg::SendMessage>(),
    asynchronous::<msg::ResendMessage>(),
    asynchronous::<history::GetHistoryMessages>(),
    asynchronous::<local::GetMessage>(),
    asynchronous::<local::InsertMessage>(),
    asynchronous::<local::InsertMessages>(),
    asynchronous::<local::SetMessageContent>(),
    asynchronous::<local::SetMessageReceivedStatus>(),
    asynchronous::<local::SetMessageSentStatus>(),
    asynchronous::<deletions::DeleteMessages>(),
    asynchronous::<deletions::ClearHistoryMessages>(),
    asynchronous::<conv::GetConversationList>(),
    asynchronous::<conv::GetConversation>(),
    asynchronous::<conv::RemoveConversation>(),
    asynchronous::<conv::ClearConversations>(),
    asynchronous::<conv::SetConversationStatus>(),
    asynchronous::<conv::GetTotalUnreadCount>(),
    asynchronous::<conv::GetUnreadCount>(),
    asynchronous::<conv::GetConversationUnreadCount>(),
    asynchronous::<conv::ClearUnreadCount>(),
    asynchronous::<conv::ClearAllUnreadCount>(),
    asynchronous::<conv::ClearTotalUnreadCount>(),
    asynchronous::<draft::SaveTextMessageDraft>(),
    asynchronous::<draft::GetTextMessageDraft>(),
    asynchronous::<draft::ClearTextMessageDraft>(),
    asynchronous::<draft::GetTextMessageDrafts>(),
    asynchronous::<history::GetRemoteHistoryMessages>(),
    asynchronous::<conversation_sync::GetRemoteConversationList>(),
    asynchronous::<deletions::DeleteRemoteMessages>(),
    asynchronous::<deletions::ClearRemoteHistoryMessages>(),
    asynchronous::<search::SearchConversationByContent>(),
    asynchronous::<search::SearchMessages>(),
];

static BY_NAME: LazyLock<HashMap<&'static str, &'static Method>> =
    LazyLock::new(|| METHODS.iter().map(|m| (m.name, m)).collect());

/// The table entry of `name`.
pub fn method(name: &str) -> Option<&'static Method> {
    BY_NAME.get(name).copied()
}

fn unknown(method: &str) -> ImError {
    ImError::invalid(format!("unknown method {method:?}"))
}

impl ImClient {
    /// Runs the operation `method` with `params` (a JSON object of its named fields): the one
    /// entry point every shell forwards to. Unknown methods and malformed parameters are 33003,
    /// any method but a global one on a client that was not initialised 33001.
    pub fn call(&self, method: &str, params: Params<'_>) -> Outcome {
        match self::method(method).map(|entry| &entry.run) {
            Some(Runner::Async(run)) => run(self, params),
            Some(Runner::Sync(run)) => Outcome::Done(run(self, params)),
            None => Outcome::Done(Err(unknown(method))),
        }
    }

    /// [`ImClient::call`] for a synchronous method, answered on the calling thread; an
    /// asynchronous method is refused with 33003.
    pub fn call_sync(&self, method: &str, params: Params<'_>) -> ImResult<String> {
        match self::method(method).map(|entry| &entry.run) {
            Some(Runner::Sync(run)) => run(self, params),
            Some(Runner::Async(_)) => Err(ImError::invalid(format!(
                "{method} is asynchronous: call it with a completion"
            ))),
            None => Err(unknown(method)),
        }
    }

    /// Runs `request` (the typed form of [`ImClient::call`]).
    pub async fn run<T: Operation>(&self, request: T) -> ImResult<T::Output> {
        request.run(self.clone()).await
    }
}

#[cfg(test)]
mod tests;
