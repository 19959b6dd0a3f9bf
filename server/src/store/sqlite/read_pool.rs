//! A small pool of read-only connections used from blocking tasks.

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rusqlite::{Connection, OpenFlags};

use super::StoreError;

/// Read-only connections, taken round-robin; WAL lets them read while the writer writes.
pub struct ReadPool {
    conns: Vec<Mutex<Connection>>,
    next: AtomicUsize,
}

impl ReadPool {
    /// Opens `size` read-only connections to the database at `path`.
    pub fn open(path: &Path, size: usize) -> Result<Self, StoreError> {
        let conns = (0..size.max(1))
            .map(|_| {
                let conn = Connection::open_with_flags(
                    path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                conn.busy_timeout(std::time::Duration::from_secs(5))?;
                conn.set_prepared_statement_cache_capacity(super::schema::STATEMENT_CACHE);
                Ok(Mutex::new(conn))
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(ReadPool {
            conns,
            next: AtomicUsize::new(0),
        })
    }

    /// Runs `read` on one of the connections (call from a blocking context).
    pub fn with<T>(
        &self,
        read: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let index = self.next.fetch_add(1, Ordering::Relaxed) % self.conns.len();
        let conn = match self.conns[index].lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        read(&conn)
    }
}
