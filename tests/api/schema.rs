//! `schema/schema.graphql` is what the code serves.

#[test]
fn the_checked_in_schema_is_what_the_code_produces() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema/schema.graphql");
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    let produced = sugit::graphql::sdl();
    assert!(
        checked_in == produced,
        "schema/schema.graphql está desactualizado: ejecute `cargo run -- schema --output schema/schema.graphql`"
    );
}
