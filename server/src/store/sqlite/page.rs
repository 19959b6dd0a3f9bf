//! Pages of query results that fit in one frame: at most the count asked for, and at most
//! [`PAGE_BYTES`] of encoded entries (a client refuses frames over [`improto::MAX_FRAME_BYTES`]).

/// Most bytes of encoded entries one page holds, leaving room for the frame around them. A page
/// always holds at least one entry: a single message (content at most 128 KB) always fits.
pub(super) const PAGE_BYTES: usize = improto::MAX_FRAME_BYTES - 16 * 1024;

/// Up to `count` entries from `rows` (which should yield at most `count + 1`), fewer if their
/// encoded size would pass [`PAGE_BYTES`]; and whether more follow. Stops reading rows as soon
/// as the page is full.
pub(super) fn page_of<T: prost::Message>(
    rows: impl Iterator<Item = rusqlite::Result<T>>,
    count: usize,
) -> rusqlite::Result<(Vec<T>, bool)> {
    let mut page = Vec::new();
    let mut bytes = 0;
    for row in rows {
        let entry = row?;
        // The entry, plus its field tag and length prefix in the enclosing message.
        let size = entry.encoded_len() + 8;
        if page.len() == count || (!page.is_empty() && bytes + size > PAGE_BYTES) {
            return Ok((page, true));
        }
        bytes += size;
        page.push(entry);
    }
    Ok((page, false))
}

/// The SQL `LIMIT` for a page of `count`: one more row, to tell whether more follow.
pub(super) fn rows_for(count: usize) -> i64 {
    i64::try_from(count.saturating_add(1)).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use improto::InboxMessage;

    fn sized(content_bytes: usize) -> rusqlite::Result<InboxMessage> {
        Ok(InboxMessage {
            content: "x".repeat(content_bytes),
            ..Default::default()
        })
    }

    #[test]
    fn stops_at_the_count_and_tells_whether_more_follow() {
        let (page, more) = page_of((0..4).map(|_| sized(1)), 3).unwrap();
        assert_eq!((page.len(), more), (3, true));
        let (page, more) = page_of((0..3).map(|_| sized(1)), 3).unwrap();
        assert_eq!((page.len(), more), (3, false));
    }

    #[test]
    fn stops_before_the_frame_limit_but_always_holds_one_entry() {
        let big = 100 * 1024;
        let (page, more) = page_of((0..5).map(|_| sized(big)), 5).unwrap();
        assert_eq!((page.len(), more), (2, true));
        let total: usize = page.iter().map(prost::Message::encoded_len).sum();
        assert!(total <= PAGE_BYTES);
        let (page, more) = page_of(std::iter::once(sized(PAGE_BYTES)), 5).unwrap();
        assert_eq!((page.len(), more), (1, false));
    }
}
