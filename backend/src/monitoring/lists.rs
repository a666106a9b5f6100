//! Focalisation lists: from monitoring to action for a national entity. A
//! list starts from an indicator's traffic light in a period, filled with the
//! municipal units that have it (their value then kept beside them), and the
//! entity then adds or removes territories as it decides whom to accompany.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
};
use serde::Serialize;
use uuid::Uuid;

use super::{
    model::{Indicator, TrafficLight},
    service::MonitoringService,
};
use crate::{
    access::AccessService,
    audit::{self, Change},
    authorisation::{rules as access_rules, Actor, AuthUser, Role},
    error::ServiceError,
    pagination::{Page, PageRequest},
    territory::DivipolaCode,
    text,
};

sea_table!(list, "focalisation_list", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub owner_code: String,
    pub name: String,
    pub indicator_code: String,
    pub period: String,
    pub traffic_light: String,
    pub note: String,
    pub created_by: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
});

sea_table!(member, "focalisation_entity", {
    #[sea_orm(primary_key, auto_increment = false)]
    pub list_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub entity_code: String,
    pub value: Option<f64>,
    pub traffic_light: Option<String>,
    pub added_at: DateTimeUtc,
});

/// A territory in a list: its value and light when it was added.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ListedEntity {
    pub entity_code: String,
    pub value: Option<f64>,
    pub light: Option<TrafficLight>,
    pub added_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FocalisationList {
    pub id: Uuid,
    pub owner_code: String,
    pub name: String,
    pub indicator_code: String,
    pub period: String,
    /// The light the list started from.
    pub light: TrafficLight,
    pub note: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// By code.
    pub entities: Vec<ListedEntity>,
}

/// A list to start, as received.
#[derive(Debug, Clone)]
pub struct NewList {
    pub name: String,
    pub indicator_code: String,
    pub period: String,
    pub light: TrafficLight,
    pub note: String,
    /// An administrator names the organisation; a national user's own otherwise.
    pub owner_code: Option<String>,
}

/// Changes to a list: fields left `None` are kept.
#[derive(Debug, Clone, Default)]
pub struct ListChanges {
    pub name: Option<String>,
    pub note: Option<String>,
    pub add: Vec<String>,
    pub remove: Vec<String>,
}

/// Lists are the organisation's working documents: its national users and
/// administrators write them, and the secretariat reads them all to
/// coordinate.
fn may_read(user: &AuthUser, owner: &str) -> bool {
    matches!(user.role, Role::Admin | Role::Secretariat)
        || access_rules::may_write_for_organisation(user, owner)
}

fn may_write(user: &AuthUser, owner: &str) -> bool {
    user.role == Role::Admin || access_rules::may_write_for_organisation(user, owner)
}

impl MonitoringService {
    /// Starts a list with every municipal unit of the country whose value has
    /// `light` on the indicator in the period.
    #[tracing::instrument(name = "monitoring.create_list", skip_all)]
    pub async fn create_list(&self, actor: &Actor, new: NewList) -> Result<FocalisationList, ServiceError> {
        let user = access_rules::require_role(
            actor,
            &[Role::National, Role::Admin],
            "crear listas de focalización",
        )?;
        let owner = match (user.role, new.owner_code.as_deref().map(|c| c.trim().to_uppercase())) {
            (Role::Admin, Some(owner)) => owner,
            (Role::Admin, None) => {
                return Err(ServiceError::invalid(
                    "un administrador debe indicar la organización dueña de la lista («ownerCode»)",
                ))
            }
            (_, Some(owner)) if !may_write(user, &owner) => {
                return Err(ServiceError::Forbidden("crear listas de focalización de otra organización"))
            }
            _ => user
                .organisation_code
                .clone()
                .ok_or(ServiceError::Forbidden("crear listas de focalización"))?,
        };
        if !AccessService::organisation_exists(&self.db, &owner).await? {
            return Err(ServiceError::invalid(format!("no existe la organización «{owner}»")));
        }
        let name = text::required(&new.name, "nombre de la lista", 200)?;
        let note = checked_note(&new.note)?;
        let (indicator, period, rows) =
            self.focalisation(actor, &new.indicator_code, &new.period, new.light).await?;
        let now = Utc::now();
        let id = Uuid::now_v7();
        let transaction = self.db.begin().await?;
        list::Entity::insert(list::ActiveModel {
            id: Set(id),
            owner_code: Set(owner),
            name: Set(name),
            indicator_code: Set(indicator.code.clone()),
            period: Set(period),
            traffic_light: Set(new.light.as_db().to_owned()),
            note: Set(note),
            created_by: Set(actor.label()),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec_without_returning(&transaction)
        .await?;
        let members: Vec<_> = rows
            .iter()
            .map(|row| (row.entity.code.clone(), row.result.as_ref().and_then(|r| r.value), row.light))
            .collect();
        insert_members(&transaction, id, &members, now).await?;
        let created = read_list(&transaction, id).await?;
        audit::record(
            &transaction,
            actor,
            Change::new("create_focalisation_list", "focalisation_list", &id.to_string()).after(&created),
        )
        .await?;
        transaction.commit().await?;
        Ok(created)
    }

    /// Renames a list, changes its note, adds and removes territories (each
    /// added one with its current value on the list's indicator and period).
    #[tracing::instrument(name = "monitoring.update_list", skip_all)]
    pub async fn update_list(
        &self,
        actor: &Actor,
        id: Uuid,
        changes: ListChanges,
    ) -> Result<FocalisationList, ServiceError> {
        let user = access_rules::require_user(actor, "cambiar listas de focalización")?;
        let before = read_list(&self.db, id).await?;
        if !may_write(user, &before.owner_code) {
            return Err(ServiceError::Forbidden("cambiar listas de focalización de otra organización"));
        }
        let name =
            changes.name.as_deref().map(|n| text::required(n, "nombre de la lista", 200)).transpose()?;
        let note = changes.note.as_deref().map(checked_note).transpose()?;
        let add = self.known_units(&changes.add).await?;
        let remove: BTreeSet<String> = changes
            .remove
            .iter()
            .map(|c| DivipolaCode::parse(c).map(|c| c.as_str().to_owned()))
            .collect::<Result<_, _>>()?;
        if let Some(both) = add.iter().find(|code| remove.contains(*code)) {
            return Err(ServiceError::invalid(format!("{both} no puede agregarse y quitarse a la vez")));
        }
        let listed: BTreeSet<&str> = before.entities.iter().map(|e| e.entity_code.as_str()).collect();
        if let Some(absent) = remove.iter().find(|code| !listed.contains(code.as_str())) {
            return Err(ServiceError::invalid(format!("{absent} no está en la lista")));
        }
        let indicator = self.indicator(&before.indicator_code).await?;
        let values = self.values_of(&indicator, &before.period, add.iter()).await?;
        let now = Utc::now();
        let transaction = self.db.begin().await?;
        let new_members: Vec<_> = add
            .iter()
            .filter(|code| !listed.contains(code.as_str()))
            .map(|code| {
                let value = values.get(code).copied().flatten();
                let light = value.map(|v| {
                    super::rules::traffic_light(
                        v,
                        indicator.direction,
                        indicator.lower_threshold,
                        indicator.upper_threshold,
                    )
                });
                (code.clone(), value, light)
            })
            .collect();
        insert_members(&transaction, id, &new_members, now).await?;
        if !remove.is_empty() {
            member::Entity::delete_many()
                .filter(member::Column::ListId.eq(id))
                .filter(member::Column::EntityCode.is_in(remove.iter().cloned()))
                .exec(&transaction)
                .await?;
        }
        let mut row: list::ActiveModel = Default::default();
        row.id = sea_orm::ActiveValue::Unchanged(id);
        if let Some(name) = name {
            row.name = Set(name);
        }
        // Checked before the transaction: a refused note writes nothing.
        if let Some(note) = note {
            row.note = Set(note);
        }
        row.updated_at = Set(now);
        list::Entity::update(row).exec(&transaction).await?;
        let after = read_list(&transaction, id).await?;
        let key = id.to_string();
        let change = Change::new("update_focalisation_list", "focalisation_list", &key);
        audit::record(&transaction, actor, change.before(&before).after(&after)).await?;
        transaction.commit().await?;
        Ok(after)
    }

    /// One list, for its organisation, administrators and the secretariat.
    #[tracing::instrument(name = "monitoring.list", skip_all)]
    pub async fn list(&self, actor: &Actor, id: Uuid) -> Result<FocalisationList, ServiceError> {
        let user = access_rules::require_user(actor, "consultar listas de focalización")?;
        let found = read_list(&self.db, id).await?;
        if !may_read(user, &found.owner_code) {
            // The same answer as for a list that does not exist.
            return Err(not_found(id));
        }
        Ok(found)
    }

    /// The lists the caller may read, newest first: its organisation's (all
    /// of them for administrators and the secretariat).
    #[tracing::instrument(name = "monitoring.lists", skip_all)]
    pub async fn lists(
        &self,
        actor: &Actor,
        page: &PageRequest,
    ) -> Result<Page<FocalisationList>, ServiceError> {
        let user = access_rules::require_user(actor, "consultar listas de focalización")?;
        let mut query = list::Entity::find();
        if !matches!(user.role, Role::Admin | Role::Secretariat) {
            let own = user.organisation_code.clone().unwrap_or_default();
            query = query.filter(list::Column::OwnerCode.eq(own));
        }
        let total_count = query.clone().count(&self.db).await?;
        if let Some(after) = &page.after {
            let after = Uuid::parse_str(after)
                .map_err(|_| ServiceError::invalid("el cursor «after» no es válido"))?;
            query = query.filter(list::Column::Id.lt(after));
        }
        let rows = query.order_by_desc(list::Column::Id).limit(page.fetch_limit()).all(&self.db).await?;
        let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
        let mut members = members_of(&self.db, &ids).await?;
        let lists = rows
            .into_iter()
            .map(|row| {
                let entities = members.remove(&row.id).unwrap_or_default();
                from_row(row, entities)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_rows(lists, page, total_count))
    }

    /// The codes given, checked against the register: municipal units only.
    async fn known_units(&self, codes: &[String]) -> Result<BTreeSet<String>, ServiceError> {
        let mut parsed = Vec::new();
        for raw in codes {
            let code = DivipolaCode::parse(raw)?;
            if code.is_department() {
                return Err(ServiceError::invalid(format!(
                    "{} es un departamento: una lista de focalización reúne municipios, distritos y áreas no municipalizadas",
                    code.as_str()
                )));
            }
            parsed.push(code.as_str().to_owned());
        }
        let found = self.territory.find_many(&parsed).await?;
        if let Some(unknown) = parsed.iter().find(|code| !found.contains_key(*code)) {
            return Err(ServiceError::invalid(format!("no existe la entidad territorial {unknown}")));
        }
        Ok(parsed.into_iter().collect())
    }

    /// The indicator's values of `codes` in `period` (absent: no result).
    async fn values_of(
        &self,
        indicator: &Indicator,
        period: &str,
        codes: impl Iterator<Item = &String>,
    ) -> Result<BTreeMap<String, Option<f64>>, ServiceError> {
        let codes: Vec<String> = codes.cloned().collect();
        if codes.is_empty() {
            return Ok(BTreeMap::new());
        }
        let rows = super::entity::indicator_value::Entity::find()
            .filter(super::entity::indicator_value::Column::IndicatorCode.eq(indicator.code.as_str()))
            .filter(super::entity::indicator_value::Column::Period.eq(period))
            .filter(super::entity::indicator_value::Column::EntityCode.is_in(codes))
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|row| (row.entity_code, row.value)).collect())
    }
}

/// A list's note: optional, at most 2,000 characters.
fn checked_note(raw: &str) -> Result<String, ServiceError> {
    let note = raw.trim();
    if note.chars().count() > 2_000 {
        return Err(ServiceError::invalid("«nota» admite hasta 2.000 caracteres"));
    }
    Ok(note.to_owned())
}

fn not_found(id: Uuid) -> ServiceError {
    ServiceError::NotFound(format!("no existe la lista de focalización {id}"))
}

async fn insert_members(
    db: &impl ConnectionTrait,
    id: Uuid,
    members: &[(String, Option<f64>, Option<TrafficLight>)],
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    // Well under SQLite's bound on parameters (5 a row).
    for chunk in members.chunks(500) {
        member::Entity::insert_many(chunk.iter().map(|(code, value, light)| member::ActiveModel {
            list_id: Set(id),
            entity_code: Set(code.clone()),
            value: Set(*value),
            traffic_light: Set(light.map(|l| l.as_db().to_owned())),
            added_at: Set(now),
        }))
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

async fn members_of(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<BTreeMap<Uuid, Vec<ListedEntity>>, ServiceError> {
    let mut by_list: BTreeMap<Uuid, Vec<ListedEntity>> = BTreeMap::new();
    if ids.is_empty() {
        return Ok(by_list);
    }
    let rows = member::Entity::find()
        .filter(member::Column::ListId.is_in(ids.iter().copied()))
        .order_by_asc(member::Column::EntityCode)
        .all(db)
        .await?;
    for row in rows {
        by_list.entry(row.list_id).or_default().push(ListedEntity {
            light: row.traffic_light.as_deref().and_then(TrafficLight::from_db),
            entity_code: row.entity_code,
            value: row.value,
            added_at: row.added_at,
        });
    }
    Ok(by_list)
}

async fn read_list(db: &impl ConnectionTrait, id: Uuid) -> Result<FocalisationList, ServiceError> {
    let row = list::Entity::find_by_id(id).one(db).await?.ok_or_else(|| not_found(id))?;
    let entities = members_of(db, &[id]).await?.remove(&id).unwrap_or_default();
    from_row(row, entities)
}

fn from_row(row: list::Model, entities: Vec<ListedEntity>) -> Result<FocalisationList, ServiceError> {
    let light = TrafficLight::from_db(&row.traffic_light)
        .ok_or_else(|| ServiceError::Internal(anyhow::anyhow!("lista {} con semáforo ilegible", row.id)))?;
    Ok(FocalisationList {
        id: row.id,
        owner_code: row.owner_code,
        name: row.name,
        indicator_code: row.indicator_code,
        period: row.period,
        light,
        note: row.note,
        created_by: row.created_by,
        created_at: row.created_at,
        updated_at: row.updated_at,
        entities,
    })
}
