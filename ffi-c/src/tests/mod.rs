//! The C ABI called as C would call it (unit tests: the crate builds no rlib, whose name would
//! collide with the engine's `libimcore.rlib`).

mod abi;
mod log_routing;

#[test]
fn header_constants_are_the_engine_codes() {
    assert_eq!(
        crate::IMCORE_INVALID_PARAMETER,
        engine::code::INVALID_PARAMETER
    );
    assert_eq!(crate::IMCORE_NOT_INITIALIZED, engine::code::NOT_INITIALIZED);
    assert_eq!(crate::IMCORE_UNKNOWN_ERROR, engine::code::UNKNOWN);
}
