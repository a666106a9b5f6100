//! The application's state, built from its settings: database, migrations,
//! register, cache, services and schema. What every handler and command can
//! reach; it serves nothing itself (that is `app.rs`).

use std::{net::SocketAddr, sync::Arc};

use sea_orm::{DatabaseConnection, DbErr};

use crate::{
    access::AccessService,
    assistance::AssistanceService,
    cache::Cache,
    classification::ClassificationService,
    commission::CommissionService,
    config::Settings,
    consultation::ConsultationService,
    db,
    formation::FormationService,
    graphql::{self, public_fields::PublicFields, SugitSchema},
    knowledge::KnowledgeService,
    metrics::Metrics,
    monitoring::MonitoringService,
    outbox::Outbox,
    public_cache::PublicCache,
    rate_limit::RateLimiter,
    reporting::{
        similarity::{ThesaurusError, DEBIAN_THESAURUS},
        thesaurus::Thesaurus,
        ReportingService,
    },
    search::{SearchService, Sources, Subscribers},
    talent::TalentService,
    territory::{register, TerritoryService},
};

/// What every request handler can reach: one `Arc`, because axum clones the
/// state for every request, and cloning every service (each with its pool,
/// cache and nested services) cost more than answering a cached query.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The services and settings behind `AppState`.
pub struct Shared {
    pub settings: Arc<Settings>,
    pub db: DatabaseConnection,
    pub cache: Cache,
    pub schema: SugitSchema,
    pub territory: TerritoryService,
    pub access: AccessService,
    pub reporting: ReportingService,
    pub commission: CommissionService,
    pub knowledge: KnowledgeService,
    pub assistance: AssistanceService,
    pub consultation: ConsultationService,
    pub monitoring: MonitoringService,
    pub talent: TalentService,
    pub formation: FormationService,
    pub classification: ClassificationService,
    pub search: SearchService,
    pub limiter: RateLimiter,
    pub metrics: Arc<Metrics>,
    /// Answers to anonymous queries, shared by every instance through Redis.
    pub public_cache: PublicCache,
    /// The fields whose answer is the same for every caller, with their types.
    pub public_fields: PublicFields,
    /// The services again, for the DataLoaders each request makes.
    pub loaders: LoaderServices,
}

/// The services the per-request DataLoaders hold, each behind an `Arc`: a
/// request clones ten pointers, not ten services with their pools, caches and
/// nested services (that cloning was a tenth of a small request's CPU).
pub struct LoaderServices {
    pub territory: Arc<TerritoryService>,
    pub access: Arc<AccessService>,
    pub reporting: Arc<ReportingService>,
    pub commission: Arc<CommissionService>,
    pub knowledge: Arc<KnowledgeService>,
    pub assistance: Arc<AssistanceService>,
    pub consultation: Arc<ConsultationService>,
    pub talent: Arc<TalentService>,
    pub formation: Arc<FormationService>,
    pub classification: Arc<ClassificationService>,
}

/// Where the search index lives for this state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexUse {
    /// The server: the index in `index_dir`, rebuilt when needed, following the outbox.
    Serve,
    /// A command-line task: a throw-away index in memory, so a running server
    /// keeps its own (the server applies the task's changes from the outbox).
    Offline,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("no se pudo abrir la base de datos: {0}")]
    Database(#[source] DbErr),
    #[error("no se pudieron aplicar las migraciones: {0}")]
    Migration(#[source] DbErr),
    #[error("el registro DIVIPOLA incluido no es válido: {0}")]
    Register(#[from] register::RegisterError),
    #[error("no se pudo cargar el registro DIVIPOLA: {0}")]
    RegisterLoad(#[source] crate::error::ServiceError),
    #[error("no se pudieron registrar las organizaciones iniciales: {0}")]
    Seed(#[source] crate::error::ServiceError),
    /// The operator starting the server sees the internal cause (clients never do).
    #[error("no se pudieron cargar los datos de demostración: {0:?}")]
    Demo(#[source] crate::error::ServiceError),
    #[error("no se pudo abrir el índice de búsqueda en {dir}: {source}")]
    Index { dir: String, source: crate::error::ServiceError },
    #[error("no se pudo conectar a Redis ({url}): {source}")]
    Redis { url: String, source: redis::RedisError },
    #[error("no se pudo escuchar en {address}: {source}")]
    Bind { address: SocketAddr, source: std::io::Error },
    #[error("{0} (SUGIT_THESAURUS)")]
    Thesaurus(#[source] ThesaurusError),
}

/// The thesaurus the settings name (`Settings::thesaurus`): Debian's when none is named
/// and it is installed, none when the setting is empty; a named one must be readable.
fn open_thesaurus(settings: &Settings) -> Result<Thesaurus, StartError> {
    let (path, named) = match &settings.thesaurus {
        Some(path) if path.as_os_str().is_empty() => return Ok(Thesaurus::none()),
        Some(path) => (path.clone(), true),
        None => (std::path::PathBuf::from(DEBIAN_THESAURUS), false),
    };
    match Thesaurus::open(&path) {
        Ok(thesaurus) => {
            tracing::info!(archivo = %path.display(), "tesauro disponible para las propuestas de duplicados");
            Ok(thesaurus)
        }
        Err(ThesaurusError::Read { .. }) if !named => {
            tracing::info!(
                archivo = %path.display(),
                "sin tesauro: las propuestas de elementos duplicados usan solo las listas propias"
            );
            Ok(Thesaurus::none())
        }
        Err(error) => Err(StartError::Thesaurus(error)),
    }
}

impl AppState {
    /// Connects, migrates and loads the register: a fresh database is usable at once.
    pub async fn initialise(settings: Settings) -> Result<Self, StartError> {
        Self::initialise_for(settings, IndexUse::Serve).await
    }

    pub async fn initialise_for(settings: Settings, index_use: IndexUse) -> Result<Self, StartError> {
        let first_start = db::is_new_embedded(&settings.database_url);
        let db = db::connect(&settings.database_url).await.map_err(StartError::Database)?;
        db::migrate(&db).await.map_err(StartError::Migration)?;
        let cache = match &settings.redis_url {
            Some(url) => Cache::connect_redis(url, &settings.redis_prefix)
                .await
                .map_err(|source| StartError::Redis { url: redact(url), source })?,
            None => Cache::in_memory(),
        };
        let territory = TerritoryService::new(db.clone(), cache.clone());
        let entities = register::parse(register::EMBEDDED_REGISTER)?;
        let loaded = territory.load_register(&entities).await.map_err(StartError::RegisterLoad)?;
        tracing::info!(entidades = loaded, "registro DIVIPOLA cargado");
        let limiter = RateLimiter::for_cache(&cache);
        let events = Subscribers::default();
        let outbox = Outbox::announcing(&cache);
        if let (IndexUse::Serve, Some(url)) = (index_use, &settings.redis_url) {
            outbox.listen(url, &settings.redis_prefix);
        }
        let access = AccessService::new(
            db.clone(),
            limiter.clone(),
            territory.clone(),
            settings.session_hours,
            settings.limits.login_attempts_per_minute,
            outbox.clone(),
        )
        .with_registration_limit(settings.limits.registrations_per_hour);
        forget_sessions_on_changes(&events, access.clone());
        access.seed_organisations().await.map_err(StartError::Seed)?;
        let thesaurus = Arc::new(open_thesaurus(&settings)?);
        let reporting = ReportingService::new(db.clone(), territory.clone(), thesaurus);
        if settings.demo.unwrap_or(first_start)
            && crate::reporting::demo::load(&access, &reporting).await.map_err(StartError::Demo)?
        {
            tracing::info!(
                contraseña = crate::reporting::demo::DEMO_PASSWORD,
                "datos de demostración cargados: requerimientos, reportes 2025 de Abejorral, Abriaquí, Alejandría y Antioquia"
            );
        }
        // Before the commission's: its agendas cite these documents.
        let knowledge = KnowledgeService::new(db.clone(), territory.clone(), outbox.clone());
        if settings.demo.unwrap_or(first_start)
            && crate::knowledge::demo::load(&knowledge).await.map_err(StartError::Demo)?
        {
            tracing::info!(
                "base de conocimiento de demostración cargada: el decreto, la Misión y 40 documentos"
            );
        }
        let commission = CommissionService::new(db.clone(), outbox.clone(), territory.clone());
        commission.seed().await.map_err(StartError::Seed)?;
        if settings.demo.unwrap_or(first_start)
            && crate::commission::demo::load(&access, &commission, &knowledge)
                .await
                .map_err(StartError::Demo)?
        {
            tracing::info!(
                "datos de demostración de la Comisión cargados: sesiones de 2026, plan de trabajo y agenda"
            );
        }
        let assistance = AssistanceService::new(db.clone(), territory.clone(), outbox.clone());
        if settings.demo.unwrap_or(first_start)
            && crate::assistance::demo::load(&access, &territory, &assistance)
                .await
                .map_err(StartError::Demo)?
        {
            tracing::info!(
                "oferta y demanda de asistencia técnica de demostración cargadas: 24 ofertas, 12 demandas, entregas y evaluaciones"
            );
        }
        let consultation = ConsultationService::new(
            db.clone(),
            territory.clone(),
            assistance.clone(),
            reporting.clone(),
            commission.clone(),
            outbox.clone(),
        );
        let monitoring = MonitoringService::new(
            db.clone(),
            reporting.clone(),
            territory.clone(),
            events.indicators.clone(),
        );
        if settings.demo.unwrap_or(first_start)
            && crate::monitoring::demo::load(&access, &territory, &reporting, &monitoring)
                .await
                .map_err(StartError::Demo)?
        {
            tracing::info!(
                "monitoreo de demostración cargado: 30 indicadores y datos sintéticos de 2022 a 2025 de los 1.121 municipios"
            );
        }
        if index_use == IndexUse::Serve {
            monitoring.spawn_follower();
            crate::outbox::prune::spawn_pruner(
                db.clone(),
                std::time::Duration::from_secs(settings.outbox.prune_every_secs),
                chrono::Duration::hours(i64::from(settings.outbox.retention_hours)),
            );
        }
        let formation = FormationService::new(
            db.clone(),
            access.clone(),
            territory.clone(),
            reporting.clone(),
            assistance.clone(),
            knowledge.clone(),
            monitoring.clone(),
        );
        if settings.demo.unwrap_or(first_start)
            && crate::formation::demo::load(&formation).await.map_err(StartError::Demo)?
        {
            tracing::info!(
                "formación de demostración cargada: 6 módulos, aprendices de 7 municipios, 8 mentores y 3 programas de acompañamiento"
            );
        }
        let classification = ClassificationService::new(
            db.clone(),
            reporting.clone(),
            territory.clone(),
            monitoring.clone(),
            assistance.clone(),
            knowledge.clone(),
        );
        if settings.demo.unwrap_or(first_start)
            && crate::classification::demo::load(&access, &territory, &classification)
                .await
                .map_err(StartError::Demo)?
        {
            tracing::info!(
                "clasificación del gasto de demostración cargada: 13 competencias, 66 unidades, dos versiones y el gasto de 40 municipios de Antioquia"
            );
        }
        if index_use == IndexUse::Serve {
            classification.spawn_version_watcher();
            if let Err(error) = classification.close_retired_requirements().await {
                tracing::warn!(%error, "no se cerraron los requerimientos de gasto de las unidades retiradas");
            }
        }
        // After the catalogue: vacancies and profiles name its competencies.
        let talent = TalentService::new(
            db.clone(),
            territory.clone(),
            access.clone(),
            outbox.clone(),
            classification.clone(),
        );
        if settings.demo.unwrap_or(first_start)
            && crate::talent::demo::load(&access, &talent).await.map_err(StartError::Demo)?
        {
            tracing::info!(
                "Vitrina de las Regiones de demostración cargada: vacantes en 20 municipios, 40 perfiles y traslados (datos sintéticos)"
            );
        }
        if index_use == IndexUse::Serve {
            talent.spawn_closer();
        }
        let sources = Sources {
            db: db.clone(),
            knowledge: knowledge.clone(),
            reporting: reporting.clone(),
            assistance: assistance.clone(),
            commission: commission.clone(),
            consultation: consultation.clone(),
            talent: talent.clone(),
            classification: classification.clone(),
        };
        let search = open_search(&settings, index_use, sources, &outbox, &events).await?;
        let metrics = Arc::new(Metrics::default());
        let public_cache = PublicCache::new(cache.clone(), Arc::clone(&metrics));
        if index_use == IndexUse::Serve {
            invalidate_on_changes(&events, public_cache.clone());
            // New offers, products, elements and indicators get their unit links.
            classification.spawn_linker(events.changes.subscribe());
        }
        let schema = graphql::schema_builder(&settings.limits)
            .data(knowledge.clone())
            .data(assistance.clone())
            .data(consultation.clone())
            .data(monitoring.clone())
            .data(talent.clone())
            .data(formation.clone())
            .data(classification.clone())
            .data(search.clone())
            .data(commission.clone())
            .data(events.offers.clone())
            .data(events.commitments.clone())
            .data(events.messages.clone())
            .data(crate::assistance::service::Relevance(Arc::new(search.clone())))
            .data(territory.clone())
            .data(access.clone())
            .data(reporting.clone())
            .finish();
        let public_fields = PublicFields::from_sdl(&schema.sdl());
        let loaders = LoaderServices {
            territory: Arc::new(territory.clone()),
            access: Arc::new(access.clone()),
            reporting: Arc::new(reporting.clone()),
            commission: Arc::new(commission.clone()),
            knowledge: Arc::new(knowledge.clone()),
            assistance: Arc::new(assistance.clone()),
            consultation: Arc::new(consultation.clone()),
            talent: Arc::new(talent.clone()),
            formation: Arc::new(formation.clone()),
            classification: Arc::new(classification.clone()),
        };
        Ok(Self(Arc::new(Shared {
            settings: Arc::new(settings),
            db,
            cache,
            schema,
            territory,
            access,
            reporting,
            commission,
            knowledge,
            assistance,
            consultation,
            monitoring,
            talent,
            formation,
            classification,
            search,
            limiter,
            metrics,
            public_cache,
            public_fields,
            loaders,
        })))
    }
}

/// The search index of this state: opened (rebuilt when missing, damaged or
/// old) and following the outbox for a server; in memory for a command.
async fn open_search(
    settings: &Settings,
    index_use: IndexUse,
    sources: Sources,
    outbox: &Outbox,
    events: &Subscribers,
) -> Result<SearchService, StartError> {
    let db = sources.db.clone();
    let dir = settings.index_dir.display().to_string();
    let index_error = |source| StartError::Index { dir: dir.clone(), source };
    if index_use == IndexUse::Offline {
        return SearchService::in_memory(db.clone(), sources, outbox.clone(), events.clone())
            .map_err(index_error);
    }
    let (search, opened) =
        SearchService::open(&settings.index_dir, db.clone(), sources, outbox.clone(), events.clone())
            .map_err(index_error)?;
    let reason = match opened {
        search_index::Opened::Empty { reason } => Some(reason),
        search_index::Opened::Current { cursor } => {
            let horizon = crate::outbox::prune::horizon(&db).await.map_err(index_error)?;
            (cursor < horizon).then(|| {
                format!("aplicó el registro de cambios hasta {cursor}, y lo anterior a {horizon} ya se podó")
            })
        }
    };
    if let Some(reason) = reason {
        tracing::info!(motivo = %reason, directorio = %dir, "reconstruyendo el índice de búsqueda desde la base de datos");
        search.rebuild(|_| {}).await.map_err(index_error)?;
    }
    search.spawn_tail();
    Ok(search)
}

/// Whatever instance ended a session, once this instance's tail has applied
/// it, the sessions this instance verified are read again.
fn forget_sessions_on_changes(events: &Subscribers, access: AccessService) {
    let mut changes = events.sessions.subscribe();
    tokio::spawn(async move {
        loop {
            match changes.recv().await {
                Ok(crate::events::SessionsChanged)
                | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => access.forget_sessions(),
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
            }
        }
    });
}

/// Whatever instance wrote, once this instance's tail has applied it, the
/// public answers cached before it are stale.
fn invalidate_on_changes(events: &Subscribers, public_cache: PublicCache) {
    let mut changes = events.changes.subscribe();
    let general = public_cache.clone();
    tokio::spawn(async move {
        loop {
            match changes.recv().await {
                Ok(crate::events::ChangesApplied)
                | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                    general.invalidate(crate::public_cache::Scopes::GENERAL).await
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
            }
        }
    });
    // Monitoring's new results make the answers derived from submitted values stale.
    let mut recomputed = events.indicators.subscribe();
    tokio::spawn(async move {
        loop {
            match recomputed.recv().await {
                Ok(crate::events::IndicatorsRecomputed)
                | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                    public_cache.invalidate(crate::public_cache::Scopes::REPORTING).await
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
            }
        }
    });
}

impl AppState {
    /// What the search index is built from.
    pub fn search_sources(&self) -> Sources {
        Sources {
            db: self.db.clone(),
            knowledge: self.knowledge.clone(),
            reporting: self.reporting.clone(),
            assistance: self.assistance.clone(),
            commission: self.commission.clone(),
            consultation: self.consultation.clone(),
            talent: self.talent.clone(),
            classification: self.classification.clone(),
        }
    }
}

/// A URL without its password, fit for logs and error messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::{open_thesaurus, redact, Settings};

    #[test]
    fn a_named_thesaurus_must_be_readable_and_an_empty_name_means_none() {
        let named = Settings { thesaurus: Some("/no/existe/th_es.dat".into()), ..Settings::default() };
        let error = open_thesaurus(&named).err().expect("a missing named file stops the start");
        assert!(error.to_string().contains("/no/existe/th_es.dat"), "{error}");
        assert!(error.to_string().contains("SUGIT_THESAURUS"), "{error}");
        let none = Settings { thesaurus: Some("".into()), ..Settings::default() };
        assert!(open_thesaurus(&none).expect("none").path().is_none());
    }

    #[test]
    fn passwords_never_reach_the_logs() {
        assert_eq!(redact("redis://:s3cret@cache:6379"), "redis://:***@cache:6379");
        assert_eq!(redact("postgres://sugit:s3cret@db/sugit"), "postgres://sugit:***@db/sugit");
        assert_eq!(redact("redis://127.0.0.1:6379"), "redis://127.0.0.1:6379");
    }
}
