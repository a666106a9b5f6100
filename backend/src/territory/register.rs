//! The DIVIPOLA register as DANE publishes it, turned into territorial entities.
//!
//! The CSV (one row per municipal unit: department code and name, municipality
//! code and name) is embedded in the binary, so a fresh machine needs nothing else.
//! DANE does not mark districts or non-municipalised areas in this file: the two
//! lists below say which they are, with their legal source.

use std::collections::{BTreeMap, HashSet};

use super::model::{TerritorialEntity, TerritorialKind};

/// DANE's register of municipal units (divipola_municipios.csv).
pub const EMBEDDED_REGISTER: &str = include_str!("../../resources/divipola_municipios.csv");

/// Districts: Bogotá, D.C. (Constitution, art. 322), Cartagena, Santa Marta and
/// Barranquilla (art. 328), Buenaventura (Acto Legislativo 2 de 2007), and those
/// created under Law 1617 of 2013 and later laws: Riohacha, Santa Cruz de Mompox,
/// San Andrés de Tumaco, Turbo, Santiago de Cali, Barrancabermeja and Medellín.
pub const DISTRICTS: [&str; 12] = [
    "11001", "13001", "47001", "08001", "76109", "44001", "13468", "52835", "05837", "76001", "68081",
    "05001",
];

/// Non-municipalised areas (áreas no municipalizadas) of Amazonas, Guainía and
/// Vaupés. Barrancominas (94343) became a municipality by Ordenanza 2019 and is not here.
pub const NON_MUNICIPALIZED_AREAS: [&str; 18] = [
    "91263", "91405", "91407", "91430", "91460", "91530", "91536", "91669", "91798", "94883", "94884",
    "94885", "94886", "94887", "94888", "97511", "97777", "97889",
];

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RegisterError {
    #[error("línea {line}: {reason}")]
    Row { line: u64, reason: String },
    #[error("el registro no es un CSV válido: {0}")]
    Csv(String),
}

/// Parses the register: every department and municipal unit, departments first,
/// each list sorted by code.
pub fn parse(csv_text: &str) -> Result<Vec<TerritorialEntity>, RegisterError> {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(csv_text.as_bytes());
    let mut departments: BTreeMap<String, String> = BTreeMap::new();
    let mut municipalities = Vec::new();
    let mut seen = HashSet::new();
    for record in reader.records() {
        let record = record.map_err(|error| RegisterError::Csv(error.to_string()))?;
        let line = record.position().map(|position| position.line()).unwrap_or_default();
        let field = |index: usize| record.get(index).map(str::trim).unwrap_or_default();
        let row_error = |reason: String| RegisterError::Row { line, reason };
        let (department_code, department_name, code, name) = (field(0), field(1), field(2), field(3));
        if department_code.len() != 2 || !department_code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(row_error(format!("código de departamento «{department_code}» no válido")));
        }
        if code.len() != 5 || !code.bytes().all(|b| b.is_ascii_digit()) || !code.starts_with(department_code)
        {
            return Err(row_error(format!(
                "código de municipio «{code}» no válido: 5 dígitos que empiezan por el del departamento"
            )));
        }
        if name.is_empty() || department_name.is_empty() {
            return Err(row_error("nombre vacío".into()));
        }
        if !seen.insert(code.to_owned()) {
            return Err(row_error(format!("el municipio {code} aparece dos veces")));
        }
        match departments.get(department_code) {
            Some(known) if known != department_name => {
                return Err(row_error(format!(
                    "el departamento {department_code} tiene dos nombres: «{known}» y «{department_name}»"
                )));
            }
            Some(_) => {}
            None => {
                departments.insert(department_code.to_owned(), department_name.to_owned());
            }
        }
        municipalities.push(TerritorialEntity {
            code: code.to_owned(),
            name: name.to_owned(),
            kind: municipal_kind(code),
            department_code: Some(department_code.to_owned()),
            category: None,
            capacity_group: None,
        });
    }
    municipalities.sort_by(|a, b| a.code.cmp(&b.code));
    let mut entities: Vec<TerritorialEntity> = departments
        .into_iter()
        .map(|(code, name)| TerritorialEntity {
            code,
            name,
            kind: TerritorialKind::Department,
            department_code: None,
            category: None,
            capacity_group: None,
        })
        .collect();
    entities.extend(municipalities);
    Ok(entities)
}

/// The kind of a municipal unit (5-digit code).
pub fn municipal_kind(code: &str) -> TerritorialKind {
    if DISTRICTS.contains(&code) {
        TerritorialKind::District
    } else if NON_MUNICIPALIZED_AREAS.contains(&code) {
        TerritorialKind::NonMunicipalizedArea
    } else {
        TerritorialKind::Municipality
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(entities: &[TerritorialEntity], kind: TerritorialKind) -> usize {
        entities.iter().filter(|entity| entity.kind == kind).count()
    }

    #[test]
    fn the_embedded_register_has_every_department_and_municipal_unit() {
        let entities = parse(EMBEDDED_REGISTER).expect("the embedded register is valid");
        assert_eq!(count(&entities, TerritorialKind::Department), 33);
        assert_eq!(entities.len() - 33, 1_121);
        assert_eq!(count(&entities, TerritorialKind::NonMunicipalizedArea), 18);
        assert_eq!(count(&entities, TerritorialKind::District), DISTRICTS.len());
        let bogota = entities.iter().find(|entity| entity.code == "11001").expect("Bogotá");
        assert_eq!(bogota.name, "BOGOTÁ, D.C.");
        assert_eq!(bogota.kind, TerritorialKind::District);
        assert_eq!(bogota.department_code.as_deref(), Some("11"));
    }

    #[test]
    fn every_listed_district_and_area_is_in_the_register() {
        let entities = parse(EMBEDDED_REGISTER).expect("valid");
        for code in DISTRICTS.iter().chain(NON_MUNICIPALIZED_AREAS.iter()) {
            assert!(entities.iter().any(|entity| entity.code == *code), "{code} missing");
        }
    }

    #[test]
    fn malformed_rows_are_refused_with_their_line() {
        let header = "codigo_departamento,nombre_departamento,codigo_municipio,nombre_municipio\n";
        let error = parse(&format!("{header}05,ANTIOQUIA,5001,MEDELLÍN\n")).unwrap_err();
        assert!(matches!(error, RegisterError::Row { line: 2, .. }), "{error}");
        let error = parse(&format!("{header}05,ANTIOQUIA,08001,X\n")).unwrap_err();
        assert!(error.to_string().contains("08001"), "{error}");
        let error = parse(&format!("{header}05,ANTIOQUIA,05001,A\n05,ANTIOQUIA,05001,B\n")).unwrap_err();
        assert!(error.to_string().contains("dos veces"), "{error}");
        let error = parse(&format!("{header}05,ANTIOQUIA,05001,A\n05,ANTIOQ,05002,B\n")).unwrap_err();
        assert!(error.to_string().contains("dos nombres"), "{error}");
    }
}
