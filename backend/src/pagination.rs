//! Keyset pagination shared by every list: `first` at most 100, `after` an
//! opaque cursor that wraps the sort key of the last row seen.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};

use crate::error::ServiceError;

pub const DEFAULT_PAGE_SIZE: u64 = 20;
pub const MAX_PAGE_SIZE: u64 = 100;

/// A validated page request: services only ever see sane values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub first: u64,
    /// The sort key after which the page starts.
    pub after: Option<String>,
}

impl PageRequest {
    pub fn parse(first: Option<i32>, after: Option<String>) -> Result<Self, ServiceError> {
        let first = match first {
            None => DEFAULT_PAGE_SIZE,
            Some(n) if n < 0 => {
                return Err(ServiceError::invalid("«first» no puede ser negativo"));
            }
            Some(n) if n as u64 > MAX_PAGE_SIZE => {
                return Err(ServiceError::invalid(format!(
                    "«first» admite como máximo {MAX_PAGE_SIZE} elementos por página; pida las siguientes con «after»"
                )));
            }
            Some(n) => n as u64,
        };
        let after = after.map(|cursor| decode_cursor(&cursor)).transpose()?;
        Ok(Self { first, after })
    }

    /// Rows to fetch: one more than asked tells whether a next page exists.
    pub fn fetch_limit(&self) -> u64 {
        self.first + 1
    }
}

/// A sort key under which the most recent `at` comes first (ascending keys,
/// as `Page::from_sorted` pages them), ties broken by id.
pub fn newest_first_key(at: chrono::DateTime<chrono::Utc>, id: uuid::Uuid) -> String {
    format!("{:020}|{id}", i64::MAX - at.timestamp_micros())
}

/// The (at, id) a `newest_first_key` was made of; a cursor that is not one is refused.
pub fn parse_newest_first_key(
    key: &str,
) -> Result<(chrono::DateTime<chrono::Utc>, uuid::Uuid), ServiceError> {
    let invalid = || {
        ServiceError::invalid(
            "el cursor «after» no es válido: use un «endCursor» devuelto por una consulta anterior",
        )
    };
    let (reversed, id) = key.split_once('|').ok_or_else(invalid)?;
    let micros = i64::MAX - reversed.parse::<i64>().map_err(|_| invalid())?;
    let at = chrono::DateTime::from_timestamp_micros(micros).ok_or_else(invalid)?;
    Ok((at, uuid::Uuid::parse_str(id).map_err(|_| invalid())?))
}

/// Pages `query` newest first in SQL, by (`created_at` descending, `id`),
/// under the same cursors as `newest_first_key`: lists that grow without
/// bound (offers, demands) never come whole into memory.
pub async fn newest_first_in_sql<E>(
    db: &impl sea_orm::ConnectionTrait,
    query: sea_orm::Select<E>,
    created_at: E::Column,
    id: E::Column,
    page: &PageRequest,
) -> Result<Page<E::Model>, ServiceError>
where
    E: sea_orm::EntityTrait,
    E::Model: Send + Sync,
{
    use sea_orm::{ColumnTrait, Condition, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
    let total_count = query.clone().count(db).await?;
    let mut query = query;
    if let Some(after) = &page.after {
        let (at, after_id) = parse_newest_first_key(after)?;
        query = query.filter(
            Condition::any()
                .add(created_at.lt(at))
                .add(Condition::all().add(created_at.eq(at)).add(id.gt(after_id))),
        );
    }
    let rows = query.order_by_desc(created_at).order_by_asc(id).limit(page.fetch_limit()).all(db).await?;
    Ok(Page::from_rows(rows, page, total_count))
}

/// One page of results, whatever the store.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub has_next_page: bool,
    pub total_count: u64,
}

impl<T> Page<T> {
    /// Builds a page from `fetch_limit()` rows.
    pub fn from_rows(mut rows: Vec<T>, request: &PageRequest, total_count: u64) -> Self {
        let has_next_page = rows.len() as u64 > request.first;
        rows.truncate(request.first as usize);
        Self { items: rows, has_next_page, total_count }
    }

    /// The same page with each item transformed.
    pub fn map<U>(self, transform: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(transform).collect(),
            has_next_page: self.has_next_page,
            total_count: self.total_count,
        }
    }

    /// Pages an in-memory, already sorted list (bounded relations such as the
    /// municipalities of one department).
    pub fn from_sorted(all: Vec<T>, request: &PageRequest, key: impl Fn(&T) -> &str) -> Self {
        let total_count = all.len() as u64;
        let rows: Vec<T> = match &request.after {
            Some(after) => all.into_iter().filter(|item| key(item) > after.as_str()).collect(),
            None => all,
        };
        let mut rows = rows;
        rows.truncate(request.fetch_limit() as usize);
        Self::from_rows(rows, request, total_count)
    }
}

pub fn encode_cursor(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(key.as_bytes())
}

pub fn decode_cursor(cursor: &str) -> Result<String, ServiceError> {
    URL_SAFE_NO_PAD
        .decode(cursor.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .filter(|key| !key.is_empty())
        .ok_or_else(|| {
            ServiceError::invalid(
                "el cursor «after» no es válido: use un «endCursor» devuelto por una consulta anterior",
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_newest_first_key_reads_back_as_its_instant_and_id() {
        let at = chrono::DateTime::from_timestamp_micros(1_780_000_000_123_456).expect("instant");
        let id = uuid::Uuid::from_u128(7);
        assert_eq!(parse_newest_first_key(&newest_first_key(at, id)).expect("valid"), (at, id));
        for bad in ["", "abc", "12|nope", "x|00000000-0000-0000-0000-000000000007"] {
            assert!(parse_newest_first_key(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn first_defaults_to_twenty_and_is_capped_at_one_hundred() {
        assert_eq!(PageRequest::parse(None, None).expect("valid").first, 20);
        assert_eq!(PageRequest::parse(Some(100), None).expect("valid").first, 100);
        let error = PageRequest::parse(Some(101), None).unwrap_err();
        assert!(error.to_string().contains("máximo 100"), "{error}");
        assert!(PageRequest::parse(Some(-1), None).is_err());
    }

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let cursor = encode_cursor("05001");
        let request = PageRequest::parse(Some(5), Some(cursor)).expect("valid");
        assert_eq!(request.after.as_deref(), Some("05001"));
        assert!(PageRequest::parse(None, Some("@@no es un cursor@@".into())).is_err());
    }

    #[test]
    fn in_memory_pages_follow_the_cursor() {
        let codes = vec!["a", "b", "c", "d", "e"];
        let request = PageRequest { first: 2, after: Some("b".into()) };
        let page = Page::from_sorted(codes, &request, |code| code);
        assert_eq!(page.items, vec!["c", "d"]);
        assert!(page.has_next_page);
        assert_eq!(page.total_count, 5);
        let request = PageRequest { first: 2, after: Some("d".into()) };
        let page = Page::from_sorted(vec!["a", "b", "c", "d", "e"], &request, |code| code);
        assert_eq!(page.items, vec!["e"]);
        assert!(!page.has_next_page);
    }
}
