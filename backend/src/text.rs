//! Text helpers shared by every context.

use unicode_normalization::UnicodeNormalization;

/// Folds text for matching: lower case, accents removed, spaces collapsed,
/// so "bogota" matches "BOGOTÁ, D.C." and "Ñ" still differs from "N"
/// only by its tilde (which Spanish users expect to be ignored in search).
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    let mut last_was_space = true;
    for c in text.nfd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        if c.is_whitespace() {
            if !last_was_space {
                folded.push(' ');
            }
            last_was_space = true;
            continue;
        }
        folded.extend(c.to_lowercase());
        last_was_space = false;
    }
    if folded.ends_with(' ') {
        folded.pop();
    }
    folded
}

/// A required text field, trimmed: refused when empty or longer than `max`
/// characters, naming the field.
pub fn required(raw: &str, field: &str, max: usize) -> Result<String, crate::error::ServiceError> {
    let value = raw.trim().to_owned();
    if value.is_empty() || value.chars().count() > max {
        Err(crate::error::ServiceError::invalid(format!("«{field}» es obligatorio (hasta {max} caracteres)")))
    } else {
        Ok(value)
    }
}

/// Text made safe to place in an HTML page (the plain pages the contexts serve).
pub fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

/// Escapes `%`, `_` and the escape character itself for a SQL `LIKE … ESCAPE '\'`.
pub fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// Lower-case hexadecimal of `bytes` (digests, content hashes).
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_ignores_case_accents_and_extra_spaces() {
        assert_eq!(fold("BOGOTÁ, D.C."), "bogota, d.c.");
        assert_eq!(fold("  San   Andrés de Tumaco "), "san andres de tumaco");
        assert_eq!(fold("NARIÑO"), "narino");
        assert_eq!(fold("Mirití - Paraná"), "miriti - parana");
    }

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(escape_like("100%_a\\b"), "100\\%\\_a\\\\b");
    }
}
