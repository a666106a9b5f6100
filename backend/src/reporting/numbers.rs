//! Numbers as Colombians write them (`20.500`, `20.500,75`) and as others do
//! (`20,500.75`): the one reading of a number's text that submissions and
//! the import share. Plain functions, no database.

/// A number's parts: its sign, integer digits and fraction digits, with
/// thousands separators removed. Colombians write `20.500` for twenty
/// thousand five hundred and `20.500,75` with a decimal comma; others write
/// `20,500.75`. Both are read wherever the reading is unambiguous: with both
/// separators the last one is the decimal one, a repeated separator groups
/// thousands, and a single one is decimal — except `20.500` or `20,500`
/// (one to three digits, then exactly three), which a whole number reads as
/// thousands and a decimal number refuses as ambiguous.
pub fn number_parts(text: &str, whole: bool) -> Result<(bool, String, String), String> {
    let not_a_number = || {
        format!("«{text}» no es un número (p. ej. 20500, 20.500 o 20.500,75; «,» o «.» para los decimales)")
    };
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let separators: Vec<char> = unsigned.chars().filter(|c| matches!(c, '.' | ',')).collect();
    let (thousands, decimal) = match separators.as_slice() {
        [] => (None, None),
        [only] => {
            let (integer, fraction) = unsigned.split_once(*only).unwrap_or((unsigned, ""));
            let could_be_thousands =
                fraction.len() == 3 && (1..=3).contains(&integer.len()) && !integer.starts_with('0');
            match (could_be_thousands, whole) {
                (true, true) => (Some(*only), None),
                (true, false) => {
                    let decimals = fraction.trim_end_matches('0');
                    let decimals = if decimals.is_empty() { "0" } else { decimals };
                    return Err(format!(
                        "«{text}» es ambiguo: escriba {integer}{fraction} si son miles, o {integer},{decimals} si son decimales"
                    ));
                }
                (false, _) => (None, Some(*only)),
            }
        }
        [first, .., last] if first != last => {
            let decimal = *last;
            if separators.iter().filter(|&&c| c == decimal).count() > 1 {
                return Err(not_a_number());
            }
            (Some(*first), Some(decimal))
        }
        [first, ..] => (Some(*first), None),
    };
    let (integer, fraction) = match decimal {
        Some(decimal) => unsigned.rsplit_once(decimal).unwrap_or((unsigned, "")),
        None => (unsigned, ""),
    };
    let integer = match thousands {
        Some(separator) => {
            let groups: Vec<&str> = integer.split(separator).collect();
            let grouped = groups.first().is_some_and(|g| (1..=3).contains(&g.len()))
                && groups.iter().skip(1).all(|g| g.len() == 3);
            if !grouped {
                return Err(not_a_number());
            }
            groups.concat()
        }
        None => integer.to_owned(),
    };
    let digits_only = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if (integer.is_empty() && fraction.is_empty()) || !digits_only(&integer) || !digits_only(fraction) {
        return Err(not_a_number());
    }
    Ok((negative, integer, fraction.to_owned()))
}
