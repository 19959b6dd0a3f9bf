//! The inbox epoch: a number clients compare with the one they last saw, changed whenever the
//! store may have gone back in time, so that they pull their inbox again instead of skipping
//! reused sequence numbers as duplicates.
//!
//! It changes on the first start, when asked (`--new-epoch`: after restoring a backup), and, in
//! the fast durability mode, when the previous run did not shut down cleanly (a power loss
//! can then have lost acknowledged commits). In the full mode a crash loses no acknowledged
//! commit, so the epoch stays. The "running" mark is written durably before the store serves
//! anything, in either mode.

use rusqlite::{Connection, OptionalExtension};

use super::{OpenOptions, StoreError};
use crate::store::Durability;

const EPOCH: &str = "inbox_epoch";
const RUNNING: &str = "running";

/// The epoch to serve, marking the store as running.
pub(super) fn begin(conn: &Connection, options: OpenOptions) -> Result<u64, StoreError> {
    let stored: Option<u64> = read(conn, EPOCH)?;
    let unclean = read(conn, RUNNING)? == Some(1);
    let may_have_lost = unclean && options.durability == Durability::Fast;
    let force_new = options.new_epoch;
    let epoch = match stored {
        Some(epoch) if !force_new && !may_have_lost => epoch,
        _ => {
            let epoch = rand::random_range(1..=i64::MAX as u64);
            if stored.is_some() {
                tracing::warn!(
                    epoch,
                    reason = if force_new {
                        "asked"
                    } else {
                        "unclean shutdown"
                    },
                    "new inbox epoch: clients pull their inboxes again"
                );
            }
            epoch
        }
    };
    durably(conn, |conn| {
        write(conn, EPOCH, epoch)?;
        write(conn, RUNNING, 1)
    })?;
    Ok(epoch)
}

/// Marks a clean shutdown (after the last write).
pub(super) fn end(conn: &Connection) -> Result<(), StoreError> {
    durably(conn, |conn| write(conn, RUNNING, 0))
}

fn read(conn: &Connection, key: &str) -> Result<Option<u64>, StoreError> {
    let value: Option<i64> = conn
        .query_row("SELECT value FROM server_meta WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(value.map(|v| v as u64))
}

fn write(conn: &Connection, key: &str, value: u64) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO server_meta (key, value) VALUES (?1, ?2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        rusqlite::params![key, value as i64],
    )?;
    Ok(())
}

/// Runs `write` with `synchronous=FULL`, then restores the connection's mode.
fn durably(
    conn: &Connection,
    write: impl FnOnce(&Connection) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let mode: i64 = conn.pragma_query_value(None, "synchronous", |r| r.get(0))?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    let written = write(conn);
    conn.pragma_update(None, "synchronous", mode)?;
    written
}

#[cfg(test)]
mod tests {
    use super::super::SqliteStore;
    use super::*;
    use crate::store::Storage;

    fn open(dir: &std::path::Path, durability: Durability, new_epoch: bool) -> SqliteStore {
        let options = OpenOptions {
            durability,
            new_epoch,
        };
        SqliteStore::open_with(dir, options).unwrap()
    }

    #[test]
    fn a_clean_restart_keeps_the_epoch_and_a_restore_changes_it() {
        let dir = tempfile::tempdir().unwrap();
        let first = open(dir.path(), Durability::Fast, false);
        let epoch = first.inbox_epoch();
        assert_ne!(epoch, 0);
        first.shutdown();
        let second = open(dir.path(), Durability::Fast, false);
        assert_eq!(second.inbox_epoch(), epoch, "clean shutdown");
        second.shutdown();
        let restored = open(dir.path(), Durability::Full, true);
        assert_ne!(restored.inbox_epoch(), epoch, "--new-epoch");
    }

    #[test]
    fn an_unclean_stop_changes_the_epoch_only_where_commits_could_be_lost() {
        let dir = tempfile::tempdir().unwrap();
        let full = open(dir.path(), Durability::Full, false);
        let epoch = full.inbox_epoch();
        drop(full); // no shutdown: as after a crash
        let again = open(dir.path(), Durability::Full, false);
        assert_eq!(again.inbox_epoch(), epoch, "full durability loses nothing");
        drop(again);
        let fast = open(dir.path(), Durability::Fast, false);
        assert_ne!(
            fast.inbox_epoch(),
            epoch,
            "fast durability may have lost commits"
        );
    }
}
