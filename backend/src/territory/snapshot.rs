//! The register held in memory: 1,154 rows read on almost every request (a
//! list, a department beside each municipality, a peer group), changed by an
//! administrator a few times a year. Each instance keeps one snapshot, and
//! uses it only while the deployment's generation of the register in Redis
//! is the one it was read under (one GET instead of the queries); a writer
//! moves that generation before it acknowledges, and reads its own snapshot
//! again at once.

use std::{
    collections::HashMap,
    sync::{Arc, RwLock},
    time::{Duration, Instant},
};

use super::model::{TerritorialEntity, TerritoryFilter};
use crate::text;

/// The register at one moment, in code order.
pub(super) struct Snapshot {
    entities: Vec<TerritorialEntity>,
    /// Each entity's name folded (lower case, no accents), as filters compare it.
    folded_names: Vec<String>,
    by_code: HashMap<String, usize>,
}

impl Snapshot {
    pub(super) fn new(mut entities: Vec<TerritorialEntity>) -> Self {
        entities.sort_by(|a, b| a.code.cmp(&b.code));
        let folded_names = entities.iter().map(|entity| text::fold(&entity.name)).collect();
        let by_code = entities.iter().enumerate().map(|(i, entity)| (entity.code.clone(), i)).collect();
        Self { entities, folded_names, by_code }
    }

    pub(super) fn get(&self, code: &str) -> Option<&TerritorialEntity> {
        self.by_code.get(code).map(|&i| &self.entities[i])
    }

    /// The entities `filter` keeps, in code order.
    pub(super) fn filtered<'a>(
        &'a self,
        filter: &'a TerritoryFilter,
    ) -> impl Iterator<Item = &'a TerritorialEntity> + 'a {
        self.entities
            .iter()
            .zip(&self.folded_names)
            .filter(move |(e, name)| matches(filter, e, name))
            .map(|(e, _)| e)
    }
}

/// Whether `filter` keeps `entity`, whose folded name is `folded_name`: the
/// same rule the SQL of the register applied (equal kind, department and
/// category; the folded words anywhere in the folded name).
pub(super) fn matches(filter: &TerritoryFilter, entity: &TerritorialEntity, folded_name: &str) -> bool {
    filter.kind.is_none_or(|kind| entity.kind == kind)
        && filter.department.as_ref().is_none_or(|d| entity.department_code.as_deref() == Some(d.as_str()))
        && filter.category.is_none_or(|category| entity.category == Some(category))
        && filter.name_contains.as_deref().is_none_or(|name| folded_name.contains(name))
}

/// This instance's snapshot, if one is loaded, stamped with the deployment's
/// generation of the register it was read under (kept in Redis, moved by
/// every write before it is acknowledged: a snapshot older than the last
/// acknowledged write on any instance is never used). A local generation
/// counts this instance's changes, so a snapshot read from the database
/// before a change is not kept after it.
#[derive(Clone, Default)]
pub(super) struct RegisterCache(Arc<RwLock<Held>>);

#[derive(Default)]
struct Held {
    local: u64,
    snapshot: Option<(Option<i64>, Arc<Snapshot>)>,
    /// When the snapshot was read, and whether a refresh is under way.
    loaded_at: Option<Instant>,
    refreshing: bool,
}

/// A snapshot older than this is read again in the background: the bound on
/// how long a change nobody announced (a write from another process, a lost
/// Redis increment) can go unseen.
pub(super) const MAX_AGE: Duration = Duration::from_secs(60);

impl RegisterCache {
    /// The snapshot read under `remote` (the deployment's generation; `None`
    /// without Redis), or the local generation a load must start from.
    pub(super) fn get(&self, remote: Option<i64>) -> Result<Arc<Snapshot>, u64> {
        match self.0.read() {
            Ok(held) => match &held.snapshot {
                Some((stamp, snapshot)) if *stamp == remote => Ok(Arc::clone(snapshot)),
                _ => Err(held.local),
            },
            Err(_) => Err(u64::MAX),
        }
    }

    /// Keeps `snapshot`, read under `remote`, unless this instance changed
    /// the register since `local`.
    pub(super) fn keep(&self, local: u64, remote: Option<i64>, snapshot: &Arc<Snapshot>) {
        if let Ok(mut held) = self.0.write() {
            held.refreshing = false;
            if held.local == local {
                held.snapshot = Some((remote, Arc::clone(snapshot)));
                held.loaded_at = Some(Instant::now());
            }
        }
    }

    /// This instance's count of changes (where a load starts from).
    pub(super) fn local(&self) -> u64 {
        self.0.read().map_or(u64::MAX, |held| held.local)
    }

    /// Whether the snapshot is older than `MAX_AGE` and no refresh has
    /// started: true once, for the caller that starts it.
    pub(super) fn due_for_refresh(&self) -> bool {
        let Ok(mut held) = self.0.write() else { return false };
        let old = held.loaded_at.is_some_and(|at| at.elapsed() >= MAX_AGE);
        if old && !held.refreshing {
            held.refreshing = true;
            return true;
        }
        false
    }

    /// The register changed: the next read loads it again.
    pub(super) fn forget(&self) {
        if let Ok(mut held) = self.0.write() {
            held.local = held.local.wrapping_add(1);
            held.snapshot = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::territory::{DivipolaCode, MunicipalCategory, TerritorialKind};

    fn entity(
        code: &str,
        name: &str,
        kind: TerritorialKind,
        category: Option<MunicipalCategory>,
    ) -> TerritorialEntity {
        TerritorialEntity {
            code: code.into(),
            name: name.into(),
            kind,
            department_code: (code.len() == 5).then(|| code[..2].to_owned()),
            category,
            capacity_group: None,
        }
    }

    fn register() -> Snapshot {
        Snapshot::new(vec![
            entity("05002", "ABEJORRAL", TerritorialKind::Municipality, Some(MunicipalCategory::Sixth)),
            entity("05", "ANTIOQUIA", TerritorialKind::Department, None),
            entity("05001", "MEDELLÍN", TerritorialKind::Municipality, Some(MunicipalCategory::Special)),
            entity("52001", "PASTO", TerritorialKind::Municipality, Some(MunicipalCategory::First)),
        ])
    }

    fn codes(snapshot: &Snapshot, filter: &TerritoryFilter) -> Vec<String> {
        snapshot.filtered(filter).map(|e| e.code.clone()).collect()
    }

    #[test]
    fn filters_keep_what_the_sql_kept_in_code_order() {
        let snapshot = register();
        assert_eq!(codes(&snapshot, &TerritoryFilter::default()), ["05", "05001", "05002", "52001"]);
        let antioquia = TerritoryFilter {
            department: Some(DivipolaCode::parse_department("05").expect("valid")),
            ..TerritoryFilter::default()
        };
        assert_eq!(
            codes(&snapshot, &antioquia),
            ["05001", "05002"],
            "a department holds its municipalities, not itself"
        );
        let sixth =
            TerritoryFilter { category: Some(MunicipalCategory::Sixth), ..TerritoryFilter::default() };
        assert_eq!(codes(&snapshot, &sixth), ["05002"]);
        let departments =
            TerritoryFilter { kind: Some(TerritorialKind::Department), ..TerritoryFilter::default() };
        assert_eq!(codes(&snapshot, &departments), ["05"]);
        let named = TerritoryFilter::parse(None, None, None, Some("Medellin")).expect("valid");
        assert_eq!(codes(&snapshot, &named), ["05001"], "accents and case do not matter");
        assert_eq!(snapshot.get("52001").map(|e| e.name.as_str()), Some("PASTO"));
        assert!(snapshot.get("99999").is_none());
    }

    #[test]
    fn a_snapshot_read_before_a_change_is_not_kept_after_it() {
        let cache = RegisterCache::default();
        let local = cache.get(None).err().expect("nothing loaded");
        cache.forget();
        cache.keep(local, None, &Arc::new(register()));
        assert!(cache.get(None).is_err(), "loaded before this instance's change: dropped");
        let local = cache.get(None).err().expect("nothing loaded");
        cache.keep(local, None, &Arc::new(register()));
        assert!(cache.get(None).is_ok());
        cache.forget();
        assert!(cache.get(None).is_err());
    }

    #[test]
    fn a_write_on_another_instance_retires_the_snapshot() {
        let cache = RegisterCache::default();
        let local = cache.get(Some(7)).err().expect("nothing loaded");
        cache.keep(local, Some(7), &Arc::new(register()));
        assert!(cache.get(Some(7)).is_ok(), "the deployment's register has not moved");
        assert!(cache.get(Some(8)).is_err(), "another instance wrote: read it again");
    }
}
