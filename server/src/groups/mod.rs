//! Groups: who may speak in them ([`mutes`]).

pub mod mutes;
