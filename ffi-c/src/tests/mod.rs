//! The C ABI called as C would call it (unit tests: the crate builds no rlib, whose name would
//! collide with core's `libimcore.rlib`).

mod abi;
mod log_routing;

#[test]
fn header_constants_are_the_engine_codes() {
    assert_eq!(
        crate::IMCORE_INVALID_PARAMETER,
        imcore::code::INVALID_PARAMETER
    );
    assert_eq!(crate::IMCORE_NOT_INITIALIZED, imcore::code::NOT_INITIALIZED);
    assert_eq!(crate::IMCORE_UNKNOWN_ERROR, imcore::code::UNKNOWN);
}

#[test]
fn header_version_is_the_crate_version() {
    let defines = format!(
        "{}.{}.{}",
        crate::IMCORE_VERSION_MAJOR,
        crate::IMCORE_VERSION_MINOR,
        crate::IMCORE_VERSION_PATCH
    );
    assert_eq!(
        defines,
        env!("CARGO_PKG_VERSION"),
        "update IMCORE_VERSION_* in lib.rs"
    );
    // SAFETY: a static NUL-terminated string.
    let reported = unsafe { std::ffi::CStr::from_ptr(crate::imcore_version()) };
    assert_eq!(reported.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
}
