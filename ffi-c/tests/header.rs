//! `include/imcore.h` must be exactly what cbindgen generates from `ffi-c/src` now.
//! Regenerate with `IMCORE_BLESS=1 cargo test -p imcore-ffi --test header`.

use std::path::Path;

#[test]
fn committed_header_is_current() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config =
        cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).expect("cbindgen.toml");
    let mut generated = Vec::new();
    cbindgen::Builder::new()
        .with_crate(crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header")
        .write(&mut generated);
    let header = crate_dir.join("../include/imcore.h");
    if std::env::var_os("IMCORE_BLESS").is_some() {
        std::fs::write(&header, &generated).expect("write include/imcore.h");
    }
    let committed = std::fs::read(&header).unwrap_or_default();
    assert!(
        committed == generated,
        "include/imcore.h is stale: run `IMCORE_BLESS=1 cargo test -p imcore-ffi --test header` and commit it"
    );
}
