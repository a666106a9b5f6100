//! The commission's plain HTTP pages, beside its GraphQL: the sessions as a
//! calendar to subscribe to (`/comision/sesiones.ics`, `?mesa=CODE` for one
//! working group's), and each convocation with its agenda as a page to print
//! or attach (`/comision/sesiones/{id}/convocatoria`, decree art.
//! 2.2.11.4.8, num. 1–2). Failures answer through `ServiceError`'s response.

use axum::{
    extract::{Path, Query, State},
    http::header,
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use chrono::Utc;
use serde::Deserialize;
use uuid::Uuid;

use super::{calendar, model::SessionKind, CommissionService};
use crate::{
    error::ServiceError, knowledge::KnowledgeService, pagination::PageRequest, text::escape_html as html,
};

/// What the pages read: the commission, and the documents its agendas cite.
#[derive(Clone)]
struct Pages {
    commission: CommissionService,
    knowledge: KnowledgeService,
}

/// The routes, ready to merge into the server's router (whatever its state).
pub fn router<S: Clone + Send + Sync + 'static>(
    commission: CommissionService,
    knowledge: KnowledgeService,
) -> Router<S> {
    Router::new()
        .route("/comision/sesiones.ics", get(calendar))
        .route("/comision/sesiones/{id}/convocatoria", get(convocation))
        .with_state(Pages { commission, knowledge })
}

#[derive(Deserialize)]
struct CalendarQuery {
    mesa: Option<String>,
}

async fn calendar(
    State(pages): State<Pages>,
    Query(query): Query<CalendarQuery>,
) -> Result<Response, ServiceError> {
    let commission = &pages.commission;
    let all = PageRequest { first: 100_000, after: None };
    let (sessions, groups) =
        (commission.sessions(None, &all).await?.items, commission.working_groups().await?);
    let (name, group_id) = match query.mesa.as_deref().map(|code| code.trim().to_uppercase()) {
        None => {
            ("Comisión Intersectorial para la Cooperación y Asistencia Técnica Territorial".to_owned(), None)
        }
        Some(code) => match groups.iter().find(|group| group.code == code) {
            Some(group) => (format!("Mesa técnica: {}", group.name), Some(group.id)),
            None => return Err(ServiceError::NotFound(format!("no existe la mesa técnica «{code}»"))),
        },
    };
    let selected: Vec<_> =
        sessions.into_iter().filter(|session| session.working_group_id == group_id).collect();
    let body = calendar::render(&name, &selected, Utc::now());
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        body,
    )
        .into_response())
}

/// Escapes text for HTML content and attributes.
async fn convocation(State(pages): State<Pages>, Path(id): Path<String>) -> Result<Response, ServiceError> {
    let not_found = || ServiceError::NotFound("no existe esa sesión".into());
    let id = Uuid::parse_str(&id).map_err(|_| not_found())?;
    let session = pages.commission.session(id).await?.ok_or_else(not_found)?;
    let participants = pages.commission.participants().await?;
    let kind = match session.kind {
        SessionKind::Ordinary => "ordinaria",
        SessionKind::Extraordinary => "extraordinaria",
    };
    let cited: Vec<Uuid> = session.agenda.iter().flat_map(|item| item.documents.iter().copied()).collect();
    let documents =
        if cited.is_empty() { Default::default() } else { pages.knowledge.find_visible(&cited).await? };
    let agenda: String = session
        .agenda
        .iter()
        .map(|item| {
            let listed: String = item
                .documents
                .iter()
                .filter_map(|id| documents.get(id))
                .map(|product| match &product.source_url {
                    Some(url) => format!("<li><a href=\"{}\">{}</a></li>", html(url), html(&product.title)),
                    None => format!("<li>{}</li>", html(&product.title)),
                })
                .collect();
            let listed =
                if listed.is_empty() { listed } else { format!("<ul class=\"documentos\">{listed}</ul>") };
            format!(
                "<li>{} <span class=\"quien\">— {}</span>{listed}</li>",
                html(&item.title),
                html(&item.presenter)
            )
        })
        .collect();
    let invited: String = participants
        .iter()
        .map(|p| {
            let role = if p.role == crate::commission::model::ParticipantRole::Member {
                "miembro con voto"
            } else {
                "invitado especial, con voz y sin voto"
            };
            format!("<li>{} ({role})</li>", html(&p.organisation_code))
        })
        .collect();
    let guests = if session.guest_requests.is_empty() {
        "<p>La secretaría técnica no presenta solicitudes de invitados especiales para esta sesión.</p>"
            .to_owned()
    } else {
        let items: String = session
            .guest_requests
            .iter()
            .map(|guest| {
                let from =
                    guest.organisation.as_deref().map(|o| format!(", {}", html(o))).unwrap_or_default();
                format!("<li>{}{from}: {} (voz, sin voto)</li>", html(&guest.name), html(&guest.reason))
            })
            .collect();
        format!("<ul>{items}</ul>")
    };
    let body = format!(
        r#"<!doctype html>
<html lang="es">
<head>
<meta charset="utf-8">
<title>Convocatoria a sesión {kind}</title>
<link rel="stylesheet" href="/convocatoria.css">
</head>
<body>
<p>Secretaría Técnica — Departamento Administrativo de la Función Pública</p>
<h1>Convocatoria a sesión {kind} de la Comisión Intersectorial para la Cooperación y Asistencia Técnica Territorial</h1>
<p><strong>Fecha y hora:</strong> {date} (UTC)<br><strong>Lugar o enlace:</strong> {place}</p>
<h2>Agenda</h2>
<ol>{agenda}</ol>
<h2>Convocados</h2>
<ul>{invited}</ul>
<h2>Solicitudes de invitados especiales</h2>
{guests}
<p>La sesión requiere la presencia de la mitad más uno de los miembros con voto (decreto, art. 2.2.11.4.6);
las decisiones se adoptan por mayoría simple de los miembros presentes.</p>
<footer>Generado por SUGIT. Sesión {id}.</footer>
</body>
</html>
"#,
        date = session.scheduled_at.format("%Y-%m-%d %H:%M"),
        place = html(&session.place),
        id = session.id,
    );
    Ok(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response())
}

#[cfg(test)]
mod tests {
    use super::html;

    #[test]
    fn user_text_cannot_inject_markup() {
        assert_eq!(
            html("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
    }
}
