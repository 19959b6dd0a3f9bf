//! Groups: membership periods, the group log (each message once, under the group's own
//! sequence), pulling a member's view of it, and a member's group heads.

use improto::{GroupHead, GroupHeads};
use rusqlite::{Connection, OptionalExtension, params};

use super::message_view::read_message;
use super::messages::{Inserted, insert_message};
use super::page::{page_of, rows_for};
use super::{SqliteStore, StoreError, WriteTx};
use crate::clock::now_ms;
use crate::store::{
    GroupChange, GroupHook, GroupPulled, GroupState, NewEntries, NewMessage, SendOutcome,
};

/// Ended membership periods kept per member and group (older ones go at the next join).
const KEPT_ENDED_PERIODS: i64 = 3;

/// SQL: the log entry `l` (of group `?2`, app `?1`), message `m`, is one user `?3` may see:
/// inside one of their membership periods, not directed to others, not deleted or cleared by
/// them.
macro_rules! visible_to_member_sql {
    () => {
        "EXISTS (SELECT 1 FROM group_members p WHERE p.app_key = ?1 AND p.group_id = ?2 \
           AND p.user_id = ?3 AND p.from_seq < l.seq AND (p.to_seq IS NULL OR l.seq <= p.to_seq)) \
         AND (l.directed = 0 OR EXISTS (SELECT 1 FROM group_directed d \
           WHERE d.message_uid = l.message_uid AND d.user_id = ?3)) \
         AND NOT EXISTS (SELECT 1 FROM deleted_messages x WHERE x.app_key = ?1 \
           AND x.user_id = ?3 AND x.message_uid = m.message_uid) \
         AND m.sent_time > coalesce((SELECT cleared_through FROM cleared_conversations \
           WHERE app_key = ?1 AND user_id = ?3 AND conversation_type = 3 AND target_id = ?2), \
           -9223372036854775808)"
    };
}
pub(super) use visible_to_member_sql;

/// Converts a protocol sequence number to SQLite's integer, saturating.
fn sql_seq(seq: u64) -> i64 {
    i64::try_from(seq).unwrap_or(i64::MAX)
}

impl SqliteStore {
    /// Applies `change` (see [`GroupChange`]); `after_commit` runs right after the commit, in
    /// commit order, with the states of the groups touched.
    pub(super) fn change_group(
        &self,
        app_key: String,
        change: GroupChange,
        after_commit: GroupHook,
    ) -> impl Future<Output = Result<Vec<GroupState>, StoreError>> + Send + use<> {
        self.writer.submit(
            move |tx| apply(tx.conn, &app_key, change),
            move |states: &Vec<GroupState>| after_commit(states),
        )
    }

    /// The group's state, if it ever existed.
    pub(super) async fn group_state(
        &self,
        app_key: String,
        group_id: String,
    ) -> Result<Option<GroupState>, StoreError> {
        self.read(move |conn| state(conn, &app_key, &group_id))
            .await
    }

    /// The user's current groups, by id, as `(id, name)`.
    pub(super) async fn user_groups(
        &self,
        app_key: String,
        user_id: String,
    ) -> Result<Vec<(String, String)>, StoreError> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT g.group_id, g.name FROM group_members p \
                 JOIN groups g ON g.app_key = p.app_key AND g.group_id = p.group_id \
                 WHERE p.app_key = ?1 AND p.user_id = ?2 AND p.to_seq IS NULL \
                 ORDER BY p.group_id",
            )?;
            let rows = stmt.query_map(params![app_key, user_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }

    /// Stores a group message once (see [`Storage::send_group_message_then`](crate::store::Storage::send_group_message_then)),
    /// at once on this thread if the writer is idle.
    pub(super) fn send_group_message_then<C>(
        &self,
        message: NewMessage,
        directed: Vec<String>,
        complete: C,
    ) where
        C: FnOnce(Result<SendOutcome, StoreError>) + Send + 'static,
    {
        self.writer.submit_eager(
            move |tx| store_group_message(tx, message, directed),
            complete,
        );
    }

    /// A page of the group's log as `user_id` may see it, or `None` for a non-member.
    pub(super) async fn pull_group(
        &self,
        app_key: String,
        user_id: String,
        group_id: String,
        after_seq: u64,
        limit: usize,
    ) -> Result<Option<GroupPulled>, StoreError> {
        self.read(move |conn| pull(conn, &app_key, &user_id, &group_id, after_seq, limit))
            .await
    }

    /// The user's readable groups after `after_group_id`, with their heads.
    pub(super) async fn group_heads(
        &self,
        app_key: String,
        user_id: String,
        after_group_id: String,
        limit: usize,
    ) -> Result<GroupHeads, StoreError> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT p.group_id, min(g.last_seq, max(coalesce(p.to_seq, g.last_seq))) \
                 FROM group_members p \
                 JOIN groups g ON g.app_key = p.app_key AND g.group_id = p.group_id \
                 WHERE p.app_key = ?1 AND p.user_id = ?2 AND p.group_id > ?3 \
                 GROUP BY p.group_id ORDER BY p.group_id LIMIT ?4",
            )?;
            let rows = stmt.query_map(
                params![app_key, user_id, after_group_id, rows_for(limit)],
                |r| {
                    Ok(GroupHead {
                        group_id: r.get(0)?,
                        head_seq: r.get::<_, i64>(1)?.max(0) as u64,
                    })
                },
            )?;
            let (heads, has_more) = page_of(rows, limit)?;
            Ok(GroupHeads { heads, has_more })
        })
        .await
    }
}

/// Applies `change` in the open transaction; the states of the groups it touched.
fn apply(
    conn: &Connection,
    app_key: &str,
    change: GroupChange,
) -> Result<Vec<GroupState>, StoreError> {
    let touched = match change {
        GroupChange::Join {
            group_id,
            name,
            user_ids,
            max_members,
        } => {
            join(conn, app_key, &group_id, &name, &user_ids, max_members)?;
            vec![group_id]
        }
        GroupChange::Quit { group_id, user_ids } => {
            for user_id in &user_ids {
                quit(conn, app_key, &group_id, user_id)?;
            }
            vec![group_id]
        }
        GroupChange::Dismiss { group_id } => {
            conn.prepare_cached(
                "UPDATE group_members SET to_seq = (SELECT last_seq FROM groups \
                   WHERE app_key = ?1 AND group_id = ?2) \
                 WHERE app_key = ?1 AND group_id = ?2 AND to_seq IS NULL",
            )?
            .execute(params![app_key, group_id])?;
            conn.prepare_cached(
                "UPDATE groups SET dismissed_at = ?3 WHERE app_key = ?1 AND group_id = ?2",
            )?
            .execute(params![app_key, group_id, now_ms()])?;
            vec![group_id]
        }
        GroupChange::Rename { group_id, name } => {
            conn.prepare_cached(
                "UPDATE groups SET name = ?3 WHERE app_key = ?1 AND group_id = ?2",
            )?
            .execute(params![app_key, group_id, name])?;
            vec![group_id]
        }
        GroupChange::Sync {
            user_id,
            groups,
            max_members,
        } => {
            let current: Vec<String> = conn
                .prepare_cached(
                    "SELECT group_id FROM group_members \
                     WHERE app_key = ?1 AND user_id = ?2 AND to_seq IS NULL",
                )?
                .query_map(params![app_key, user_id], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let mut touched = Vec::new();
            for group_id in current
                .iter()
                .filter(|g| !groups.iter().any(|(id, _)| id == *g))
            {
                quit(conn, app_key, group_id, &user_id)?;
                touched.push(group_id.clone());
            }
            for (group_id, name) in groups {
                join(
                    conn,
                    app_key,
                    &group_id,
                    &name,
                    std::slice::from_ref(&user_id),
                    max_members,
                )?;
                touched.push(group_id);
            }
            touched
        }
    };
    let mut states = Vec::with_capacity(touched.len());
    for group_id in touched {
        states.extend(state(conn, app_key, &group_id)?);
    }
    Ok(states)
}

/// Creates the group (or revives a dismissed one) under `name` if need be, then opens a
/// membership period for each of `user_ids` not a member yet; refused past `max_members`.
fn join(
    conn: &Connection,
    app_key: &str,
    group_id: &str,
    name: &str,
    user_ids: &[String],
    max_members: usize,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO groups (app_key, group_id, name, created_at) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (app_key, group_id) DO UPDATE SET name = excluded.name, dismissed_at = NULL \
           WHERE dismissed_at IS NOT NULL",
    )?
    .execute(params![app_key, group_id, name, now_ms()])?;
    let members: i64 = conn
        .prepare_cached(
            "SELECT count(*) FROM group_members \
             WHERE app_key = ?1 AND group_id = ?2 AND to_seq IS NULL",
        )?
        .query_row(params![app_key, group_id], |r| r.get(0))?;
    let mut is_member = conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM group_members WHERE app_key = ?1 AND group_id = ?2 \
           AND user_id = ?3 AND to_seq IS NULL)",
    )?;
    let mut joining = Vec::new();
    for user_id in user_ids {
        if !is_member.query_row(params![app_key, group_id, user_id], |r| r.get::<_, bool>(0))? {
            joining.push(user_id);
        }
    }
    if members as usize + joining.len() > max_members {
        return Err(StoreError::QuotaExceeded("group members"));
    }
    // A rejoin before any new message reopens the period that just ended.
    let mut open = conn.prepare_cached(
        "INSERT INTO group_members (app_key, group_id, user_id, from_seq, joined_at) \
         SELECT ?1, ?2, ?3, last_seq, ?4 FROM groups WHERE app_key = ?1 AND group_id = ?2 \
         ON CONFLICT (app_key, group_id, user_id, from_seq) DO UPDATE SET to_seq = NULL",
    )?;
    let mut prune = conn.prepare_cached(
        "DELETE FROM group_members WHERE app_key = ?1 AND group_id = ?2 AND user_id = ?3 \
         AND to_seq IS NOT NULL AND from_seq < (SELECT from_seq FROM group_members \
           WHERE app_key = ?1 AND group_id = ?2 AND user_id = ?3 AND to_seq IS NOT NULL \
           ORDER BY from_seq DESC LIMIT 1 OFFSET ?4)",
    )?;
    let now = now_ms();
    for user_id in joining {
        open.execute(params![app_key, group_id, user_id, now])?;
        prune.execute(params![app_key, group_id, user_id, KEPT_ENDED_PERIODS - 1])?;
    }
    Ok(())
}

/// Ends the current membership period of `user_id` (if any) at the group's last sequence.
fn quit(conn: &Connection, app_key: &str, group_id: &str, user_id: &str) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE group_members SET to_seq = (SELECT last_seq FROM groups \
           WHERE app_key = ?1 AND group_id = ?2) \
         WHERE app_key = ?1 AND group_id = ?2 AND user_id = ?3 AND to_seq IS NULL",
    )?
    .execute(params![app_key, group_id, user_id])?;
    Ok(())
}

/// The group's state, if it exists.
fn state(
    conn: &Connection,
    app_key: &str,
    group_id: &str,
) -> Result<Option<GroupState>, StoreError> {
    let group: Option<(String, bool)> = conn
        .prepare_cached(
            "SELECT name, dismissed_at IS NOT NULL FROM groups \
             WHERE app_key = ?1 AND group_id = ?2",
        )?
        .query_row(params![app_key, group_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((name, dismissed)) = group else {
        return Ok(None);
    };
    let members = conn
        .prepare_cached(
            "SELECT user_id FROM group_members \
             WHERE app_key = ?1 AND group_id = ?2 AND to_seq IS NULL ORDER BY user_id",
        )?
        .query_map(params![app_key, group_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(Some(GroupState {
        group_id: group_id.to_owned(),
        name,
        dismissed,
        members,
    }))
}

/// The job body of [`SqliteStore::send_group_message_then`]: the message row, the group's next
/// sequence and its log entry, and for a directed message who may see it.
fn store_group_message(
    tx: &mut WriteTx<'_>,
    mut m: NewMessage,
    directed: Vec<String>,
) -> Result<SendOutcome, StoreError> {
    let stored = match insert_message(tx, &mut m)? {
        Inserted::New(stored) => *stored,
        Inserted::Duplicate(first) => return Ok(first),
    };
    let seq: i64 = tx
        .conn
        .prepare_cached(
            "UPDATE groups SET last_seq = last_seq + 1 WHERE app_key = ?1 AND group_id = ?2 \
             RETURNING last_seq",
        )?
        .query_row(params![m.app_key, m.target_id], |r| r.get(0))?;
    tx.conn
        .prepare_cached(
            "INSERT INTO group_log (app_key, group_id, seq, message_uid, directed) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            m.app_key,
            m.target_id,
            seq,
            stored.message_uid,
            !directed.is_empty()
        ])?;
    if !directed.is_empty() {
        let mut addressee = tx.conn.prepare_cached(
            "INSERT OR IGNORE INTO group_directed (message_uid, user_id) VALUES (?1, ?2)",
        )?;
        for user_id in directed.iter().chain(std::iter::once(&m.sender_id)) {
            addressee.execute(params![stored.message_uid, user_id])?;
        }
    }
    Ok(SendOutcome::Stored(Box::new(NewEntries {
        recipients: Vec::new(),
        own_entry: improto::InboxMessage {
            seq: seq as u64,
            ..stored
        },
    })))
}

/// A page of the group's log for `user_id` (see [`SqliteStore::pull_group`]).
fn pull(
    conn: &Connection,
    app_key: &str,
    user_id: &str,
    group_id: &str,
    after_seq: u64,
    limit: usize,
) -> Result<Option<GroupPulled>, StoreError> {
    let periods: Vec<(i64, Option<i64>)> = conn
        .prepare_cached(
            "SELECT from_seq, to_seq FROM group_members \
             WHERE app_key = ?1 AND group_id = ?2 AND user_id = ?3 ORDER BY from_seq",
        )?
        .query_map(params![app_key, group_id, user_id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .collect::<Result<_, _>>()?;
    let Some(&(first_from, _)) = periods.first() else {
        return Ok(None);
    };
    let last_seq: i64 = conn
        .prepare_cached("SELECT last_seq FROM groups WHERE app_key = ?1 AND group_id = ?2")?
        .query_row(params![app_key, group_id], |r| r.get(0))?;
    let head = periods
        .iter()
        .map(|(_, to)| to.unwrap_or(last_seq))
        .max()
        .unwrap_or(0)
        .min(last_seq);
    let after = sql_seq(after_seq).max(first_from);
    let mut stmt = conn.prepare_cached(concat!(
        "SELECT l.seq, ",
        message_columns_sql!(),
        " FROM group_log l CROSS JOIN messages m ON m.message_uid = l.message_uid \
         WHERE l.app_key = ?1 AND l.group_id = ?2 AND l.seq > ?4 AND l.seq <= ?5 AND ",
        visible_to_member_sql!(),
        " ORDER BY l.seq LIMIT ?6"
    ))?;
    let rows = stmt.query_map(
        params![app_key, group_id, user_id, after, head, rows_for(limit)],
        |row| read_message(row, 1, user_id, row.get::<_, i64>(0)? as u64),
    )?;
    let (messages, has_more) = page_of(rows, limit)?;
    let through_seq = match messages.last() {
        Some(last) if has_more => last.seq,
        _ => head.max(0) as u64,
    };
    Ok(Some(GroupPulled {
        messages,
        has_more,
        through_seq,
    }))
}
