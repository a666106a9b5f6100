//! Legacy budget accounts and the execution files that carry them: pure
//! rules, no database. A territory's legacy file lists its accounts (the
//! FUT's or its own chart) with the four moments of execution; a mapping
//! kept by Función Pública says which programmatic unit an account (and
//! everything under it) belongs to. Rows that are totals of other rows in
//! the same file are skipped so nothing is counted twice, and every row
//! that maps to no unit is reported by its line.

use std::collections::BTreeMap;

use super::{model::Amounts, rules::check_execution};
use crate::reporting::numbers::number_parts;

pub const MAX_ACCOUNT_CHARS: usize = 40;
/// A municipality's execution file has hundreds of rows; a department's a
/// few thousand.
pub const MAX_ROWS: usize = 5_000;

/// An account code: segments of upper-case letters and digits separated by
/// «.» (`A.1.2`, `2.3.2.02.02.008`).
pub fn parse_account(raw: &str) -> Result<String, String> {
    let code = raw.trim().to_uppercase();
    let valid = (1..=MAX_ACCOUNT_CHARS).contains(&code.len())
        && code.split('.').all(|segment| {
            !segment.is_empty() && segment.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        });
    if valid {
        Ok(code)
    } else {
        Err(format!(
            "la cuenta «{}» no es válida: segmentos de letras sin tildes y dígitos separados por «.» (p. ej. A.1.2), de 1 a {MAX_ACCOUNT_CHARS} caracteres",
            raw.trim()
        ))
    }
}

/// The unit an account belongs to: the mapping of the account itself, or
/// else of its nearest mapped parent (`A.1.2.3` falls under `A.1.2`, then
/// `A.1`, then `A`). Returns the mapped account and its unit.
pub fn mapped_unit<'m>(account: &str, mapping: &'m BTreeMap<String, String>) -> Option<(&'m str, &'m str)> {
    let mut candidate = account;
    loop {
        if let Some((key, unit)) = mapping.get_key_value(candidate) {
            return Some((key.as_str(), unit.as_str()));
        }
        candidate = &candidate[..candidate.rfind('.')?];
    }
}

/// One row of a legacy execution file.
#[derive(Debug, Clone, PartialEq)]
pub struct LegacyRow {
    /// The line in the file (the header is line 1).
    pub line: usize,
    pub account: String,
    pub name: String,
    pub amounts: Amounts,
}

/// The columns a legacy file must have, as its header may spell them.
const ACCOUNT: &[&str] = &["cuenta", "codigo", "codigocuenta", "rubro", "codigorubro"];
const NAME: &[&str] = &["nombre", "descripcion", "concepto", "nombrecuenta", "nombrerubro"];
const APPROPRIATION: &[&str] = &["apropiacion", "apropiaciondefinitiva", "presupuestodefinitivo"];
const COMMITMENTS: &[&str] = &["compromisos", "compromiso", "registrospresupuestales"];
const OBLIGATIONS: &[&str] = &["obligaciones", "obligacion"];
const PAYMENTS: &[&str] = &["pagos", "pago"];

/// A header as its columns are compared: lower case, no accents, no spaces,
/// «_» or «-».
fn header_key(raw: &str) -> String {
    raw.trim()
        .to_lowercase()
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-'))
        .map(|c| match c {
            'á' => 'a',
            'é' => 'e',
            'í' => 'i',
            'ó' => 'o',
            'ú' | 'ü' => 'u',
            other => other,
        })
        .collect()
}

/// A peso amount as budget files write it: `3.625.000.000`, `1.234.567,89`,
/// `$ 20.500`, `1234567.89`; an empty cell is zero.
pub fn parse_pesos(raw: &str) -> Result<f64, String> {
    let text: String = raw.trim().trim_start_matches('$').chars().filter(|c| !c.is_whitespace()).collect();
    if text.is_empty() {
        return Ok(0.0);
    }
    let (negative, integer, fraction) = number_parts(&text, true)?;
    let number = format!(
        "{}{}.{}",
        if negative { "-" } else { "" },
        integer,
        if fraction.is_empty() { "0" } else { &fraction }
    );
    number.parse::<f64>().map_err(|_| format!("«{}» no es un valor en pesos", raw.trim()))
}

/// Reads a legacy execution file: a header naming the account, the four
/// moments (and optionally the account's name), separated by «;» (as
/// Colombian spreadsheets export it), «,» or tabs. Any bad row refuses the
/// whole file, naming its line.
pub fn parse_file(text: &str) -> Result<Vec<LegacyRow>, String> {
    let text = text.trim_start_matches('\u{feff}');
    let header = text.lines().next().unwrap_or_default();
    let delimiter = [b';', b'\t', b','].into_iter().find(|d| header.as_bytes().contains(d)).unwrap_or(b',');
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| format!("línea 1: el encabezado no se puede leer ({e})"))?
        .iter()
        .map(header_key)
        .collect();
    let column = |names: &[&str]| headers.iter().position(|h| names.contains(&h.as_str()));
    let required = [
        ("cuenta", column(ACCOUNT)),
        ("apropiacion", column(APPROPRIATION)),
        ("compromisos", column(COMMITMENTS)),
        ("obligaciones", column(OBLIGATIONS)),
        ("pagos", column(PAYMENTS)),
    ];
    let missing: Vec<&str> = required.iter().filter(|(_, at)| at.is_none()).map(|(name, _)| *name).collect();
    let [Some(account), Some(appropriation), Some(commitments), Some(obligations), Some(payments)] =
        required.map(|(_, at)| at)
    else {
        return Err(format!(
            "línea 1: faltan las columnas {}; el archivo debe tener cuenta, apropiacion, compromisos, obligaciones y pagos (y opcionalmente nombre)",
            missing.join(", ")
        ));
    };
    let name = column(NAME);
    let mut rows: Vec<LegacyRow> = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("fila {}: no se puede leer ({e})", index + 2))?;
        // The reader skips blank lines and places a record where the previous
        // one ended: the line is the file's, as an editor numbers it.
        let line = record.position().map_or(index + 2, |p| {
            let bytes = text.as_bytes();
            let mut start = usize::try_from(p.byte()).unwrap_or(usize::MAX).min(bytes.len());
            while bytes.get(start).is_some_and(|b| matches!(b, b'\n' | b'\r')) {
                start += 1;
            }
            bytes[..start].iter().filter(|b| **b == b'\n').count() + 1
        });
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        if rows.len() == MAX_ROWS {
            return Err(format!("el archivo tiene más de {MAX_ROWS} filas: divídalo"));
        }
        let cell = |at: usize| record.get(at).unwrap_or_default();
        let at = |reason: String| format!("línea {line}: {reason}");
        let code = parse_account(cell(account)).map_err(at)?;
        if let Some(first) = seen.insert(code.clone(), line) {
            return Err(at(format!("la cuenta {code} ya aparece en la línea {first}")));
        }
        let amount =
            |column: usize, what: &str| parse_pesos(cell(column)).map_err(|e| at(format!("{what}: {e}")));
        let amounts = Amounts {
            appropriation: amount(appropriation, "apropiación")?,
            commitments: amount(commitments, "compromisos")?,
            obligations: amount(obligations, "obligaciones")?,
            payments: amount(payments, "pagos")?,
        };
        check_execution(&amounts).map_err(|e| at(format!("cuenta {code}: {e}")))?;
        rows.push(LegacyRow {
            line,
            account: code,
            name: name.map(|n| cell(n).trim().chars().take(200).collect()).unwrap_or_default(),
            amounts,
        });
    }
    if rows.is_empty() {
        return Err("el archivo no tiene filas después del encabezado".into());
    }
    Ok(rows)
}

/// What a legacy file becomes: spending per unit, and what was left out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportPlan {
    pub by_unit: BTreeMap<String, Amounts>,
    /// (line, account, unit) of every row that was classified.
    pub classified: Vec<(usize, String, String)>,
    /// Lines of rows that total other rows of the file: skipped.
    pub totals: Vec<usize>,
    /// Rows no mapping reaches, in file order.
    pub unmapped: Vec<LegacyRow>,
}

/// Classifies the rows of a file. A row whose account is the parent of
/// another row's (`A.1` above `A.1.2`) is that row's total and is skipped;
/// the rest go to the unit their account maps to, or are unmapped.
pub fn plan(rows: &[LegacyRow], mapping: &BTreeMap<String, String>) -> ImportPlan {
    let accounts: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.account.as_str()).collect();
    let mut plan = ImportPlan::default();
    for row in rows {
        let prefix = format!("{}.", row.account);
        let is_total = accounts.range(prefix.as_str()..).next().is_some_and(|next| next.starts_with(&prefix));
        if is_total {
            plan.totals.push(row.line);
            continue;
        }
        match mapped_unit(&row.account, mapping) {
            Some((_, unit)) => {
                plan.by_unit.entry(unit.to_owned()).or_default().add(row.amounts);
                plan.classified.push((row.line, row.account.clone(), unit.to_owned()));
            }
            None => plan.unmapped.push(row.clone()),
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapping() -> BTreeMap<String, String> {
        [("A.1", "EDU-01"), ("A.1.3", "EDU-03"), ("A.3.1", "APSB-01")]
            .into_iter()
            .map(|(a, u)| (a.to_owned(), u.to_owned()))
            .collect()
    }

    #[test]
    fn accounts_are_dotted_segments_of_letters_and_digits() {
        assert_eq!(parse_account(" a.1.2 "), Ok("A.1.2".into()));
        assert_eq!(parse_account("2.3.2.02.02.008"), Ok("2.3.2.02.02.008".into()));
        for bad in ["", "A..1", "A.1.", ".A", "Á.1", "A 1", &"9".repeat(41)] {
            assert!(parse_account(bad).is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn an_account_falls_under_its_nearest_mapped_parent() {
        let mapping = mapping();
        assert_eq!(mapped_unit("A.1.3.2", &mapping), Some(("A.1.3", "EDU-03")));
        assert_eq!(mapped_unit("A.1.2", &mapping), Some(("A.1", "EDU-01")));
        assert_eq!(mapped_unit("A.1", &mapping), Some(("A.1", "EDU-01")));
        // A prefix that is not a whole segment is not a parent.
        assert_eq!(mapped_unit("A.10.1", &mapping), None);
        assert_eq!(mapped_unit("A.3", &mapping), None);
    }

    #[test]
    fn pesos_are_read_as_budget_files_write_them() {
        assert_eq!(parse_pesos("3.625.000.000"), Ok(3_625_000_000.0));
        assert_eq!(parse_pesos("$ 1.234.567,89"), Ok(1_234_567.89));
        assert_eq!(parse_pesos("20.500"), Ok(20_500.0));
        assert_eq!(parse_pesos("1234567.89"), Ok(1_234_567.89));
        assert_eq!(parse_pesos(""), Ok(0.0));
        assert!(parse_pesos("doce").is_err());
    }

    #[test]
    fn a_file_is_read_with_its_own_separator_and_headers_and_refused_by_line() {
        let file = "\u{feff}Código cuenta;Nombre;Apropiación definitiva;Compromisos;Obligaciones;Pagos\n\
                    A.1.2;Docentes;1.000.000;900.000;800.000;700.000\n\
                    \n\
                    A.3.1;Acueducto;500.000,50;400.000;0;0\n";
        let rows = parse_file(file).expect("a valid file");
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].line, rows[0].account.as_str(), rows[0].name.as_str()), (2, "A.1.2", "Docentes"));
        assert_eq!(rows[1].line, 4);
        assert_eq!(rows[1].amounts.appropriation, 500_000.5);

        let missing = parse_file("cuenta,compromisos\nA.1,1\n").unwrap_err();
        assert!(missing.contains("apropiacion, obligaciones, pagos"), "{missing}");
        let payments_above =
            parse_file("cuenta,apropiacion,compromisos,obligaciones,pagos\nA.1,10,10,5,6\n").unwrap_err();
        assert!(payments_above.starts_with("línea 2: cuenta A.1: pagos"), "{payments_above}");
        let twice = parse_file(
            "cuenta,apropiacion,compromisos,obligaciones,pagos\nA.1,1,1,1,1\nA.2,1,1,1,1\na.1,1,1,1,1\n",
        )
        .unwrap_err();
        assert_eq!(twice, "línea 4: la cuenta A.1 ya aparece en la línea 2");
        assert!(parse_file("cuenta,apropiacion,compromisos,obligaciones,pagos\n").is_err());
    }

    #[test]
    fn totals_are_skipped_units_summed_and_the_rest_reported_by_line() {
        let row = |line: usize, account: &str, commitments: f64| LegacyRow {
            line,
            account: account.into(),
            name: String::new(),
            amounts: Amounts { appropriation: commitments, commitments, obligations: 0.0, payments: 0.0 },
        };
        let rows = [
            row(2, "A", 100.0),
            row(3, "A.1", 60.0),
            row(4, "A.1.1", 10.0),
            row(5, "A.1.2", 20.0),
            row(6, "A.1.3", 30.0),
            row(7, "A.10", 40.0),
            row(8, "A.3.1", 5.0),
        ];
        let plan = plan(&rows, &mapping());
        assert_eq!(plan.totals, vec![2, 3]);
        assert_eq!(plan.by_unit["EDU-01"].commitments, 30.0);
        assert_eq!(plan.by_unit["EDU-03"].commitments, 30.0);
        assert_eq!(plan.by_unit["APSB-01"].commitments, 5.0);
        assert_eq!(plan.unmapped.iter().map(|r| r.line).collect::<Vec<_>>(), vec![7]);
        assert_eq!(plan.classified.len(), 4);
    }
}
