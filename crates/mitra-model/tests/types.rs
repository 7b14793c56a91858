//! The checked-in TypeScript types match the Rust model.

use std::path::PathBuf;

use mitra_model::typescript::{REGENERATE_COMMAND, TYPES_PATH, typescript};

#[test]
fn types_are_up_to_date() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(TYPES_PATH);
    let generated = typescript();
    if std::env::var_os("MITRA_UPDATE_TYPES").is_some() {
        std::fs::write(&path, &generated).expect("write the generated types");
        return;
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "{TYPES_PATH} is out of date with the Rust model in crates/mitra-model; \
         regenerate it with `{REGENERATE_COMMAND}` and check it in"
    );
}
