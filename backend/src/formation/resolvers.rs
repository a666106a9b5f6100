//! GraphQL of formation: parse, call the service, shape the answer.

use std::{collections::HashMap, sync::Arc};

use async_graphql::{
    dataloader::{DataLoader, Loader},
    Context, InputObject, Object, SimpleObject, ID,
};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::{
    model::{
        AttemptOutcome, Certificate, CompletionGrouping, Enrolment, GoalProgress, Lesson, MilestoneState,
        Module, ModuleStatus, NewGoal, NewModule, Party, Programme, Question,
    },
    programmes::NewProgramme,
    rules,
    service::FormationService,
};
use crate::{
    access::resolvers::{AccessLoader, OrganisationCode, OrganisationNode},
    assistance::resolvers::{AssistanceLoader, OfferNode},
    authorisation::Actor,
    connection::{connection, parse_id, CountedConnection},
    error::{ApiResult, ServiceError},
    knowledge::resolvers::{KnowledgeLoader, KnowledgeProductNode},
    pagination::{Page, PageRequest},
    territory::{
        loader::TerritoryLoader, resolvers::TerritorialEntityNode, MunicipalCategory, TerritorialKind,
    },
};

fn service<'a>(ctx: &Context<'a>) -> ApiResult<&'a FormationService> {
    Ok(ctx.data::<FormationService>()?)
}

/// Lección de un módulo: su propio texto en Markdown o un producto de conocimiento citado.
pub struct LessonNode {
    position: i32,
    lesson: Lesson,
}

#[Object(name = "TrainingLesson")]
impl LessonNode {
    /// Número de la lección, desde 1.
    async fn position(&self) -> i32 {
        self.position
    }
    async fn title(&self) -> &str {
        &self.lesson.title
    }
    /// Texto propio en Markdown; `null` si la lección cita un producto de conocimiento.
    async fn body(&self) -> Option<&str> {
        self.lesson.body.as_deref()
    }
    /// Producto de la base de conocimiento que la lección cita.
    async fn knowledge_product(&self, ctx: &Context<'_>) -> ApiResult<Option<KnowledgeProductNode>> {
        let Some(id) = self.lesson.knowledge_product_id else { return Ok(None) };
        let loader = ctx.data::<DataLoader<KnowledgeLoader>>()?;
        Ok(loader.load_one(id).await?.filter(|p| p.is_visible()).map(KnowledgeProductNode))
    }
}

/// Pregunta de la evaluación (la opción correcta no se publica).
#[derive(SimpleObject)]
#[graphql(name = "AssessmentQuestion")]
pub struct QuestionNode {
    /// Número de la pregunta, desde 1.
    pub position: i32,
    pub prompt: String,
    /// Opciones; se responde con su índice, desde 0.
    pub options: Vec<String>,
}

fn question_node(position: usize, question: &Question) -> QuestionNode {
    QuestionNode {
        position: position as i32 + 1,
        prompt: question.prompt.clone(),
        options: question.options.clone(),
    }
}

/// Módulo de formación: objetivos, público, lecciones ordenadas, horas y evaluación final.
pub struct ModuleNode(pub Module);

#[Object(name = "TrainingModule")]
impl ModuleNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// Organización que lo ofrece (ESAP, Función Pública, DNP…).
    async fn organisation(&self, ctx: &Context<'_>) -> ApiResult<Option<OrganisationNode>> {
        let loader = ctx.data::<DataLoader<AccessLoader>>()?;
        Ok(loader.load_one(OrganisationCode(self.0.organisation_code.clone())).await?.map(OrganisationNode))
    }
    async fn organisation_code(&self) -> &str {
        &self.0.organisation_code
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn summary(&self) -> &str {
        &self.0.summary
    }
    async fn objectives(&self) -> &str {
        &self.0.objectives
    }
    async fn topic(&self) -> &str {
        &self.0.topic
    }
    /// Tipos de entidad a los que se dirige.
    async fn target_kinds(&self) -> &[TerritorialKind] {
        &self.0.target_kinds
    }
    /// Categorías municipales a las que se dirige (vacío: todas).
    async fn target_categories(&self) -> &[MunicipalCategory] {
        &self.0.target_categories
    }
    /// Roles del equipo a los que se dirige, en palabras.
    async fn target_roles(&self) -> &[String] {
        &self.0.target_roles
    }
    async fn hours(&self) -> f64 {
        self.0.hours
    }
    /// Porcentaje mínimo de respuestas correctas para aprobar.
    async fn pass_mark(&self) -> i32 {
        self.0.pass_mark
    }
    /// Intentos permitidos de la evaluación.
    async fn max_attempts(&self) -> i32 {
        self.0.max_attempts
    }
    async fn lessons(&self) -> Vec<LessonNode> {
        (1..)
            .zip(self.0.lessons.iter().cloned())
            .map(|(position, lesson)| LessonNode { position, lesson })
            .collect()
    }
    async fn lesson_count(&self) -> i32 {
        self.0.lessons.len() as i32
    }
    /// Preguntas de la evaluación final (sin la respuesta correcta).
    async fn questions(&self) -> Vec<QuestionNode> {
        self.0.questions.iter().enumerate().map(|(i, q)| question_node(i, q)).collect()
    }
    async fn status(&self) -> ModuleStatus {
        self.0.status
    }
    /// La oferta de asistencia técnica (modalidad formación) que este módulo es, una vez publicado.
    async fn offer(&self, ctx: &Context<'_>) -> ApiResult<Option<OfferNode>> {
        let Some(id) = self.0.offer_id else { return Ok(None) };
        let loader = ctx.data::<DataLoader<AssistanceLoader>>()?;
        Ok(loader.load_one(id).await?.map(OfferNode))
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// Certificado de un módulo aprobado; cualquiera lo verifica en `/certificados/{código}`.
pub struct CertificateNode(pub Certificate);

#[Object(name = "TrainingCertificate")]
impl CertificateNode {
    async fn code(&self) -> &str {
        &self.0.code
    }
    async fn learner_name(&self) -> &str {
        &self.0.learner_name
    }
    async fn module_title(&self) -> &str {
        &self.0.module_title
    }
    async fn hours(&self) -> f64 {
        self.0.hours
    }
    async fn issued_on(&self) -> NaiveDate {
        self.0.issued_on
    }
    /// Organización que lo emite.
    async fn issuer_name(&self) -> &str {
        &self.0.issuer_name
    }
    /// Página pública de verificación.
    async fn verification_path(&self) -> String {
        format!("/certificados/{}", self.0.code)
    }
}

/// Inscripción de una persona en un módulo, con su avance.
pub struct EnrolmentNode(pub Enrolment);

#[Object(name = "TrainingEnrolment")]
impl EnrolmentNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn module(&self, ctx: &Context<'_>) -> ApiResult<Option<ModuleNode>> {
        let loader = ctx.data::<DataLoader<FormationLoader>>()?;
        Ok(loader.load_one(ModuleKey(self.0.module_id)).await?.map(ModuleNode))
    }
    async fn learner_name(&self) -> &str {
        &self.0.learner_name
    }
    async fn entity(&self, ctx: &Context<'_>) -> ApiResult<Option<TerritorialEntityNode>> {
        let loader = ctx.data::<DataLoader<TerritoryLoader>>()?;
        Ok(loader.load_one(self.0.entity_code.clone()).await?.map(TerritorialEntityNode))
    }
    async fn enrolled_at(&self) -> DateTime<Utc> {
        self.0.enrolled_at
    }
    /// Lecciones terminadas, por número.
    async fn completed_lessons(&self, ctx: &Context<'_>) -> ApiResult<Vec<i32>> {
        let loader = ctx.data::<DataLoader<FormationLoader>>()?;
        Ok(loader.load_one(LessonsDone(self.0.id)).await?.unwrap_or_default())
    }
    async fn lessons_done(&self) -> i32 {
        self.0.lessons_done
    }
    /// Intentos usados de la evaluación.
    async fn attempts(&self) -> i32 {
        self.0.attempts
    }
    /// Mejor porcentaje obtenido; `null` sin intentos.
    async fn best_score(&self) -> Option<i32> {
        self.0.best_score
    }
    async fn passed(&self) -> bool {
        self.0.passed_at.is_some()
    }
    async fn certificate(&self, ctx: &Context<'_>) -> ApiResult<Option<CertificateNode>> {
        if self.0.passed_at.is_none() {
            return Ok(None);
        }
        let loader = ctx.data::<DataLoader<FormationLoader>>()?;
        Ok(loader.load_one(CertificateOf(self.0.id)).await?.map(CertificateNode))
    }
}

/// Resultado de un intento de la evaluación.
pub struct AttemptNode(AttemptOutcome);

#[Object(name = "AssessmentResult")]
impl AttemptNode {
    async fn enrolment(&self) -> EnrolmentNode {
        EnrolmentNode(self.0.enrolment.clone())
    }
    /// Porcentaje de respuestas correctas.
    async fn score(&self) -> i32 {
        self.0.score
    }
    async fn correct_answers(&self) -> i32 {
        self.0.correct as i32
    }
    async fn total_questions(&self) -> i32 {
        self.0.total as i32
    }
    async fn passed(&self) -> bool {
        self.0.passed
    }
    async fn attempts_left(&self) -> i32 {
        self.0.attempts_left
    }
    /// El certificado emitido al aprobar.
    async fn certificate(&self) -> Option<CertificateNode> {
        self.0.certificate.clone().map(CertificateNode)
    }
}

/// Inscritos y certificados de un grupo.
#[derive(SimpleObject)]
#[graphql(name = "TrainingCompletion")]
pub struct CompletionNode {
    /// Código del departamento o la entidad, la categoría o el grupo de capacidades.
    pub group: String,
    pub enrolled: i32,
    pub certified: i32,
    /// Certificados ÷ inscritos.
    pub rate: f64,
}

/// Parte que acompaña un programa y su responsabilidad.
#[derive(SimpleObject)]
#[graphql(name = "ProgrammeParty")]
pub struct PartyNode {
    /// Código de la organización, o de la propia entidad.
    pub code: String,
    pub responsibility: String,
}

/// Hito de una meta y su estado según lo reportado.
#[derive(SimpleObject)]
#[graphql(name = "GoalMilestone")]
pub struct MilestoneNode {
    pub period: String,
    pub value: f64,
    pub state: MilestoneState,
}

/// Un valor reportado de la serie de una meta.
#[derive(SimpleObject)]
#[graphql(name = "GoalPoint")]
pub struct PointNode {
    pub period: String,
    pub value: f64,
}

/// Meta medible de un programa, con su avance calculado de lo que la entidad reporta.
pub struct GoalNode(pub GoalProgress);

#[Object(name = "ProgrammeGoal")]
impl GoalNode {
    async fn id(&self) -> ID {
        ID(self.0.goal.id.to_string())
    }
    /// Elemento de datos del catálogo que mide la meta (vacío si mide un indicador).
    async fn data_element_code(&self) -> &str {
        &self.0.goal.element_code
    }
    /// Indicador del monitoreo que mide la meta, si no es un elemento de datos.
    async fn indicator_code(&self) -> Option<&str> {
        self.0.goal.indicator_code.as_deref()
    }
    async fn description(&self) -> &str {
        &self.0.goal.description
    }
    async fn baseline_period(&self) -> &str {
        &self.0.goal.baseline_period
    }
    /// Valor reportado en el periodo de la línea base.
    async fn baseline_value(&self) -> f64 {
        self.0.goal.baseline_value
    }
    async fn target_value(&self) -> f64 {
        self.0.goal.target_value
    }
    async fn target_period(&self) -> &str {
        &self.0.goal.target_period
    }
    /// Último valor reportado después de la línea base; `null` si aún no hay.
    async fn current_value(&self) -> Option<f64> {
        self.0.latest.as_ref().map(|(_, v)| *v)
    }
    async fn current_period(&self) -> Option<&str> {
        self.0.latest.as_ref().map(|(p, _)| p.as_str())
    }
    /// Avance de la línea base a la meta, de 0 a 1.
    async fn progress(&self) -> f64 {
        self.0.progress
    }
    /// El último valor está en conflicto entre quienes lo reportan.
    async fn in_conflict(&self) -> bool {
        self.0.in_conflict
    }
    async fn milestones(&self) -> Vec<MilestoneNode> {
        self.0
            .milestones
            .iter()
            .map(|(m, state)| MilestoneNode { period: m.period.clone(), value: m.value, state: *state })
            .collect()
    }
    /// Lo reportado desde la línea base hasta la meta (para la gráfica).
    async fn series(&self) -> Vec<PointNode> {
        self.0
            .series
            .iter()
            .map(|(period, value)| PointNode { period: period.clone(), value: *value })
            .collect()
    }
}

/// Programa de acompañamiento: entidad, partes que acompañan y sus responsabilidades, objetivos y metas.
pub struct ProgrammeNode {
    programme: Programme,
    goals: Vec<GoalProgress>,
}

#[Object(name = "AccompanimentProgramme")]
impl ProgrammeNode {
    async fn id(&self) -> ID {
        ID(self.programme.id.to_string())
    }
    async fn entity(&self, ctx: &Context<'_>) -> ApiResult<Option<TerritorialEntityNode>> {
        let loader = ctx.data::<DataLoader<TerritoryLoader>>()?;
        Ok(loader.load_one(self.programme.entity_code.clone()).await?.map(TerritorialEntityNode))
    }
    async fn entity_code(&self) -> &str {
        &self.programme.entity_code
    }
    async fn title(&self) -> &str {
        &self.programme.title
    }
    async fn objectives(&self) -> &str {
        &self.programme.objectives
    }
    async fn parties(&self) -> Vec<PartyNode> {
        self.programme
            .parties
            .iter()
            .map(|p| PartyNode { code: p.code.clone(), responsibility: p.responsibility.clone() })
            .collect()
    }
    async fn goals(&self) -> Vec<GoalNode> {
        self.goals.iter().cloned().map(GoalNode).collect()
    }
    /// Avance medio de sus metas, de 0 a 1; `null` sin metas.
    async fn progress(&self) -> Option<f64> {
        (!self.goals.is_empty())
            .then(|| self.goals.iter().map(|g| g.progress).sum::<f64>() / self.goals.len() as f64)
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.programme.created_at
    }
}

async fn with_goals(service: &FormationService, programmes: Vec<Programme>) -> ApiResult<Vec<ProgrammeNode>> {
    let keys: Vec<(Uuid, String)> = programmes.iter().map(|p| (p.id, p.entity_code.clone())).collect();
    let mut goals = service.goal_progress(&keys).await?;
    Ok(programmes
        .into_iter()
        .map(|programme| ProgrammeNode { goals: goals.remove(&programme.id).unwrap_or_default(), programme })
        .collect())
}

#[derive(Default)]
pub struct FormationQuery;

#[Object]
impl FormationQuery {
    /// Catálogo de módulos de formación, los más recientes primero: los publicados y archivados
    /// para todos; los borradores solo para su organización.
    #[graphql(complexity = "crate::connection::list_complexity(first, child_complexity)")]
    async fn training_modules(
        &self,
        ctx: &Context<'_>,
        status: Option<ModuleStatus>,
        organisation_code: Option<String>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<CountedConnection<ModuleNode>> {
        let page = PageRequest::parse(first, after)?;
        let found =
            service(ctx)?.modules(ctx.data::<Actor>()?, status, organisation_code.as_deref(), &page).await?;
        Ok(connection(found, &page, |m| crate::pagination::newest_first_key(m.created_at, m.id), ModuleNode))
    }

    /// Un módulo; `null` si no existe o es un borrador de otra organización.
    async fn training_module(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<ModuleNode>> {
        let id = parse_id(&id, "módulo")?;
        Ok(service(ctx)?.module(ctx.data::<Actor>()?, id).await?.map(ModuleNode))
    }

    /// Mis inscripciones, con su avance y certificados (las más recientes primero).
    #[graphql(complexity = "crate::connection::list_complexity(first, child_complexity)")]
    async fn my_training_enrolments(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<CountedConnection<EnrolmentNode>> {
        let page = PageRequest::parse(first, after)?;
        let found = service(ctx)?.my_enrolments(ctx.data::<Actor>()?, &page).await?;
        Ok(enrolments(found, &page))
    }

    /// Las inscripciones del equipo de una entidad: para su coordinador de formación,
    /// la secretaría técnica y los administradores.
    #[graphql(complexity = "crate::connection::list_complexity(first, child_complexity)")]
    async fn staff_training_enrolments(
        &self,
        ctx: &Context<'_>,
        entity_code: String,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<CountedConnection<EnrolmentNode>> {
        let page = PageRequest::parse(first, after)?;
        let found = service(ctx)?.staff_enrolments(ctx.data::<Actor>()?, &entity_code, &page).await?;
        Ok(enrolments(found, &page))
    }

    /// Verifica un certificado por su código; `null` si no hay uno emitido con ese código.
    async fn training_certificate(
        &self,
        ctx: &Context<'_>,
        code: String,
    ) -> ApiResult<Option<CertificateNode>> {
        Ok(service(ctx)?.certificate(&code).await?.map(CertificateNode))
    }

    /// Inscritos y certificados por departamento, categoría, grupo de capacidades, o por
    /// entidad dentro de un departamento (`departmentCode`).
    async fn training_completion(
        &self,
        ctx: &Context<'_>,
        group_by: CompletionGrouping,
        department_code: Option<String>,
    ) -> ApiResult<Vec<CompletionNode>> {
        let rows = service(ctx)?.completion(group_by, department_code.as_deref()).await?;
        Ok(rows
            .into_iter()
            .map(|row| CompletionNode {
                rate: rules::completion_rate(row.enrolled, row.certified),
                group: row.group,
                enrolled: i32::try_from(row.enrolled).unwrap_or(i32::MAX),
                certified: i32::try_from(row.certified).unwrap_or(i32::MAX),
            })
            .collect())
    }

    /// Programas de acompañamiento con el avance de sus metas (la tabla de la secretaría técnica):
    /// todos para el lado nacional; los propios para los equipos territoriales.
    #[graphql(complexity = "crate::connection::list_complexity(first, child_complexity)")]
    async fn accompaniment_programmes(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<CountedConnection<ProgrammeNode>> {
        let page = PageRequest::parse(first, after)?;
        let service = service(ctx)?;
        let all = service.programmes(ctx.data::<Actor>()?).await?;
        let keyed: Vec<(String, Programme)> =
            all.into_iter().map(|p| (crate::pagination::newest_first_key(p.created_at, p.id), p)).collect();
        let mut keyed = keyed;
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        let found = Page::from_sorted(keyed, &page, |(key, _)| key.as_str());
        let keys: Vec<String> = found.items.iter().map(|(key, _)| key.clone()).collect();
        let nodes = with_goals(service, found.items.into_iter().map(|(_, p)| p).collect()).await?;
        let page_of_nodes = Page {
            items: keys.into_iter().zip(nodes).collect::<Vec<_>>(),
            has_next_page: found.has_next_page,
            total_count: found.total_count,
        };
        Ok(connection(page_of_nodes, &page, |(key, _)| key.clone(), |(_, node)| node))
    }

    /// Un programa de acompañamiento; `null` si no existe o no es visible para quien pregunta.
    async fn accompaniment_programme(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<ProgrammeNode>> {
        let id = parse_id(&id, "programa")?;
        let service = service(ctx)?;
        let Some(found) = service.programme(ctx.data::<Actor>()?, id).await? else { return Ok(None) };
        Ok(with_goals(service, vec![found]).await?.pop())
    }
}

fn enrolments(found: Page<Enrolment>, page: &PageRequest) -> CountedConnection<EnrolmentNode> {
    connection(found, page, |e| e.id.to_string(), EnrolmentNode)
}

/// Una lección propia (texto en Markdown) o citada de la base de conocimiento.
#[derive(InputObject)]
pub struct TrainingLessonInput {
    pub title: String,
    /// Texto propio en Markdown.
    pub body: Option<String>,
    /// Producto de la base de conocimiento citado.
    pub knowledge_product_id: Option<ID>,
}

/// Una pregunta de opción múltiple.
#[derive(InputObject)]
pub struct AssessmentQuestionInput {
    pub prompt: String,
    pub options: Vec<String>,
    /// Índice de la opción correcta, desde 0.
    pub correct_option: i32,
}

/// Un módulo de formación nuevo (queda en borrador).
#[derive(InputObject)]
pub struct TrainingModuleInput {
    /// Organización que lo ofrece: la propia para una entidad nacional; obligatoria para un administrador.
    pub organisation_code: Option<String>,
    pub title: String,
    pub summary: String,
    pub objectives: String,
    pub topic: String,
    pub target_kinds: Vec<TerritorialKind>,
    #[graphql(default)]
    pub target_categories: Vec<MunicipalCategory>,
    #[graphql(default)]
    pub target_roles: Vec<String>,
    pub hours: f64,
    /// Porcentaje mínimo para aprobar (1 a 100).
    pub pass_mark: i32,
    /// Intentos permitidos (1 a 10).
    pub max_attempts: i32,
    pub lessons: Vec<TrainingLessonInput>,
    pub questions: Vec<AssessmentQuestionInput>,
}

#[derive(SimpleObject)]
pub struct TrainingModulePayload {
    pub module: ModuleNode,
}

#[derive(SimpleObject)]
pub struct TrainingEnrolmentPayload {
    pub enrolment: EnrolmentNode,
}

/// El coordinador de formación designado.
#[derive(SimpleObject)]
pub struct TrainingCoordinatorPayload {
    pub email: String,
    pub entity_code: String,
}

/// Una parte que acompaña un programa.
#[derive(InputObject)]
pub struct ProgrammePartyInput {
    /// Código de la organización (o de la propia entidad).
    pub code: String,
    pub responsibility: String,
}

/// Un programa de acompañamiento nuevo.
#[derive(InputObject)]
pub struct AccompanimentProgrammeInput {
    pub entity_code: String,
    pub title: String,
    pub objectives: String,
    pub parties: Vec<ProgrammePartyInput>,
}

#[derive(SimpleObject)]
pub struct AccompanimentProgrammePayload {
    pub programme: ProgrammeNode,
}

/// Un hito intermedio de una meta.
#[derive(InputObject)]
pub struct GoalMilestoneInput {
    pub period: String,
    pub value: f64,
}

/// Una meta medible: la línea base se lee de lo que la entidad reportó en `baselinePeriod`.
#[derive(InputObject)]
pub struct ProgrammeGoalInput {
    pub programme_id: ID,
    /// Elemento de datos que la entidad reporta; o bien `indicatorCode`.
    pub data_element_code: Option<String>,
    /// Indicador del monitoreo calculado de lo que la entidad reporta; o bien `dataElementCode`.
    pub indicator_code: Option<String>,
    pub description: String,
    pub baseline_period: String,
    pub target_value: f64,
    pub target_period: String,
    #[graphql(default)]
    pub milestones: Vec<GoalMilestoneInput>,
}

#[derive(SimpleObject)]
pub struct ProgrammeGoalPayload {
    pub programme: ProgrammeNode,
}

#[derive(Default)]
pub struct FormationMutation;

#[Object]
impl FormationMutation {
    /// Registra un módulo de formación en borrador (entidades nacionales para su organización, administradores).
    async fn create_training_module(
        &self,
        ctx: &Context<'_>,
        input: TrainingModuleInput,
    ) -> ApiResult<TrainingModulePayload> {
        let lessons = input
            .lessons
            .into_iter()
            .map(|l| {
                Ok(Lesson {
                    title: l.title,
                    body: l.body,
                    knowledge_product_id: l
                        .knowledge_product_id
                        .map(|id| parse_id(&id, "producto de conocimiento"))
                        .transpose()?,
                })
            })
            .collect::<Result<Vec<_>, ServiceError>>()?;
        let new = NewModule {
            organisation_code: input.organisation_code,
            title: input.title,
            summary: input.summary,
            objectives: input.objectives,
            topic: input.topic,
            target_kinds: input.target_kinds,
            target_categories: input.target_categories,
            target_roles: input.target_roles,
            hours: input.hours,
            pass_mark: input.pass_mark,
            max_attempts: input.max_attempts,
            lessons,
            questions: input
                .questions
                .into_iter()
                .map(|q| Question { prompt: q.prompt, options: q.options, correct: q.correct_option })
                .collect(),
        };
        let created = service(ctx)?.create_module(ctx.data::<Actor>()?, new).await?;
        Ok(TrainingModulePayload { module: ModuleNode(created) })
    }

    /// Publica un módulo en borrador; si se dirige a los territorios queda también como oferta de
    /// asistencia técnica de modalidad formación (un solo registro enlazado).
    async fn publish_training_module(&self, ctx: &Context<'_>, id: ID) -> ApiResult<TrainingModulePayload> {
        status(ctx, &id, ModuleStatus::Published).await
    }

    /// Archiva un módulo (y su oferta): no admite más inscripciones; los certificados siguen válidos.
    async fn archive_training_module(&self, ctx: &Context<'_>, id: ID) -> ApiResult<TrainingModulePayload> {
        status(ctx, &id, ModuleStatus::Archived).await
    }

    /// Designa a un usuario territorial coordinador de formación de su entidad (administradores).
    async fn designate_training_coordinator(
        &self,
        ctx: &Context<'_>,
        email: String,
    ) -> ApiResult<TrainingCoordinatorPayload> {
        let user = service(ctx)?.designate_coordinator(ctx.data::<Actor>()?, &email).await?;
        Ok(TrainingCoordinatorPayload {
            email: user.email,
            entity_code: user.entity_code.unwrap_or_default(),
        })
    }

    /// Inscribe a quien llama (sin `learnerEmail`) o, para el coordinador de formación, a una
    /// persona del equipo de su entidad.
    async fn enrol_in_training_module(
        &self,
        ctx: &Context<'_>,
        module_id: ID,
        learner_email: Option<String>,
    ) -> ApiResult<TrainingEnrolmentPayload> {
        let module_id = parse_id(&module_id, "módulo")?;
        let created = service(ctx)?.enrol(ctx.data::<Actor>()?, module_id, learner_email.as_deref()).await?;
        Ok(TrainingEnrolmentPayload { enrolment: EnrolmentNode(created) })
    }

    /// Marca una lección (por su número) como terminada en un módulo en que quien llama está inscrito.
    async fn complete_lesson(
        &self,
        ctx: &Context<'_>,
        module_id: ID,
        lesson: i32,
    ) -> ApiResult<TrainingEnrolmentPayload> {
        let module_id = parse_id(&module_id, "módulo")?;
        let after = service(ctx)?.complete_lesson(ctx.data::<Actor>()?, module_id, lesson).await?;
        Ok(TrainingEnrolmentPayload { enrolment: EnrolmentNode(after) })
    }

    /// Presenta la evaluación final: una opción (índice desde 0) por pregunta. Aprobar emite el certificado.
    async fn submit_assessment(
        &self,
        ctx: &Context<'_>,
        module_id: ID,
        answers: Vec<i32>,
    ) -> ApiResult<AttemptNode> {
        let module_id = parse_id(&module_id, "módulo")?;
        let outcome = service(ctx)?.submit_assessment(ctx.data::<Actor>()?, module_id, &answers).await?;
        Ok(AttemptNode(outcome))
    }

    /// Crea un programa de acompañamiento (secretaría técnica, administradores o una entidad
    /// nacional que acompaña).
    async fn create_accompaniment_programme(
        &self,
        ctx: &Context<'_>,
        input: AccompanimentProgrammeInput,
    ) -> ApiResult<AccompanimentProgrammePayload> {
        let new = NewProgramme {
            entity_code: input.entity_code,
            title: input.title,
            objectives: input.objectives,
            parties: input
                .parties
                .into_iter()
                .map(|p| Party { code: p.code, responsibility: p.responsibility })
                .collect(),
        };
        let created = service(ctx)?.create_programme(ctx.data::<Actor>()?, new).await?;
        Ok(AccompanimentProgrammePayload {
            programme: ProgrammeNode { programme: created, goals: Vec::new() },
        })
    }

    /// Agrega una meta medible a un programa; su avance se calcula de lo que la entidad reporta.
    async fn add_programme_goal(
        &self,
        ctx: &Context<'_>,
        input: ProgrammeGoalInput,
    ) -> ApiResult<ProgrammeGoalPayload> {
        let new = NewGoal {
            programme_id: parse_id(&input.programme_id, "programa")?,
            element_code: input.data_element_code,
            indicator_code: input.indicator_code,
            description: input.description,
            baseline_period: input.baseline_period,
            target_value: input.target_value,
            target_period: input.target_period,
            milestones: input
                .milestones
                .into_iter()
                .map(|m| super::model::Milestone { period: m.period, value: m.value })
                .collect(),
        };
        let (service, actor) = (service(ctx)?, ctx.data::<Actor>()?);
        let created = service.add_goal(actor, new).await?;
        let programme = service
            .programme(actor, created.programme_id)
            .await?
            .ok_or_else(|| ServiceError::NotFound("no existe el programa".into()))?;
        let node = with_goals(service, vec![programme]).await?.pop().ok_or_else(|| {
            ServiceError::Internal(anyhow::anyhow!("el programa {} desapareció", created.programme_id))
        })?;
        Ok(ProgrammeGoalPayload { programme: node })
    }
}

async fn status(ctx: &Context<'_>, id: &ID, to: ModuleStatus) -> ApiResult<TrainingModulePayload> {
    let id = parse_id(id, "módulo")?;
    let after = service(ctx)?.set_status(ctx.data::<Actor>()?, id, to).await?;
    Ok(TrainingModulePayload { module: ModuleNode(after) })
}

/// Batch loading for formation's nodes (a learner's page lists many enrolments).
pub struct FormationLoader(pub std::sync::Arc<FormationService>);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ModuleKey(pub Uuid);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LessonsDone(pub Uuid);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CertificateOf(pub Uuid);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MentorKey(pub Uuid);

macro_rules! formation_loader {
    ($key:ident, $value:ty, $method:ident) => {
        impl Loader<$key> for FormationLoader {
            type Value = $value;
            type Error = Arc<ServiceError>;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, $value>, Self::Error> {
                let ids: Vec<Uuid> = keys.iter().map(|key| key.0).collect();
                let found = self.0.$method(&ids).await.map_err(Arc::new)?;
                Ok(found.into_iter().map(|(id, value)| ($key(id), value)).collect())
            }
        }
    };
}

formation_loader!(ModuleKey, Module, modules_by_id);
formation_loader!(LessonsDone, Vec<i32>, lessons_done);
formation_loader!(CertificateOf, Certificate, certificates_of);
formation_loader!(MentorKey, super::model::Mentor, mentors_by_id);
