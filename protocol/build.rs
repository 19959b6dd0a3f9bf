//! Compiles `proto/*.proto` with protox (pure Rust), so no system `protoc` is needed.

fn main() {
    let files = ["proto/imcore.proto"];
    for file in files {
        println!("cargo:rerun-if-changed={file}");
    }
    let descriptors = protox::compile(files, ["proto"]).expect("proto files compile");
    prost_build::Config::new()
        .compile_fds(descriptors)
        .expect("prost generates Rust from descriptors");
}
