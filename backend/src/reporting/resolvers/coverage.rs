//! GraphQL of a requirement's coverage: who has reported it for a period.

use async_graphql::{Context, Object};

use super::{service, ReportingPeriod, RequirementNode};
use crate::{
    connection::{connection, CountedConnection},
    error::ApiResult,
    pagination::{Page, PageRequest},
    reporting::coverage::{CoverageState, EntityCoverage, RequirementCoverage},
    territory::resolvers::TerritorialEntityNode,
};

#[derive(Default)]
pub struct CoverageQuery;

#[Object]
impl CoverageQuery {
    /// Quién ha reportado un requerimiento en un periodo: cada entidad a la que se dirige
    /// (o las de un departamento), completa, parcial o sin reportar. Un valor reutilizado de
    /// otro requerimiento cuenta. También en CSV en `/reportes/cobertura.csv`.
    async fn requirement_coverage(
        &self,
        ctx: &Context<'_>,
        requirement_code: String,
        period: String,
        department_code: Option<String>,
    ) -> ApiResult<RequirementCoverageNode> {
        let coverage = service(ctx)?
            .coverage
            .requirement_coverage(&requirement_code, &period, department_code.as_deref())
            .await?;
        Ok(RequirementCoverageNode(coverage))
    }
}

/// La cobertura de un requerimiento en un periodo.
pub struct RequirementCoverageNode(RequirementCoverage);

#[Object(name = "RequirementCoverage")]
impl RequirementCoverageNode {
    async fn requirement(&self) -> RequirementNode {
        RequirementNode(self.0.requirement.clone())
    }
    /// El periodo, con su nombre y su plazo.
    async fn period(&self) -> ReportingPeriod {
        ReportingPeriod::new(self.0.span.clone(), self.0.requirement.periodicity, self.0.requirement.due_days)
    }
    /// Elementos que pide el requerimiento.
    async fn requested_count(&self) -> usize {
        self.0.requested()
    }
    /// Entidades a las que se dirige (en el departamento, si se pidió uno).
    async fn entity_count(&self) -> usize {
        self.0.entities.len()
    }
    async fn complete_count(&self) -> usize {
        self.0.count(CoverageState::Complete)
    }
    async fn partial_count(&self) -> usize {
        self.0.count(CoverageState::Partial)
    }
    async fn not_reported_count(&self) -> usize {
        self.0.count(CoverageState::NotReported)
    }
    /// Las entidades por código DIVIPOLA; `state` deja solo las de un estado.
    #[graphql(complexity = "crate::connection::list_complexity(first, child_complexity)")]
    async fn entities(
        &self,
        state: Option<CoverageState>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<CountedConnection<EntityCoverageNode>> {
        let page = PageRequest::parse(first, after)?;
        let rows: Vec<EntityCoverage> =
            self.0.entities.iter().filter(|row| state.is_none_or(|s| row.state == s)).cloned().collect();
        let found = Page::from_sorted(rows, &page, |row| row.entity.code.as_str());
        Ok(connection(found, &page, |row| row.entity.code.clone(), EntityCoverageNode))
    }
}

/// Una entidad frente a un requerimiento y un periodo.
pub struct EntityCoverageNode(EntityCoverage);

#[Object(name = "EntityCoverage")]
impl EntityCoverageNode {
    async fn entity(&self) -> TerritorialEntityNode {
        TerritorialEntityNode(self.0.entity.clone())
    }
    async fn state(&self) -> CoverageState {
        self.0.state
    }
    /// Elementos con valor (reportado o reutilizado).
    async fn with_value_count(&self) -> usize {
        self.0.with_value
    }
    /// De ellos, los que están en conflicto sin resolver.
    async fn conflict_count(&self) -> usize {
        self.0.in_conflict
    }
}
