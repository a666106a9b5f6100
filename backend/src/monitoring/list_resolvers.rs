//! GraphQL of focalisation lists: parse, call the service, shape the answer.

use async_graphql::{dataloader::DataLoader, Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};

use super::{
    lists::{FocalisationList, ListChanges, ListedEntity, NewList},
    model::TrafficLight,
    service::MonitoringService,
};
use crate::{
    authorisation::Actor,
    connection::{connection, parse_id, CountedConnection},
    error::ApiResult,
    pagination::PageRequest,
    territory::{loader::TerritoryLoader, resolvers::TerritorialEntityNode},
};

/// Lista de focalización de una entidad nacional: los territorios que decide acompañar,
/// empezada desde el semáforo de un indicador.
pub struct FocalisationListNode(pub FocalisationList);

#[Object(name = "FocalisationList")]
impl FocalisationListNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Organización dueña.
    async fn owner_code(&self) -> &str {
        &self.0.owner_code
    }

    /// Indicador del que partió la lista.
    async fn indicator_code(&self) -> &str {
        &self.0.indicator_code
    }

    async fn period(&self) -> &str {
        &self.0.period
    }

    /// Semáforo del que partió la lista.
    async fn traffic_light(&self) -> TrafficLight {
        self.0.light
    }

    async fn note(&self) -> &str {
        &self.0.note
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// Cuántos territorios reúne.
    async fn entity_count(&self) -> i32 {
        i32::try_from(self.0.entities.len()).unwrap_or(i32::MAX)
    }

    /// Sus territorios, por código DIVIPOLA.
    async fn entities(&self) -> Vec<ListedEntityNode> {
        self.0.entities.iter().cloned().map(ListedEntityNode).collect()
    }
}

/// Un territorio de una lista, con su valor y semáforo cuando se agregó.
pub struct ListedEntityNode(ListedEntity);

#[Object(name = "FocalisedEntity")]
impl ListedEntityNode {
    async fn entity(&self, ctx: &Context<'_>) -> ApiResult<Option<TerritorialEntityNode>> {
        let loader = ctx.data::<DataLoader<TerritoryLoader>>()?;
        Ok(loader.load_one(self.0.entity_code.clone()).await?.map(TerritorialEntityNode))
    }

    /// Valor del indicador en el periodo de la lista al agregarlo; `null` sin resultado.
    async fn value(&self) -> Option<f64> {
        self.0.value
    }

    async fn traffic_light(&self) -> Option<TrafficLight> {
        self.0.light
    }

    async fn added_at(&self) -> DateTime<Utc> {
        self.0.added_at
    }
}

#[derive(Default)]
pub struct FocalisationQuery;

#[Object]
impl FocalisationQuery {
    /// Listas de focalización, la más reciente primero: las de la organización del usuario
    /// (todas, para administradores y la secretaría técnica).
    #[graphql(complexity = "crate::connection::list_complexity(first, child_complexity)")]
    async fn focalisation_lists(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<CountedConnection<FocalisationListNode>> {
        let page = PageRequest::parse(first, after)?;
        let found = ctx.data::<MonitoringService>()?.lists(ctx.data::<Actor>()?, &page).await?;
        Ok(connection(found, &page, |list| list.id.to_string(), FocalisationListNode))
    }

    /// Una lista de focalización.
    async fn focalisation_list(&self, ctx: &Context<'_>, id: ID) -> ApiResult<FocalisationListNode> {
        let id = parse_id(&id, "lista de focalización")?;
        Ok(FocalisationListNode(ctx.data::<MonitoringService>()?.list(ctx.data::<Actor>()?, id).await?))
    }
}

/// Una lista nueva: los municipios con ese semáforo en el indicador y periodo.
#[derive(InputObject)]
pub struct CreateFocalisationListInput {
    pub name: String,
    pub indicator_code: String,
    pub period: String,
    /// Semáforo de partida; rojo si se omite.
    #[graphql(default_with = "TrafficLight::Red")]
    pub traffic_light: TrafficLight,
    #[graphql(default)]
    pub note: String,
    /// Organización dueña: la propia para una entidad nacional; obligatoria para un administrador.
    pub owner_code: Option<String>,
}

/// Cambios a una lista: lo omitido se conserva.
#[derive(InputObject)]
pub struct UpdateFocalisationListInput {
    pub name: Option<String>,
    pub note: Option<String>,
    /// Códigos DIVIPOLA de municipios, distritos o áreas no municipalizadas que se agregan.
    #[graphql(default)]
    pub add_entity_codes: Vec<String>,
    /// Códigos que se quitan.
    #[graphql(default)]
    pub remove_entity_codes: Vec<String>,
}

#[derive(SimpleObject)]
pub struct FocalisationListPayload {
    pub focalisation_list: FocalisationListNode,
}

#[derive(Default)]
pub struct FocalisationMutation;

#[Object]
impl FocalisationMutation {
    /// Empieza una lista de focalización desde el semáforo de un indicador (entidades
    /// nacionales y administradores).
    async fn create_focalisation_list(
        &self,
        ctx: &Context<'_>,
        input: CreateFocalisationListInput,
    ) -> ApiResult<FocalisationListPayload> {
        let new = NewList {
            name: input.name,
            indicator_code: input.indicator_code,
            period: input.period,
            light: input.traffic_light,
            note: input.note,
            owner_code: input.owner_code,
        };
        let created = ctx.data::<MonitoringService>()?.create_list(ctx.data::<Actor>()?, new).await?;
        Ok(FocalisationListPayload { focalisation_list: FocalisationListNode(created) })
    }

    /// Cambia una lista: nombre, nota, territorios que se agregan o se quitan (su organización).
    async fn update_focalisation_list(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateFocalisationListInput,
    ) -> ApiResult<FocalisationListPayload> {
        let id = parse_id(&id, "lista de focalización")?;
        let changes = ListChanges {
            name: input.name,
            note: input.note,
            add: input.add_entity_codes,
            remove: input.remove_entity_codes,
        };
        let updated = ctx.data::<MonitoringService>()?.update_list(ctx.data::<Actor>()?, id, changes).await?;
        Ok(FocalisationListPayload { focalisation_list: FocalisationListNode(updated) })
    }
}
