//! The rules of the classification of spending, as plain functions: how a
//! set of approved changes turns one version of the catalogue into the next
//! (codes never reused, parents of the right level, crosswalks whose shares
//! add up to 100 %), how spending reported under any version is shown in the
//! codes of another through the crosswalk, the order of the moments of budget
//! execution, what changed between two versions, and which unit a free text
//! names. No database here.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, NaiveDate};

use super::model::{Amounts, CatalogueLevel, Item, Part, ProposedChange};
use crate::text;

/// The current items of one version, by code.
pub type Snapshot = BTreeMap<String, Item>;

/// All of a spending: 100 % in basis points.
pub const WHOLE: i32 = 10_000;

/// Longest catalogue code: the data elements of a unit add 19 characters.
pub const MAX_CODE_CHARS: usize = 32;

/// A catalogue code: upper-case letters without accents, digits, «-» and «_».
pub fn parse_code(raw: &str) -> Result<String, String> {
    let code = raw.trim().to_uppercase();
    let valid = (2..=MAX_CODE_CHARS).contains(&code.len())
        && code.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if valid {
        Ok(code)
    } else {
        Err(format!(
            "el código «{}» no es válido: de 2 a {MAX_CODE_CHARS} letras sin tildes, dígitos, «-» o «_»",
            raw.trim()
        ))
    }
}

/// A percentage with at most two decimals, in basis points (12,5 % → 1 250).
pub fn basis_points(percent: f64) -> Result<i32, String> {
    if !percent.is_finite() || percent <= 0.0 || percent > 100.0 {
        return Err(format!("el porcentaje {percent} debe ser mayor que 0 y a lo sumo 100"));
    }
    let points = (percent * 100.0).round();
    if (points - percent * 100.0).abs() > 1e-6 {
        return Err(format!("el porcentaje {percent} admite a lo sumo dos decimales"));
    }
    Ok(points as i32)
}

/// The successors of a retired code must take all of its spending, once:
/// shares above zero, no successor twice, adding to exactly 100 %.
pub fn check_shares(from: &str, parts: &[Part]) -> Result<(), String> {
    let mut seen = HashSet::new();
    for part in parts {
        if part.basis_points <= 0 || part.basis_points > WHOLE {
            return Err(format!(
                "el sucesor «{}» de «{from}» debe recibir más de 0 % y hasta 100 %",
                part.code
            ));
        }
        if !seen.insert(part.code.as_str()) {
            return Err(format!("el sucesor «{}» aparece dos veces en el cruce de «{from}»", part.code));
        }
        if part.code == from {
            return Err(format!("«{from}» no puede ser su propio sucesor"));
        }
    }
    let total: i32 = parts.iter().map(|part| part.basis_points).sum();
    if total != WHOLE {
        let verb = if total < WHOLE { "pierde" } else { "cuenta dos veces" };
        return Err(format!(
            "el cruce de «{from}» {verb} gasto: los porcentajes suman {}, deben sumar 100 %",
            percent_text(total)
        ));
    }
    Ok(())
}

fn percent_text(basis_points: i32) -> String {
    format!("{},{:02} %", basis_points / 100, basis_points % 100)
}

/// The catalogue after a set of changes, and the crosswalk they add.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    pub items: Snapshot,
    /// (from, to, basis points) of every code retired with successors.
    pub crosswalk: Vec<(String, String, i32)>,
    /// Codes that leave the catalogue (with or without successors).
    pub retired: Vec<String>,
}

/// Applies `changes` in order to `current`. `ever_used` holds every code any
/// version has had: a code is never given to something else. The error names
/// the change (its position, from 0) and what is wrong.
pub fn apply(
    current: &Snapshot,
    ever_used: &HashSet<String>,
    changes: &[ProposedChange],
) -> Result<Applied, (usize, String)> {
    let mut state =
        State { items: current.clone(), used: ever_used.clone(), crosswalk: Vec::new(), retired: Vec::new() };
    for (index, change) in changes.iter().enumerate() {
        state.apply(change).map_err(|reason| (index, reason))?;
    }
    Ok(Applied { items: state.items, crosswalk: state.crosswalk, retired: state.retired })
}

struct State {
    items: Snapshot,
    used: HashSet<String>,
    crosswalk: Vec<(String, String, i32)>,
    retired: Vec<String>,
}

impl State {
    fn apply(&mut self, change: &ProposedChange) -> Result<(), String> {
        match change {
            ProposedChange::Add { item } => self.add(item.clone()),
            ProposedChange::Rename { code, name, description } => {
                let item = self.items.get_mut(code).ok_or_else(|| not_current(code))?;
                if item.name == *name && description.as_ref().is_none_or(|d| *d == item.description) {
                    return Err(format!("«{code}» ya se llama «{name}»: el cambio no cambia nada"));
                }
                item.name = name.clone();
                if let Some(description) = description {
                    item.description = description.clone();
                }
                Ok(())
            }
            ProposedChange::Split { code, parts } => {
                let unit = self.unit(code)?.clone();
                if parts.len() < 2 {
                    return Err(format!("dividir «{code}» pide al menos dos partes"));
                }
                check_shares(code, parts)?;
                for part in parts {
                    self.successor(part, &unit)?;
                }
                self.retire(code)?;
                self.crosswalk.extend(parts.iter().map(|p| (code.clone(), p.code.clone(), p.basis_points)));
                Ok(())
            }
            ProposedChange::Merge { codes, into } => {
                if codes.len() < 2 {
                    return Err("fusionar pide al menos dos unidades".to_owned());
                }
                let mut seen = HashSet::new();
                let mut first = None;
                for code in codes {
                    if !seen.insert(code.as_str()) {
                        return Err(format!("«{code}» aparece dos veces en la fusión"));
                    }
                    let unit = self.unit(code)?.clone();
                    first.get_or_insert(unit);
                }
                let Some(first) = first else { return Err("fusionar pide al menos dos unidades".to_owned()) };
                if !codes.contains(&into.code) {
                    self.successor(into, &first)?;
                }
                for code in codes.iter().filter(|code| **code != into.code) {
                    self.retire(code)?;
                    self.crosswalk.push((code.clone(), into.code.clone(), WHOLE));
                }
                Ok(())
            }
            ProposedChange::Retire { code, successors } => {
                let item = self.items.get(code).ok_or_else(|| not_current(code))?.clone();
                if !successors.is_empty() {
                    check_shares(code, successors)?;
                    for successor in successors {
                        match self.items.get(&successor.code) {
                            Some(other) if other.level == item.level => {}
                            Some(_) => {
                                return Err(format!(
                                    "el sucesor «{}» de «{code}» no es una {}",
                                    successor.code,
                                    item.level.spanish()
                                ))
                            }
                            None => return Err(not_current(&successor.code)),
                        }
                    }
                }
                if item.level == CatalogueLevel::Competency
                    && self.items.values().any(|child| child.parent_code.as_deref() == Some(code))
                {
                    return Err(format!(
                        "la competencia «{code}» aún tiene unidades vigentes: retírelas o muévalas primero"
                    ));
                }
                self.retire(code)?;
                self.crosswalk
                    .extend(successors.iter().map(|s| (code.clone(), s.code.clone(), s.basis_points)));
                Ok(())
            }
        }
    }

    fn add(&mut self, item: Item) -> Result<(), String> {
        if self.used.contains(&item.code) {
            return Err(format!(
                "el código «{}» ya se usó en el catálogo: los códigos no se reutilizan",
                item.code
            ));
        }
        match (item.level.parent(), item.parent_code.as_deref()) {
            (None, None) => {}
            (None, Some(_)) => {
                return Err(format!("la competencia «{}» no cuelga de otro elemento", item.code))
            }
            (Some(level), None) => {
                return Err(format!("«{}» debe colgar de una {} («parentCode»)", item.code, level.spanish()))
            }
            (Some(level), Some(parent)) => match self.items.get(parent) {
                Some(found) if found.level == level => {}
                Some(_) => return Err(format!("«{parent}» no es una {}", level.spanish())),
                None => return Err(not_current(parent)),
            },
        }
        if item.entity_kinds.is_empty() {
            return Err(format!("indique qué tipos de entidad tienen «{}» («entityKinds»)", item.code));
        }
        self.used.insert(item.code.clone());
        self.items.insert(item.code.clone(), item);
        Ok(())
    }

    fn unit(&self, code: &str) -> Result<&Item, String> {
        match self.items.get(code) {
            Some(item) if item.level == CatalogueLevel::Unit => Ok(item),
            Some(_) => {
                Err(format!("«{code}» no es una unidad programática: solo las unidades se dividen o funden"))
            }
            None => Err(not_current(code)),
        }
    }

    /// A part of a split or the target of a merge: a current unit, or a new
    /// one under `like`'s competency, with its kinds and legal basis.
    fn successor(&mut self, part: &Part, like: &Item) -> Result<(), String> {
        if part.code == like.code {
            return Ok(());
        }
        match (self.items.get(&part.code), &part.name) {
            (Some(item), _) if item.level == CatalogueLevel::Unit => Ok(()),
            (Some(_), _) => Err(format!("«{}» no es una unidad programática", part.code)),
            (None, None) => Err(format!("«{}» no está vigente: para crearla indique su nombre", part.code)),
            (None, Some(name)) => self.add(Item {
                code: part.code.clone(),
                level: CatalogueLevel::Unit,
                parent_code: like.parent_code.clone(),
                name: name.clone(),
                description: part.description.clone().unwrap_or_else(|| like.description.clone()),
                entity_kinds: like.entity_kinds.clone(),
                legal_basis: like.legal_basis.clone(),
            }),
        }
    }

    /// Takes `code` out of the catalogue; a unit's services leave with it
    /// (spending is classified by unit, so they carry none to pass on).
    fn retire(&mut self, code: &str) -> Result<(), String> {
        self.items.remove(code).ok_or_else(|| not_current(code))?;
        self.retired.push(code.to_owned());
        let children: Vec<String> = self
            .items
            .values()
            .filter(|item| item.level == CatalogueLevel::Service && item.parent_code.as_deref() == Some(code))
            .map(|item| item.code.clone())
            .collect();
        for child in children {
            self.items.remove(&child);
            self.retired.push(child);
        }
        Ok(())
    }
}

fn not_current(code: &str) -> String {
    format!("«{code}» no es un código vigente del catálogo")
}

/// How each code reported under any version is shown in the target
/// version: a code of the target stays itself; a retired one passes to its
/// successors by share, step by step through every later version up to
/// the target. A code retired without successors resolves to nothing (its
/// spending is shown as not classified).
pub struct Resolver<'a> {
    target: &'a HashSet<String>,
    /// from code → (version, to code, basis points), up to the target version.
    steps: HashMap<&'a str, Vec<(&'a str, i32)>>,
    memo: HashMap<String, Vec<(String, f64)>>,
}

impl<'a> Resolver<'a> {
    /// `crosswalk` holds (version, from, to, basis points); only rows of
    /// versions up to `target_version` apply.
    pub fn new(
        target: &'a HashSet<String>,
        crosswalk: &'a [(i32, String, String, i32)],
        target_version: i32,
    ) -> Self {
        let mut steps: HashMap<&str, Vec<(&str, i32)>> = HashMap::new();
        for (version, from, to, points) in crosswalk {
            if *version <= target_version {
                steps.entry(from.as_str()).or_default().push((to.as_str(), *points));
            }
        }
        Self { target, steps, memo: HashMap::new() }
    }

    /// The target codes `code` resolves to, with the fraction of its spending each takes.
    pub fn resolve(&mut self, code: &str) -> Vec<(String, f64)> {
        self.resolve_at(code, 0)
    }

    fn resolve_at(&mut self, code: &str, depth: usize) -> Vec<(String, f64)> {
        if let Some(hit) = self.memo.get(code) {
            return hit.clone();
        }
        let resolved = if self.target.contains(code) {
            vec![(code.to_owned(), 1.0)]
        } else if depth > 64 {
            Vec::new()
        } else {
            let steps = self.steps.get(code).cloned().unwrap_or_default();
            let mut merged: BTreeMap<String, f64> = BTreeMap::new();
            for (to, points) in steps {
                for (end, fraction) in self.resolve_at(to, depth + 1) {
                    *merged.entry(end).or_default() += fraction * f64::from(points) / f64::from(WHOLE);
                }
            }
            merged.into_iter().collect()
        };
        self.memo.insert(code.to_owned(), resolved.clone());
        resolved
    }
}

/// Spending in the target's codes, and what could not be translated.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Translated {
    pub by_code: BTreeMap<String, Amounts>,
    pub unresolved: BTreeMap<String, Amounts>,
}

/// Shows `spending` (by the code it was reported under) in the target's codes.
pub fn translate<'s>(
    spending: impl IntoIterator<Item = (&'s str, Amounts)>,
    resolver: &mut Resolver,
) -> Translated {
    let mut out = Translated::default();
    for (code, amounts) in spending {
        let targets = resolver.resolve(code);
        if targets.is_empty() {
            out.unresolved.entry(code.to_owned()).or_default().add(amounts);
        }
        for (target, fraction) in targets {
            out.by_code.entry(target).or_default().add(amounts.scaled(fraction));
        }
    }
    out
}

/// The moments of budget execution follow each other: nothing is paid that
/// was not obliged, obliged that was not committed, committed that was not
/// appropriated (Estatuto Orgánico de Presupuesto, Decreto 111 de 1996).
pub fn check_execution(amounts: &Amounts) -> Result<(), String> {
    let values = [
        ("apropiación", amounts.appropriation),
        ("compromisos", amounts.commitments),
        ("obligaciones", amounts.obligations),
        ("pagos", amounts.payments),
    ];
    for (name, value) in values {
        if !value.is_finite() || value < 0.0 {
            return Err(format!("{name} debe ser un valor en pesos no negativo"));
        }
    }
    for pair in values.windows(2) {
        let [(upper, high), (lower, low)] = [pair[0], pair[1]];
        if low > high {
            return Err(format!("{lower} ({low}) no pueden superar {upper} ({high})"));
        }
    }
    Ok(())
}

/// What changed for one code between two versions.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum DifferenceKind {
    /// Está en la versión nueva y no en la anterior.
    Added,
    /// Estaba en la versión anterior y ya no.
    Retired,
    /// Cambió de nombre.
    Renamed,
    /// Cambió su descripción, sus tipos de entidad, su base legal o su padre.
    Changed,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    pub code: String,
    pub kind: DifferenceKind,
    pub before: Option<Item>,
    pub after: Option<Item>,
}

/// Every code that differs between `old` and `new`, in code order.
pub fn diff(old: &Snapshot, new: &Snapshot) -> Vec<Difference> {
    let codes: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    codes
        .into_iter()
        .filter_map(|code| {
            let (before, after) = (old.get(code), new.get(code));
            let kind = match (before, after) {
                (None, Some(_)) => DifferenceKind::Added,
                (Some(_), None) => DifferenceKind::Retired,
                (Some(a), Some(b)) if a.name != b.name => DifferenceKind::Renamed,
                (Some(a), Some(b)) if a != b => DifferenceKind::Changed,
                _ => return None,
            };
            Some(Difference { code: code.clone(), kind, before: before.cloned(), after: after.cloned() })
        })
        .collect()
}

/// The unit a free text names: its code or its exact name (without case or
/// accents); `None` when none or more than one does.
pub fn match_unit<'i>(free_text: &str, units: impl IntoIterator<Item = &'i Item>) -> Option<String> {
    match_item(free_text, units, CatalogueLevel::Unit)
}

/// The item of `level` a free text names, as `match_unit` reads it: an
/// indicator whose unit names a service counts that service.
pub fn match_item<'i>(
    free_text: &str,
    items: impl IntoIterator<Item = &'i Item>,
    level: CatalogueLevel,
) -> Option<String> {
    let wanted = text::fold(free_text.trim());
    if wanted.is_empty() {
        return None;
    }
    let found: Vec<&Item> = items
        .into_iter()
        .filter(|item| item.level == level)
        .filter(|item| text::fold(&item.code) == wanted || text::fold(&item.name) == wanted)
        .collect();
    match found.as_slice() {
        [one] => Some(one.code.clone()),
        _ => None,
    }
}

/// Pesos committed per service delivered, when some were delivered.
pub fn cost_per_service(commitments: f64, delivered: Option<f64>) -> Option<f64> {
    delivered.filter(|d| *d > 0.0 && d.is_finite()).map(|d| commitments / d)
}

/// A vigencia (fiscal year) a report may be about.
pub fn check_vigencia(vigencia: i32) -> Result<(), String> {
    if (2000..=2100).contains(&vigencia) {
        Ok(())
    } else {
        Err(format!("la vigencia {vigencia} no es un año válido"))
    }
}

/// Pesos per inhabitant, when the population is known and positive.
pub fn per_inhabitant(amount: f64, population: Option<f64>) -> Option<f64> {
    population.filter(|p| *p > 0.0 && p.is_finite()).map(|p| amount / p)
}

/// The share of total spending that the catalogue classifies, when the
/// total is known and positive (capped at 1: classified spending reported
/// above the declared total is a data problem shown elsewhere, not > 100 %).
pub fn classified_share(classified: f64, total: Option<f64>) -> Option<f64> {
    total.filter(|t| *t > 0.0 && t.is_finite()).map(|t| (classified / t).min(1.0))
}

/// The last vigencia a unit retired by a version effective on `effective_on`
/// is asked for: the year before, when the version starts a year; its own
/// year, when it starts midway (part of that year was spent under the unit).
pub fn last_vigencia_of_retired(effective_on: NaiveDate) -> i32 {
    if effective_on.ordinal() == 1 {
        effective_on.year() - 1
    } else {
        effective_on.year()
    }
}

/// The units of `before` that `after` no longer has.
pub fn retired_units<'a>(before: &'a Snapshot, after: &Snapshot) -> Vec<&'a str> {
    before
        .values()
        .filter(|item| item.level == CatalogueLevel::Unit && !after.contains_key(&item.code))
        .map(|item| item.code.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::territory::TerritorialKind;

    fn item(code: &str, level: CatalogueLevel, parent: Option<&str>) -> Item {
        Item {
            code: code.into(),
            level,
            parent_code: parent.map(str::to_owned),
            name: format!("Nombre {code}"),
            description: "Descripción".into(),
            entity_kinds: vec![TerritorialKind::Municipality],
            legal_basis: "Ley 715 de 2001".into(),
        }
    }

    fn catalogue() -> Snapshot {
        [
            item("EDU", CatalogueLevel::Competency, None),
            item("EDU-01", CatalogueLevel::Unit, Some("EDU")),
            item("EDU-02", CatalogueLevel::Unit, Some("EDU")),
            item("EDU-01-01", CatalogueLevel::Service, Some("EDU-01")),
        ]
        .into_iter()
        .map(|item| (item.code.clone(), item))
        .collect()
    }

    fn used() -> HashSet<String> {
        catalogue().keys().cloned().chain(["OLD-99".to_owned()]).collect()
    }

    fn part(code: &str, points: i32, name: Option<&str>) -> Part {
        Part { code: code.into(), name: name.map(str::to_owned), description: None, basis_points: points }
    }

    #[test]
    fn a_retired_unit_is_asked_until_the_last_vigencia_it_existed() {
        let day = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date");
        assert_eq!(
            last_vigencia_of_retired(day("2025-01-01")),
            2024,
            "a new year starts under the new codes"
        );
        assert_eq!(last_vigencia_of_retired(day("2025-07-01")), 2025, "half of 2025 was spent under the old");
        let mut after = catalogue();
        after.remove("EDU-02");
        after.remove("EDU-01-01");
        assert_eq!(retired_units(&catalogue(), &after), ["EDU-02"], "services are not asked for");
        assert!(retired_units(&catalogue(), &catalogue()).is_empty());
    }

    #[test]
    fn percentages_become_basis_points_with_two_decimals_at_most() {
        assert_eq!(basis_points(12.5), Ok(1_250));
        assert_eq!(basis_points(100.0), Ok(10_000));
        assert_eq!(basis_points(33.33), Ok(3_333));
        assert!(basis_points(33.333).is_err());
        assert!(basis_points(0.0).is_err());
        assert!(basis_points(101.0).is_err());
        assert!(basis_points(f64::NAN).is_err());
    }

    #[test]
    fn shares_must_add_to_exactly_one_hundred_percent() {
        assert!(check_shares("A", &[part("B", 6_000, None), part("C", 4_000, None)]).is_ok());
        let lost = check_shares("A", &[part("B", 6_000, None), part("C", 3_000, None)]).unwrap_err();
        assert!(lost.contains("pierde") && lost.contains("90,00 %"), "{lost}");
        let double = check_shares("A", &[part("B", 6_000, None), part("C", 6_000, None)]).unwrap_err();
        assert!(double.contains("dos veces"), "{double}");
        assert!(check_shares("A", &[part("B", 5_000, None), part("B", 5_000, None)]).is_err());
        assert!(check_shares("A", &[part("A", 10_000, None)]).is_err());
    }

    #[test]
    fn codes_are_never_reused_and_items_hang_from_the_right_level() {
        let reused = ProposedChange::Add { item: item("OLD-99", CatalogueLevel::Unit, Some("EDU")) };
        let (index, reason) = apply(&catalogue(), &used(), &[reused]).unwrap_err();
        assert_eq!(index, 0);
        assert!(reason.contains("no se reutilizan"), "{reason}");
        let wrong_parent = ProposedChange::Add { item: item("EDU-03", CatalogueLevel::Unit, Some("EDU-01")) };
        assert!(apply(&catalogue(), &used(), &[wrong_parent]).is_err());
        let orphan = ProposedChange::Add { item: item("EDU-03", CatalogueLevel::Unit, None) };
        assert!(apply(&catalogue(), &used(), &[orphan]).is_err());
        let fine = ProposedChange::Add { item: item("EDU-03", CatalogueLevel::Unit, Some("EDU")) };
        let applied = apply(&catalogue(), &used(), &[fine.clone()]).expect("added");
        assert!(applied.items.contains_key("EDU-03"));
        // The same code twice in one set is a reuse too.
        let (index, _) = apply(&catalogue(), &used(), &[fine.clone(), fine]).unwrap_err();
        assert_eq!(index, 1);
    }

    #[test]
    fn a_split_retires_the_unit_and_its_services_and_writes_the_crosswalk() {
        let split = ProposedChange::Split {
            code: "EDU-01".into(),
            parts: vec![part("EDU-03", 7_000, Some("Calidad")), part("EDU-02", 3_000, None)],
        };
        let applied = apply(&catalogue(), &used(), &[split]).expect("split");
        assert!(!applied.items.contains_key("EDU-01"));
        assert!(!applied.items.contains_key("EDU-01-01"));
        assert_eq!(applied.items["EDU-03"].parent_code.as_deref(), Some("EDU"));
        assert_eq!(applied.retired, ["EDU-01", "EDU-01-01"]);
        assert_eq!(
            applied.crosswalk,
            [("EDU-01".into(), "EDU-03".into(), 7_000), ("EDU-01".into(), "EDU-02".into(), 3_000)]
        );
        let losing = ProposedChange::Split {
            code: "EDU-01".into(),
            parts: vec![part("EDU-03", 7_000, Some("Calidad")), part("EDU-02", 2_000, None)],
        };
        assert!(apply(&catalogue(), &used(), &[losing]).is_err());
        let new_without_name = ProposedChange::Split {
            code: "EDU-01".into(),
            parts: vec![part("EDU-03", 5_000, None), part("EDU-02", 5_000, None)],
        };
        assert!(apply(&catalogue(), &used(), &[new_without_name]).is_err());
    }

    #[test]
    fn a_merge_passes_all_of_each_unit_and_a_retirement_may_have_no_successor() {
        let merge = ProposedChange::Merge {
            codes: vec!["EDU-01".into(), "EDU-02".into()],
            into: part("EDU-09", WHOLE, Some("Educación básica")),
        };
        let applied = apply(&catalogue(), &used(), &[merge]).expect("merged");
        assert_eq!(applied.crosswalk.len(), 2);
        assert!(applied.crosswalk.iter().all(|(_, to, points)| to == "EDU-09" && *points == WHOLE));
        let into_one = ProposedChange::Merge {
            codes: vec!["EDU-01".into(), "EDU-02".into()],
            into: part("EDU-02", WHOLE, None),
        };
        let applied = apply(&catalogue(), &used(), &[into_one]).expect("merged into one");
        assert!(applied.items.contains_key("EDU-02"));
        assert_eq!(applied.crosswalk, [("EDU-01".into(), "EDU-02".into(), WHOLE)]);
        let retire = ProposedChange::Retire { code: "EDU-02".into(), successors: vec![] };
        let applied = apply(&catalogue(), &used(), &[retire]).expect("retired");
        assert!(applied.crosswalk.is_empty());
        let competency = ProposedChange::Retire { code: "EDU".into(), successors: vec![] };
        assert!(apply(&catalogue(), &used(), &[competency]).unwrap_err().1.contains("unidades vigentes"));
    }

    #[test]
    fn spending_follows_the_crosswalk_through_every_version_up_to_the_target() {
        // v2: A splits 60/40 into B and C; v3: C merges into D; v3: E retired without successor.
        let crosswalk = vec![
            (2, "A".to_owned(), "B".to_owned(), 6_000),
            (2, "A".to_owned(), "C".to_owned(), 4_000),
            (3, "C".to_owned(), "D".to_owned(), WHOLE),
        ];
        let today: HashSet<String> = ["B", "D", "X"].into_iter().map(str::to_owned).collect();
        let mut resolver = Resolver::new(&today, &crosswalk, 3);
        let amounts = Amounts { appropriation: 100.0, commitments: 80.0, obligations: 50.0, payments: 10.0 };
        let translated = translate([("A", amounts), ("X", amounts), ("E", amounts)], &mut resolver);
        assert_eq!(translated.by_code["B"].appropriation, 60.0);
        assert_eq!(translated.by_code["D"].commitments, 32.0);
        assert_eq!(translated.by_code["X"], amounts);
        assert_eq!(translated.unresolved["E"], amounts);
        let total: f64 = translated.by_code.values().map(|a| a.appropriation).sum();
        assert_eq!(total, 200.0, "nothing lost, nothing counted twice");
        // Shown in version 2's codes, C is still C.
        let v2: HashSet<String> = ["B", "C"].into_iter().map(str::to_owned).collect();
        let mut resolver = Resolver::new(&v2, &crosswalk, 2);
        assert_eq!(resolver.resolve("A"), [("B".to_owned(), 0.6), ("C".to_owned(), 0.4)]);
    }

    #[test]
    fn budget_moments_follow_each_other() {
        let fine = Amounts { appropriation: 100.0, commitments: 90.0, obligations: 80.0, payments: 80.0 };
        assert!(check_execution(&fine).is_ok());
        let overpaid = Amounts { payments: 85.0, ..fine };
        assert!(check_execution(&overpaid).unwrap_err().contains("pagos"));
        let negative = Amounts { appropriation: -1.0, ..Amounts::default() };
        assert!(check_execution(&negative).is_err());
        assert!(check_execution(&Amounts { commitments: f64::INFINITY, ..fine }).is_err());
    }

    #[test]
    fn a_diff_names_what_was_added_retired_renamed_or_changed() {
        let old = catalogue();
        let mut new = old.clone();
        new.remove("EDU-02");
        new.insert("EDU-03".into(), item("EDU-03", CatalogueLevel::Unit, Some("EDU")));
        if let Some(unit) = new.get_mut("EDU-01") {
            unit.name = "Prestación del servicio educativo".into();
        }
        if let Some(service) = new.get_mut("EDU-01-01") {
            service.legal_basis = "Ley 1551 de 2012".into();
        }
        let kinds: Vec<(String, DifferenceKind)> =
            diff(&old, &new).into_iter().map(|d| (d.code, d.kind)).collect();
        assert_eq!(
            kinds,
            [
                ("EDU-01".into(), DifferenceKind::Renamed),
                ("EDU-01-01".into(), DifferenceKind::Changed),
                ("EDU-02".into(), DifferenceKind::Retired),
                ("EDU-03".into(), DifferenceKind::Added),
            ]
        );
    }

    #[test]
    fn free_text_matches_a_unit_by_code_or_exact_name_only() {
        let catalogue = catalogue();
        assert_eq!(match_unit("edu-01", catalogue.values()), Some("EDU-01".into()));
        assert_eq!(match_unit("NOMBRE EDU-02", catalogue.values()), Some("EDU-02".into()));
        assert_eq!(match_unit("Nómbre edu-02 ", catalogue.values()), Some("EDU-02".into()));
        assert_eq!(match_unit("EDU", catalogue.values()), None, "a competency is not a unit");
        assert_eq!(match_unit("calidad educativa", catalogue.values()), None);
        assert_eq!(match_unit("", catalogue.values()), None);
    }

    #[test]
    fn a_service_is_matched_like_a_unit_and_costed_only_when_delivered() {
        let items = vec![
            item("EDU-01", CatalogueLevel::Unit, Some("EDU")),
            Item {
                name: "Matrícula oficial".into(),
                ..item("EDU-01-01", CatalogueLevel::Service, Some("EDU-01"))
            },
        ];
        assert_eq!(
            match_item("matricula OFICIAL", &items, CatalogueLevel::Service),
            Some("EDU-01-01".into())
        );
        assert_eq!(match_item("edu-01-01", &items, CatalogueLevel::Service), Some("EDU-01-01".into()));
        assert_eq!(match_item("EDU-01", &items, CatalogueLevel::Service), None);
        assert_eq!(cost_per_service(1_000_000.0, Some(250.0)), Some(4_000.0));
        assert_eq!(cost_per_service(1_000_000.0, Some(0.0)), None);
        assert_eq!(cost_per_service(1_000_000.0, None), None);
    }

    #[test]
    fn a_vigencia_is_a_year_of_this_century() {
        assert!(check_vigencia(2024).is_ok());
        assert_eq!(check_vigencia(1800), Err("la vigencia 1800 no es un año válido".into()));
        assert!(check_vigencia(2101).is_err());
    }

    #[test]
    fn per_inhabitant_and_share_need_a_positive_denominator() {
        assert_eq!(per_inhabitant(1_000.0, Some(4.0)), Some(250.0));
        assert_eq!(per_inhabitant(1_000.0, Some(0.0)), None);
        assert_eq!(per_inhabitant(1_000.0, None), None);
        assert_eq!(classified_share(80.0, Some(100.0)), Some(0.8));
        assert_eq!(classified_share(120.0, Some(100.0)), Some(1.0));
        assert_eq!(classified_share(1.0, Some(0.0)), None);
    }
}
