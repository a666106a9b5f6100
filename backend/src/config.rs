//! Configuration: one typed struct, read once at start.
//!
//! Sources, later wins: built-in defaults, an optional TOML file (`SUGIT_CONFIG`),
//! then `SUGIT_*` environment variables. Tests build a `Settings` directly.

use std::net::SocketAddr;

use serde::Deserialize;

/// Everything the server needs to start.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Address to serve (`SUGIT_LISTEN`).
    pub listen: SocketAddr,
    /// SQLite file by default, `postgres://…` in production (`SUGIT_DATABASE_URL`).
    pub database_url: String,
    /// Redis for cache, rate limits and pub/sub; `None` means in-process equivalents.
    pub redis_url: Option<String>,
    /// Prefix of every Redis key, so instances of one deployment share and others don't.
    pub redis_prefix: String,
    /// Where this instance keeps its search index (`SUGIT_INDEX_DIR`).
    pub index_dir: std::path::PathBuf,
    /// Load the demo data set (`SUGIT_DEMO`); unset: only into a new embedded database.
    pub demo: Option<bool>,
    /// Log as JSON lines instead of human-readable text (`SUGIT_LOG_JSON`).
    pub log_json: bool,
    /// Browser origins allowed to call the API from another site (`SUGIT_CORS_ORIGINS`,
    /// comma-separated). Empty: only the platform's own pages.
    pub cors_origins: Vec<String>,
    /// Hours a login session lasts (`SUGIT_SESSION_HOURS`).
    pub session_hours: u32,
    pub limits: Limits,
    pub outbox: OutboxSettings,
    /// The Spanish thesaurus (a MyThes `.dat` file) the near-duplicate proposals read
    /// beside the embedded lists (`SUGIT_THESAURUS`). Unset: Debian's `mythes-es` when it
    /// is installed, else none; empty: none; a path that is named must be readable.
    pub thesaurus: Option<std::path::PathBuf>,
}

/// How long the change log keeps what every instance has applied.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OutboxSettings {
    /// Hours an applied change is kept before it is pruned (a window to look
    /// back in, and for an instance stopped that long to catch up unrebuilt).
    pub retention_hours: u32,
    /// Seconds between prunings.
    pub prune_every_secs: u64,
}

impl Default for OutboxSettings {
    fn default() -> Self {
        Self { retention_hours: 7 * 24, prune_every_secs: 600 }
    }
}

/// Limits that keep one client from exhausting the server.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Largest accepted HTTP body, in bytes.
    pub max_body_bytes: usize,
    /// Most operations in one batched (JSON array) request.
    pub max_batch: usize,
    /// Deepest selection set.
    pub max_depth: usize,
    /// Highest query complexity (lists count `first` times their children).
    pub max_complexity: usize,
    /// Most aliases in one document.
    pub max_aliases: usize,
    /// Seconds one request may take before it is cut with 408.
    pub request_timeout_secs: u64,
    /// GraphQL requests per minute for each token.
    pub requests_per_minute: u32,
    /// GraphQL requests per minute for each client address without a token.
    pub anonymous_requests_per_minute: u32,
    /// Login attempts per minute for each client address, and for each e-mail.
    pub login_attempts_per_minute: u32,
    /// Self-registrations per hour for each client address (and a third of it per e-mail).
    pub registrations_per_hour: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: "sqlite://data/sugit.db?mode=rwc".into(),
            redis_url: None,
            redis_prefix: "sugit:".into(),
            index_dir: "data/index".into(),
            demo: None,
            log_json: false,
            cors_origins: Vec::new(),
            session_hours: 12,
            limits: Limits::default(),
            outbox: OutboxSettings::default(),
            thesaurus: None,
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_body_bytes: 8 * 1024 * 1024,
            max_batch: 10,
            max_depth: 15,
            max_complexity: 20_000,
            max_aliases: 30,
            request_timeout_secs: 30,
            requests_per_minute: 600,
            anonymous_requests_per_minute: 300,
            login_attempts_per_minute: 5,
            registrations_per_hour: 6,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("no se pudo leer el archivo de configuración {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("el archivo de configuración {path} no es válido: {source}")]
    Parse { path: String, source: toml::de::Error },
    #[error("la variable {name} no es válida: {reason}")]
    Variable { name: &'static str, reason: String },
}

impl Settings {
    /// Reads the settings from the process environment (and the file it names).
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the settings through `lookup`, so tests can pass their own environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut settings = match lookup("SUGIT_CONFIG") {
            Some(path) => {
                let text = std::fs::read_to_string(&path)
                    .map_err(|source| ConfigError::Read { path: path.clone(), source })?;
                toml::from_str(&text).map_err(|source| ConfigError::Parse { path, source })?
            }
            None => Settings::default(),
        };
        if let Some(value) = lookup("SUGIT_LISTEN") {
            settings.listen = value.parse().map_err(|_| ConfigError::Variable {
                name: "SUGIT_LISTEN",
                reason: format!("«{value}» no es una dirección IP:puerto"),
            })?;
        }
        if let Some(value) = lookup("SUGIT_DATABASE_URL") {
            settings.database_url = value;
        }
        if let Some(value) = lookup("SUGIT_REDIS_URL") {
            settings.redis_url = Some(value).filter(|url| !url.trim().is_empty());
        }
        if let Some(value) = lookup("SUGIT_INDEX_DIR").filter(|v| !v.trim().is_empty()) {
            settings.index_dir = value.into();
        }
        if let Some(value) = lookup("SUGIT_REDIS_PREFIX") {
            settings.redis_prefix = value;
        }
        if let Some(value) = lookup("SUGIT_CORS_ORIGINS") {
            settings.cors_origins =
                value.split(',').map(str::trim).filter(|o| !o.is_empty()).map(str::to_owned).collect();
        }
        if let Some(value) = lookup("SUGIT_SESSION_HOURS") {
            settings.session_hours =
                value.trim().parse().ok().filter(|h| (1..=720).contains(h)).ok_or(ConfigError::Variable {
                    name: "SUGIT_SESSION_HOURS",
                    reason: format!("«{value}» no es un número de horas entre 1 y 720"),
                })?;
        }
        if let Some(value) = lookup("SUGIT_THESAURUS") {
            settings.thesaurus = Some(value.trim().into());
        }
        if let Some(value) = lookup("SUGIT_DEMO") {
            settings.demo = Some(parse_flag("SUGIT_DEMO", &value)?);
        }
        if let Some(value) = lookup("SUGIT_LOG_JSON") {
            settings.log_json = parse_flag("SUGIT_LOG_JSON", &value)?;
        }
        settings.validate()?;
        Ok(settings)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        if self.outbox.prune_every_secs == 0 {
            return Err(ConfigError::Variable {
                name: "outbox.prune_every_secs",
                reason: "debe ser de al menos un segundo".into(),
            });
        }
        let scheme = self.database_url.split(':').next().unwrap_or_default();
        if !matches!(scheme, "sqlite" | "postgres" | "postgresql") {
            return Err(ConfigError::Variable {
                name: "SUGIT_DATABASE_URL",
                reason: "debe empezar por sqlite: o postgres:".into(),
            });
        }
        Ok(())
    }

    /// The embedded SQLite default is in use.
    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }
}

fn parse_flag(name: &'static str, value: &str) -> Result<bool, ConfigError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" | "si" | "sí" => Ok(true),
        "0" | "false" | "no" | "off" | "" => Ok(false),
        other => Err(ConfigError::Variable { name, reason: format!("«{other}» no es sí/no") }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings_from(pairs: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let env: HashMap<String, String> =
            pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Settings::from_lookup(|name| env.get(name).cloned())
    }

    #[test]
    fn defaults_serve_the_embedded_database_on_8080() {
        let settings = settings_from(&[]).expect("defaults are valid");
        assert_eq!(settings.listen.to_string(), "127.0.0.1:8080");
        assert!(settings.is_sqlite());
        assert!(settings.redis_url.is_none());
    }

    #[test]
    fn environment_overrides_defaults() {
        let settings = settings_from(&[
            ("SUGIT_LISTEN", "0.0.0.0:9000"),
            ("SUGIT_DATABASE_URL", "postgres://postgres@127.0.0.1/sugit"),
            ("SUGIT_REDIS_URL", "redis://127.0.0.1:6379"),
            ("SUGIT_LOG_JSON", "sí"),
            ("SUGIT_DEMO", "no"),
            ("SUGIT_CORS_ORIGINS", "https://a.gov.co, https://b.gov.co"),
        ])
        .expect("valid");
        assert_eq!(settings.listen.port(), 9000);
        assert!(!settings.is_sqlite());
        assert_eq!(settings.redis_url.as_deref(), Some("redis://127.0.0.1:6379"));
        assert!(settings.log_json);
        assert_eq!(settings.demo, Some(false));
        assert_eq!(settings.cors_origins, ["https://a.gov.co", "https://b.gov.co"]);
        assert_eq!(settings.thesaurus, None, "unset: Debian's when installed");
        let settings = settings_from(&[("SUGIT_THESAURUS", "/srv/th_es.dat")]).expect("valid");
        assert_eq!(settings.thesaurus.as_deref(), Some(std::path::Path::new("/srv/th_es.dat")));
        let settings = settings_from(&[("SUGIT_THESAURUS", " ")]).expect("valid");
        assert_eq!(settings.thesaurus.as_deref(), Some(std::path::Path::new("")), "empty: none");
    }

    #[test]
    fn bad_values_are_refused_in_spanish() {
        let error = settings_from(&[("SUGIT_LISTEN", "ocho mil")]).unwrap_err();
        assert!(error.to_string().contains("SUGIT_LISTEN"), "{error}");
        let error = settings_from(&[("SUGIT_DATABASE_URL", "mysql://x")]).unwrap_err();
        assert!(error.to_string().contains("debe empezar"), "{error}");
    }

    #[test]
    fn a_toml_file_is_read_and_the_environment_still_wins() {
        let dir = std::env::temp_dir().join(format!("sugit-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("sugit.toml");
        std::fs::write(&path, "listen = \"127.0.0.1:7000\"\n[limits]\nmax_batch = 3\n").expect("write");
        let path = path.to_string_lossy().into_owned();
        let settings = settings_from(&[("SUGIT_CONFIG", &path)]).expect("valid file");
        assert_eq!(settings.listen.port(), 7000);
        assert_eq!(settings.limits.max_batch, 3);
        let settings =
            settings_from(&[("SUGIT_CONFIG", &path), ("SUGIT_LISTEN", "127.0.0.1:7001")]).expect("valid");
        assert_eq!(settings.listen.port(), 7001);
    }
}
