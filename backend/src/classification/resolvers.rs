//! GraphQL of the classification of spending: parse, call the service, shape the answer.

use std::sync::Arc;

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};

use super::{
    model::{
        Amounts, CatalogueLevel, ChangeKind, CrosswalkRow, Item, Proposal, ProposalStatus, ProposedChange,
        Version,
    },
    references::ReferenceKind,
    rules::{self, Difference, DifferenceKind, Snapshot},
    service::{part, ClassificationService},
    spending::{
        self, CompetencySpending, PeerFigure, ServiceCost, SpendingLine, SpendingReport, UnitSpending,
    },
};
use crate::{
    authorisation::Actor,
    connection::{connection, parse_id, CountedConnection},
    error::{ApiResult, ServiceError},
    monitoring::{model::PeerGroupKind, resolvers::SpreadNode},
    pagination::PageRequest,
    territory::{resolvers::TerritorialEntityNode, TerritorialKind},
    text,
};

fn service<'a>(ctx: &Context<'a>) -> ApiResult<&'a ClassificationService> {
    Ok(ctx.data::<ClassificationService>()?)
}

/// Loads items of the catalogue in force by code: one read of the register per batch
/// (the search box's hits).
pub struct CatalogueLoader(pub std::sync::Arc<ClassificationService>);

/// A code of the catalogue, as the loader's key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CatalogueCode(pub String);

impl async_graphql::dataloader::Loader<CatalogueCode> for CatalogueLoader {
    type Value = CatalogueItemNode;
    type Error = Arc<ServiceError>;

    async fn load(
        &self,
        keys: &[CatalogueCode],
    ) -> Result<std::collections::HashMap<CatalogueCode, CatalogueItemNode>, Self::Error> {
        let register = self.0.register().await.map_err(Arc::new)?;
        let Some(number) = register.current(crate::bogota_time::today()) else {
            return Ok(Default::default());
        };
        let snapshot = Arc::new(register.snapshot(number).map_err(Arc::new)?);
        Ok(keys
            .iter()
            .filter_map(|key| {
                let item = snapshot.get(&key.0)?.clone();
                Some((key.clone(), CatalogueItemNode { item, snapshot: snapshot.clone() }))
            })
            .collect())
    }
}

/// Competencia, unidad programática o servicio del catálogo de clasificación del gasto.
#[derive(Clone)]
pub struct CatalogueItemNode {
    item: Item,
    snapshot: Arc<Snapshot>,
}

#[Object(name = "CatalogueItem")]
impl CatalogueItemNode {
    /// Código estable: nunca se reutiliza para otra cosa.
    async fn code(&self) -> &str {
        &self.item.code
    }

    async fn level(&self) -> CatalogueLevel {
        self.item.level
    }

    /// Código de la competencia (de una unidad) o de la unidad (de un servicio).
    async fn parent_code(&self) -> Option<&str> {
        self.item.parent_code.as_deref()
    }

    async fn name(&self) -> &str {
        &self.item.name
    }

    async fn description(&self) -> &str {
        &self.item.description
    }

    /// Tipos de entidad que tienen esta competencia o unidad.
    async fn entity_kinds(&self) -> &[TerritorialKind] {
        &self.item.entity_kinds
    }

    /// Base legal (p. ej. Ley 715 de 2001, art. 76).
    async fn legal_basis(&self) -> &str {
        &self.item.legal_basis
    }

    /// Unidades de una competencia o servicios de una unidad, por código.
    async fn children(&self) -> Vec<CatalogueItemNode> {
        self.snapshot
            .values()
            .filter(|child| child.parent_code.as_deref() == Some(self.item.code.as_str()))
            .map(|child| CatalogueItemNode { item: child.clone(), snapshot: self.snapshot.clone() })
            .collect()
    }
}

/// Una versión del catálogo: el conjunto de cambios aprobados que rige desde una fecha.
pub struct CatalogueVersionNode(Version);

#[Object(name = "CatalogueVersion")]
impl CatalogueVersionNode {
    async fn number(&self) -> i32 {
        self.0.number
    }

    /// Fecha desde la que rige.
    async fn effective_on(&self) -> NaiveDate {
        self.0.effective_on
    }

    /// Nota de aprobación de Función Pública.
    async fn note(&self) -> &str {
        &self.0.note
    }

    async fn approved_by(&self) -> &str {
        &self.0.approved_by
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// Las propuestas aprobadas que la forman.
    async fn proposals(&self, ctx: &Context<'_>) -> ApiResult<Vec<ProposalNode>> {
        Ok(service(ctx)?.proposals_of(self.0.number).await?.into_iter().map(ProposalNode).collect())
    }

    /// Cruces de códigos retirados en esta versión hacia sus sucesores.
    async fn crosswalk(&self, ctx: &Context<'_>) -> ApiResult<Vec<CrosswalkRowNode>> {
        Ok(service(ctx)?.crosswalk(Some(self.0.number)).await?.into_iter().map(CrosswalkRowNode).collect())
    }
}

/// Un cruce: un código retirado pasa una parte de su gasto a un sucesor.
pub struct CrosswalkRowNode(CrosswalkRow);

#[Object(name = "CrosswalkRow")]
impl CrosswalkRowNode {
    /// Versión en la que se retiró el código de origen.
    async fn version(&self) -> i32 {
        self.0.version
    }

    async fn from_code(&self) -> &str {
        &self.0.from_code
    }

    async fn to_code(&self) -> &str {
        &self.0.to_code
    }

    /// Porcentaje del gasto de origen que pasa al sucesor.
    async fn share_percent(&self) -> f64 {
        f64::from(self.0.basis_points) / 100.0
    }
}

/// Una parte de una división, el destino de una fusión o un sucesor de un retiro.
#[derive(SimpleObject)]
#[graphql(name = "ProposedPart")]
pub struct PartNode {
    pub code: String,
    /// Nombre de la unidad nueva; vacío si es una existente.
    pub name: Option<String>,
    pub share_percent: f64,
}

/// Propuesta de cambio al catálogo y su decisión.
pub struct ProposalNode(Proposal);

#[Object(name = "CatalogueProposal")]
impl ProposalNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn kind(&self) -> ChangeKind {
        self.0.change.kind()
    }

    /// Códigos a los que se refiere.
    async fn codes(&self) -> Vec<String> {
        self.0.change.codes()
    }

    /// El elemento nuevo (ADD) o el nuevo nombre (RENAME).
    async fn name(&self) -> Option<&str> {
        match &self.0.change {
            ProposedChange::Add { item } => Some(&item.name),
            ProposedChange::Rename { name, .. } => Some(name),
            ProposedChange::Merge { into, .. } => into.name.as_deref(),
            _ => None,
        }
    }

    /// Partes (SPLIT), destino (MERGE) o sucesores (RETIRE), con su porcentaje.
    async fn parts(&self) -> Vec<PartNode> {
        let parts: Vec<&super::model::Part> = match &self.0.change {
            ProposedChange::Split { parts, .. } => parts.iter().collect(),
            ProposedChange::Merge { into, .. } => vec![into],
            ProposedChange::Retire { successors, .. } => successors.iter().collect(),
            _ => Vec::new(),
        };
        parts
            .into_iter()
            .map(|p| PartNode {
                code: p.code.clone(),
                name: p.name.clone(),
                share_percent: f64::from(p.basis_points) / 100.0,
            })
            .collect()
    }

    /// Justificación de quien propone.
    async fn reason(&self) -> &str {
        &self.0.reason
    }

    /// Organización que propone.
    async fn proposer_code(&self) -> &str {
        &self.0.proposer_code
    }

    async fn status(&self) -> ProposalStatus {
        self.0.status
    }

    /// Nota de Función Pública al aprobar o rechazar.
    async fn decision_note(&self) -> Option<&str> {
        self.0.decision_note.as_deref()
    }

    async fn decided_by(&self) -> Option<&str> {
        self.0.decided_by.as_deref()
    }

    async fn decided_at(&self) -> Option<DateTime<Utc>> {
        self.0.decided_at
    }

    /// Versión del catálogo de la que hace parte, si fue aprobada.
    async fn version(&self) -> Option<i32> {
        self.0.version
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// Una versión del catálogo con sus elementos.
pub struct CatalogueNode {
    version: Version,
    snapshot: Arc<Snapshot>,
    query: Option<String>,
}

#[Object(name = "Catalogue")]
impl CatalogueNode {
    async fn version(&self) -> CatalogueVersionNode {
        CatalogueVersionNode(self.version.clone())
    }

    /// Las competencias, cada una con sus unidades y servicios (`children`).
    async fn competencies(&self) -> Vec<CatalogueItemNode> {
        self.nodes(|item| item.level == CatalogueLevel::Competency)
    }

    /// Todos los elementos, por código; con `query`, los que lo contienen en código, nombre o descripción.
    async fn items(&self, level: Option<CatalogueLevel>) -> Vec<CatalogueItemNode> {
        let wanted = self.query.as_deref().map(text::fold);
        self.nodes(|item| {
            level.is_none_or(|l| item.level == l)
                && wanted.as_ref().is_none_or(|q| {
                    text::fold(&format!("{} {} {}", item.code, item.name, item.description))
                        .contains(q.as_str())
                })
        })
    }

    async fn count(&self, level: Option<CatalogueLevel>) -> i32 {
        self.snapshot.values().filter(|item| level.is_none_or(|l| item.level == l)).count() as i32
    }
}

impl CatalogueNode {
    fn nodes(&self, keep: impl Fn(&Item) -> bool) -> Vec<CatalogueItemNode> {
        self.snapshot
            .values()
            .filter(|item| keep(item))
            .map(|item| CatalogueItemNode { item: item.clone(), snapshot: self.snapshot.clone() })
            .collect()
    }
}

/// Lo que cambió en un código entre dos versiones.
pub struct DifferenceNode(Difference);

#[Object(name = "CatalogueDifference")]
impl DifferenceNode {
    async fn code(&self) -> &str {
        &self.0.code
    }

    async fn kind(&self) -> DifferenceKind {
        self.0.kind
    }

    async fn level(&self) -> Option<CatalogueLevel> {
        self.0.after.as_ref().or(self.0.before.as_ref()).map(|item| item.level)
    }

    /// Nombre en la versión anterior.
    async fn name_before(&self) -> Option<&str> {
        self.0.before.as_ref().map(|item| item.name.as_str())
    }

    /// Nombre en la versión nueva.
    async fn name_after(&self) -> Option<&str> {
        self.0.after.as_ref().map(|item| item.name.as_str())
    }
}

/// Ejecución presupuestal en pesos.
#[derive(SimpleObject)]
#[graphql(name = "BudgetExecution")]
pub struct AmountsNode {
    /// Apropiación definitiva.
    pub appropriation: f64,
    pub commitments: f64,
    pub obligations: f64,
    pub payments: f64,
}

impl From<Amounts> for AmountsNode {
    fn from(a: Amounts) -> Self {
        Self {
            appropriation: a.appropriation,
            commitments: a.commitments,
            obligations: a.obligations,
            payments: a.payments,
        }
    }
}

/// El gasto por habitante de un grupo de pares (mediana y cuartiles).
#[derive(SimpleObject)]
#[graphql(name = "SpendingPeers")]
pub struct PeerNode {
    pub kind: PeerGroupKind,
    /// Categoría, grupo de capacidades o código del departamento.
    pub group: String,
    /// `null` si ningún par reportó.
    pub spread: Option<SpreadNode>,
}

fn peers(figures: &[PeerFigure]) -> Vec<PeerNode> {
    figures
        .iter()
        .map(|f| PeerNode { kind: f.kind, group: f.group.clone(), spread: f.spread.map(SpreadNode::from) })
        .collect()
}

/// El gasto de una competencia (la suma de sus unidades) o de una unidad programática.
pub struct SpendingLineNode {
    item: Item,
    amounts: Amounts,
    per_inhabitant: Option<f64>,
    peers: Vec<PeerFigure>,
    units: Vec<UnitSpending>,
    services: Vec<ServiceCost>,
}

impl From<CompetencySpending> for SpendingLineNode {
    fn from(c: CompetencySpending) -> Self {
        Self {
            item: c.item,
            amounts: c.amounts,
            per_inhabitant: c.per_inhabitant,
            peers: c.peers,
            units: c.units,
            services: Vec::new(),
        }
    }
}

impl From<UnitSpending> for SpendingLineNode {
    fn from(u: UnitSpending) -> Self {
        Self {
            item: u.item,
            amounts: u.amounts,
            per_inhabitant: u.per_inhabitant,
            peers: u.peers,
            units: Vec::new(),
            services: u.services,
        }
    }
}

/// Lo que costó cada servicio entregado: los compromisos de la unidad sobre el conteo del
/// indicador que cuenta el servicio, junto al mismo costo en sus pares.
#[derive(SimpleObject)]
pub struct ServiceCostNode {
    pub service_code: String,
    pub service_name: String,
    /// El indicador de monitoreo que cuenta el servicio.
    pub indicator_code: String,
    pub indicator_name: String,
    /// Qué cuenta el indicador (p. ej. «estudiantes»).
    pub measure: String,
    /// Servicios entregados en la vigencia; `null` si el indicador no tiene valor.
    pub delivered: Option<f64>,
    /// Pesos comprometidos por servicio entregado; `null` sin entregas.
    pub cost_per_service: Option<f64>,
    /// Costo por servicio de sus pares.
    pub peers: Vec<PeerNode>,
}

impl From<&ServiceCost> for ServiceCostNode {
    fn from(c: &ServiceCost) -> Self {
        Self {
            service_code: c.service.code.clone(),
            service_name: c.service.name.clone(),
            indicator_code: c.indicator_code.clone(),
            indicator_name: c.indicator_name.clone(),
            measure: c.measure.clone(),
            delivered: c.delivered,
            cost_per_service: c.cost,
            peers: peers(&c.peers),
        }
    }
}

#[Object(name = "SpendingLine")]
impl SpendingLineNode {
    async fn code(&self) -> &str {
        &self.item.code
    }

    async fn name(&self) -> &str {
        &self.item.name
    }

    /// Competencia o unidad programática.
    async fn level(&self) -> CatalogueLevel {
        self.item.level
    }

    async fn execution(&self) -> AmountsNode {
        self.amounts.into()
    }

    /// Compromisos por habitante; `null` sin población reportada.
    async fn per_inhabitant(&self) -> Option<f64> {
        self.per_inhabitant
    }

    /// Compromisos por habitante de sus pares.
    async fn peers(&self) -> Vec<PeerNode> {
        peers(&self.peers)
    }

    /// Las unidades de una competencia con gasto; vacío para una unidad.
    async fn units(&self) -> Vec<SpendingLineNode> {
        self.units.iter().cloned().map(SpendingLineNode::from).collect()
    }

    /// Costo por servicio entregado de los servicios de una unidad que un indicador público
    /// cuenta; vacío para una competencia.
    async fn services(&self) -> Vec<ServiceCostNode> {
        self.services.iter().map(ServiceCostNode::from).collect()
    }
}

/// Gasto reportado bajo un código retirado sin sucesor: no se puede clasificar.
#[derive(SimpleObject)]
pub struct UnclassifiedSpending {
    pub code: String,
    pub execution: AmountsNode,
}

/// El gasto de un territorio en una vigencia, por competencia y unidad, en los códigos de una versión.
pub struct ClassifiedSpendingNode(spending::SpendingView);

#[Object(name = "ClassifiedSpending")]
impl ClassifiedSpendingNode {
    async fn entity(&self) -> TerritorialEntityNode {
        TerritorialEntityNode(self.0.entity.clone())
    }

    async fn vigencia(&self) -> i32 {
        self.0.vigencia
    }

    /// Versión del catálogo en cuyos códigos se muestra.
    async fn catalogue_version(&self) -> i32 {
        self.0.version
    }

    /// Población reportada (POBLACION_TOTAL).
    async fn population(&self) -> Option<f64> {
        self.0.population
    }

    /// Gasto total reportado (funcionamiento más inversión).
    async fn total_spending(&self) -> Option<f64> {
        self.0.total_spending
    }

    /// Suma de lo clasificado.
    async fn classified(&self) -> AmountsNode {
        self.0.classified.into()
    }

    /// Parte del gasto total (compromisos) que el catálogo clasifica, de 0 a 1.
    async fn classified_share(&self) -> Option<f64> {
        self.0.classified_share
    }

    /// Por competencia, cada una con sus unidades.
    async fn competencies(&self) -> Vec<SpendingLineNode> {
        self.0.competencies.iter().cloned().map(SpendingLineNode::from).collect()
    }

    async fn unclassified(&self) -> Vec<UnclassifiedSpending> {
        self.0
            .unresolved
            .iter()
            .map(|(code, amounts)| UnclassifiedSpending { code: code.clone(), execution: (*amounts).into() })
            .collect()
    }

    /// Códigos reportados que esta versión ya no tiene: se muestran por el cruce.
    async fn translated_codes(&self) -> &[String] {
        &self.0.translated_codes
    }
}

#[derive(Default)]
pub struct ClassificationQuery;

#[Object]
impl ClassificationQuery {
    /// Versiones del catálogo de clasificación del gasto, de la primera a la última.
    async fn catalogue_versions(&self, ctx: &Context<'_>) -> ApiResult<Vec<CatalogueVersionNode>> {
        Ok(service(ctx)?.register().await?.versions.into_iter().map(CatalogueVersionNode).collect())
    }

    /// El catálogo en una versión (la vigente si se omite); `query` filtra `items`.
    async fn catalogue(
        &self,
        ctx: &Context<'_>,
        version: Option<i32>,
        query: Option<String>,
    ) -> ApiResult<CatalogueNode> {
        if query.as_ref().is_some_and(|q| q.chars().count() > 100) {
            return Err(ServiceError::invalid("«query» admite como máximo 100 caracteres").into());
        }
        let (version, snapshot) = service(ctx)?.catalogue(version).await?;
        Ok(CatalogueNode {
            version,
            snapshot: Arc::new(snapshot),
            query: query.filter(|q| !q.trim().is_empty()),
        })
    }

    /// Lo que cambió entre dos versiones, por código.
    async fn catalogue_diff(&self, ctx: &Context<'_>, from: i32, to: i32) -> ApiResult<Vec<DifferenceNode>> {
        Ok(service(ctx)?.diff(from, to).await?.into_iter().map(DifferenceNode).collect())
    }

    /// Todos los cruces de códigos retirados a sus sucesores.
    async fn catalogue_crosswalk(&self, ctx: &Context<'_>) -> ApiResult<Vec<CrosswalkRowNode>> {
        Ok(service(ctx)?.crosswalk(None).await?.into_iter().map(CrosswalkRowNode).collect())
    }

    /// Propuestas de cambio al catálogo, las más recientes primero.
    #[graphql(complexity = "crate::connection::list_complexity(first, child_complexity)")]
    async fn catalogue_proposals(
        &self,
        ctx: &Context<'_>,
        status: Option<ProposalStatus>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<CountedConnection<ProposalNode>> {
        let page = PageRequest::parse(first, after)?;
        let found = service(ctx)?.proposals(status, &page).await?;
        Ok(connection(
            found,
            &page,
            |p| crate::pagination::newest_first_key(p.created_at, p.id),
            ProposalNode,
        ))
    }

    /// El gasto clasificado de un territorio en una vigencia, junto a sus pares.
    async fn classified_spending(
        &self,
        ctx: &Context<'_>,
        entity_code: String,
        vigencia: i32,
        catalogue_version: Option<i32>,
    ) -> ApiResult<ClassifiedSpendingNode> {
        Ok(ClassifiedSpendingNode(service(ctx)?.spending(&entity_code, vigencia, catalogue_version).await?))
    }

    /// Lo que elementos de datos, indicadores, ofertas de ATT y productos de conocimiento llaman
    /// unidad programática (texto libre) y la
    /// unidad del catálogo vigente que nombra; con `unmatchedOnly`, lo que no coincide con ninguna
    /// (para que un administrador lo corrija). Solo administradores.
    async fn unit_references(
        &self,
        ctx: &Context<'_>,
        unmatched_only: Option<bool>,
    ) -> ApiResult<Vec<UnitReference>> {
        let found = service(ctx)?.references(ctx.data::<Actor>()?, unmatched_only.unwrap_or(false)).await?;
        Ok(found
            .into_iter()
            .map(|r| UnitReference {
                kind: r.kind,
                subject_code: r.subject_code,
                free_text: r.free_text,
                unit_code: r.unit_code,
            })
            .collect())
    }
}

/// Una unidad programática escrita como texto libre y la unidad del catálogo a la que se enlazó.
#[derive(SimpleObject)]
pub struct UnitReference {
    pub kind: ReferenceKind,
    /// Código del elemento de datos o del indicador; id de la oferta o del producto.
    pub subject_code: String,
    pub free_text: String,
    /// La unidad (o el servicio, para un indicador que cuenta lo que una unidad entrega) que
    /// nombra; `null`: no coincide con el código ni con el nombre exacto de ninguna vigente.
    pub unit_code: Option<String>,
}

/// Un elemento nuevo del catálogo.
#[derive(InputObject)]
pub struct CatalogueItemInput {
    pub code: String,
    pub level: CatalogueLevel,
    pub parent_code: Option<String>,
    pub name: String,
    pub description: String,
    pub entity_kinds: Vec<TerritorialKind>,
    pub legal_basis: String,
}

/// Una parte (SPLIT), el destino (MERGE) o un sucesor (RETIRE). Un código vigente se usa tal cual;
/// uno nuevo necesita `name`.
#[derive(InputObject)]
pub struct ProposedPartInput {
    pub code: String,
    pub name: Option<String>,
    pub description: Option<String>,
    /// Porcentaje del gasto que recibe (los de un mismo código suman 100).
    pub share_percent: f64,
}

/// Un cambio propuesto al catálogo. Según `kind`: ADD usa `item`; RENAME `code` y `name`;
/// SPLIT `code` y `parts`; MERGE `codes` y `into`; RETIRE `code` y, si los hay, `parts` (sucesores).
#[derive(InputObject)]
pub struct ProposeCatalogueChangeInput {
    pub kind: ChangeKind,
    /// Por qué se propone.
    pub reason: String,
    pub item: Option<CatalogueItemInput>,
    pub code: Option<String>,
    pub codes: Option<Vec<String>>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub parts: Option<Vec<ProposedPartInput>>,
    pub into: Option<ProposedPartInput>,
}

fn required<T>(value: Option<T>, field: &str, kind: ChangeKind) -> Result<T, ServiceError> {
    value.ok_or_else(|| ServiceError::invalid(format!("un cambio {} necesita «{field}»", kind.as_db())))
}

fn code_of(raw: &str) -> Result<String, ServiceError> {
    rules::parse_code(raw).map_err(ServiceError::Invalid)
}

fn parts_of(raw: Vec<ProposedPartInput>) -> Result<Vec<super::model::Part>, ServiceError> {
    raw.into_iter().map(|p| part(&p.code, p.name, p.description, p.share_percent)).collect()
}

impl ProposeCatalogueChangeInput {
    fn parse(self) -> Result<(ProposedChange, String), ServiceError> {
        let kind = self.kind;
        let change = match kind {
            ChangeKind::Add => {
                let item = required(self.item, "item", kind)?;
                ProposedChange::Add {
                    item: Item {
                        code: code_of(&item.code)?,
                        level: item.level,
                        parent_code: item.parent_code.as_deref().map(code_of).transpose()?,
                        name: text::required(&item.name, "name", 200)?,
                        description: text::required(&item.description, "description", 2_000)?,
                        entity_kinds: item.entity_kinds,
                        legal_basis: text::required(&item.legal_basis, "legalBasis", 2_000)?,
                    },
                }
            }
            ChangeKind::Rename => ProposedChange::Rename {
                code: code_of(&required(self.code, "code", kind)?)?,
                name: text::required(&required(self.name, "name", kind)?, "name", 200)?,
                description: self
                    .description
                    .map(|d| text::required(&d, "description", 2_000))
                    .transpose()?,
            },
            ChangeKind::Split => ProposedChange::Split {
                code: code_of(&required(self.code, "code", kind)?)?,
                parts: parts_of(required(self.parts, "parts", kind)?)?,
            },
            ChangeKind::Merge => {
                let codes = required(self.codes, "codes", kind)?;
                let into = required(self.into, "into", kind)?;
                ProposedChange::Merge {
                    codes: codes.iter().map(|c| code_of(c)).collect::<Result<_, _>>()?,
                    into: part(&into.code, into.name, into.description, 100.0)?,
                }
            }
            ChangeKind::Retire => ProposedChange::Retire {
                code: code_of(&required(self.code, "code", kind)?)?,
                successors: parts_of(self.parts.unwrap_or_default())?,
            },
        };
        Ok((change, self.reason))
    }
}

#[derive(SimpleObject)]
pub struct ProposeCatalogueChangePayload {
    pub proposal: ProposalNode,
}

/// Función Pública aprueba un conjunto de propuestas: forman la versión siguiente.
#[derive(InputObject)]
pub struct ApproveCatalogueChangesInput {
    pub proposal_ids: Vec<ID>,
    /// Fecha desde la que rige la nueva versión.
    pub effective_on: NaiveDate,
    pub note: String,
}

#[derive(SimpleObject)]
pub struct ApproveCatalogueChangesPayload {
    pub version: CatalogueVersionNode,
    pub proposals: Vec<ProposalNode>,
}

#[derive(SimpleObject)]
pub struct RejectCatalogueChangePayload {
    pub proposal: ProposalNode,
}

/// La ejecución de una unidad programática en la vigencia, en pesos.
#[derive(InputObject)]
pub struct SpendingLineInput {
    pub unit_code: String,
    pub appropriation: f64,
    pub commitments: f64,
    pub obligations: f64,
    pub payments: f64,
}

/// La ejecución presupuestal de una entidad por unidad programática.
#[derive(InputObject)]
pub struct ReportSpendingInput {
    pub entity_code: String,
    pub vigencia: i32,
    /// Reenviar con la misma clave no escribe nada dos veces.
    pub idempotency_key: String,
    pub lines: Vec<SpendingLineInput>,
}

#[derive(SimpleObject)]
pub struct ReportSpendingPayload {
    /// Unidades enviadas (una entrega por unidad en la ruta de «reportar una sola vez»).
    pub units: i32,
    pub accepted: i32,
    pub duplicates: i32,
    pub corrections: i32,
    pub conflicts: i32,
    /// Códigos retirados que se guardaron tal cual y se muestran por el cruce.
    pub through_crosswalk: Vec<String>,
}

#[derive(Default)]
pub struct ClassificationMutation;

#[Object]
impl ClassificationMutation {
    /// Una entidad nacional propone un cambio al catálogo, con su justificación.
    async fn propose_catalogue_change(
        &self,
        ctx: &Context<'_>,
        input: ProposeCatalogueChangeInput,
    ) -> ApiResult<ProposeCatalogueChangePayload> {
        let (change, reason) = input.parse()?;
        let proposal = service(ctx)?.propose(ctx.data::<Actor>()?, change, &reason).await?;
        Ok(ProposeCatalogueChangePayload { proposal: ProposalNode(proposal) })
    }

    /// Función Pública aprueba propuestas pendientes como una nueva versión del catálogo.
    async fn approve_catalogue_changes(
        &self,
        ctx: &Context<'_>,
        input: ApproveCatalogueChangesInput,
    ) -> ApiResult<ApproveCatalogueChangesPayload> {
        let ids =
            input.proposal_ids.iter().map(|id| parse_id(id, "propuesta")).collect::<Result<Vec<_>, _>>()?;
        let (version, proposals) =
            service(ctx)?.approve(ctx.data::<Actor>()?, &ids, input.effective_on, &input.note).await?;
        Ok(ApproveCatalogueChangesPayload {
            version: CatalogueVersionNode(version),
            proposals: proposals.into_iter().map(ProposalNode).collect(),
        })
    }

    /// Función Pública rechaza una propuesta pendiente, con una nota.
    async fn reject_catalogue_change(
        &self,
        ctx: &Context<'_>,
        id: ID,
        note: String,
    ) -> ApiResult<RejectCatalogueChangePayload> {
        let id = parse_id(&id, "propuesta")?;
        let proposal = service(ctx)?.reject(ctx.data::<Actor>()?, id, &note).await?;
        Ok(RejectCatalogueChangePayload { proposal: ProposalNode(proposal) })
    }

    /// Una entidad territorial reporta su ejecución presupuestal por unidad programática.
    async fn report_spending(
        &self,
        ctx: &Context<'_>,
        input: ReportSpendingInput,
    ) -> ApiResult<ReportSpendingPayload> {
        let report = SpendingReport {
            entity_code: input.entity_code,
            vigencia: input.vigencia,
            idempotency_key: input.idempotency_key,
            lines: input
                .lines
                .into_iter()
                .map(|line| SpendingLine {
                    unit_code: line.unit_code,
                    amounts: Amounts {
                        appropriation: line.appropriation,
                        commitments: line.commitments,
                        obligations: line.obligations,
                        payments: line.payments,
                    },
                })
                .collect(),
        };
        let outcome = service(ctx)?.report_spending(ctx.data::<Actor>()?, report).await?;
        Ok(ReportSpendingPayload {
            units: outcome.units as i32,
            accepted: outcome.accepted,
            duplicates: outcome.duplicates,
            corrections: outcome.corrections,
            conflicts: outcome.conflicts,
            through_crosswalk: outcome.through_crosswalk,
        })
    }
}
