//! GraphQL of the consultation room: parse, call the service, shape.

use std::{collections::HashMap, sync::Arc};

use async_graphql::{
    dataloader::{DataLoader, Loader},
    Context, InputObject, Object, SimpleObject, ID,
};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{
    model::{Message, Side, SubjectKind, Thread},
    rules::{self, ResponseTime},
    service::{message_key, recency_key, ConsultationService, NewThread},
};
use crate::{
    access::resolvers::{AccessLoader, OrganisationCode, OrganisationNode},
    authorisation::Actor,
    connection::parse_id,
    connection::{connection, CountedConnection},
    error::{ApiError, ApiResult, ServiceError},
    knowledge::resolvers::{cited_documents, KnowledgeProductNode},
    pagination::{Page, PageRequest},
    territory::{loader::TerritoryLoader, resolvers::TerritorialEntityNode},
};

fn service<'a>(ctx: &Context<'a>) -> ApiResult<&'a ConsultationService> {
    Ok(ctx.data::<ConsultationService>()?)
}

fn parse_documents(ids: &[ID]) -> Result<Vec<uuid::Uuid>, ServiceError> {
    ids.iter().map(|id| parse_id(id, "documento adjunto")).collect()
}

/// Una conversación de la sala de consulta.
pub struct ThreadNode {
    thread: Thread,
    /// Mensajes de la otra parte que quien consulta aún no ha leído.
    unread: u64,
}

#[Object(name = "ConsultationThread")]
impl ThreadNode {
    async fn id(&self) -> ID {
        ID(self.thread.id.to_string())
    }
    async fn title(&self) -> &str {
        &self.thread.title
    }
    async fn subject_kind(&self) -> SubjectKind {
        self.thread.subject_kind
    }
    /// Id de la oferta o del compromiso, o código del requerimiento.
    async fn subject_id(&self) -> &str {
        &self.thread.subject_id
    }
    async fn entity(&self, ctx: &Context<'_>) -> ApiResult<Option<TerritorialEntityNode>> {
        let loader = ctx.data::<DataLoader<TerritoryLoader>>()?;
        Ok(loader.load_one(self.thread.entity_code.clone()).await?.map(TerritorialEntityNode))
    }
    async fn organisation(&self, ctx: &Context<'_>) -> ApiResult<Option<OrganisationNode>> {
        let loader = ctx.data::<DataLoader<AccessLoader>>()?;
        Ok(loader
            .load_one(OrganisationCode(self.thread.organisation_code.clone()))
            .await?
            .map(OrganisationNode))
    }
    /// Quién abrió la conversación.
    async fn opened_by(&self) -> Side {
        self.thread.opened_by
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.thread.created_at
    }
    async fn last_message_at(&self) -> DateTime<Utc> {
        self.thread.last_message_at
    }
    /// Primera respuesta de la entidad nacional a una consulta de la entidad territorial.
    async fn first_answer_at(&self) -> Option<DateTime<Utc>> {
        self.thread.first_answer_at
    }
    /// Mensajes de la otra parte que usted aún no ha leído.
    async fn unread_count(&self) -> i64 {
        i64::try_from(self.unread).unwrap_or(i64::MAX)
    }
    /// Los mensajes, del más antiguo al más reciente.
    #[graphql(complexity = "crate::connection::list_complexity(first, child_complexity)")]
    async fn messages(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<CountedConnection<MessageNode>> {
        let page = PageRequest::parse(first, after)?;
        // Every thread of a list loads its messages in the same query.
        let messages =
            ctx.data::<DataLoader<MessageLoader>>()?.load_one(self.thread.id).await?.unwrap_or_default();
        let keyed: Vec<(String, Message)> = messages.into_iter().map(|m| (message_key(&m), m)).collect();
        let found = Page::from_sorted(keyed, &page, |(key, _)| key.as_str()).map(|(_, message)| message);
        Ok(connection(found, &page, message_key, MessageNode))
    }
}

/// The messages of many threads at once.
pub struct MessageLoader(pub std::sync::Arc<ConsultationService>);

impl Loader<Uuid> for MessageLoader {
    type Value = Vec<Message>;
    type Error = Arc<ServiceError>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Vec<Message>>, Self::Error> {
        self.0.messages_of(keys).await.map_err(Arc::new)
    }
}

/// Un mensaje de la sala de consulta.
pub struct MessageNode(pub Message);

#[Object(name = "ConsultationMessage")]
impl MessageNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn thread_id(&self) -> ID {
        ID(self.0.thread_id.to_string())
    }
    /// Nombre y correo de quien escribe.
    async fn author(&self) -> &str {
        &self.0.author_label
    }
    async fn side(&self) -> Side {
        self.0.side
    }
    async fn body(&self) -> &str {
        &self.0.body
    }
    /// Documentos de la base de conocimiento adjuntos (los archivados ya no aparecen).
    async fn documents(&self, ctx: &Context<'_>) -> ApiResult<Vec<KnowledgeProductNode>> {
        cited_documents(ctx, &self.0.documents).await
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// Tiempo de primera respuesta de una entidad nacional a las consultas de los territorios.
#[derive(SimpleObject)]
#[graphql(name = "ConsultationResponseTime")]
pub struct ResponseTimeNode {
    organisation_code: String,
    /// Consultas que abrieron las entidades territoriales.
    threads: i32,
    /// De ellas, las respondidas.
    answered: i32,
    /// Horas hasta la primera respuesta (mediana y promedio de las respondidas).
    median_hours: Option<f64>,
    average_hours: Option<f64>,
}

impl From<ResponseTime> for ResponseTimeNode {
    fn from(row: ResponseTime) -> Self {
        Self {
            organisation_code: row.organisation_code,
            threads: i32::try_from(row.threads).unwrap_or(i32::MAX),
            answered: i32::try_from(row.answered).unwrap_or(i32::MAX),
            median_hours: row.median_hours,
            average_hours: row.average_hours,
        }
    }
}

#[derive(Default)]
pub struct ConsultationQuery;

#[Object]
impl ConsultationQuery {
    /// Sus conversaciones de la sala de consulta, la de actividad más reciente primero.
    #[graphql(complexity = "crate::connection::list_complexity(first, child_complexity)")]
    async fn consultation_threads(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<CountedConnection<ThreadNode>> {
        let actor = ctx.data::<Actor>()?;
        let page = PageRequest::parse(first, after)?;
        let found = service(ctx)?.threads(actor, &page).await?;
        let ids: Vec<uuid::Uuid> = found.items.iter().map(|t| t.id).collect();
        let unread = match actor.user() {
            Some(user) => service(ctx)?.unread_counts(user.id, &ids).await?,
            None => Default::default(),
        };
        Ok(connection(found, &page, recency_key, |thread| ThreadNode {
            unread: unread.get(&thread.id).copied().unwrap_or_default(),
            thread,
        }))
    }

    /// Una conversación, para sus partes.
    async fn consultation_thread(&self, ctx: &Context<'_>, id: ID) -> ApiResult<ThreadNode> {
        let actor = ctx.data::<Actor>()?;
        let id = parse_id(&id, "consulta")?;
        let thread = service(ctx)?.thread(actor, id).await?;
        let user = actor.user().map(|u| u.id).unwrap_or_default();
        let unread = service(ctx)?.unread_counts(user, &[id]).await?.get(&id).copied().unwrap_or_default();
        Ok(ThreadNode { thread, unread })
    }

    /// Cuánto tarda cada entidad nacional en dar la primera respuesta a los territorios.
    async fn consultation_response_times(&self, ctx: &Context<'_>) -> ApiResult<Vec<ResponseTimeNode>> {
        Ok(service(ctx)?.response_times().await?.into_iter().map(Into::into).collect())
    }
}

/// Una consulta nueva: sobre qué, con qué entidad territorial y su primer mensaje.
#[derive(InputObject)]
pub struct OpenConsultationInput {
    pub subject_kind: SubjectKind,
    /// Id de la oferta o del compromiso, o código del requerimiento.
    pub subject_id: String,
    /// La entidad territorial; un usuario territorial puede omitirla (la suya).
    pub entity_code: Option<String>,
    pub title: String,
    pub body: String,
    /// Documentos de la base de conocimiento adjuntos (hasta 5).
    #[graphql(default)]
    pub document_ids: Vec<ID>,
}

#[derive(SimpleObject)]
pub struct ConsultationPayload {
    thread: ThreadNode,
}

#[derive(SimpleObject)]
pub struct ConsultationMessagePayload {
    message: MessageNode,
}

#[derive(Default)]
pub struct ConsultationMutation;

#[Object]
impl ConsultationMutation {
    /// Abre una conversación entre una entidad territorial y la entidad nacional detrás de una
    /// oferta, un requerimiento o un compromiso (cualquiera de las dos partes).
    async fn open_consultation(
        &self,
        ctx: &Context<'_>,
        input: OpenConsultationInput,
    ) -> ApiResult<ConsultationPayload> {
        let new = NewThread {
            subject_kind: input.subject_kind,
            subject_id: input.subject_id,
            entity_code: input.entity_code,
            title: input.title,
            body: input.body,
            documents: parse_documents(&input.document_ids)?,
        };
        let (thread, _) = service(ctx)?.open(ctx.data::<Actor>()?, new).await?;
        Ok(ConsultationPayload { thread: ThreadNode { thread, unread: 0 } })
    }

    /// Escribe en una conversación de la que usted es parte.
    async fn post_consultation_message(
        &self,
        ctx: &Context<'_>,
        thread_id: ID,
        body: String,
        #[graphql(default)] document_ids: Vec<ID>,
    ) -> ApiResult<ConsultationMessagePayload> {
        let id = parse_id(&thread_id, "consulta")?;
        let documents = parse_documents(&document_ids)?;
        let message = service(ctx)?.post(ctx.data::<Actor>()?, id, &body, &documents).await?;
        Ok(ConsultationMessagePayload { message: MessageNode(message) })
    }

    /// Marca como leída una conversación hasta ahora.
    async fn mark_consultation_read(
        &self,
        ctx: &Context<'_>,
        thread_id: ID,
    ) -> ApiResult<ConsultationPayload> {
        let id = parse_id(&thread_id, "consulta")?;
        let thread = service(ctx)?.mark_read(ctx.data::<Actor>()?, id).await?;
        Ok(ConsultationPayload { thread: ThreadNode { thread, unread: 0 } })
    }
}

#[derive(Default)]
pub struct ConsultationSubscription;

#[async_graphql::Subscription]
impl ConsultationSubscription {
    /// Los mensajes nuevos de sus conversaciones (o de una, con `threadId`), desde cualquier
    /// instancia. Requiere sesión: el token va en la cabecera o en `connection_init`
    /// (`{"authorization": "Bearer …"}`).
    async fn consultation_message(
        &self,
        ctx: &Context<'_>,
        thread_id: Option<ID>,
    ) -> Result<impl futures_util::Stream<Item = MessageNode>, ApiError> {
        let user =
            crate::authorisation::rules::require_user(ctx.data::<Actor>()?, "oír la sala de consulta")?
                .clone();
        let thread = thread_id.map(|id| parse_id(&id, "consulta")).transpose()?;
        let wanted = move |posted: &super::model::PostedMessage| {
            thread.is_none_or(|id| id == posted.message.thread_id)
                && rules::side_of(
                    &user,
                    &posted.entity_code,
                    posted.entity_department.as_deref(),
                    &posted.organisation_code,
                )
                .is_some()
        };
        Ok(ctx
            .data::<crate::events::EventBus<Box<super::model::PostedMessage>>>()?
            .stream(move |posted| wanted(&posted).then(|| MessageNode(posted.message))))
    }
}
