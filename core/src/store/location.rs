//! Where a user's database lives: one directory per app and user inside the `dbPath` option.
//!
//! Each id becomes one path component that no other id maps to, even on a case-insensitive
//! file system, and that is never a reserved name on Windows: `@` followed by the id with
//! every lowercase ASCII letter, digit and `-` kept, an uppercase letter written `_` + its
//! lowercase, and any other byte written `~` + two lowercase hex digits (`Alice` ↦ `@_alice`,
//! `a.b` ↦ `@a~2eb`). The leading `@` keeps these names apart from the earlier layout's (ids
//! of `[A-Za-z0-9_-]` as they were, any other as `x` + hex, which mapped `a.b` and `x612e62` to
//! one directory); a directory of that layout is moved to its new place when its user's
//! database is first opened.

use crate::error::{ImError, ImResult, code};
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// Where the database of `user_id` under app `app_key` lives inside `db_path`.
pub(crate) fn database_file(db_path: &Path, app_key: &str, user_id: &str) -> PathBuf {
    user_dir(db_path, app_key, user_id, component).join(FILE_NAME)
}

/// [`database_file`], after moving the user's directory there from the earlier layout if only
/// that one exists.
pub(crate) fn locate(db_path: &Path, app_key: &str, user_id: &str) -> ImResult<PathBuf> {
    let dir = user_dir(db_path, app_key, user_id, component);
    let legacy = user_dir(db_path, app_key, user_id, legacy_component);
    if !dir.exists() && legacy.join(FILE_NAME).exists() {
        let moving = |e: std::io::Error| {
            ImError::new(
                code::DATABASE_ERROR,
                format!("moving {} to {}: {e}", legacy.display(), dir.display()),
            )
        };
        if let Some(parent) = dir.parent() {
            std::fs::create_dir_all(parent).map_err(moving)?;
        }
        std::fs::rename(&legacy, &dir).map_err(moving)?;
    }
    Ok(dir.join(FILE_NAME))
}

const FILE_NAME: &str = "imcore.db";

fn user_dir(
    db_path: &Path,
    app_key: &str,
    user_id: &str,
    component: fn(&str) -> String,
) -> PathBuf {
    db_path.join(component(app_key)).join(component(user_id))
}

/// The path component of `id` (see the module documentation).
fn component(id: &str) -> String {
    let mut name = String::with_capacity(1 + id.len());
    name.push('@');
    for b in id.bytes() {
        match b {
            b'a'..=b'z' | b'0'..=b'9' | b'-' => name.push(b as char),
            b'A'..=b'Z' => {
                name.push('_');
                name.push(b.to_ascii_lowercase() as char);
            }
            _ => {
                let _ = write!(name, "~{b:02x}");
            }
        }
    }
    name
}

/// The path component of `id` in the earlier layout, to find databases it placed.
fn legacy_component(id: &str) -> String {
    let kept = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if kept {
        id.to_owned()
    } else {
        let hex: String = id.bytes().map(|b| format!("{b:02x}")).collect();
        format!("x{hex}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Names Windows reserves in any case, with or without an extension.
    const RESERVED: &[&str] = &[
        "con", "prn", "aux", "nul", "com0", "com1", "com9", "lpt0", "lpt1", "lpt9", "conin$",
        "conout$", "clock$",
    ];

    fn is_reserved(name: &str) -> bool {
        let stem = name.split('.').next().unwrap_or("").to_ascii_lowercase();
        RESERVED.contains(&stem.as_str())
    }

    /// Ids over a small alphabet, so that near-collisions (case, escapes, the old `x` + hex)
    /// come up often.
    fn id() -> impl Strategy<Value = String> {
        proptest::string::string_regex("[abeABExX0-9_~@.é\u{0}\u{1}-]{0,12}").unwrap()
    }

    #[test]
    fn ids_become_single_safe_path_components() {
        let p = database_file(Path::new("/d"), "key", "../evil/ü");
        assert!(p.starts_with("/d/@key/"));
        assert_eq!(p.components().count(), 5);
        assert_eq!(
            database_file(Path::new("/d"), "k", "alice"),
            PathBuf::from("/d/@k/@alice/imcore.db")
        );
        assert_eq!(component("Alice"), "@_alice");
        assert_eq!(component("a.b"), "@a~2eb");
        assert_ne!(component("a.b"), component("x612e62"));
        for name in ["CON", "nul", "Com1", "LPT9", "con.txt", "CONIN$"] {
            assert!(!is_reserved(&component(name)), "{name}");
        }
    }

    proptest! {
        #[test]
        fn distinct_ids_map_to_distinct_names_even_ignoring_case(a in id(), b in id()) {
            prop_assume!(a != b);
            let (x, y) = (component(&a), component(&b));
            prop_assert_ne!(x.to_lowercase(), y.to_lowercase());
            prop_assert!(!is_reserved(&x));
            prop_assert!(x.len() <= 1 + 3 * a.len());
        }

        #[test]
        fn new_names_never_meet_the_earlier_layout(a in id(), b in id()) {
            prop_assert_ne!(component(&a), legacy_component(&b));
        }
    }

    #[test]
    fn a_database_of_the_earlier_layout_is_moved_to_its_new_place() {
        let root = tempfile::tempdir().unwrap();
        let legacy = root.path().join("k").join(legacy_component("a.b"));
        std::fs::create_dir_all(&legacy).unwrap();
        std::fs::write(legacy.join(FILE_NAME), b"db").unwrap();
        let file = locate(root.path(), "k", "a.b").unwrap();
        assert_eq!(file, database_file(root.path(), "k", "a.b"));
        assert_eq!(std::fs::read(&file).unwrap(), b"db");
        assert!(!legacy.exists());
        // Opened again: found in place, nothing moves.
        assert_eq!(locate(root.path(), "k", "a.b").unwrap(), file);
    }
}
