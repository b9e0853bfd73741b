//! Writes the SC1 test vectors to tests/vectors/sc1-v1.json, from fixed
//! seeds: `cargo run -p docket-core --example gen-vectors`.

#[path = "../tests/common/mod.rs"]
mod common;

use std::path::Path;

fn main() -> std::io::Result<()> {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let path = workspace.join(common::vectors::VECTOR_FILE);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&path, common::vectors::render())?;
    println!("wrote {}", common::vectors::VECTOR_FILE);
    Ok(())
}
