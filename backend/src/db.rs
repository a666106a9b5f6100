//! The database connection and its migrations.

use std::time::Duration;

use migrations::{Migrator, MigratorTrait};
use sea_orm::{
    ColumnTrait, ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QuerySelect, RuntimeErr, Select,
};

/// How long a request waits for a database connection before giving up.
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// Connects to the configured database. For SQLite the file's folder is created
/// and the write-ahead log turned on, so readers never wait for a writer.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    if let Some(path) = sqlite_file(url) {
        if let Some(folder) = std::path::Path::new(path).parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(folder).map_err(|error| {
                DbErr::Custom(format!("no se pudo crear la carpeta {}: {error}", folder.display()))
            })?;
        }
    }
    let mut options = ConnectOptions::new(url.to_owned());
    // One deadline (sqlx has a single one) for a free connection, or for a new
    // one while the server refuses them: past it a request answers that the
    // database is unavailable instead of hanging while it restarts.
    options.connect_timeout(ACQUIRE_TIMEOUT).acquire_timeout(ACQUIRE_TIMEOUT).sqlx_logging(false);
    // No ping before every use of a pooled connection: it was a round trip per
    // statement outside a transaction (a tenth of a submission's cost). A
    // connection that died with the server fails its next query and is dropped.
    options.test_before_acquire(false);
    let db = Database::connect(options).await?;
    if sqlite_file(url).is_some() {
        db.execute_unprepared("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;").await?;
    }
    Ok(db)
}

/// The SQLSTATE (PostgreSQL) or extended result code (SQLite) of a database
/// error, when the database itself refused the statement.
pub fn error_code(error: &DbErr) -> Option<String> {
    let (DbErr::Exec(RuntimeErr::SqlxError(cause)) | DbErr::Query(RuntimeErr::SqlxError(cause))) = error
    else {
        return None;
    };
    cause.as_database_error().and_then(|database| database.code()).map(|code| code.into_owned())
}

/// A race that the same statement may win when tried again: PostgreSQL's
/// serialization failure (40001, which the sheet guard of migration 11 raises
/// too) or deadlock (40P01), or SQLite busy or locked (result codes 5 and 6,
/// whatever their extended part).
pub fn is_transient(error: &DbErr) -> bool {
    let Some(code) = error_code(error) else { return false };
    match code.as_str() {
        "40001" | "40P01" => true,
        other => other.parse::<i32>().is_ok_and(|sqlite| matches!(sqlite & 0xff, 5 | 6)),
    }
}

/// Whether `url` names an SQLite file that does not exist yet (a first start).
pub fn is_new_embedded(url: &str) -> bool {
    sqlite_file(url).is_some_and(|path| !std::path::Path::new(path).exists())
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// The file behind a `sqlite:` URL, if it names one.
fn sqlite_file(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then_some(path)
}

#[cfg(test)]
mod tests {
    use super::sqlite_file;

    #[test]
    fn sqlite_urls_name_their_file() {
        assert_eq!(sqlite_file("sqlite://data/sugit.db?mode=rwc"), Some("data/sugit.db"));
        assert_eq!(sqlite_file("sqlite:/tmp/x.db"), Some("/tmp/x.db"));
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://postgres@localhost/sugit"), None);
    }
}

/// The (id, text) pairs of the rows of `query` whose `text` column is set:
/// two columns read, for a follower that links what other contexts wrote.
pub async fn ids_with_text<E: EntityTrait>(
    db: &impl ConnectionTrait,
    query: Select<E>,
    id: E::Column,
    text: E::Column,
) -> Result<Vec<(uuid::Uuid, String)>, DbErr> {
    Ok(query
        .select_only()
        .column(id)
        .column(text)
        .filter(text.is_not_null())
        .into_tuple::<(uuid::Uuid, Option<String>)>()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(id, text)| Some((id, text?)))
        .collect())
}
