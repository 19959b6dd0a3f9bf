//! The conversation list: one row per conversation, kept in step with `messages`, with its
//! unread and mention counters, pin and do-not-disturb status.

use super::messages::{COLUMN_COUNT, COLUMNS_OF_M, message_from_row};
use crate::conversation::{Conversation, ConversationStatus, ConversationStatusItem};
use crate::enums::{ConversationType, NotificationStatus};
use crate::error::ImResult;
use rusqlite::{Connection, OptionalExtension, Row, params};

/// A message that just entered a conversation.
pub(crate) struct Arrival<'a> {
    pub conversation_type: ConversationType,
    pub target_id: &'a str,
    pub message_id: i64,
    pub sent_time: i64,
    /// Counts as unread (a counted type from someone else).
    pub unread: bool,
    /// Mentions the current user.
    pub mentioned: bool,
    /// Brings a removed conversation back (new traffic does; history fetched later does not).
    pub reveal: bool,
}

/// Records `a` in its conversation (creating it): latest message if newest, counters.
pub(crate) fn record(conn: &Connection, a: &Arrival<'_>) -> ImResult<()> {
    conn.prepare_cached(
        "INSERT INTO conversations (conversation_type, target_id, latest_message_id, sent_time, \
         unread_count, mention_count, hidden) VALUES (?1, ?2, ?3, ?4, ?5, ?6, NOT ?7) \
         ON CONFLICT (conversation_type, target_id) DO UPDATE SET \
           latest_message_id = CASE WHEN latest_message_id IS NULL OR excluded.sent_time >= sent_time \
                               THEN excluded.latest_message_id ELSE latest_message_id END, \
           sent_time = max(sent_time, excluded.sent_time), \
           unread_count = unread_count + excluded.unread_count, \
           mention_count = mention_count + excluded.mention_count, \
           hidden = hidden AND NOT ?7",
    )?
    .execute(params![
        i32::from(a.conversation_type),
        a.target_id,
        a.message_id,
        a.sent_time,
        i64::from(a.unread),
        i64::from(a.mentioned),
        a.reveal,
    ])?;
    Ok(())
}

/// Points a conversation at its latest remaining message (after deletions); its list position
/// stays when none remains.
pub(crate) fn refresh_latest(
    conn: &Connection,
    kind: ConversationType,
    target_id: &str,
) -> ImResult<()> {
    conn.prepare_cached(
        "UPDATE conversations SET \
           latest_message_id = (SELECT message_id FROM messages \
               WHERE conversation_type = ?1 AND target_id = ?2 \
               ORDER BY sent_time DESC, message_id DESC LIMIT 1), \
           sent_time = coalesce((SELECT max(sent_time) FROM messages \
               WHERE conversation_type = ?1 AND target_id = ?2), sent_time) \
         WHERE conversation_type = ?1 AND target_id = ?2",
    )?
    .execute(params![i32::from(kind), target_id])?;
    Ok(())
}

/// SQL selecting conversations (`c`) with their latest message (`m`) and draft (`d`).
fn select_sql(condition: &str, tail: &str) -> String {
    select_from_sql("conversations c", "NULL", condition, tail)
}

/// [`select_sql`] over `source` (which must bind `c`), with `match_count` as the last column.
fn select_from_sql(source: &str, match_count: &str, condition: &str, tail: &str) -> String {
    format!(
        "SELECT {COLUMNS_OF_M}, c.conversation_type, c.target_id, c.sent_time, c.unread_count, \
         c.mention_count, c.is_top, c.notification_status, coalesce(d.draft, ''), {match_count} \
         FROM {source} \
         LEFT JOIN messages m ON m.message_id = c.latest_message_id \
         LEFT JOIN drafts d ON d.conversation_type = c.conversation_type AND d.target_id = c.target_id \
         WHERE {condition} {tail}"
    )
}

fn conversation_from_row(row: &Row<'_>) -> rusqlite::Result<Conversation> {
    // The conversation's columns follow the message's.
    const N: usize = COLUMN_COUNT;
    let latest = match row.get::<_, Option<i64>>(0)? {
        Some(_) => Some(message_from_row(row)?),
        None => None,
    };
    let conversion = |i: usize, e: crate::error::ImError| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Integer, Box::new(e))
    };
    let mention_count: i64 = row.get(N + 4)?;
    Ok(Conversation {
        conversation_type: ConversationType::try_from(row.get::<_, i32>(N)?)
            .map_err(|e| conversion(N, e))?,
        target_id: row.get(N + 1)?,
        latest_message_id: latest.as_ref().map(|m| m.message_id),
        object_name: latest
            .as_ref()
            .map(|m| m.object_name.clone())
            .unwrap_or_default(),
        sent_status: latest.as_ref().map(|m| m.sent_status),
        latest_message: latest,
        sent_time: row.get(N + 2)?,
        unread_message_count: row.get(N + 3)?,
        mentioned_count: mention_count,
        has_mentioned: mention_count > 0,
        is_top: row.get(N + 5)?,
        notification_status: NotificationStatus::try_from(row.get::<_, i32>(N + 6)?)
            .map_err(|e| conversion(N + 6, e))?,
        draft: row.get(N + 7)?,
        match_count: row.get(N + 8)?,
    })
}

/// `AND c.conversation_type IN (…)` for `types` (nothing for `None` = every type).
fn types_condition(column: &str, types: Option<&[ConversationType]>) -> String {
    match types {
        None => String::new(),
        Some(types) => {
            let list: Vec<String> = types.iter().map(|t| i32::from(*t).to_string()).collect();
            format!(" AND {column} IN ({})", list.join(","))
        }
    }
}

/// The visible conversations of `types` (`None` = all), pinned first, then latest first.
pub(crate) fn list(
    conn: &Connection,
    types: Option<&[ConversationType]>,
    count: usize,
) -> ImResult<Vec<Conversation>> {
    // A literal LIMIT: SQLite plans it better than a bound one (see `history::history`).
    let sql = select_sql(
        &format!(
            "c.hidden = 0{}",
            types_condition("c.conversation_type", types)
        ),
        &format!("ORDER BY c.is_top DESC, c.sent_time DESC LIMIT {count}"),
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([], conversation_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One conversation, also a removed one (`None` if it never existed).
pub(crate) fn get(
    conn: &Connection,
    kind: ConversationType,
    target_id: &str,
) -> ImResult<Option<Conversation>> {
    let sql = select_sql("c.conversation_type = ?1 AND c.target_id = ?2", "");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![i32::from(kind), target_id], conversation_from_row)
        .optional()?)
}

/// Removes a conversation from the list until a new message arrives (its messages stay, its
/// counters reset); false if it was not listed.
pub(crate) fn remove(conn: &Connection, kind: ConversationType, target_id: &str) -> ImResult<bool> {
    let changed = conn
        .prepare_cached(
            "UPDATE conversations SET hidden = 1, unread_count = 0, mention_count = 0 \
             WHERE conversation_type = ?1 AND target_id = ?2 AND hidden = 0",
        )?
        .execute(params![i32::from(kind), target_id])?;
    Ok(changed > 0)
}

/// Where the first offline pull stands now (0s when nothing is stored).
pub(crate) fn pull_mark(conn: &Connection) -> ImResult<PullMark> {
    Ok(conn
        .prepare_cached(
            "SELECT (SELECT coalesce(max(sent_time), 0) FROM conversations), \
                    (SELECT coalesce(max(message_id), 0) FROM messages)",
        )?
        .query_row([], |r| {
            Ok(PullMark {
                sent_time: r.get(0)?,
                message_id: r.get(1)?,
            })
        })?)
}

/// How far a new device's first offline pull had reached when the server's conversation list
/// was asked for: the latest conversation time, and the last message stored by then.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PullMark {
    /// The latest `sentTime` of the stored conversations.
    pub sent_time: i64,
    /// The last local message id: anything stored later (a live delivery, an import) is news
    /// the list cannot know of.
    pub message_id: i64,
}

/// After a new device's first offline pull: hides the conversations the server's list leaves
/// out (the user removed them elsewhere), judging only those whose latest message came in an
/// offline pull (not live, not inserted by the app) and was stored by `pulled_through` (anything newer reached the server or this device
/// after its list was read) and, when the server's page was full, no earlier than
/// `oldest_listed`. Returns how many it hid.
pub(crate) fn hide_unlisted(
    conn: &Connection,
    listed: &[(ConversationType, &str)],
    pulled_through: PullMark,
    oldest_listed: Option<i64>,
) -> ImResult<usize> {
    let listed: Vec<(i32, &str)> = listed
        .iter()
        .map(|(kind, target)| (i32::from(*kind), *target))
        .collect();
    let listed = serde_json::to_string(&listed).expect("pairs serialise");
    let hidden = conn
        .prepare_cached(
            "UPDATE conversations SET hidden = 1, unread_count = 0, mention_count = 0 \
             WHERE hidden = 0 AND sent_time <= ?1 AND sent_time >= ?2 AND latest_message_id <= ?4 \
               AND EXISTS (SELECT 1 FROM messages m WHERE m.message_id = latest_message_id \
                           AND m.offline) \
               AND (conversation_type, target_id) NOT IN \
                   (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?3))",
        )?
        .execute(params![
            pulled_through.sent_time,
            oldest_listed.unwrap_or(i64::MIN),
            listed,
            pulled_through.message_id,
        ])?;
    Ok(hidden)
}

/// Removes every listed conversation of `types` (`None` = all) from the list; returns them.
pub(crate) fn remove_all(
    conn: &Connection,
    types: Option<&[ConversationType]>,
) -> ImResult<Vec<(ConversationType, String)>> {
    let sql = format!(
        "UPDATE conversations SET hidden = 1, unread_count = 0, mention_count = 0 WHERE hidden = 0{} \
         RETURNING conversation_type, target_id",
        types_condition("conversation_type", types)
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, i32>(0)?, r.get::<_, String>(1)?)))?;
    let mut removed = Vec::new();
    for row in rows {
        let (kind, target_id) = row?;
        removed.push((ConversationType::try_from(kind)?, target_id));
    }
    Ok(removed)
}

/// Pins/unpins or mutes/unmutes a conversation here only (offline), creating (and showing) it
/// if needed; the status is marked to go to the server on the next connection
/// ([`pending_statuses`]).
pub(crate) fn set_status(
    conn: &Connection,
    kind: ConversationType,
    target_id: &str,
    item: &ConversationStatusItem,
) -> ImResult<()> {
    conn.prepare_cached(
        "INSERT INTO conversations (conversation_type, target_id, is_top, notification_status, \
           status_pending) \
         VALUES (?1, ?2, coalesce(?3, 0), coalesce(?4, 2), 1) \
         ON CONFLICT (conversation_type, target_id) DO UPDATE SET \
           is_top = coalesce(?3, is_top), notification_status = coalesce(?4, notification_status), \
           hidden = CASE WHEN ?3 THEN 0 ELSE hidden END, status_pending = 1",
    )?
    .execute(params![
        i32::from(kind),
        target_id,
        item.is_top,
        item.notification_status.map(i32::from),
    ])?;
    Ok(())
}

/// A conversation status as the server keeps it, with the version of its latest change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyncedStatus {
    /// The status.
    pub status: ConversationStatus,
    /// The user's version of the change (see the server's `ConversationStatus.version`).
    pub version: u64,
}

/// Whose change a status from the server is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StatusOrigin {
    /// Another device's (a push, or the catch-up list): it does not overwrite a status changed
    /// here offline and not yet sent, which will be the newer change.
    Elsewhere,
    /// This device's own change, as the server answered it: no longer pending here.
    Here,
}

/// Applies statuses from the server, each only if newer than what the conversation has (an
/// older change arriving late changes nothing). A conversation unknown here is created, listed
/// only if pinned; pinning shows a removed one. Returns the statuses that changed something.
pub(crate) fn apply_synced(
    conn: &mut Connection,
    statuses: &[SyncedStatus],
    origin: StatusOrigin,
) -> ImResult<Vec<ConversationStatus>> {
    let tx = conn.transaction()?;
    let mut applied = Vec::new();
    {
        let mut stmt = tx.prepare_cached(
            "INSERT INTO conversations (conversation_type, target_id, is_top, \
               notification_status, status_version, hidden) \
             VALUES (?1, ?2, ?3, ?4, ?5, NOT ?3) \
             ON CONFLICT (conversation_type, target_id) DO UPDATE SET \
               is_top = excluded.is_top, notification_status = excluded.notification_status, \
               status_version = excluded.status_version, \
               hidden = CASE WHEN excluded.is_top AND NOT is_top THEN 0 ELSE hidden END \
             WHERE excluded.status_version > status_version AND (?6 OR status_pending = 0)",
        )?;
        let here = origin == StatusOrigin::Here;
        for synced in statuses {
            let s = &synced.status;
            let changed = stmt.execute(params![
                i32::from(s.conversation_type),
                s.target_id,
                s.is_top,
                i32::from(s.notification_status),
                i64::try_from(synced.version).unwrap_or(i64::MAX),
                here,
            ])?;
            if changed > 0 {
                applied.push(s.clone());
            }
            if here {
                settle_pending_status(&tx, s.conversation_type, &s.target_id)?;
            }
        }
    }
    tx.commit()?;
    Ok(applied)
}

/// Marks a conversation's status as no longer waiting to go to the server (it went, or the
/// server will never take it).
pub(crate) fn settle_pending_status(
    conn: &Connection,
    kind: ConversationType,
    target_id: &str,
) -> ImResult<()> {
    conn.prepare_cached(
        "UPDATE conversations SET status_pending = 0 \
         WHERE conversation_type = ?1 AND target_id = ?2",
    )?
    .execute(params![i32::from(kind), target_id])?;
    Ok(())
}

/// Statuses changed here while offline that the server does not have yet, as full statuses.
pub(crate) fn pending_statuses(conn: &Connection) -> ImResult<Vec<ConversationStatus>> {
    let mut stmt = conn.prepare_cached(
        "SELECT conversation_type, target_id, is_top, notification_status FROM conversations \
         WHERE status_pending = 1",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i32>(0)?,
            r.get::<_, String>(1)?,
            r.get(2)?,
            r.get::<_, i32>(3)?,
        ))
    })?;
    let mut pending = Vec::new();
    for row in rows {
        let (kind, target_id, is_top, notification_status) = row?;
        pending.push(ConversationStatus {
            conversation_type: ConversationType::try_from(kind)?,
            target_id,
            is_top,
            notification_status: NotificationStatus::try_from(notification_status)?,
        });
    }
    Ok(pending)
}

/// The version up to which this device caught up with the server's status changes.
pub(crate) fn status_cursor(conn: &Connection) -> ImResult<u64> {
    let cursor: i64 = conn
        .prepare_cached("SELECT status_cursor FROM sync_state WHERE id = 1")?
        .query_row([], |r| r.get(0))?;
    Ok(cursor as u64)
}

/// Records that the server's status changes up to `version` have been applied.
pub(crate) fn advance_status_cursor(conn: &Connection, version: u64) -> ImResult<()> {
    conn.prepare_cached(
        "UPDATE sync_state SET status_cursor = max(status_cursor, ?1) WHERE id = 1",
    )?
    .execute([i64::try_from(version).unwrap_or(i64::MAX)])?;
    Ok(())
}

/// Sum of unread counts over `types` (`None` = all); muted conversations only if asked.
pub(crate) fn total_unread(
    conn: &Connection,
    types: Option<&[ConversationType]>,
    include_muted: bool,
) -> ImResult<i64> {
    let muted = if include_muted {
        String::new()
    } else {
        format!(
            " AND notification_status <> {}",
            i32::from(NotificationStatus::DoNotDisturb)
        )
    };
    let sql = format!(
        "SELECT coalesce(sum(unread_count), 0) FROM conversations WHERE unread_count > 0{muted}{}",
        types_condition("conversation_type", types)
    );
    Ok(conn.prepare_cached(&sql)?.query_row([], |r| r.get(0))?)
}

/// The unread count of one conversation (0 if unknown).
pub(crate) fn unread(conn: &Connection, kind: ConversationType, target_id: &str) -> ImResult<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT unread_count FROM conversations WHERE conversation_type = ?1 AND target_id = ?2",
        )?
        .query_row(params![i32::from(kind), target_id], |r| r.get(0))
        .optional()?
        .unwrap_or(0))
}

/// Clears the unread count and mentions of one conversation; false if nothing was unread.
pub(crate) fn clear_unread(
    conn: &Connection,
    kind: ConversationType,
    target_id: &str,
) -> ImResult<bool> {
    let changed = conn
        .prepare_cached(
            "UPDATE conversations SET unread_count = 0, mention_count = 0 \
             WHERE conversation_type = ?1 AND target_id = ?2 AND (unread_count > 0 OR mention_count > 0)",
        )?
        .execute(params![i32::from(kind), target_id])?;
    Ok(changed > 0)
}

/// Clears every unread count and mention.
pub(crate) fn clear_all_unread(conn: &Connection) -> ImResult<()> {
    conn.prepare_cached(
        "UPDATE conversations SET unread_count = 0, mention_count = 0 \
         WHERE unread_count > 0 OR mention_count > 0",
    )?
    .execute([])?;
    Ok(())
}

/// Conversations of `types` (`None` = all) with their number of messages in `matches` — a
/// query yielding `(conversation_type, target_id, match_count)` rows, whose parameters are
/// `params` — pinned first, then latest first.
pub(crate) fn with_matches(
    conn: &Connection,
    matches: &str,
    params: impl rusqlite::Params,
    types: Option<&[ConversationType]>,
) -> ImResult<Vec<Conversation>> {
    let source = format!(
        "({matches}) x CROSS JOIN conversations c \
         ON c.conversation_type = x.conversation_type AND c.target_id = x.target_id"
    );
    let sql = select_from_sql(
        &source,
        "x.match_count",
        &format!("1{}", types_condition("c.conversation_type", types)),
        "ORDER BY c.is_top DESC, c.sent_time DESC",
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params, conversation_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}
