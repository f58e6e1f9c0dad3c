//! Generates the client from `petstore.yaml` into `OUT_DIR/api.rs` (reruns only when the spec
//! changes; the generator's warnings show as cargo warnings).

fn main() {
    if let Err(error) = openapi_rust_gen::build::Builder::new("petstore.yaml").generate() {
        // The error shows the file, line and column and the source line.
        eprintln!("{error}");
        std::process::exit(1);
    }
}
