//! The files generated from core's request and response types must be current: the Node
//! package's TypeScript declarations and the method reference that `include/imcore.h` links
//! to. Regenerate with `IMCORE_BLESS=1 cargo test -p imcore --test generated`.

use std::path::Path;

fn check(relative: &str, generated: String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative);
    if std::env::var_os("IMCORE_BLESS").is_some() {
        std::fs::write(&path, &generated).expect("write the generated file");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{relative} is stale: run `IMCORE_BLESS=1 cargo test -p imcore --test generated` and commit it"
    );
}

#[test]
fn typescript_declarations_are_current() {
    check("node-addon/index.d.ts", imcore::api::describe::typescript());
}

#[test]
fn method_reference_is_current() {
    check("docs/methods.md", imcore::api::describe::markdown());
}
