//! GraphQL types of the planning instruments: working groups, work plan, national agenda.

use super::*;

/// Mesa técnica de trabajo.
#[derive(SimpleObject)]
#[graphql(name = "WorkingGroup")]
pub struct WorkingGroupNode {
    pub(super) id: ID,
    pub(super) code: String,
    pub(super) name: String,
    pub(super) purpose: String,
    pub(super) member_codes: Vec<String>,
}

impl From<WorkingGroup> for WorkingGroupNode {
    fn from(group: WorkingGroup) -> Self {
        Self {
            id: ID(group.id.to_string()),
            code: group.code,
            name: group.name,
            purpose: group.purpose,
            member_codes: group.members,
        }
    }
}

#[derive(InputObject)]
pub struct WorkingGroupInput {
    pub code: String,
    pub name: String,
    pub purpose: String,
    /// Organizaciones miembro (entidades nacionales, territoriales, asociaciones, universidades, cooperación).
    pub member_codes: Vec<String>,
}

#[derive(SimpleObject)]
pub struct WorkingGroupPayload {
    pub(super) working_group: WorkingGroupNode,
}

/// Línea del plan de trabajo.
#[derive(InputObject)]
pub struct WorkPlanItemInput {
    pub objective: String,
    pub topic: String,
    pub responsible_code: String,
    /// Inversión en pesos, entero sin separadores (como texto: puede superar 2^31).
    pub investment: String,
}

#[derive(SimpleObject)]
pub struct WorkPlanPayload {
    pub(super) year: i32,
    /// Líneas del plan adoptado.
    pub(super) items: i32,
}

/// Plan de trabajo de una vigencia.
#[derive(SimpleObject)]
#[graphql(name = "WorkPlan")]
pub struct WorkPlanNode {
    pub(super) year: i32,
    /// Inversión total en pesos.
    pub(super) total_investment: String,
    pub(super) items: Vec<WorkPlanItemNode>,
}

/// Línea del plan de trabajo y su ejecución.
pub struct WorkPlanItemNode {
    pub(super) item: WorkPlanItem,
    pub(super) commitments: Vec<Commitment>,
}

#[Object(name = "WorkPlanItem")]
impl WorkPlanItemNode {
    async fn id(&self) -> ID {
        ID(self.item.id.to_string())
    }
    async fn objective(&self) -> &str {
        &self.item.objective
    }
    async fn topic(&self) -> &str {
        &self.item.topic
    }
    async fn responsible_code(&self) -> &str {
        &self.item.responsible_code
    }
    /// Inversión en pesos.
    async fn investment(&self) -> String {
        self.item.investment.to_string()
    }
    /// Compromisos que ejecutan esta línea.
    async fn commitments(&self) -> Vec<CommitmentNode> {
        self.commitments.iter().cloned().map(CommitmentNode).collect()
    }
    /// Compromisos cumplidos ÷ compromisos (de 0 a 1); `null` sin compromisos.
    async fn execution(&self) -> Option<f64> {
        let done = self.commitments.iter().filter(|c| c.status == CommitmentStatus::Done).count();
        (!self.commitments.is_empty()).then(|| done as f64 / self.commitments.len() as f64)
    }
}

/// Ruta de trabajo de la Agenda Nacional de ATT.
pub struct AgendaRouteNode(pub AgendaRoute);

#[Object(name = "AgendaRoute")]
impl AgendaRouteNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn year(&self) -> i32 {
        self.0.year
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn objective(&self) -> &str {
        &self.0.objective
    }
    /// Entidades y actores que participan.
    async fn participants(&self) -> &str {
        &self.0.participants
    }
    /// Códigos DIVIPOLA de los territorios.
    async fn territory_codes(&self) -> &[String] {
        &self.0.territories
    }
    async fn status(&self) -> RouteStatus {
        self.0.status
    }
}

#[derive(InputObject)]
pub struct AgendaRouteInput {
    /// Para reemplazar una ruta existente; se omite para crear una nueva.
    pub id: Option<ID>,
    pub year: i32,
    pub name: String,
    pub objective: String,
    pub participants: String,
    #[graphql(default)]
    pub territory_codes: Vec<String>,
    pub status: RouteStatus,
}

#[derive(SimpleObject)]
pub struct AgendaRoutePayload {
    pub(super) route: AgendaRouteNode,
}

#[derive(Default)]
pub struct CommissionSubscription;

#[async_graphql::Subscription]
impl CommissionSubscription {
    /// Cada compromiso creado o actualizado, de todas las entidades o de una responsable.
    async fn commitment_updated(
        &self,
        ctx: &Context<'_>,
        responsible_code: Option<String>,
    ) -> Result<impl futures_util::Stream<Item = CommitmentNode>, crate::error::ApiError> {
        let wanted = responsible_code.map(|code| code.trim().to_uppercase());
        Ok(ctx.data::<crate::events::EventBus<Commitment>>()?.stream(move |commitment| {
            wanted
                .as_ref()
                .is_none_or(|code| *code == commitment.responsible_code)
                .then_some(CommitmentNode(commitment))
        }))
    }
}
