//! `/comision/sesiones.ics`: the commission's sessions (or one working
//! group's, with `?mesa=CODE`) as a calendar to subscribe to.

use axum::{
    extract::{Query, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
};
use chrono::Utc;
use serde::Deserialize;

use crate::{app::AppState, commission::calendar, pagination::PageRequest};

#[derive(Deserialize)]
pub struct CalendarQuery {
    mesa: Option<String>,
}

pub async fn sessions(State(state): State<AppState>, Query(query): Query<CalendarQuery>) -> Response {
    let commission = &state.commission;
    let all = PageRequest { first: 100_000, after: None };
    let (sessions, groups) = match (commission.sessions(None, &all).await, commission.working_groups().await)
    {
        (Ok(sessions), Ok(groups)) => (sessions.items, groups),
        (Err(error), _) | (_, Err(error)) => {
            tracing::error!(%error, "no se pudo generar el calendario");
            return (StatusCode::INTERNAL_SERVER_ERROR, "error interno del servidor").into_response();
        }
    };
    let (name, group_id) = match query.mesa.as_deref().map(|code| code.trim().to_uppercase()) {
        None => {
            ("Comisión Intersectorial para la Cooperación y Asistencia Técnica Territorial".to_owned(), None)
        }
        Some(code) => match groups.iter().find(|group| group.code == code) {
            Some(group) => (format!("Mesa técnica: {}", group.name), Some(group.id)),
            None => {
                return (StatusCode::NOT_FOUND, format!("No existe la mesa técnica «{code}»")).into_response()
            }
        },
    };
    let selected: Vec<_> =
        sessions.into_iter().filter(|session| session.working_group_id == group_id).collect();
    let body = calendar::render(&name, &selected, Utc::now());
    (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        body,
    )
        .into_response()
}
