//! GraphQL over HTTP: POST (single or batched JSON) and GET (queries only),
//! answered as `application/graphql-response+json` when the client names it,
//! plain JSON otherwise. Everything refused before execution carries a Spanish message
//! and a code of the contract.

use std::{net::SocketAddr, sync::Arc};

use async_graphql::{
    parser::types::OperationType, BatchRequest, BatchResponse, Request as GraphqlRequest,
    Response as GraphqlResponse, ServerError,
};
use axum::{
    body::Body,
    extract::{ConnectInfo, State},
    http::{
        header::{self, ACCEPT, CONTENT_TYPE},
        HeaderMap, HeaderValue, StatusCode,
    },
    response::{IntoResponse, Response},
};
use http_body_util::{BodyExt, LengthLimitError, Limited};

use super::{
    caller::{identify, Caller, Refusal},
    loads::{loader, on_request, Spawn},
};
use crate::{
    access::resolvers::AccessLoader,
    assistance::resolvers::AssistanceLoader,
    authorisation::Actor,
    commission::resolvers::CommissionLoader,
    error::ErrorCode,
    graphql::{
        limits::{self, coded},
        public_fields::{Audience, PublicFields},
    },
    public_cache::{Lookup, PublicCache, Scopes},
    reporting::resolvers::ReportingLoader,
    state::AppState,
    territory::loader::TerritoryLoader,
};

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json; charset=utf-8";
const JSON: &str = "application/json; charset=utf-8";

/// The media type the client accepts for the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    GraphqlResponseJson,
    Json,
}

impl Format {
    /// GraphQL over HTTP: a client that names `application/graphql-response+json`
    /// gets it; `application/json`, `*/*` or no `Accept` at all get
    /// `application/json`, which every client written before that type reads.
    fn negotiate(headers: &HeaderMap) -> Self {
        let accept = headers.get(ACCEPT).and_then(|value| value.to_str().ok()).unwrap_or("");
        if accept.to_ascii_lowercase().contains("application/graphql-response+json") {
            Self::GraphqlResponseJson
        } else {
            Self::Json
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Self::GraphqlResponseJson => GRAPHQL_RESPONSE_JSON,
            Self::Json => JSON,
        }
    }
}

pub async fn post_handler(
    State(state): State<AppState>,
    ConnectInfo(address): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let format = Format::negotiate(&headers);
    let caller = match identify(&state, &headers, address).await {
        Ok(caller) => caller,
        Err(refusal) => return refuse_with(format, refusal),
    };
    let limits = &state.settings.limits;
    let content_type = headers.get(CONTENT_TYPE).and_then(|value| value.to_str().ok()).unwrap_or("");
    if !content_type.trim_start().to_ascii_lowercase().starts_with("application/json") {
        return refuse(
            format,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::BadUserInput,
            "envíe la consulta como JSON, con «Content-Type: application/json»".into(),
        );
    }
    // A client that waits for `100 Continue` before sending a body announced
    // larger than the limit is refused without it being sent. Other clients
    // are read up to the limit: refusing before reading would close the
    // connection while they still write, and they would never see the 413.
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok());
    let waits_to_send = headers
        .get(header::EXPECT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.eq_ignore_ascii_case("100-continue"));
    if waits_to_send && announced.is_some_and(|length| length > limits.max_body_bytes as u64) {
        return refuse(
            format,
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::BadUserInput,
            format!("la solicitud supera el tamaño máximo de {} bytes", limits.max_body_bytes),
        );
    }
    let bytes = match Limited::new(body, limits.max_body_bytes).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(error) if error.downcast_ref::<LengthLimitError>().is_some() => {
            return refuse(
                format,
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::BadUserInput,
                format!("la solicitud supera el tamaño máximo de {} bytes", limits.max_body_bytes),
            );
        }
        Err(_) => {
            return refuse(
                format,
                StatusCode::BAD_REQUEST,
                ErrorCode::BadUserInput,
                "no se pudo leer el cuerpo de la solicitud".into(),
            );
        }
    };
    let batch: BatchRequest = match batch_of(&bytes) {
        Ok(batch) => batch,
        Err(error) => {
            return refuse(
                format,
                StatusCode::BAD_REQUEST,
                ErrorCode::BadUserInput,
                format!("el cuerpo no es una solicitud GraphQL válida (se espera {{\"query\": …}}): {error}"),
            );
        }
    };
    match batch {
        BatchRequest::Single(request) => answer(&state, &caller, format, request).await,
        BatchRequest::Batch(requests) if requests.len() > limits.max_batch => refuse(
            format,
            StatusCode::BAD_REQUEST,
            ErrorCode::QueryTooComplex,
            format!(
                "un lote admite como máximo {} operaciones; recibió {}",
                limits.max_batch,
                requests.len()
            ),
        ),
        BatchRequest::Batch(requests) => {
            let mut responses = Vec::with_capacity(requests.len());
            let mut written = Scopes { general: false, reporting: false };
            for mut request in requests {
                if let Some(Operation { ty: OperationType::Mutation, scopes, .. }) =
                    operation(&mut request, &state.public_fields)
                {
                    written.general |= scopes.general;
                    written.reporting |= scopes.reporting;
                }
                responses.push(execute(&state, &caller, request).await);
            }
            if written.general || written.reporting {
                state.public_cache.invalidate(written).await;
            }
            respond(format, BatchResponse::Batch(responses))
        }
    }
}

/// One operation or a batch, read straight into its type: async-graphql's own
/// `BatchRequest` is an untagged enum, which copies the whole body into an
/// intermediate tree before trying each shape (a fifth of a 50-value
/// `submitReport`'s reading).
fn batch_of(bytes: &[u8]) -> serde_json::Result<BatchRequest> {
    use serde::de::Error as _;
    match bytes.iter().find(|byte| !byte.is_ascii_whitespace()) {
        Some(b'[') => match serde_json::from_slice::<Vec<GraphqlRequest>>(bytes)? {
            requests if requests.is_empty() => Err(serde_json::Error::custom("el lote está vacío")),
            requests => Ok(BatchRequest::Batch(requests)),
        },
        _ => serde_json::from_slice(bytes).map(BatchRequest::Single),
    }
}

/// GET: a query in the query string, or the WebSocket upgrade of subscriptions.
pub async fn get_handler(
    State(state): State<AppState>,
    ConnectInfo(address): ConnectInfo<SocketAddr>,
    request: axum::extract::Request,
) -> Response {
    let (mut parts, _) = request.into_parts();
    let headers = parts.headers.clone();
    let format = Format::negotiate(&headers);
    let caller = match identify(&state, &headers, address).await {
        Ok(caller) => caller,
        Err(refusal) => return refuse_with(format, refusal),
    };
    let wants_websocket = headers
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    if wants_websocket {
        return subscribe(&state, caller, &mut parts).await;
    }
    let query = parts.uri.query().unwrap_or_default().to_owned();
    if query.is_empty() && wants_html(&headers) {
        return explorer();
    }
    if query.len() > state.settings.limits.max_body_bytes {
        return refuse(
            format,
            StatusCode::URI_TOO_LONG,
            ErrorCode::BadUserInput,
            format!("la consulta supera el tamaño máximo de {} bytes", state.settings.limits.max_body_bytes),
        );
    }
    let mut request = match async_graphql::http::parse_query_string(&query) {
        Ok(request) if !request.query.trim().is_empty() => request,
        Ok(_) | Err(_) => {
            return refuse(
                format,
                StatusCode::BAD_REQUEST,
                ErrorCode::BadUserInput,
                "falta el parámetro «query» o las variables no son JSON válido".into(),
            );
        }
    };
    if operation(&mut request, &state.public_fields)
        .is_some_and(|operation| operation.ty == OperationType::Mutation)
    {
        let mut response = refuse(
            format,
            StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::BadUserInput,
            "las mutaciones solo se aceptan por POST".into(),
        );
        response.headers_mut().insert("allow", HeaderValue::from_static("POST"));
        return response;
    }
    answer(&state, &caller, format, request).await
}

/// Runs one operation. A query whose answer is the same for everyone (any
/// anonymous one, and a signed-in one that selects only public fields) is
/// answered from the public cache when it holds a current answer, and its
/// error-free answer is kept there; a mutation makes every cached answer stale
/// before it is acknowledged.
async fn answer(state: &AppState, caller: &Caller, format: Format, mut request: GraphqlRequest) -> Response {
    let anonymous = matches!(caller.actor, Actor::Anonymous);
    let reads = match operation(&mut request, &state.public_fields) {
        Some(Operation { ty: OperationType::Query, scopes, audience: Audience::Everyone }) => scopes,
        Some(Operation { ty: OperationType::Query, scopes, audience: Audience::Caller }) if anonymous => {
            scopes
        }
        operation => {
            let response = execute(state, caller, request).await;
            if let Some(Operation { ty: OperationType::Mutation, scopes, .. }) = operation {
                state.public_cache.invalidate(scopes).await;
            }
            return respond(format, BatchResponse::Single(response));
        }
    };
    let variables = serde_json::to_string(&request.variables).unwrap_or_default();
    let key = PublicCache::key(&request.query, request.operation_name.as_deref(), &variables);
    let generation = match state.public_cache.lookup(&key, reads).await {
        Lookup::Hit(body) => {
            return (StatusCode::OK, [(CONTENT_TYPE, format.content_type())], body).into_response()
        }
        Lookup::Miss(generation) => generation,
        Lookup::Unavailable => None,
    };
    let response = execute(state, caller, request).await;
    let storable = response.errors.is_empty();
    let status = status_of(&response, format);
    let body = match body_of(&response, format) {
        Ok(body) => body,
        Err(error) => {
            tracing::error!(%error, "no se pudo serializar la respuesta");
            return (StatusCode::INTERNAL_SERVER_ERROR, "error interno del servidor").into_response();
        }
    };
    if let (true, Some(generation)) = (storable, generation) {
        state.public_cache.store(&key, &generation, &body).await;
    }
    (status, [(CONTENT_TYPE, format.content_type())], body).into_response()
}

/// A browser opening `/graphql` itself, as a person does.
fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

/// The API explorer for other systems' engineers: async-graphql's GraphQL
/// Playground, whose scripts, styles and fonts come from public CDNs, so this
/// page alone gets a policy that lets the browser fetch them.
fn explorer() -> Response {
    let config = async_graphql::http::GraphQLPlaygroundConfig::new("/graphql")
        .subscription_endpoint("/graphql")
        .title("SUGIT — explorador de la API GraphQL");
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(
                    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; font-src https://fonts.gstatic.com https://cdn.jsdelivr.net; img-src 'self' data: https://cdn.jsdelivr.net; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'",
                ),
            ),
        ],
        async_graphql::http::playground_source(config),
    )
        .into_response()
}

/// Serves subscriptions over graphql-transport-ws (and the older graphql-ws),
/// with the caller and DataLoaders of the connection.
async fn subscribe(state: &AppState, caller: Caller, parts: &mut axum::http::request::Parts) -> Response {
    use axum::extract::{ws::WebSocketUpgrade, FromRequestParts};
    let protocol = match async_graphql_axum::GraphQLProtocol::from_request_parts(parts, &()).await {
        Ok(protocol) => protocol,
        Err(rejection) => return rejection.into_response(),
    };
    let upgrade = match WebSocketUpgrade::from_request_parts(parts, &()).await {
        Ok(upgrade) => upgrade,
        Err(rejection) => return rejection.into_response(),
    };
    let mut data = connection_data(state, &caller, &Spawn::Task);
    data.insert(limits::OverWebSocket);
    let schema = state.schema.clone();
    let access = state.access.clone();
    upgrade.protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS).on_upgrade(move |stream| {
        async_graphql_axum::GraphQLWebSocket::new(stream, schema, protocol)
            .with_data(data)
            .on_connection_init(move |payload| actor_from_init(access, payload))
            .serve()
    })
}

/// Browsers cannot set headers on a WebSocket: the token may come in the
/// `connection_init` payload instead (`{"authorization": "Bearer …"}`). A bad
/// token closes the connection; none keeps the caller of the upgrade request.
async fn actor_from_init(
    access: crate::access::AccessService,
    payload: serde_json::Value,
) -> async_graphql::Result<async_graphql::Data> {
    let mut data = async_graphql::Data::default();
    let given = ["authorization", "Authorization", "token"]
        .iter()
        .find_map(|key| payload.get(*key).and_then(|value| value.as_str()))
        .map(|value| {
            let value = value.trim();
            value
                .split_once(' ')
                .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
                .map_or(value, |(_, t)| t.trim())
        })
        .filter(|token| !token.is_empty());
    if let Some(token) = given {
        match access.authenticate(token).await {
            Ok(actor) => data.insert(actor),
            Err(error) => return Err(async_graphql::Error::new(error.to_string())),
        }
    }
    Ok(data)
}

fn connection_data(state: &AppState, caller: &Caller, spawn: &Spawn) -> async_graphql::Data {
    use crate::{assistance::resolvers as assistance, classification::resolvers as classification};
    let services = &state.loaders;
    let mut data = async_graphql::Data::default();
    data.insert(caller.actor.clone());
    data.insert(caller.client.clone());
    data.insert(loader(TerritoryLoader(Arc::clone(&services.territory)), spawn));
    data.insert(loader(AccessLoader(Arc::clone(&services.access)), spawn));
    data.insert(loader(ReportingLoader(Arc::clone(&services.reporting)), spawn));
    data.insert(loader(CommissionLoader(Arc::clone(&services.commission)), spawn));
    data.insert(loader(AssistanceLoader(Arc::clone(&services.assistance)), spawn));
    data.insert(loader(assistance::DeliveryLoader(Arc::clone(&services.assistance)), spawn));
    data.insert(loader(assistance::AssignedDemandLoader(Arc::clone(&services.assistance)), spawn));
    data.insert(loader(
        crate::consultation::resolvers::MessageLoader(Arc::clone(&services.consultation)),
        spawn,
    ));
    data.insert(loader(crate::knowledge::resolvers::KnowledgeLoader(Arc::clone(&services.knowledge)), spawn));
    data.insert(loader(crate::talent::resolvers::TalentLoader(Arc::clone(&services.talent)), spawn));
    data.insert(loader(classification::CatalogueLoader(Arc::clone(&services.classification)), spawn));
    data.insert(loader(crate::formation::resolvers::FormationLoader(Arc::clone(&services.formation)), spawn));
    data
}

/// Runs one operation as `caller`, with this request's DataLoaders.
async fn execute(state: &AppState, caller: &Caller, mut request: GraphqlRequest) -> GraphqlResponse {
    let (spawn, loads) = on_request();
    request.data = connection_data(state, caller, &spawn);
    drop(spawn);
    loads.drive(state.schema.execute(request)).await
}

/// The operation a request would run: its kind, the cache generations it
/// reads (a query) or moves (a mutation), and whom its answer is for.
struct Operation {
    ty: OperationType,
    scopes: Scopes,
    audience: Audience,
}

/// A mutation is refused over GET (a link or a prefetch must never change
/// data) and makes cached public answers stale; only queries are cached.
/// Unparseable documents (`None`) are left to the executor, which explains
/// the syntax error.
fn operation(request: &mut GraphqlRequest, public: &PublicFields) -> Option<Operation> {
    // Parsing recurses once per level: a document nested too deep for that (or
    // with a name of megabytes) is left to the executor, whose limits refuse it
    // before parsing.
    if limits::excess(&request.query, limits::MAX_NESTING, limits::MAX_NAME).is_some() {
        return None;
    }
    // Parsed once: the request keeps the document for the executor.
    let operation_name = request.operation_name.clone();
    let document = request.parsed_query().ok()?;
    let selected = limits::selected_operation(document, operation_name.as_deref())?;
    let ty = selected.node.ty;
    let scopes = match ty {
        OperationType::Mutation => Scopes::written_by(&selected.node.selection_set.node),
        _ => Scopes::read_by(document),
    };
    let audience = public.audience(document, operation_name.as_deref());
    Some(Operation { ty, scopes, audience })
}

fn respond(format: Format, response: BatchResponse) -> Response {
    match response {
        BatchResponse::Single(single) => single_response(format, status_of(&single, format), &single),
        batch => json_response(format, StatusCode::OK, &batch),
    }
}

fn single_response(format: Format, status: StatusCode, response: &GraphqlResponse) -> Response {
    match body_of(response, format) {
        Ok(body) => (status, [(CONTENT_TYPE, format.content_type())], body).into_response(),
        Err(error) => {
            tracing::error!(%error, "no se pudo serializar la respuesta");
            (StatusCode::INTERNAL_SERVER_ERROR, "error interno del servidor").into_response()
        }
    }
}

/// Whether the operation ran: it produced data, or a resolver failed (its
/// error has a path), or nothing failed at all (every field skipped by
/// `@skip`/`@include` leaves no data, yet it ran). A document that did not
/// parse or validate, or that the limits refused, has errors and none of these.
fn executed(response: &GraphqlResponse) -> bool {
    response.data != async_graphql::Value::Null
        || response.errors.is_empty()
        || response.errors.iter().any(|error| !error.path.is_empty())
}

/// With graphql-response+json, a request that never executed is a 400; one
/// that did is a 200 even when its only field failed (a wrong password).
fn status_of(response: &GraphqlResponse, format: Format) -> StatusCode {
    if format == Format::GraphqlResponseJson && !executed(response) {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    }
}

/// The answer's JSON. With graphql-response+json, a request that never
/// executed carries no `data` key at all (GraphQL over HTTP): `data: null`
/// would say it ran and failed.
fn body_of(response: &GraphqlResponse, format: Format) -> serde_json::Result<String> {
    if format == Format::GraphqlResponseJson && !executed(response) {
        let mut value = serde_json::to_value(response)?;
        if let Some(object) = value.as_object_mut() {
            object.remove("data");
        }
        return serde_json::to_string(&value);
    }
    // Written straight from the response, in the order of the selection.
    serde_json::to_string(response)
}

/// An answer for a request refused before any GraphQL ran.
fn refuse(format: Format, status: StatusCode, code: ErrorCode, message: String) -> Response {
    let error: ServerError = coded(code, message);
    single_response(format, status, &GraphqlResponse::from_errors(vec![error]))
}

fn refuse_with(format: Format, refusal: Refusal) -> Response {
    let mut error: ServerError = coded(refusal.code, refusal.message);
    if let (Some(seconds), Some(extensions)) = (refusal.retry_after, error.extensions.as_mut()) {
        extensions.set("retryAfter", seconds);
    }
    let mut response = single_response(format, refusal.status, &GraphqlResponse::from_errors(vec![error]));
    if let Some(seconds) = refusal.retry_after {
        response.headers_mut().insert("retry-after", HeaderValue::from(seconds));
    }
    if refusal.status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert("www-authenticate", HeaderValue::from_static("Bearer"));
    }
    response
}

fn json_response(format: Format, status: StatusCode, body: &impl serde::Serialize) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (status, [(CONTENT_TYPE, format.content_type())], bytes).into_response(),
        Err(error) => {
            tracing::error!(%error, "no se pudo serializar la respuesta");
            (StatusCode::INTERNAL_SERVER_ERROR, "error interno del servidor").into_response()
        }
    }
}
