//! Embeds the demo knowledge base (`resources/knowledge/*.md`) into the binary,
//! so a first start shows real documents without the source tree.

use std::{env, fs, path::PathBuf};

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let dir = manifest.join("resources").join("knowledge");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with("README.md"));
    files.sort();
    let mut out = String::from("/// Demo knowledge products: (file stem, Markdown with front matter).\npub const DEMO_DOCUMENTS: &[(&str, &str)] = &[\n");
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let stem = file.file_stem().and_then(|s| s.to_str()).expect("UTF-8 file names");
        out.push_str(&format!("    ({stem:?}, include_str!({:?})),\n", file.display().to_string()));
    }
    out.push_str("];\n");
    let target = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("knowledge_demo.rs");
    fs::write(target, out).expect("OUT_DIR is writable");
}
