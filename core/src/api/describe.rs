//! What the shells are generated from: the method table with each method's parameters and
//! result, and the TypeScript declarations of every type they carry (derived with `ts-rs` from
//! the Rust types themselves, so they cannot drift).
//!
//! Three renderings are committed and checked fresh by `core/tests/generated.rs`: the method
//! list (JSON, read at run time by the Node and Python shells), the TypeScript declarations of
//! the Node package, and the method reference (Markdown) that `include/imcore.h` links to.

use super::{Kind, METHODS, fields};
use crate::conversation::ConversationStatus;
use crate::events::Event;
use crate::options::InitOptions;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::any::TypeId;
use std::collections::{HashMap, HashSet};
use ts_rs::{Config, TS, TypeVisitor};

/// One method as the shells see it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MethodInfo {
    /// The method name.
    pub name: &'static str,
    /// How it runs.
    pub kind: Kind,
    /// Its parameters in declaration order (the positional order of idiomatic wrappers).
    pub params: Vec<Param>,
    /// TypeScript name of its request type.
    #[serde(skip)]
    pub params_type: String,
    /// TypeScript name of its result.
    #[serde(skip)]
    pub result_type: String,
    /// The request type's documentation (what it does, which codes it fails with).
    #[serde(skip)]
    pub doc: String,
}

/// One parameter of a method.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Param {
    /// Its JSON name.
    pub name: &'static str,
    /// Whether it may be left out.
    pub optional: bool,
}

/// The configuration every rendering uses: 64-bit integers are JS numbers.
fn config() -> Config {
    Config::new().with_large_int("number")
}

/// The description of the operation `T` answering with `R`.
pub(super) fn method<T, R>(cfg: &Config) -> MethodInfo
where
    T: DeserializeOwned + TS + 'static,
    R: TS + 'static,
{
    let inline = T::inline(cfg);
    let params = fields::of::<T>()
        .iter()
        .map(|&name| Param {
            name,
            optional: declares_optional(&inline, name),
        })
        .collect();
    MethodInfo {
        name: "",
        kind: Kind::Async,
        params,
        params_type: T::name(cfg),
        result_type: R::name(cfg),
        doc: T::docs().map(|d| plain_doc(&d)).unwrap_or_default(),
    }
}

/// Whether the inline TypeScript object type `inline` declares `name` as optional (`name?:`).
fn declares_optional(inline: &str, name: &str) -> bool {
    let marker = format!("{name}?:");
    inline.match_indices(&marker).any(|(at, _)| {
        !inline[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

/// Every method, described.
pub fn methods() -> Vec<MethodInfo> {
    let cfg = config();
    METHODS
        .iter()
        .map(|m| MethodInfo {
            name: m.name,
            kind: m.kind,
            ..(m.describe)(&cfg)
        })
        .collect()
}

/// The method list as JSON: `[{"name":"connect","kind":"async","params":[{"name":"token",
/// "optional":false}]}, …]`.
pub fn methods_json() -> String {
    let mut json = serde_json::to_string_pretty(&methods()).expect("method list serialises");
    json.push('\n');
    json
}

/// Adds the declarations of an operation's request `T` and result `R`.
pub(super) fn types<T: TS + 'static, R: TS + 'static>(all: &mut Declarations<'_>) {
    all.add::<T>();
    all.add::<R>();
}

/// Collects the declarations of a type and of everything it refers to, once each, depth first
/// with each type's dependencies in name order (the derive's own order varies between builds).
pub(super) struct Declarations<'a> {
    cfg: &'a Config,
    seen: HashSet<TypeId>,
    /// Each declared name with its declaration: two types of one name must declare the same.
    names: HashMap<String, String>,
    out: Vec<String>,
}

/// Declares one type (and what it refers to) into a collection.
type Declare = fn(&mut Declarations<'_>);

/// Collects the direct dependencies of one type: their names and how to declare each.
struct Dependencies<'a> {
    cfg: &'a Config,
    found: Vec<(String, Declare)>,
}

impl TypeVisitor for Dependencies<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if T::output_path().is_some() {
            self.found.push((T::ident(self.cfg), declare::<T>));
        }
    }
}

/// Declares `T` unless already declared, then its dependencies. Two Rust types declaring one
/// TypeScript name (e.g. `serde_json::Value`'s `JsonValue` through two paths) are declared
/// once; a panic if their declarations differ, which TypeScript would refuse.
fn declare<T: TS + 'static + ?Sized>(all: &mut Declarations<'_>) {
    if T::output_path().is_none() || !all.seen.insert(TypeId::of::<T>()) {
        return;
    }
    let mut decl = T::docs().unwrap_or_default();
    decl.push_str("export ");
    decl.push_str(&T::decl(all.cfg));
    match all.names.get(&T::ident(all.cfg)) {
        Some(earlier) if *earlier == decl => {}
        Some(earlier) => panic!(
            "two types declare {}:\n{earlier}\n{decl}",
            T::ident(all.cfg)
        ),
        None => {
            all.names.insert(T::ident(all.cfg), decl.clone());
            all.out.push(decl);
        }
    }
    all.add_dependencies::<T>();
}

impl Declarations<'_> {
    /// Declares the dependencies of `T`, in name order; those of a wrapper (`Vec<T>`,
    /// `Option<T>`) include its type arguments.
    fn add_dependencies<T: TS + 'static + ?Sized>(&mut self) {
        let mut deps = Dependencies {
            cfg: self.cfg,
            found: Vec::new(),
        };
        T::visit_dependencies(&mut deps);
        T::visit_generics(&mut deps);
        deps.found.sort_by(|a, b| a.0.cmp(&b.0));
        for (_, declare) in deps.found {
            declare(self);
        }
    }

    fn add<T: TS + 'static + ?Sized>(&mut self) {
        declare::<T>(self);
        self.add_dependencies::<T>();
    }
}

/// The declarations of every request, result, event and option type.
fn declarations(cfg: &Config) -> Vec<String> {
    let mut all = Declarations {
        cfg,
        seen: HashSet::new(),
        names: HashMap::new(),
        out: Vec::new(),
    };
    all.add::<InitOptions>();
    all.add::<Event>();
    all.add::<ConversationStatus>();
    all.add::<crate::error::ImErrorInfo>();
    for m in METHODS {
        (m.types)(&mut all);
    }
    all.out
}

/// A JSDoc comment from `/** … */` text as plain lines.
fn plain_doc(jsdoc: &str) -> String {
    jsdoc
        .lines()
        .map(|l| {
            l.trim()
                .trim_start_matches("/**")
                .trim_end_matches("*/")
                .trim_start_matches('*')
                .trim()
        })
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// `text` as a JSDoc comment indented by `indent`.
fn jsdoc(text: &str, indent: &str) -> String {
    let mut out = format!("{indent}/**\n");
    for line in text.lines() {
        out.push_str(&format!("{indent} * {line}\n"));
    }
    out.push_str(&format!("{indent} */\n"));
    out
}

/// The header of every generated file.
fn generated_note(comment: (&str, &str)) -> String {
    format!(
        "{} Generated from imcore's request and response types. Do not edit: run `IMCORE_BLESS=1 cargo test -p imcore --test generated`. {}\n",
        comment.0, comment.1
    )
}

/// The TypeScript declarations of the Node package: every type, and the `ImClient` class
/// whose methods take the parameters positionally, in declaration order.
pub fn typescript() -> String {
    let cfg = config();
    let mut out = generated_note(("/*", "*/"));
    out.push_str("/* eslint-disable */\n\n");
    for decl in declarations(&cfg) {
        out.push_str(&decl);
        out.push_str("\n\n");
    }
    out.push_str(CLIENT_HEADER);
    for m in methods() {
        out.push_str(&jsdoc(&m.doc, "  "));
        let optional_from = m
            .params
            .iter()
            .rposition(|p| !p.optional)
            .map_or(0, |required| required + 1);
        let args: Vec<String> = m
            .params
            .iter()
            .enumerate()
            .map(|(i, p)| {
                // Only a trailing run of optional parameters may be left out; an optional one
                // before a required one takes `undefined` or `null` in its place.
                let mark = if p.optional && optional_from <= i {
                    "?"
                } else {
                    ""
                };
                format!("{}{mark}: {}['{}']", p.name, m.params_type, p.name)
            })
            .collect();
        let result = match m.kind {
            Kind::Async => format!("Promise<{}>", m.result_type),
            Kind::Sync | Kind::Global => m.result_type.clone(),
        };
        let prefix = if m.kind == Kind::Global {
            "static "
        } else {
            ""
        };
        out.push_str(&format!(
            "  {prefix}{}({}): {result}\n",
            m.name,
            args.join(", ")
        ));
    }
    out.push_str("}\n");
    out.push_str(RONGIMLIB_EXPORT);
    out
}

/// The `RongIMLib` export of the Node package (its JavaScript; declared in rongimlib.d.ts).
const RONGIMLIB_EXPORT: &str = "
/** The seed's RongIMLib 2.x API over `ImClient` (`require('imcore/rongimlib')`), loaded on first use. */
export declare const RongIMLib: typeof import('./rongimlib');
";

/// The lifecycle part of the `ImClient` declaration (written in JavaScript, not a core method).
const CLIENT_HEADER: &str = "/**
 * An IM client. Create it, `init` it once, set a listener, then `connect`.
 *
 * Every method forwards to the engine's `call(method, params)`; errors thrown or rejected are
 * `Error`s with a numeric `code` (the seed's status code) and, for a failed send,
 * `failedMessage`.
 */
export declare class ImClient {
  /** A client that is not initialised yet. */
  constructor()
  /** Initialises the client (synchronous, no I/O); allowed once until `destroy()`. */
  init(appKey: string, options: InitOptions): void
  /**
   * Sets the event listener, replacing the previous one; `null` removes it. It does not keep
   * Node alive by itself; it does while a connection is wanted.
   */
  setListener(callback: ((event: ImEvent) => void) | null): void
  /**
   * Disconnects, stops the event thread, releases the listener and the engine. Pending
   * Promises are rejected (never left pending); no listener call happens after this returns.
   * The client may be `init`ed again.
   */
  destroy(): void
  /** Runs any method by name with its parameters as one object (what every method uses). */
  call(method: string, params?: object): Promise<unknown>
";

/// The method reference in Markdown: each method's parameters, result and codes, then every
/// type, then the status codes.
pub fn markdown() -> String {
    let cfg = config();
    let mut out = generated_note(("<!--", "-->"));
    out.push_str(MARKDOWN_INTRO);
    for m in methods() {
        let kind = match m.kind {
            Kind::Async => "asynchronous",
            Kind::Sync => "synchronous",
            Kind::Global => "synchronous, process-wide (no `init` needed)",
        };
        out.push_str(&format!("### `{}`\n\n{}\n\n", m.name, m.doc));
        out.push_str(&format!(
            "- runs: {kind}\n- params: [`{}`](#{}) — `{{{}}}`\n- result: `{}`\n\n",
            m.params_type,
            m.params_type.to_lowercase(),
            m.params
                .iter()
                .map(|p| format!("{}{}", p.name, if p.optional { "?" } else { "" }))
                .collect::<Vec<_>>()
                .join(", "),
            m.result_type,
        ));
    }
    out.push_str("## Types\n\n");
    for decl in declarations(&cfg) {
        let name = decl
            .split("export type ")
            .nth(1)
            .and_then(|rest| rest.split([' ', '<']).next())
            .unwrap_or("");
        out.push_str(&format!("### {name}\n\n```ts\n{decl}\n```\n\n"));
    }
    out.push_str("## Status codes\n\n| code | meaning |\n|---|---|\n");
    for (value, meaning) in improto::codes::ALL {
        out.push_str(&format!("| {value} | {meaning} |\n"));
    }
    out
}

const MARKDOWN_INTRO: &str = "# imcore methods

Every operation of the engine, as `imcore_call(client, method, params_json, callback,
user_data)` (C), `client.call(method, params)` or the `ImClient` method of the same name (Node),
and the Python package's method of the same name in snake_case all reach it. `params` is a JSON
object of the named fields below (`?` marks optional ones); the result is JSON of the type
named. A failure carries a status code (table at the end) and a message.

## Methods

";
