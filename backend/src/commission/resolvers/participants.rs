//! GraphQL of the internal rules and the seating of special invitees.

use super::*;
use crate::commission::{
    internal_rules::{NewInternalRules, NewParticipant},
    invitees,
    model::{InternalRules, InviteeKind},
};

/// Una versión del reglamento interno de la Comisión, adoptada por una de sus decisiones.
pub struct InternalRulesNode(InternalRules);

/// La RAP cuyo delegado ocupa el puesto de invitado, y hasta cuándo.
#[derive(SimpleObject)]
pub struct RapTurn {
    pub rap_region_code: String,
    /// Último día de su turno.
    pub until: NaiveDate,
}

#[Object(name = "InternalRules")]
impl InternalRulesNode {
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// La decisión de la Comisión que adoptó esta versión.
    async fn decision_id(&self) -> ID {
        ID(self.0.decision_id.to_string())
    }
    /// El texto del reglamento (Markdown).
    async fn text(&self) -> &str {
        &self.0.text
    }
    /// Tipos de invitado que admite además de los del decreto.
    async fn admitted_invitee_kinds(&self) -> &[InviteeKind] {
        &self.0.admitted_kinds
    }
    /// Orden de alternancia de las RAP en el puesto de su delegado.
    async fn rap_rotation(&self) -> &[String] {
        &self.0.rap_rotation
    }
    /// Meses que cada RAP ocupa el puesto.
    async fn rotation_months(&self) -> i32 {
        i32::try_from(self.0.rotation_months).unwrap_or(i32::MAX)
    }
    async fn effective_from(&self) -> NaiveDate {
        self.0.effective_from
    }
    async fn adopted_by(&self) -> &str {
        &self.0.adopted_by
    }
    async fn adopted_at(&self) -> DateTime<Utc> {
        self.0.adopted_at
    }
    /// La RAP en turno hoy (hora de Colombia) según esta versión.
    async fn rap_in_turn(&self) -> Option<RapTurn> {
        invitees::rap_in_turn(&self.0, crate::bogota_time::today())
            .map(|(code, until)| RapTurn { rap_region_code: code.to_owned(), until })
    }
}

#[derive(Default)]
pub struct InternalRulesQuery;

#[Object]
impl InternalRulesQuery {
    /// El reglamento interno vigente hoy, o una versión; `null` si aún no hay.
    async fn internal_rules(
        &self,
        ctx: &Context<'_>,
        version: Option<i32>,
    ) -> ApiResult<Option<InternalRulesNode>> {
        let service = service(ctx)?;
        let found = match version {
            Some(number) => {
                service.internal_rules_versions().await?.into_iter().find(|r| r.version == number)
            }
            None => service.internal_rules_on(crate::bogota_time::today()).await?,
        };
        Ok(found.map(InternalRulesNode))
    }

    /// Todas las versiones del reglamento interno, de la primera a la última.
    async fn internal_rules_versions(&self, ctx: &Context<'_>) -> ApiResult<Vec<InternalRulesNode>> {
        Ok(service(ctx)?.internal_rules_versions().await?.into_iter().map(InternalRulesNode).collect())
    }
}

#[derive(InputObject)]
pub struct AdoptInternalRulesInput {
    /// Decisión de una sesión de la Comisión, con la votación cerrada y adoptada.
    pub decision_id: ID,
    /// Texto del reglamento (Markdown).
    pub text: String,
    /// Tipos de invitado que admite además de los del decreto.
    #[graphql(default)]
    pub admitted_invitee_kinds: Vec<InviteeKind>,
    /// Códigos de las RAP en el orden en que su delegado ocupa el puesto.
    pub rap_rotation: Vec<String>,
    /// Meses que cada RAP ocupa el puesto (1 a 60).
    pub rotation_months: i32,
    /// Desde cuándo rige; el día en que se cerró la votación si se omite.
    pub effective_from: Option<NaiveDate>,
}

#[derive(InputObject)]
pub struct AddParticipantInput {
    /// Código de la organización (debe estar registrada).
    pub organisation_code: String,
    pub kind: InviteeKind,
    /// La RAP que representa, para un delegado de las RAP.
    pub rap_region_code: Option<String>,
}

#[derive(Default)]
pub struct InternalRulesMutation;

#[Object]
impl InternalRulesMutation {
    /// La secretaría técnica registra una versión del reglamento interno que la Comisión adoptó por decisión.
    async fn adopt_internal_rules(
        &self,
        ctx: &Context<'_>,
        input: AdoptInternalRulesInput,
    ) -> ApiResult<InternalRulesNode> {
        let months = u32::try_from(input.rotation_months)
            .map_err(|_| ServiceError::invalid("«rotationMonths» debe ser positivo"))?;
        let new = NewInternalRules {
            decision_id: parse_id(&input.decision_id, "decisión")?,
            text: input.text,
            admitted_kinds: input.admitted_invitee_kinds,
            rap_rotation: input.rap_rotation,
            rotation_months: months,
            effective_from: input.effective_from,
        };
        Ok(InternalRulesNode(service(ctx)?.adopt_internal_rules(ctx.data::<Actor>()?, new).await?))
    }

    /// La secretaría técnica sienta a un invitado especial según el reglamento vigente.
    async fn add_participant(
        &self,
        ctx: &Context<'_>,
        input: AddParticipantInput,
    ) -> ApiResult<ParticipantNode> {
        let new = NewParticipant {
            organisation_code: input.organisation_code,
            kind: input.kind,
            rap_region_code: input.rap_region_code,
        };
        Ok(service(ctx)?.add_participant(ctx.data::<Actor>()?, new).await?.into())
    }
}
