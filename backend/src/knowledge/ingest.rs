//! From a file to text: Markdown front matter and markup, PDF text extraction,
//! and the title and summary a product gets when its author gives none.

use std::collections::HashMap;

use crate::error::ServiceError;

/// Splits a `---` front-matter block (`key: value` lines) from the Markdown after it.
pub fn front_matter(text: &str) -> (HashMap<String, String>, &str) {
    let text = text.trim_start_matches('\u{feff}');
    let Some(rest) = text.strip_prefix("---\n").or_else(|| text.strip_prefix("---\r\n")) else {
        return (HashMap::new(), text);
    };
    let Some(end) = rest.find("\n---") else {
        return (HashMap::new(), text);
    };
    let fields = rest[..end]
        .lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(key, value)| (key.trim().to_lowercase(), value.trim().to_owned()))
        .filter(|(key, value)| !key.is_empty() && !value.is_empty())
        .collect();
    let body = rest[end + 4..].trim_start_matches(['-', '\r', '\n']);
    (fields, body)
}

/// Markdown as readable text: marks, link targets, images and table rules out.
pub fn markdown_to_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    for line in markdown.lines() {
        let trimmed = line.trim();
        if trimmed.chars().all(|c| matches!(c, '-' | '|' | ':' | ' ' | '*' | '_' | '='))
            && !trimmed.is_empty()
        {
            continue; // rules and table separators
        }
        let line = trimmed.trim_start_matches('#').trim_start_matches('>').trim();
        let line = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")).unwrap_or(line);
        out.push_str(&inline_text(line));
        out.push('\n');
    }
    out
}

/// `[text](url)` → text, `![alt](src)` → alt, emphasis and code marks dropped.
fn inline_text(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '!' if chars.peek() == Some(&'[') => {}
            '[' | ']' | '*' | '`' => {}
            '(' if out.ends_with(LINK_END) => {
                // Skip a link target.
                for next in chars.by_ref() {
                    if next == ')' {
                        break;
                    }
                }
                out.pop();
            }
            '|' => out.push(' '),
            _ => out.push(c),
        }
        if c == ']' && chars.peek() == Some(&'(') {
            out.push(LINK_END);
        }
    }
    out.replace(LINK_END, "")
}

/// A private-use marker for "a link text just closed".
const LINK_END: char = '\u{e000}';

/// The text of a PDF. Malformed files are refused with a message, never a crash.
pub fn pdf_text(bytes: &[u8]) -> Result<String, ServiceError> {
    if !bytes.starts_with(b"%PDF-") {
        return Err(ServiceError::invalid("el contenido no es un PDF (no empieza por «%PDF-»)"));
    }
    // The extractor panics on some malformed files: contain it.
    let extracted = std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem(bytes));
    match extracted {
        Ok(Ok(text)) => Ok(text),
        Ok(Err(error)) => Err(ServiceError::invalid(format!("no se pudo leer el PDF: {error}"))),
        Err(_) => Err(ServiceError::invalid("no se pudo leer el PDF: el archivo está dañado")),
    }
}

/// Collapses runs of blank lines and spaces: PDFs come with many.
pub fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(&line);
    }
    out
}

/// The title a document gives itself: its first heading, else its first line.
pub fn derive_title(markdown_or_text: &str) -> Option<String> {
    let lines = || markdown_or_text.lines().map(str::trim).filter(|l| !l.is_empty());
    lines()
        .find_map(|l| l.strip_prefix("# "))
        .or_else(|| lines().next())
        .map(|t| shorten(inline_text(t.trim_start_matches('#').trim()).trim(), 300))
}

/// The first paragraph that is not the title, shortened.
pub fn derive_summary(text: &str, title: &str) -> String {
    let paragraph = text
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .find(|p| p.chars().count() > 40 && p != title)
        .unwrap_or_default();
    shorten(&paragraph, 400)
}

/// At most `max` characters, cut at a word with an ellipsis.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max - 1).collect();
    let cut = cut.rfind(' ').map_or(cut.as_str(), |space| &cut[..space]);
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_is_read_and_removed() {
        let (fields, body) = front_matter("---\ntitulo: Guía: la buena\ntipo: guía\n---\n\n# Guía\n\nTexto");
        assert_eq!(fields["titulo"], "Guía: la buena");
        assert_eq!(fields["tipo"], "guía");
        assert_eq!(body, "# Guía\n\nTexto");
        let (none, same) = front_matter("# Sin metadatos");
        assert!(none.is_empty());
        assert_eq!(same, "# Sin metadatos");
    }

    #[test]
    fn markdown_becomes_readable_text() {
        let text = markdown_to_text(
            "# Título\n\n**Negrita** y [enlace](https://x.co) y ![foto](a.png)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n---",
        );
        assert!(text.contains("Título"));
        assert!(text.contains("Negrita y enlace y foto"), "{text}");
        assert!(!text.contains("https://x.co") && !text.contains("a.png") && !text.contains("---"), "{text}");
    }

    #[test]
    fn titles_and_summaries_come_from_the_text() {
        assert_eq!(derive_title("\n\n# Guía de catastro\n\nTexto").as_deref(), Some("Guía de catastro"));
        assert_eq!(derive_title("Primera línea\nsegunda").as_deref(), Some("Primera línea"));
        let summary = derive_summary(
            "Título\n\nCorto.\n\nUn párrafo bastante largo que explica de qué trata.",
            "Título",
        );
        assert_eq!(summary, "Un párrafo bastante largo que explica de qué trata.");
        assert!(shorten(&"palabra ".repeat(100), 50).ends_with('…'));
    }

    #[test]
    fn garbage_is_not_a_pdf() {
        assert!(matches!(pdf_text(b"hola"), Err(ServiceError::Invalid(_))));
        assert!(matches!(pdf_text(b"%PDF-1.4\nbasura"), Err(ServiceError::Invalid(_))));
    }

    #[test]
    fn tidy_collapses_blank_runs() {
        assert_eq!(tidy("a  b\n\n\n\nc\nd"), "a b\n\nc\nd");
    }
}
