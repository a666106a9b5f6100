//! The recommendations of the matching rules, read from the database without
//! reading every offer or demand: `matching::ineligibility` is said again in
//! SQL, and only the candidates that could still reach the top are scored.
//! The pure rules still run on whatever SQL returns, so a lapse in the SQL
//! can hide a candidate but never show an ineligible one.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use sea_orm::{entity::prelude::*, sea_query::Alias, Condition, QueryOrder, QuerySelect, Statement};
use uuid::Uuid;

use super::{
    matching::{self, EntityFacts, OfferTerms, TEXT_WEIGHT},
    model::{assignment, demand, offer, Demand, DemandStatus, Offer, OfferStatus},
    service::{AssistanceService, OfferRelevance, Recommendation},
};
use crate::{
    error::ServiceError,
    territory::{DivipolaCode, TerritorialEntity, TerritoryFilter},
};

/// Float sums of the same weights in another order differ in the last bits.
const BOUND_SLACK: f64 = 1e-9;

fn facts_of(entity: &TerritorialEntity) -> EntityFacts {
    EntityFacts {
        kind: entity.kind,
        category: entity.category,
        capacity_group: entity.capacity_group,
        department_code: entity.department_code.clone().unwrap_or(entity.code.clone()),
    }
}

/// `value` is one of the items of a comma-separated column.
fn listed<C: ColumnTrait>(column: C, value: &str) -> Condition {
    Condition::any()
        .add(column.eq(value))
        .add(column.starts_with(format!("{value},")))
        .add(column.ends_with(format!(",{value}")))
        .add(column.contains(format!(",{value},")))
}

/// The published offers `matching::ineligibility` would not refuse for this
/// demand, said in SQL (the same on PostgreSQL and SQLite), but for the room
/// left: counting assignments per offer in SQL made every read a join, so
/// full offers are set aside as they are read (see `first_with_room`).
fn offers_eligible_for(demand: &Demand, entity: &EntityFacts, today: NaiveDate) -> Condition {
    let departments = Expr::col(offer::Column::DepartmentCodes).cast_as(Alias::new("TEXT"));
    let mut categories = Condition::any().add(offer::Column::TargetCategories.eq(""));
    if let Some(category) = entity.category {
        categories = categories.add(listed(offer::Column::TargetCategories, category.as_db()));
    }
    let mut eligible = Condition::all()
        .add(offer::Column::Status.eq(OfferStatus::Published.as_db()))
        .add(listed(offer::Column::TargetKinds, entity.kind.as_db()))
        .add(categories)
        // Codes are JSON strings: an array without a quote is empty.
        .add(
            Condition::any()
                .add(departments.clone().not_like("%\"%"))
                .add(departments.like(format!("%\"{}\"%", entity.department_code))),
        )
        .add(offer::Column::EndsOn.gte(today));
    if let Some(from) = demand.desired_from {
        eligible = eligible.add(offer::Column::EndsOn.gte(from));
    }
    if let Some(to) = demand.desired_to {
        eligible = eligible.add(offer::Column::StartsOn.lte(to));
    }
    eligible
}

impl AssistanceService {
    /// Assignments of each of `offers`.
    async fn assigned_counts(&self, offers: &[Uuid]) -> Result<HashMap<Uuid, u32>, ServiceError> {
        let mut counts = HashMap::new();
        for chunk in offers.chunks(1_000) {
            let rows: Vec<(Uuid, i64)> = assignment::Entity::find()
                .select_only()
                .column(assignment::Column::OfferId)
                .column_as(assignment::Column::Id.count(), "assigned")
                .filter(assignment::Column::OfferId.is_in(chunk.iter().copied()))
                .group_by(assignment::Column::OfferId)
                .into_tuple()
                .all(&self.db)
                .await?;
            counts.extend(rows.into_iter().map(|(id, n)| (id, u32::try_from(n).unwrap_or(u32::MAX))));
        }
        Ok(counts)
    }

    async fn facts(&self, entity_code: &str) -> Result<EntityFacts, ServiceError> {
        let code = DivipolaCode::parse(entity_code)?;
        let entity = self
            .territory
            .find(&code)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("no existe la entidad {entity_code}")))?;
        Ok(facts_of(&entity))
    }

    /// The topics of the published offers, a few dozen strings, read one
    /// index probe each (a loose scan of `ix_offer_status_topic`) rather than
    /// over every offer.
    async fn published_topics(&self) -> Result<Vec<String>, ServiceError> {
        let published = OfferStatus::Published.as_db();
        let sql = format!(
            "WITH RECURSIVE topics(topic) AS ( \
               SELECT MIN(topic) FROM att_offer WHERE status = '{published}' \
               UNION ALL \
               SELECT (SELECT MIN(o.topic) FROM att_offer o WHERE o.status = '{published}' AND o.topic > topics.topic) \
               FROM topics WHERE topics.topic IS NOT NULL) \
             SELECT topic FROM topics WHERE topic IS NOT NULL"
        );
        let rows = self.db.query_all(Statement::from_string(self.db.get_database_backend(), sql)).await?;
        Ok(rows.iter().filter_map(|row| row.try_get::<String>("", "topic").ok()).collect())
    }

    /// The first `limit` offers by id that match `condition` and have room
    /// left (fewer assignments than places), read a page at a time.
    async fn first_with_room(&self, condition: Condition, limit: usize) -> Result<Vec<Offer>, ServiceError> {
        let mut found = Vec::new();
        let mut after: Option<Uuid> = None;
        while found.len() < limit {
            let mut page = offer::Entity::find().filter(condition.clone());
            if let Some(after) = after {
                page = page.filter(offer::Column::Id.gt(after));
            }
            let rows = page.order_by_asc(offer::Column::Id).limit(limit as u64).all(&self.db).await?;
            let Some(last) = rows.last() else { break };
            after = Some(last.id);
            let read = rows.len();
            let counts = self.assigned_counts(&rows.iter().map(|row| row.id).collect::<Vec<_>>()).await?;
            found.extend(
                rows.into_iter()
                    .filter(|row| {
                        i64::from(counts.get(&row.id).copied().unwrap_or(0)) < i64::from(row.capacity)
                    })
                    .map(Offer::from),
            );
            if read < limit {
                break;
            }
        }
        found.truncate(limit);
        Ok(found)
    }

    /// The offers that could be among the first `limit` for a demand: every
    /// eligible one the text found, and, of the others, the first `limit` by
    /// id with the demand's topic and the first `limit` by id at all. Without
    /// text the score of an eligible offer is the same for all but the topic,
    /// and ties go by id, so no other offer can enter the top.
    async fn offer_candidates(
        &self,
        eligible: Condition,
        text: &HashMap<Uuid, f64>,
        topic: &str,
        limit: usize,
    ) -> Result<Vec<Offer>, ServiceError> {
        let found: Vec<Uuid> = text.keys().copied().collect();
        let mut offers: Vec<Offer> = offer::Entity::find()
            .filter(eligible.clone())
            .filter(offer::Column::Id.is_in(found.iter().copied()))
            .all(&self.db)
            .await?
            .into_iter()
            .map(Into::into)
            .collect();
        let wanted = crate::text::fold(topic);
        let same: Vec<String> =
            self.published_topics().await?.into_iter().filter(|t| crate::text::fold(t) == wanted).collect();
        let others = Condition::all().add(eligible).add(offer::Column::Id.is_not_in(found.iter().copied()));
        if !same.is_empty() {
            offers.extend(
                self.first_with_room(others.clone().add(offer::Column::Topic.is_in(same)), limit).await?,
            );
        }
        offers.extend(self.first_with_room(others, limit).await?);
        let mut seen = HashSet::new();
        Ok(offers.into_iter().filter(|offer| seen.insert(offer.id)).collect())
    }

    /// The eligible published offers for a demand, best first, each with its reasons.
    #[tracing::instrument(name = "assistance.recommended_offers", skip_all)]
    pub async fn recommended_offers(
        &self,
        demand_id: Uuid,
        limit: usize,
        relevance: &dyn OfferRelevance,
    ) -> Result<Vec<Recommendation<Offer>>, ServiceError> {
        let demand = self
            .demand(demand_id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("no existe la demanda {demand_id}")))?;
        if limit == 0 {
            return Ok(Vec::new());
        }
        let entity = self.facts(&demand.entity_code).await?;
        let text = relevance.relevance(&format!("{} {}", demand.topic, demand.need)).await?;
        let best = text.values().copied().fold(0.0_f64, f64::max);
        let today = crate::bogota_time::today();
        let eligible = offers_eligible_for(&demand, &entity, today);
        let offers = self.offer_candidates(eligible, &text, &demand.topic, limit).await?;
        let counts = self.assigned_counts(&offers.iter().map(|o| o.id).collect::<Vec<_>>()).await?;
        let mut ranked: Vec<(f64, Uuid, Recommendation<Offer>)> = offers
            .into_iter()
            .filter(|offer| {
                let assigned = counts.get(&offer.id).copied().unwrap_or(0);
                matching::ineligibility(offer, assigned, &demand, &entity, today).is_none()
            })
            .map(|offer| {
                let relevance =
                    if best > 0.0 { text.get(&offer.id).copied().unwrap_or(0.0) / best } else { 0.0 };
                let (score, reasons) = matching::score(&offer, &demand, &entity, relevance);
                (score, offer.id, Recommendation { item: offer, score, reasons })
            })
            .collect();
        matching::rank(&mut ranked);
        Ok(ranked.into_iter().take(limit).map(|(_, _, r)| r).collect())
    }

    /// The open demands an offer should reach first (the reverse view).
    #[tracing::instrument(name = "assistance.recommended_demands", skip_all)]
    pub async fn recommended_demands(
        &self,
        offer_id: Uuid,
        limit: usize,
    ) -> Result<Vec<Recommendation<Demand>>, ServiceError> {
        let offer = self
            .offer(offer_id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("no existe la oferta {offer_id}")))?;
        let today = crate::bogota_time::today();
        let assigned = self.assigned_counts(&[offer_id]).await?.get(&offer_id).copied().unwrap_or(0);
        if limit == 0 || offer.status != OfferStatus::Published || offer.ends_on < today {
            return Ok(Vec::new());
        }
        // The entities the offer is meant for, from the register in memory;
        // SQL is told the shorter list, of those in or of those out.
        let (entities, outside): (HashMap<String, EntityFacts>, HashMap<String, EntityFacts>) = self
            .territory
            .all(&TerritoryFilter::default())
            .await?
            .iter()
            .map(|entity| (entity.code.clone(), facts_of(entity)))
            .partition(|(_, facts)| matching::entity_ineligibility(&offer, facts).is_none());
        let among = if entities.len() <= outside.len() {
            demand::Column::EntityCode.is_in(entities.keys().cloned())
        } else {
            demand::Column::EntityCode.is_not_in(outside.into_keys())
        };
        let demands: Vec<Demand> = demand::Entity::find()
            .filter(demand::Column::Status.eq(DemandStatus::Open.as_db()))
            .filter(among)
            .filter(
                Condition::any()
                    .add(demand::Column::DesiredFrom.is_null())
                    .add(demand::Column::DesiredFrom.lte(offer.ends_on)),
            )
            .filter(
                Condition::any()
                    .add(demand::Column::DesiredTo.is_null())
                    .add(demand::Column::DesiredTo.gte(offer.starts_on)),
            )
            .all(&self.db)
            .await?
            .into_iter()
            .map(Into::into)
            .collect();
        // Analysing a need is the dear part: best bounds first, and none once
        // no text could lift a demand into the top.
        let offer_topic = crate::text::fold(&offer.topic);
        let mut same_topic: HashMap<String, bool> = HashMap::new();
        let mut bounded: Vec<(f64, Demand, &EntityFacts)> = Vec::with_capacity(demands.len());
        for demand in demands {
            let Some(facts) = entities.get(&demand.entity_code) else { continue };
            if matching::ineligibility(&offer, assigned, &demand, facts, today).is_some() {
                continue;
            }
            let same = *same_topic
                .entry(demand.topic.clone())
                .or_insert_with_key(|topic| crate::text::fold(topic) == offer_topic);
            let dated = demand.desired_from.is_some() || demand.desired_to.is_some();
            let without_text = matching::score_without_text(same, demand.priority, dated, facts);
            bounded.push((without_text + TEXT_WEIGHT, demand, facts));
        }
        bounded.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.id.cmp(&b.1.id)));
        let terms = OfferTerms::of(&format!("{} {} {}", offer.topic, offer.title, offer.description));
        let mut ranked: Vec<(f64, Uuid, Recommendation<Demand>)> = Vec::with_capacity(limit + 1);
        // Thousands of needs share their words: each word is analysed once.
        let mut words = search_index::WordTerms::default();
        let candidates = bounded.len();
        let mut analysed = 0;
        for (bound, demand, facts) in bounded {
            if ranked.len() == limit && ranked.last().is_some_and(|last| bound + BOUND_SLACK < last.0) {
                break;
            }
            analysed += 1;
            let relevance = terms.overlap_of(&mut words, &[&demand.topic, &demand.need]);
            let (score, reasons) = matching::score(&offer, &demand, facts, relevance);
            ranked.push((score, demand.id, Recommendation { item: demand, score, reasons }));
            matching::rank(&mut ranked);
            ranked.truncate(limit);
        }
        tracing::debug!(candidates, analysed, "demandas leídas y necesidades analizadas");
        Ok(ranked.into_iter().map(|(_, _, r)| r).collect())
    }
}
