//! Domain types of the territory context: what services and resolvers see.

use serde::{Deserialize, Serialize};

use crate::{error::ServiceError, text};

/// A well-formed DIVIPOLA code: 2 digits for a department, 5 for a municipal unit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DivipolaCode(String);

impl DivipolaCode {
    pub fn parse(raw: &str) -> Result<Self, ServiceError> {
        let code = raw.trim();
        if matches!(code.len(), 2 | 5) && code.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(code.to_owned()))
        } else {
            Err(ServiceError::invalid(format!(
                "el código DIVIPOLA «{}» no es válido: debe tener 2 dígitos (departamento) o 5 dígitos (municipio)",
                truncate(code, 20)
            )))
        }
    }

    /// A department code (2 digits), as filters ask for.
    pub fn parse_department(raw: &str) -> Result<Self, ServiceError> {
        let code = Self::parse(raw)?;
        if code.is_department() {
            Ok(code)
        } else {
            Err(ServiceError::invalid(format!(
                "«{}» no es un código de departamento: debe tener 2 dígitos, p. ej. 05 para Antioquia",
                code.0
            )))
        }
    }

    pub fn is_department(&self) -> bool {
        self.0.len() == 2
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn truncate(text: &str, max_chars: usize) -> String {
    text.chars().take(max_chars).collect()
}

/// Tipo de entidad territorial.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TerritorialKind {
    /// Departamento (incluye Bogotá, D.C. en su nivel departamental).
    Department,
    /// Distrito (Bogotá, Barranquilla, Cartagena, Santa Marta, Buenaventura…).
    District,
    /// Municipio.
    Municipality,
    /// Área no municipalizada (Amazonas, Guainía, Vaupés).
    NonMunicipalizedArea,
}

impl TerritorialKind {
    pub fn as_db(self) -> &'static str {
        match self {
            Self::Department => "DEPARTMENT",
            Self::District => "DISTRICT",
            Self::Municipality => "MUNICIPALITY",
            Self::NonMunicipalizedArea => "NON_MUNICIPALIZED_AREA",
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        [Self::Department, Self::District, Self::Municipality, Self::NonMunicipalizedArea]
            .into_iter()
            .find(|kind| kind.as_db() == value)
    }
}

/// Categoría municipal de la Ley 617 de 2000 (por población e ingresos corrientes de libre destinación).
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MunicipalCategory {
    /// Categoría especial.
    Special,
    /// Primera categoría.
    First,
    /// Segunda categoría.
    Second,
    /// Tercera categoría.
    Third,
    /// Cuarta categoría.
    Fourth,
    /// Quinta categoría.
    Fifth,
    /// Sexta categoría.
    Sixth,
}

impl MunicipalCategory {
    const ALL: [Self; 7] =
        [Self::Special, Self::First, Self::Second, Self::Third, Self::Fourth, Self::Fifth, Self::Sixth];

    pub fn as_db(self) -> &'static str {
        match self {
            Self::Special => "SPECIAL",
            Self::First => "FIRST",
            Self::Second => "SECOND",
            Self::Third => "THIRD",
            Self::Fourth => "FOURTH",
            Self::Fifth => "FIFTH",
            Self::Sixth => "SIXTH",
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|category| category.as_db() == value)
    }
}

/// Grupo de capacidades iniciales de la Medición de Desempeño Municipal del DNP:
/// capitales, y de G1 (capacidades más altas) a G5 (más bajas). Orienta el enfoque diferencial.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CapacityGroup {
    /// Ciudades capitales.
    Capitals,
    /// Grupo 1: capacidades iniciales altas.
    G1,
    /// Grupo 2.
    G2,
    /// Grupo 3.
    G3,
    /// Grupo 4.
    G4,
    /// Grupo 5: capacidades iniciales más bajas.
    G5,
}

impl CapacityGroup {
    const ALL: [Self; 6] = [Self::Capitals, Self::G1, Self::G2, Self::G3, Self::G4, Self::G5];

    pub fn as_db(self) -> &'static str {
        match self {
            Self::Capitals => "CAPITALS",
            Self::G1 => "G1",
            Self::G2 => "G2",
            Self::G3 => "G3",
            Self::G4 => "G4",
            Self::G5 => "G5",
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|group| group.as_db() == value)
    }
}

/// A department, district, municipality or non-municipalised area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TerritorialEntity {
    pub code: String,
    pub name: String,
    pub kind: TerritorialKind,
    /// `None` for departments.
    pub department_code: Option<String>,
    pub category: Option<MunicipalCategory>,
    pub capacity_group: Option<CapacityGroup>,
}

/// A validated filter over the register.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TerritoryFilter {
    pub kind: Option<TerritorialKind>,
    pub department: Option<DivipolaCode>,
    pub category: Option<MunicipalCategory>,
    /// Already folded (lower case, no accents).
    pub name_contains: Option<String>,
}

pub const MAX_NAME_QUERY_CHARS: usize = 100;

impl TerritoryFilter {
    pub fn parse(
        kind: Option<TerritorialKind>,
        department_code: Option<&str>,
        category: Option<MunicipalCategory>,
        name_contains: Option<&str>,
    ) -> Result<Self, ServiceError> {
        let department = department_code.map(DivipolaCode::parse_department).transpose()?;
        let name_contains = match name_contains.map(text::fold) {
            Some(name) if name.chars().count() > MAX_NAME_QUERY_CHARS => {
                return Err(ServiceError::invalid(format!(
                    "«nameContains» admite como máximo {MAX_NAME_QUERY_CHARS} caracteres"
                )));
            }
            Some(name) if name.is_empty() => None,
            other => other,
        };
        Ok(Self { kind, department, category, name_contains })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn divipola_codes_are_two_or_five_digits() {
        assert!(DivipolaCode::parse("05").expect("department").is_department());
        assert!(!DivipolaCode::parse(" 05001 ").expect("municipality").is_department());
        for bad in ["", "5", "050", "0500", "050011", "AB", "05OO1", "05 01"] {
            let error = DivipolaCode::parse(bad).unwrap_err();
            assert!(error.to_string().contains("no es válido"), "{bad}: {error}");
        }
    }

    #[test]
    fn filters_fold_names_and_want_department_codes() {
        let filter = TerritoryFilter::parse(None, Some("11"), None, Some("  BOGOTÁ ")).expect("valid");
        assert_eq!(filter.name_contains.as_deref(), Some("bogota"));
        assert!(TerritoryFilter::parse(None, Some("11001"), None, None).is_err());
        assert_eq!(TerritoryFilter::parse(None, None, None, Some("   ")).expect("valid").name_contains, None);
        assert!(TerritoryFilter::parse(None, None, None, Some(&"a".repeat(101))).is_err());
    }

    #[test]
    fn stored_values_round_trip() {
        for kind in [TerritorialKind::Department, TerritorialKind::NonMunicipalizedArea] {
            assert_eq!(TerritorialKind::from_db(kind.as_db()), Some(kind));
        }
        for category in MunicipalCategory::ALL {
            assert_eq!(MunicipalCategory::from_db(category.as_db()), Some(category));
        }
        for group in CapacityGroup::ALL {
            assert_eq!(CapacityGroup::from_db(group.as_db()), Some(group));
        }
    }
}
