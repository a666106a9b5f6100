//! GraphQL of talent: parse, call the service, shape the answer. A person's
//! data is reachable only through `my…` fields (their own) and, for an
//! entity, through its own vacancies: there is no field that lists or finds
//! profiles.

use std::{collections::HashMap, sync::Arc};

use async_graphql::{
    dataloader::{DataLoader, Loader},
    Context, InputObject, Json, Object, SimpleObject, ID,
};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::{
    model::{
        Application, Appointment, Candidate, Level, NewTransfer, NewVacancy, Profile, ProfileInput, Stage,
        Transfer, TransferKind, TransferStatus, Vacancy, VacancyStatus, Visibility,
    },
    people::Applicant,
    rules::{self, Score},
    service::{TalentService, VacancyFilter},
};
use crate::{
    authorisation::Actor,
    connection::{connection, parse_id, CountedConnection},
    error::{ApiResult, ServiceError},
    pagination::PageRequest,
    territory::{loader::TerritoryLoader, resolvers::TerritorialEntityNode, DivipolaCode},
};

fn service<'a>(ctx: &Context<'a>) -> ApiResult<&'a TalentService> {
    Ok(ctx.data::<TalentService>()?)
}

fn first_or(first: Option<i32>, default: usize) -> ApiResult<usize> {
    match first {
        None => Ok(default),
        Some(n) if (1..=100).contains(&n) => Ok(n as usize),
        Some(_) => Err(ServiceError::invalid("«first» va de 1 a 100").into()),
    }
}

/// Vacante de empleo público de una entidad territorial (dato público).
pub struct VacancyNode(pub Vacancy);

#[Object(name = "Vacancy")]
impl VacancyNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// Denominación del empleo.
    async fn post(&self) -> &str {
        &self.0.post
    }
    async fn level(&self) -> Level {
        self.0.level
    }
    /// Códigos de las competencias que ejerce el empleo.
    async fn competencies(&self) -> &[String] {
        &self.0.competencies
    }
    /// Estudios exigidos.
    async fn education(&self) -> &str {
        &self.0.education
    }
    /// Meses de experiencia exigidos.
    async fn experience_months(&self) -> i32 {
        self.0.experience_months
    }
    /// Código y grado salarial.
    async fn salary_grade(&self) -> &str {
        &self.0.salary_grade
    }
    /// Asignación básica mensual en pesos.
    async fn salary_amount(&self) -> f64 {
        self.0.salary_amount as f64
    }
    /// Lugar de trabajo.
    async fn place(&self) -> &str {
        &self.0.place
    }
    async fn appointment(&self) -> Appointment {
        self.0.appointment
    }
    /// Último día para postularse (fecha de Colombia).
    async fn closing_on(&self) -> NaiveDate {
        self.0.closing_on
    }
    /// Cómo postularse.
    async fn how_to_apply(&self) -> &str {
        &self.0.how_to_apply
    }
    /// Estado hoy: una vacante abierta cuya fecha de cierre pasó está cerrada.
    async fn status(&self) -> VacancyStatus {
        self.0.status
    }
    async fn entity_code(&self) -> &str {
        &self.0.entity_code
    }
    async fn department_code(&self) -> &str {
        &self.0.department_code
    }
    /// La entidad que publica.
    async fn entity(&self, ctx: &Context<'_>) -> ApiResult<Option<TerritorialEntityNode>> {
        let loader = ctx.data::<DataLoader<TerritoryLoader>>()?;
        Ok(loader.load_one(self.0.entity_code.clone()).await?.map(TerritorialEntityNode))
    }
    async fn published_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// Coincidencia de una vacante con el perfil propio, con sus razones.
#[derive(SimpleObject)]
pub struct VacancyMatch {
    vacancy: VacancyNode,
    /// De 0 a 1: competencias 40 %, nivel 20 %, región 20 %, experiencia 20 %.
    score: f64,
    reasons: Vec<String>,
}

/// Lo que una entidad ve de una persona: solo lo que ella aceptó mostrar.
#[derive(SimpleObject)]
#[graphql(name = "TalentCandidate")]
pub struct CandidateNode {
    /// Nombre, si la persona aceptó mostrarlo.
    name: Option<String>,
    /// Correo, si la persona aceptó mostrarlo.
    email: Option<String>,
    education: Option<String>,
    experience_summary: Option<String>,
    experience_months: i32,
    competencies: Vec<String>,
    lives_abroad: bool,
    /// De 0 a 1, frente a la vacante.
    score: f64,
    reasons: Vec<String>,
}

impl CandidateNode {
    fn new(candidate: Candidate, score: Score) -> Self {
        Self {
            name: candidate.name,
            email: candidate.email,
            education: candidate.education,
            experience_summary: candidate.experience_summary,
            experience_months: candidate.experience_months,
            competencies: candidate.competencies,
            lives_abroad: candidate.lives_abroad,
            score: score.score,
            reasons: score.reasons,
        }
    }
}

/// Postulación a una vacante.
pub struct ApplicationNode(pub Application);

#[Object(name = "TalentApplication")]
impl ApplicationNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn stage(&self) -> Stage {
        self.0.stage
    }
    async fn applied_at(&self) -> DateTime<Utc> {
        self.0.applied_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    async fn vacancy(&self, ctx: &Context<'_>) -> ApiResult<Option<VacancyNode>> {
        let loader = ctx.data::<DataLoader<TalentLoader>>()?;
        Ok(loader.load_one(self.0.vacancy_id).await?.map(VacancyNode))
    }
}

/// Un postulante a una vacante propia.
#[derive(SimpleObject)]
#[graphql(name = "TalentApplicant")]
pub struct ApplicantNode {
    application: ApplicationNode,
    candidate: CandidateNode,
}

/// Perfil de talento propio (nunca público).
pub struct ProfileNode(pub Profile);

#[Object(name = "TalentProfile")]
impl ProfileNode {
    async fn education(&self) -> &str {
        &self.0.education
    }
    async fn experience_months(&self) -> i32 {
        self.0.experience_months
    }
    async fn experience_summary(&self) -> &str {
        &self.0.experience_summary
    }
    async fn competencies(&self) -> &[String] {
        &self.0.competencies
    }
    /// Niveles de empleo que busca (vacío: cualquiera).
    async fn levels(&self) -> &[Level] {
        &self.0.levels
    }
    /// Departamentos de interés (códigos DIVIPOLA).
    async fn departments(&self) -> &[String] {
        &self.0.departments
    }
    /// Departamento de origen.
    async fn home_department(&self) -> Option<&str> {
        self.0.home_department.as_deref()
    }
    async fn willing_to_relocate(&self) -> bool {
        self.0.willing_to_relocate
    }
    async fn lives_abroad(&self) -> bool {
        self.0.lives_abroad
    }
    async fn show_name(&self) -> bool {
        self.0.visibility.name
    }
    async fn show_contact(&self) -> bool {
        self.0.visibility.contact
    }
    async fn show_education(&self) -> bool {
        self.0.visibility.education
    }
    async fn show_experience(&self) -> bool {
        self.0.visibility.experience
    }
    /// Texto de la autorización dada (Ley 1581 de 2012).
    async fn consent_text(&self) -> &str {
        &self.0.consent_text
    }
    /// Cuándo la dio.
    async fn consent_at(&self) -> DateTime<Utc> {
        self.0.consent_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// Traslado temporal de personal entre entidades, ofrecido o pedido.
pub struct TransferNode(pub Transfer);

#[Object(name = "TalentTransfer")]
impl TransferNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn kind(&self) -> TransferKind {
        self.0.kind
    }
    async fn entity_code(&self) -> &str {
        &self.0.entity_code
    }
    async fn entity(&self, ctx: &Context<'_>) -> ApiResult<Option<TerritorialEntityNode>> {
        let loader = ctx.data::<DataLoader<TerritoryLoader>>()?;
        Ok(loader.load_one(self.0.entity_code.clone()).await?.map(TerritorialEntityNode))
    }
    async fn topic(&self) -> &str {
        &self.0.topic
    }
    async fn description(&self) -> &str {
        &self.0.description
    }
    async fn duration_months(&self) -> i32 {
        self.0.duration_months
    }
    async fn conditions(&self) -> &str {
        &self.0.conditions
    }
    async fn status(&self) -> TransferStatus {
        self.0.status
    }
    /// La entidad contraparte, una vez acordado.
    async fn partner_code(&self) -> Option<&str> {
        self.0.partner_code.as_deref()
    }
    /// Evaluación de quien lo publicó (1 a 5).
    async fn owner_rating(&self) -> Option<i32> {
        self.0.owner_rating
    }
    /// Evaluación de la contraparte (1 a 5).
    async fn partner_rating(&self) -> Option<i32> {
        self.0.partner_rating
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// Traslado que coincide con otro, con sus razones.
#[derive(SimpleObject)]
pub struct TransferMatch {
    transfer: TransferNode,
    score: f64,
    reasons: Vec<String>,
}

#[derive(SimpleObject)]
pub struct TalentFacetValue {
    value: String,
    count: i64,
}

/// Conteos de vacantes abiertas por una dimensión.
#[derive(SimpleObject)]
pub struct VacancyFacet {
    /// `department`, `level` o `competency`.
    field: String,
    values: Vec<TalentFacetValue>,
}

#[derive(SimpleObject)]
pub struct VacanciesByDepartmentLevel {
    department_code: String,
    level: Level,
    vacancies: i64,
}

/// Indicadores de la Vitrina de las Regiones.
#[derive(SimpleObject)]
pub struct TalentIndicators {
    by_department_level: Vec<VacanciesByDepartmentLevel>,
    vacancies: i64,
    filled: i64,
    /// Días promedio entre la publicación y la provisión.
    mean_days_to_fill: Option<f64>,
    applicants_per_vacancy: Option<f64>,
    /// Proporción de vacantes provistas con personas del mismo departamento.
    same_region_share: Option<f64>,
    /// Vacantes provistas con personas que vivían en el exterior.
    returns_from_abroad: i64,
}

/// Filtro del tablero de vacantes.
#[derive(InputObject, Default)]
pub struct VacancyFilterInput {
    /// Código DIVIPOLA del departamento.
    department_code: Option<String>,
    entity_code: Option<String>,
    level: Option<Level>,
    competency: Option<String>,
    /// También las cerradas y provistas (por omisión, solo las abiertas).
    include_closed: Option<bool>,
}

impl VacancyFilterInput {
    fn parse(self) -> ApiResult<VacancyFilter> {
        let department_code = match self.department_code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            Some(code) => Some(DivipolaCode::parse_department(code)?.as_str().to_owned()),
            None => None,
        };
        let entity_code = match self.entity_code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            Some(code) => Some(DivipolaCode::parse(code)?.as_str().to_owned()),
            None => None,
        };
        let competency = self.competency.map(|c| c.trim().to_uppercase()).filter(|c| !c.is_empty());
        Ok(VacancyFilter {
            department_code,
            entity_code,
            level: self.level,
            competency,
            open_only: !self.include_closed.unwrap_or(false),
        })
    }
}

#[derive(Default)]
pub struct TalentQuery;

#[Object]
impl TalentQuery {
    /// Una vacante (pública).
    async fn vacancy(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<VacancyNode>> {
        let id = parse_id(&id, "vacante")?;
        Ok(service(ctx)?.vacancy(id).await?.map(VacancyNode))
    }

    /// Tablero público de vacantes de las entidades territoriales, de la más reciente a la más antigua.
    #[graphql(complexity = "crate::connection::list_complexity(first, child_complexity)")]
    async fn vacancies(
        &self,
        ctx: &Context<'_>,
        filter: Option<VacancyFilterInput>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<CountedConnection<VacancyNode>> {
        let page = PageRequest::parse(first, after)?;
        let filter = filter.unwrap_or_default().parse()?;
        let found = service(ctx)?.vacancies(&filter, &page).await?;
        Ok(connection(found, &page, |v| crate::pagination::newest_first_key(v.created_at, v.id), VacancyNode))
    }

    /// Facetas del tablero (departamento, nivel, competencia) sobre las vacantes que pasan el filtro.
    async fn vacancy_facets(
        &self,
        ctx: &Context<'_>,
        filter: Option<VacancyFilterInput>,
    ) -> ApiResult<Vec<VacancyFacet>> {
        let filter = filter.unwrap_or_default().parse()?;
        let facets = service(ctx)?.vacancy_facets(&filter).await?;
        Ok(facets
            .into_iter()
            .map(|(field, values)| VacancyFacet {
                field: field.to_owned(),
                values: values
                    .into_iter()
                    .map(|(value, count)| TalentFacetValue {
                        value,
                        count: i64::try_from(count).unwrap_or(i64::MAX),
                    })
                    .collect(),
            })
            .collect())
    }

    /// El texto de la autorización de tratamiento de datos que se acepta al crear el perfil.
    async fn talent_consent_text(&self) -> &'static str {
        rules::CONSENT_TEXT
    }

    /// El salario mínimo legal de 2026 con que se validan las vacantes, en pesos.
    async fn minimum_salary(&self) -> f64 {
        rules::MINIMUM_SALARY_2026 as f64
    }

    /// El perfil de talento propio (solo una persona registrada).
    async fn my_talent_profile(&self, ctx: &Context<'_>) -> ApiResult<Option<ProfileNode>> {
        Ok(service(ctx)?.my_profile(ctx.data::<Actor>()?).await?.map(ProfileNode))
    }

    /// Las vacantes abiertas que coinciden con el perfil propio, de la mejor a la peor.
    async fn my_vacancy_matches(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
    ) -> ApiResult<Vec<VacancyMatch>> {
        let first = first_or(first, 20)?;
        let found = service(ctx)?.my_matches(ctx.data::<Actor>()?, first).await?;
        Ok(found
            .into_iter()
            .map(|(vacancy, score)| VacancyMatch {
                vacancy: VacancyNode(vacancy),
                score: score.score,
                reasons: score.reasons,
            })
            .collect())
    }

    /// Las postulaciones propias y en qué etapa está cada una.
    async fn my_applications(&self, ctx: &Context<'_>) -> ApiResult<Vec<ApplicationNode>> {
        Ok(service(ctx)?
            .my_applications(ctx.data::<Actor>()?)
            .await?
            .into_iter()
            .map(ApplicationNode)
            .collect())
    }

    /// Todo lo que la plataforma guarda de la persona, en JSON (Ley 1581 de 2012).
    async fn export_my_data(&self, ctx: &Context<'_>) -> ApiResult<Json<serde_json::Value>> {
        Ok(Json(service(ctx)?.export_my_data(ctx.data::<Actor>()?).await?))
    }

    /// Personas que coinciden con una vacante abierta propia (lista corta, solo lo que cada una aceptó mostrar).
    async fn vacancy_candidates(&self, ctx: &Context<'_>, vacancy_id: ID) -> ApiResult<Vec<CandidateNode>> {
        let id = parse_id(&vacancy_id, "vacante")?;
        let found = service(ctx)?.vacancy_candidates(ctx.data::<Actor>()?, id).await?;
        Ok(found.into_iter().map(|(candidate, score)| CandidateNode::new(candidate, score)).collect())
    }

    /// Postulantes a una vacante propia.
    async fn vacancy_applications(&self, ctx: &Context<'_>, vacancy_id: ID) -> ApiResult<Vec<ApplicantNode>> {
        let id = parse_id(&vacancy_id, "vacante")?;
        let found = service(ctx)?.vacancy_applications(ctx.data::<Actor>()?, id).await?;
        Ok(found
            .into_iter()
            .map(|Applicant { application, candidate, score }| ApplicantNode {
                application: ApplicationNode(application),
                candidate: CandidateNode::new(candidate, score),
            })
            .collect())
    }

    /// Traslados temporales ofrecidos y pedidos (públicos), del más reciente al más antiguo.
    #[graphql(complexity = "crate::connection::list_complexity(first, child_complexity)")]
    async fn transfers(
        &self,
        ctx: &Context<'_>,
        status: Option<TransferStatus>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<CountedConnection<TransferNode>> {
        let page = PageRequest::parse(first, after)?;
        let found = service(ctx)?.transfers(status, &page).await?;
        Ok(connection(
            found,
            &page,
            |t| crate::pagination::newest_first_key(t.created_at, t.id),
            TransferNode,
        ))
    }

    /// Traslados abiertos del sentido contrario que coinciden con uno, con sus razones.
    async fn transfer_matches(
        &self,
        ctx: &Context<'_>,
        transfer_id: ID,
        first: Option<i32>,
    ) -> ApiResult<Vec<TransferMatch>> {
        let id = parse_id(&transfer_id, "traslado")?;
        let found = service(ctx)?.transfer_matches(id, first_or(first, 10)?).await?;
        Ok(found
            .into_iter()
            .map(|(transfer, score)| TransferMatch {
                transfer: TransferNode(transfer),
                score: score.score,
                reasons: score.reasons,
            })
            .collect())
    }

    /// Indicadores de la Vitrina: vacantes por departamento y nivel, tiempo de provisión,
    /// postulantes por vacante, provistas con personas de la región, regresos del exterior.
    async fn talent_indicators(
        &self,
        ctx: &Context<'_>,
        department_code: Option<String>,
    ) -> ApiResult<TalentIndicators> {
        let department = match department_code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            Some(code) => Some(DivipolaCode::parse_department(code)?.as_str().to_owned()),
            None => None,
        };
        let found = service(ctx)?.indicators(department).await?;
        Ok(TalentIndicators {
            by_department_level: found
                .by_department_level
                .into_iter()
                .map(|(department_code, level, n)| VacanciesByDepartmentLevel {
                    department_code,
                    level,
                    vacancies: n as i64,
                })
                .collect(),
            vacancies: found.vacancies as i64,
            filled: found.filled as i64,
            mean_days_to_fill: found.mean_days_to_fill,
            applicants_per_vacancy: found.applicants_per_vacancy,
            same_region_share: found.same_region_share,
            returns_from_abroad: found.returns_from_abroad as i64,
        })
    }
}

/// Datos de una vacante nueva.
#[derive(InputObject)]
pub struct PublishVacancyInput {
    /// Código DIVIPOLA de la entidad que publica.
    entity_code: String,
    post: String,
    level: Level,
    /// Códigos de competencias (p. ej. HACIENDA, PLANEACION, EDUCACION, AGUA_POTABLE).
    competencies: Vec<String>,
    education: String,
    experience_months: i32,
    salary_grade: String,
    /// Asignación básica mensual en pesos (al menos el salario mínimo legal de 2026).
    salary_amount: f64,
    place: String,
    appointment: Appointment,
    /// Último día para postularse (AAAA-MM-DD), de hoy en adelante.
    closing_on: NaiveDate,
    how_to_apply: String,
}

/// El perfil de talento propio.
#[derive(InputObject)]
pub struct TalentProfileInput {
    education: String,
    experience_months: i32,
    #[graphql(default)]
    experience_summary: String,
    competencies: Vec<String>,
    #[graphql(default)]
    levels: Vec<Level>,
    #[graphql(default)]
    departments: Vec<String>,
    home_department: Option<String>,
    #[graphql(default)]
    willing_to_relocate: bool,
    #[graphql(default)]
    lives_abroad: bool,
    /// Mostrar el nombre a las entidades con las que coincida.
    #[graphql(default)]
    show_name: bool,
    /// Mostrar el correo a las entidades con las que coincida.
    #[graphql(default)]
    show_contact: bool,
    #[graphql(default)]
    show_education: bool,
    #[graphql(default)]
    show_experience: bool,
    /// Acepto la autorización de tratamiento de datos (`talentConsentText`). Obligatorio.
    consent: bool,
}

/// Un traslado temporal nuevo.
#[derive(InputObject)]
pub struct ProposeTransferInput {
    entity_code: String,
    kind: TransferKind,
    topic: String,
    description: String,
    duration_months: i32,
    conditions: String,
}

#[derive(SimpleObject)]
pub struct VacancyPayload {
    vacancy: VacancyNode,
}

#[derive(SimpleObject)]
pub struct TalentProfilePayload {
    profile: ProfileNode,
}

#[derive(SimpleObject)]
pub struct TalentApplicationPayload {
    application: ApplicationNode,
}

#[derive(SimpleObject)]
pub struct TransferPayload {
    transfer: TransferNode,
}

#[derive(SimpleObject)]
pub struct DeleteMyDataPayload {
    /// Cuándo se eliminaron los datos (la sesión terminó con ellos).
    deleted_at: DateTime<Utc>,
}

#[derive(Default)]
pub struct TalentMutation;

#[Object]
impl TalentMutation {
    /// Publica una vacante de una entidad territorial.
    async fn publish_vacancy(
        &self,
        ctx: &Context<'_>,
        input: PublishVacancyInput,
    ) -> ApiResult<VacancyPayload> {
        if !input.salary_amount.is_finite()
            || input.salary_amount.fract() != 0.0
            || input.salary_amount.abs() > 1e15
        {
            return Err(ServiceError::invalid("la asignación mensual es un número entero de pesos").into());
        }
        let new = NewVacancy {
            entity_code: input.entity_code,
            post: input.post,
            level: input.level,
            competencies: input.competencies,
            education: input.education,
            experience_months: input.experience_months,
            salary_grade: input.salary_grade,
            salary_amount: input.salary_amount as i64,
            place: input.place,
            appointment: input.appointment,
            closing_on: input.closing_on,
            how_to_apply: input.how_to_apply,
        };
        let vacancy = service(ctx)?.publish_vacancy(ctx.data::<Actor>()?, new).await?;
        Ok(VacancyPayload { vacancy: VacancyNode(vacancy) })
    }

    /// Cierra una vacante abierta antes de su fecha.
    async fn close_vacancy(&self, ctx: &Context<'_>, id: ID) -> ApiResult<VacancyPayload> {
        let id = parse_id(&id, "vacante")?;
        let vacancy = service(ctx)?.close_vacancy(ctx.data::<Actor>()?, id).await?;
        Ok(VacancyPayload { vacancy: VacancyNode(vacancy) })
    }

    /// Crea o actualiza el perfil de talento propio, con la autorización expresa.
    async fn save_talent_profile(
        &self,
        ctx: &Context<'_>,
        input: TalentProfileInput,
    ) -> ApiResult<TalentProfilePayload> {
        let input = ProfileInput {
            education: input.education,
            experience_months: input.experience_months,
            experience_summary: input.experience_summary,
            competencies: input.competencies,
            levels: input.levels,
            departments: input.departments,
            home_department: input.home_department,
            willing_to_relocate: input.willing_to_relocate,
            lives_abroad: input.lives_abroad,
            visibility: Visibility {
                name: input.show_name,
                contact: input.show_contact,
                education: input.show_education,
                experience: input.show_experience,
            },
            consent: input.consent,
        };
        let profile = service(ctx)?.save_profile(ctx.data::<Actor>()?, input).await?;
        Ok(TalentProfilePayload { profile: ProfileNode(profile) })
    }

    /// Se postula a una vacante abierta con el perfil propio.
    async fn apply_to_vacancy(
        &self,
        ctx: &Context<'_>,
        vacancy_id: ID,
    ) -> ApiResult<TalentApplicationPayload> {
        let id = parse_id(&vacancy_id, "vacante")?;
        let application = service(ctx)?.apply(ctx.data::<Actor>()?, id).await?;
        Ok(TalentApplicationPayload { application: ApplicationNode(application) })
    }

    /// La entidad mueve una postulación a una vacante suya de etapa.
    async fn set_application_stage(
        &self,
        ctx: &Context<'_>,
        id: ID,
        stage: Stage,
    ) -> ApiResult<TalentApplicationPayload> {
        let id = parse_id(&id, "postulación")?;
        let application = service(ctx)?.set_application_stage(ctx.data::<Actor>()?, id, stage).await?;
        Ok(TalentApplicationPayload { application: ApplicationNode(application) })
    }

    /// La persona retira una postulación propia.
    async fn withdraw_application(&self, ctx: &Context<'_>, id: ID) -> ApiResult<TalentApplicationPayload> {
        let id = parse_id(&id, "postulación")?;
        let application = service(ctx)?.withdraw_application(ctx.data::<Actor>()?, id).await?;
        Ok(TalentApplicationPayload { application: ApplicationNode(application) })
    }

    /// Elimina para siempre la cuenta, el perfil y las postulaciones propios.
    async fn delete_my_data(&self, ctx: &Context<'_>) -> ApiResult<DeleteMyDataPayload> {
        let deleted_at = service(ctx)?.delete_my_data(ctx.data::<Actor>()?).await?;
        Ok(DeleteMyDataPayload { deleted_at })
    }

    /// Ofrece o pide un traslado temporal de personal para la entidad propia.
    async fn propose_transfer(
        &self,
        ctx: &Context<'_>,
        input: ProposeTransferInput,
    ) -> ApiResult<TransferPayload> {
        let new = NewTransfer {
            entity_code: input.entity_code,
            kind: input.kind,
            topic: input.topic,
            description: input.description,
            duration_months: input.duration_months,
            conditions: input.conditions,
        };
        let transfer = service(ctx)?.propose_transfer(ctx.data::<Actor>()?, new).await?;
        Ok(TransferPayload { transfer: TransferNode(transfer) })
    }

    /// Acuerda un traslado abierto de otra entidad, a nombre de la entidad propia (`entityCode`).
    async fn agree_transfer(
        &self,
        ctx: &Context<'_>,
        id: ID,
        entity_code: String,
    ) -> ApiResult<TransferPayload> {
        let id = parse_id(&id, "traslado")?;
        let transfer = service(ctx)?.agree_transfer(ctx.data::<Actor>()?, id, &entity_code).await?;
        Ok(TransferPayload { transfer: TransferNode(transfer) })
    }

    /// Cada parte evalúa un traslado acordado (1 a 5); con ambas evaluaciones queda completado.
    async fn evaluate_transfer(&self, ctx: &Context<'_>, id: ID, rating: i32) -> ApiResult<TransferPayload> {
        let id = parse_id(&id, "traslado")?;
        let transfer = service(ctx)?.evaluate_transfer(ctx.data::<Actor>()?, id, rating).await?;
        Ok(TransferPayload { transfer: TransferNode(transfer) })
    }
}

/// Batch loading of vacancies (no N+1 over applications).
pub struct TalentLoader(pub std::sync::Arc<TalentService>);

impl Loader<Uuid> for TalentLoader {
    type Value = Vacancy;
    type Error = Arc<ServiceError>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Vacancy>, Self::Error> {
        let found = self.0.vacancies_by_id(keys).await.map_err(Arc::new)?;
        Ok(found.into_iter().map(|vacancy| (vacancy.id, vacancy)).collect())
    }
}
