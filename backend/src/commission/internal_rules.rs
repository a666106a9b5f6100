//! The Commission's internal rules (decree art. 2.2.11.4.4 num. 12), version
//! by version, each adopted by one of its decisions; and the seating of
//! special invitees under the version in force (`addParticipant`). The rules
//! of admission are in `invitees`.

use chrono::{NaiveDate, Utc};
use sea_orm::{
    sea_query::{Expr, OnConflict},
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, SqlErr, TransactionTrait,
};
use uuid::Uuid;

use super::{
    entity::{internal_rules, participant},
    invitees,
    model::{DecisionOutcome, InternalRules, InviteeKind, Participant, ParticipantRole},
    service::{participant_from, required_text, CommissionService, SECRETARIAT_ONLY},
};
use crate::{
    access::AccessService,
    audit::{self, Change},
    authorisation::{rules as access_rules, Actor, Role},
    error::ServiceError,
};

/// A version of the rules to adopt, as received.
#[derive(Debug, Clone)]
pub struct NewInternalRules {
    pub decision_id: Uuid,
    pub text: String,
    pub admitted_kinds: Vec<InviteeKind>,
    pub rap_rotation: Vec<String>,
    pub rotation_months: u32,
    /// The day it takes effect; the day its decision was closed when absent.
    pub effective_from: Option<NaiveDate>,
}

/// An invitee to seat, as received.
#[derive(Debug, Clone)]
pub struct NewParticipant {
    pub organisation_code: String,
    pub kind: InviteeKind,
    pub rap_region_code: Option<String>,
}

fn rules_from(row: internal_rules::Model) -> InternalRules {
    let list = |text: &str| -> Vec<String> {
        text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
    };
    InternalRules {
        version: row.version,
        decision_id: row.decision_id,
        admitted_kinds: list(&row.admitted_kinds).iter().filter_map(|k| InviteeKind::from_db(k)).collect(),
        rap_rotation: list(&row.rap_rotation),
        rotation_months: u32::try_from(row.rotation_months).unwrap_or(0),
        effective_from: row.effective_from,
        adopted_by: row.adopted_by,
        adopted_at: row.adopted_at,
        text: row.text,
    }
}

impl CommissionService {
    /// Every version of the rules, the first first.
    pub async fn internal_rules_versions(&self) -> Result<Vec<InternalRules>, ServiceError> {
        let rows = internal_rules::Entity::find()
            .order_by_asc(internal_rules::Column::Version)
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(rules_from).collect())
    }

    /// The version in force on `on`: the newest that has taken effect.
    pub async fn internal_rules_on(&self, on: NaiveDate) -> Result<Option<InternalRules>, ServiceError> {
        let row = internal_rules::Entity::find()
            .filter(internal_rules::Column::EffectiveFrom.lte(on))
            .order_by_desc(internal_rules::Column::Version)
            .one(&self.db)
            .await?;
        Ok(row.map(rules_from))
    }

    /// The secretariat records a new version of the rules, adopted by a
    /// decision of the Commission itself whose vote is closed and adopted.
    #[tracing::instrument(name = "commission.adopt_internal_rules", skip_all)]
    pub async fn adopt_internal_rules(
        &self,
        actor: &Actor,
        new: NewInternalRules,
    ) -> Result<InternalRules, ServiceError> {
        access_rules::require_role(actor, &[Role::Secretariat], SECRETARIAT_ONLY)?;
        let text = required_text(&new.text, "text", 200_000)?;
        let decision = self.decision(new.decision_id).await?;
        let (Some(closed_at), DecisionOutcome::Adopted) = (decision.closed_at, decision.outcome) else {
            return Err(ServiceError::invalid(format!(
                "la decisión «{}» no está adoptada con la votación cerrada: el reglamento se adopta por decisión de la Comisión",
                decision.title
            )));
        };
        let session = self
            .session(decision.session_id)
            .await?
            .ok_or_else(|| ServiceError::NotFound("no existe la sesión de esa decisión".into()))?;
        if session.working_group_id.is_some() {
            return Err(ServiceError::invalid(
                "una mesa técnica no adopta el reglamento interno: lo adopta la Comisión en sus sesiones",
            ));
        }
        let rotation: Vec<String> = new.rap_rotation.iter().map(|c| c.trim().to_uppercase()).collect();
        let known: Vec<String> = self.territory.rap_regions().await?.into_iter().map(|r| r.code).collect();
        invitees::check_rotation(&rotation, new.rotation_months, &known).map_err(ServiceError::invalid)?;
        let closed_on = crate::bogota_time::date(closed_at);
        let effective_from = new.effective_from.unwrap_or(closed_on);
        if effective_from < closed_on {
            return Err(ServiceError::invalid(format!(
                "el reglamento no puede regir ({effective_from}) antes de que se adoptara ({closed_on})"
            )));
        }
        let mut admitted: Vec<InviteeKind> = Vec::new();
        for kind in new.admitted_kinds {
            if !admitted.contains(&kind) {
                admitted.push(kind);
            }
        }
        let transaction = self.db.begin().await?;
        let version = internal_rules::Entity::find()
            .order_by_desc(internal_rules::Column::Version)
            .one(&transaction)
            .await?
            .map_or(1, |last| last.version + 1);
        let row = internal_rules::ActiveModel {
            version: Set(version),
            decision_id: Set(decision.id),
            text: Set(text),
            admitted_kinds: Set(admitted.iter().map(|k| k.as_db()).collect::<Vec<_>>().join(",")),
            rap_rotation: Set(rotation.join(",")),
            rotation_months: Set(i32::try_from(new.rotation_months).unwrap_or(i32::MAX)),
            effective_from: Set(effective_from),
            adopted_by: Set(actor.label()),
            adopted_at: Set(Utc::now()),
        }
        .insert(&transaction)
        .await
        .map_err(|error| match error.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => ServiceError::Conflict(format!(
                "la decisión «{}» ya adoptó una versión del reglamento, o otra versión se registró a la vez",
                decision.title
            )),
            _ => error.into(),
        })?;
        let adopted = rules_from(row);
        audit::record(
            &transaction,
            actor,
            Change::new("adopt_internal_rules", "commission_internal_rules", &version.to_string())
                .after(&adopted),
        )
        .await?;
        transaction.commit().await?;
        Ok(adopted)
    }

    /// The secretariat seats a special invitee under the rules in force. A
    /// newly designated RAP delegate or associative-schemes representative
    /// takes the seat of the previous one, who leaves it.
    #[tracing::instrument(name = "commission.add_participant", skip_all)]
    pub async fn add_participant(
        &self,
        actor: &Actor,
        new: NewParticipant,
    ) -> Result<Participant, ServiceError> {
        access_rules::require_role(actor, &[Role::Secretariat], SECRETARIAT_ONLY)?;
        let code = new.organisation_code.trim().to_uppercase();
        if !AccessService::organisation_exists(&self.db, &code).await? {
            return Err(ServiceError::invalid(format!(
                "no existe la organización «{code}»: un administrador debe registrarla primero"
            )));
        }
        if let Some(seated) = participant::Entity::find_by_id(code.as_str())
            .filter(participant::Column::LeftAt.is_null())
            .one(&self.db)
            .await?
        {
            let as_what = if seated.role == ParticipantRole::Member.as_db() { "miembro" } else { "invitado" };
            return Err(ServiceError::Conflict(format!(
                "«{code}» ya participa en la Comisión como {as_what}"
            )));
        }
        let rap = new.rap_region_code.as_deref().map(|c| c.trim().to_uppercase()).filter(|c| !c.is_empty());
        if new.kind != InviteeKind::RapDelegate && rap.is_some() {
            return Err(ServiceError::invalid(
                "solo un delegado de las RAP indica una RAP («rapRegionCode»)",
            ));
        }
        if let Some(rap) = &rap {
            if !self.territory.rap_regions().await?.iter().any(|r| &r.code == rap) {
                return Err(ServiceError::invalid(format!(
                    "«{rap}» no es una RAP registrada (ver rapRegions)"
                )));
            }
        }
        let today = crate::bogota_time::today();
        let rules = self.internal_rules_on(today).await?;
        invitees::admission(new.kind, rules.as_ref(), rap.as_deref(), today)
            .map_err(ServiceError::invalid)?;

        let now = Utc::now();
        let transaction = self.db.begin().await?;
        let mut replaced = Vec::new();
        if invitees::single_seat(new.kind) {
            let previous = participant::Entity::find()
                .filter(participant::Column::InviteeKind.eq(new.kind.as_db()))
                .filter(participant::Column::LeftAt.is_null())
                .all(&transaction)
                .await?;
            replaced = previous.into_iter().map(|p| p.organisation_code).collect();
            participant::Entity::update_many()
                .col_expr(participant::Column::LeftAt, Expr::value(now))
                .filter(participant::Column::OrganisationCode.is_in(replaced.clone()))
                .exec(&transaction)
                .await?;
        }
        let row = participant::ActiveModel {
            organisation_code: Set(code.clone()),
            role: Set(ParticipantRole::Invitee.as_db().to_owned()),
            presides: Set(false),
            secretariat: Set(false),
            invitee_kind: Set(Some(new.kind.as_db().to_owned())),
            rap_region_code: Set(rap),
            joined_at: Set(Some(now)),
            left_at: Set(None),
        };
        // A former invitee who comes back takes its row again.
        participant::Entity::insert(row)
            .on_conflict(
                OnConflict::column(participant::Column::OrganisationCode)
                    .update_columns([
                        participant::Column::Role,
                        participant::Column::InviteeKind,
                        participant::Column::RapRegionCode,
                        participant::Column::JoinedAt,
                        participant::Column::LeftAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(&transaction)
            .await?;
        let seated = participant::Entity::find_by_id(code.as_str())
            .one(&transaction)
            .await?
            .map(participant_from)
            .ok_or_else(|| {
                ServiceError::Internal(anyhow::anyhow!("el invitado {code} no quedó registrado"))
            })?;
        audit::record(
            &transaction,
            actor,
            Change::new("add_participant", "commission_participant", &code)
                .after(&serde_json::json!({ "participant": &seated, "replaces": replaced })),
        )
        .await?;
        transaction.commit().await?;
        Ok(seated)
    }
}
