//! Groups on the server: the in-memory [`directory`] of members, and [`send`]ing into a group
//! (checks, storing the message once, fan-out to the online members).

pub mod directory;
pub mod send;
