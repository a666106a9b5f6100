//! The `sugit` command: serve (the default), migrate, seed, schema.

use std::io::Write;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use sugit::{
    access::service::NewUser,
    authorisation::Role,
    config::Settings,
    graphql,
    state::{AppState, IndexUse},
    telemetry, Application,
};

#[derive(Parser)]
#[command(name = "sugit", version, about = "SUGIT — Sistema Único de Gestión e Información Territorial")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Sirve la API GraphQL y la interfaz web (la orden por defecto).
    Serve,
    /// Aplica las migraciones pendientes a la base de datos configurada.
    Migrate,
    /// Migra y carga (o actualiza) el registro territorial DIVIPOLA.
    Seed,
    /// Administra usuarios (así se crea el primer administrador).
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Importa datos de sistemas anteriores.
    Import {
        #[command(subcommand)]
        what: ImportCommand,
    },
    /// Reconstruye el índice de búsqueda de esta instancia desde la base de datos
    /// (con el servidor detenido: el índice es de una sola instancia a la vez).
    Reindex,
    /// Recalcula todos los indicadores de monitoreo desde los valores servidos
    /// (los servidores en marcha sirven los nuevos resultados al terminar).
    Recompute,
    /// Exporta datos abiertos en CSV.
    Export {
        #[command(subcommand)]
        what: ExportCommand,
    },
    /// Imprime el esquema GraphQL (SDL) que sirve este binario.
    Schema {
        /// Escribe el esquema en este archivo en lugar de la salida estándar.
        #[arg(long)]
        output: Option<std::path::PathBuf>,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Crea un usuario; la contraseña se lee de la entrada estándar (una línea).
    Create {
        /// Correo electrónico, con el que inicia sesión.
        #[arg(long)]
        email: String,
        /// Nombre completo.
        #[arg(long)]
        name: String,
        /// Rol: ADMIN, SECRETARIAT, NATIONAL o TERRITORIAL.
        #[arg(long, default_value = "ADMIN")]
        role: String,
        /// Código DIVIPOLA de la entidad (usuarios TERRITORIAL).
        #[arg(long)]
        entity: Option<String>,
        /// Código de la organización (usuarios NATIONAL y SECRETARIAT).
        #[arg(long)]
        organisation: Option<String>,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Reportes: un CSV con una fila por valor (reportante, sujeto, periodo, requerimiento, elemento, valor).
    Submissions {
        /// El archivo CSV (UTF-8, con encabezado).
        file: std::path::PathBuf,
    },
    /// Productos de conocimiento: cada .md, .txt y .pdf de una carpeta (un Markdown
    /// puede traer sus datos en un encabezado `---`: titulo, tipo, temas, territorio,
    /// organizacion, fecha, fuente, resumen).
    Knowledge {
        /// La carpeta.
        dir: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum ExportCommand {
    /// Observaciones: el valor vigente de cada (entidad, elemento, periodo) y su procedencia.
    Observations {
        /// Escribe en este archivo en lugar de la salida estándar.
        #[arg(long)]
        output: Option<std::path::PathBuf>,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Some(Command::Schema { output }) = &cli.command {
        let sdl = graphql::sdl();
        return match output {
            Some(path) => {
                std::fs::write(path, sdl).with_context(|| format!("no se pudo escribir {}", path.display()))
            }
            None => std::io::stdout().write_all(sdl.as_bytes()).context("no se pudo escribir el esquema"),
        };
    }
    let settings = Settings::from_env().context("configuración no válida")?;
    telemetry::init(settings.log_json);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings).await,
        Command::Migrate => {
            let db = sugit::db::connect(&settings.database_url).await.context("base de datos")?;
            sugit::db::migrate(&db).await.context("migraciones")?;
            tracing::info!("migraciones aplicadas");
            Ok(())
        }
        Command::Seed => {
            // Starting the application state migrates and loads the register.
            AppState::initialise_for(settings, IndexUse::Offline).await?;
            Ok(())
        }
        Command::User { command: UserCommand::Create { email, name, role, entity, organisation } } => {
            let role = Role::ASSIGNABLE
                .into_iter()
                .find(|candidate| candidate.as_db().eq_ignore_ascii_case(role.trim()))
                .with_context(|| {
                    format!("rol «{role}» no válido: ADMIN, SECRETARIAT, NATIONAL o TERRITORIAL")
                })?;
            eprint!("Contraseña (al menos 12 caracteres): ");
            let mut password = String::new();
            std::io::stdin().read_line(&mut password).context("no se pudo leer la contraseña")?;
            let password = password.trim_end_matches(['\r', '\n']).to_owned();
            let state = AppState::initialise_for(settings, IndexUse::Offline).await?;
            let new_user =
                NewUser { email, name, role, entity_code: entity, organisation_code: organisation, password };
            let user = state
                .access
                .create_user_as_system(new_user)
                .await
                .map_err(|error| anyhow::anyhow!("{error}"))?;
            tracing::info!(id = %user.id, email = %user.email, rol = user.role.as_db(), "usuario creado");
            Ok(())
        }
        Command::Import { what: ImportCommand::Submissions { file } } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("no se pudo leer {}", file.display()))?;
            let state = AppState::initialise_for(settings, IndexUse::Offline).await?;
            let actor = sugit::reporting::import::system_actor();
            let progress = |done: usize, total: usize| {
                let percent = (done * 100).checked_div(total).unwrap_or(100);
                eprint!("\rImportando… {done}/{total} filas ({percent} %)");
            };
            let summary = sugit::reporting::import::import(
                &state.reporting.submissions,
                &state.territory,
                &actor,
                &text,
                &progress,
            )
            .await
            .map_err(|error| anyhow::anyhow!("{error}"))?;
            // Servers' cached public answers predate these values.
            state.public_cache.invalidate(sugit::public_cache::Scopes::REPORTING).await;
            eprintln!();
            let mut out = std::io::stdout().lock();
            writeln!(
                out,
                "{} filas: {} valores aceptados ({} nuevos, {} duplicados, {} correcciones, {} conflictos) en {} envíos ({} ya importados); {} filas rechazadas",
                summary.rows, summary.accepted, summary.new_values, summary.duplicates, summary.corrections,
                summary.conflicts, summary.submissions, summary.replayed, summary.rejected.len()
            )?;
            for rejected in &summary.rejected {
                writeln!(out, "  línea {}, columna {}: {}", rejected.line, rejected.column, rejected.reason)?;
            }
            Ok(())
        }
        Command::Import { what: ImportCommand::Knowledge { dir } } => {
            let state = AppState::initialise_for(settings, IndexUse::Offline).await?;
            let summary = state
                .knowledge
                .import_folder(&dir, |done, total| {
                    let percent = (done * 100).checked_div(total).unwrap_or(100);
                    eprint!("\rImportando… {done}/{total} archivos ({percent} %)");
                })
                .await
                .map_err(|error| anyhow::anyhow!("{error}"))?;
            state.public_cache.invalidate(sugit::public_cache::Scopes::ALL).await;
            eprintln!();
            let mut out = std::io::stdout().lock();
            writeln!(
                out,
                "{} documentos agregados, {} ya estaban, {} rechazados (los servidores en marcha los indexan desde el registro de cambios)",
                summary.added,
                summary.already_present,
                summary.rejected.len()
            )?;
            for (file, reason) in &summary.rejected {
                writeln!(out, "  {file}: {reason}")?;
            }
            Ok(())
        }
        Command::Reindex => {
            let started = std::time::Instant::now();
            let state = AppState::initialise_for(settings.clone(), IndexUse::Offline).await?;
            let (search, _) = sugit::search::SearchService::open(
                &settings.index_dir,
                state.db.clone(),
                state.search_sources(),
                sugit::outbox::Outbox::default(),
                sugit::search::Subscribers::default(),
            )
            .map_err(|error| {
                anyhow::anyhow!(
                    "no se pudo abrir el índice en {} ({error}); si un servidor lo está usando, deténgalo primero",
                    settings.index_dir.display()
                )
            })?;
            let count = search
                .rebuild(|done| eprint!("\rReindexando… {done} documentos"))
                .await
                .map_err(|error| anyhow::anyhow!("{error}"))?;
            eprintln!();
            println!(
                "{count} documentos indexados en {} ({:.1} s)",
                settings.index_dir.display(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Recompute => {
            let started = std::time::Instant::now();
            let state = AppState::initialise_for(settings, IndexUse::Offline).await?;
            let written = state
                .monitoring
                .rebuild(|done, total| {
                    eprint!("\rRecalculando indicadores… {done} de {total} hojas de observaciones")
                })
                .await
                .map_err(|error| anyhow::anyhow!("{error:?}"))?;
            eprintln!();
            println!(
                "{written} resultados de indicadores recalculados ({:.1} s)",
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Export { what: ExportCommand::Observations { output } } => {
            let state = AppState::initialise_for(settings, IndexUse::Offline).await?;
            let progress = |written: usize| eprint!("\rExportando… {written} observaciones");
            let written = match output {
                Some(path) => {
                    let file = std::fs::File::create(&path)
                        .with_context(|| format!("no se pudo crear {}", path.display()))?;
                    sugit::reporting::export::export_observations(
                        &state.db,
                        std::io::BufWriter::new(file),
                        &progress,
                    )
                    .await
                }
                None => {
                    sugit::reporting::export::export_observations(
                        &state.db,
                        std::io::stdout().lock(),
                        &progress,
                    )
                    .await
                }
            }
            .map_err(|error| anyhow::anyhow!("{error}"))?;
            eprintln!("\r{written} observaciones exportadas");
            Ok(())
        }
        Command::Schema { .. } => Ok(()),
    }
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let app = Application::build(settings).await?;
    let address = app.local_addr();
    // Off the request threads, while the first requests are served.
    let catalogue = app.state().reporting.catalogue.clone();
    tokio::spawn(async move { catalogue.warm_thesaurus().await });
    tracing::info!(
        cache = app.state().cache.backend(),
        "SUGIT disponible en http://{address}/ (API GraphQL en http://{address}/graphql)"
    );
    app.run_until(shutdown_signal()).await.context("el servidor se detuvo con error")?;
    tracing::info!("servidor detenido");
    Ok(())
}

/// Ctrl-C or SIGTERM: stop accepting, finish what is in flight.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::warn!(%error, "no se pudo escuchar Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
