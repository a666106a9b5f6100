//! Access through the API: login, tokens, private data, the audit log, rate
//! limits, security headers.

use serde_json::{json, Value};
use sugit::access::Role;
use sugit_tests::{backend_tests, error_codes, StatusCode, TestApp, PASSWORD};

const LOGIN: &str =
    "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token user { email role } } }";
const ME: &str = "{ me { email role entity { code name } organisation { code } } }";

async fn login_gives_a_token_that_identifies_the_user(app: &TestApp) {
    app.create_user("ana@medellin.gov.co", Role::Territorial, Some("05001"), None).await;
    let data = app.query_ok(LOGIN, json!({ "e": "  ANA@Medellin.gov.co ", "p": PASSWORD })).await;
    assert_eq!(data["login"]["user"]["role"], "TERRITORIAL");
    let token = data["login"]["token"].as_str().expect("token");
    let (_, body) = app.graphql_as(Some(token), ME, json!({})).await;
    assert_eq!(body["data"]["me"]["email"], "ana@medellin.gov.co");
    assert_eq!(body["data"]["me"]["entity"], json!({ "code": "05001", "name": "MEDELLÍN" }));
    let (_, body) = app.graphql(ME, json!({})).await;
    assert_eq!(body["data"]["me"], Value::Null, "anonymous has no me");
}

async fn wrong_password_and_unknown_email_answer_alike(app: &TestApp) {
    app.create_user("luis@dnp.gov.co", Role::National, None, Some("DNP")).await;
    let (wrong_status, wrong) =
        app.graphql(LOGIN, json!({ "e": "luis@dnp.gov.co", "p": "no es la clave" })).await;
    let (unknown_status, unknown) =
        app.graphql(LOGIN, json!({ "e": "nadie@dnp.gov.co", "p": PASSWORD })).await;
    assert_eq!(wrong_status, unknown_status);
    assert_eq!(error_codes(&wrong), ["UNAUTHENTICATED"]);
    assert_eq!(wrong["errors"][0]["message"], unknown["errors"][0]["message"]);
    assert_eq!(wrong["errors"][0]["message"], "correo o contraseña incorrectos");

    // A deactivated user cannot tell it was deactivated from the login answer.
    let admin_token = admin(app).await;
    let users = app
        .graphql_as(Some(&admin_token), "{ users(first: 100) { edges { node { id email } } } }", json!({}))
        .await
        .1;
    let luis = users["data"]["users"]["edges"]
        .as_array()
        .and_then(|edges| edges.iter().find(|e| e["node"]["email"] == "luis@dnp.gov.co"))
        .map(|e| e["node"]["id"].clone())
        .expect("luis is listed");
    let (_, body) = app
        .graphql_as(
            Some(&admin_token),
            "mutation($id: ID!) { setUserActive(id: $id, active: false) { user { active } } }",
            json!({ "id": luis }),
        )
        .await;
    assert_eq!(body["data"]["setUserActive"]["user"]["active"], false, "{body}");
    let (_, body) = app.graphql(LOGIN, json!({ "e": "luis@dnp.gov.co", "p": PASSWORD })).await;
    assert_eq!(body["errors"][0]["message"], "correo o contraseña incorrectos");
}

async fn admin(app: &TestApp) -> String {
    app.create_user("admin@sugit.gov.co", Role::Admin, None, None).await;
    app.login("admin@sugit.gov.co").await
}

async fn revoked_expired_and_malformed_tokens_are_unauthenticated(app: &TestApp) {
    app.create_user("sec@funcionpublica.gov.co", Role::Secretariat, None, Some("DAFP")).await;
    let session = app.login("sec@funcionpublica.gov.co").await;

    // An API token, shown once, works like a session.
    let (_, body) = app
        .graphql_as(Some(&session), r#"mutation { createApiToken(name: "sistema de actas", expiresInDays: 30) { token accessToken { id kind name expiresAt } } }"#, json!({}))
        .await;
    let api_token = body["data"]["createApiToken"]["token"].as_str().expect("api token").to_owned();
    let api_token_id = body["data"]["createApiToken"]["accessToken"]["id"].clone();
    assert_eq!(body["data"]["createApiToken"]["accessToken"]["kind"], "API");
    let (status, body) = app.graphql_as(Some(&api_token), ME, json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"]["me"]["organisation"]["code"], "DAFP");

    // Listed without its secret.
    let (_, body) = app
        .graphql_as(Some(&session), "{ accessTokens { totalCount edges { node { id kind } } } }", json!({}))
        .await;
    assert_eq!(body["data"]["accessTokens"]["totalCount"], 2);
    assert!(!body.to_string().contains(&api_token), "the secret is never shown again");

    // Revoked: refused from then on.
    let (_, body) = app
        .graphql_as(
            Some(&session),
            "mutation($id: ID!) { revokeToken(id: $id) { accessToken { revokedAt } } }",
            json!({ "id": api_token_id }),
        )
        .await;
    assert!(body["data"]["revokeToken"]["accessToken"]["revokedAt"].is_string(), "{body}");
    let (status, body) = app.graphql_as(Some(&api_token), ME, json!({})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(error_codes(&body), ["UNAUTHENTICATED"]);

    // Logged out: the session is refused too.
    let (_, body) =
        app.graphql_as(Some(&session), "mutation { logout { accessToken { revokedAt } } }", json!({})).await;
    assert!(body["data"]["logout"]["accessToken"]["revokedAt"].is_string(), "{body}");
    let (status, _) = app.graphql_as(Some(&session), ME, json!({})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Expired: a session whose time has passed.
    let expiring = app.login("sec@funcionpublica.gov.co").await;
    {
        use sea_orm::ConnectionTrait;
        let db = app.database().await;
        let past = "2000-01-01T00:00:00Z";
        let sql = match app.backend {
            sugit_tests::Backend::Sqlite => {
                format!("UPDATE access_token SET expires_at = '{past}' WHERE revoked_at IS NULL")
            }
            sugit_tests::Backend::PostgresRedis => {
                format!("UPDATE access_token SET expires_at = '{past}'::timestamptz WHERE revoked_at IS NULL")
            }
        };
        db.execute_unprepared(&sql).await.expect("expire tokens");
    }
    let (status, body) = app.graphql_as(Some(&expiring), ME, json!({})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");

    // Garbage in the header.
    for header in ["Basic abc", "Bearer", "sgt_sin_esquema"] {
        let response = app
            .client
            .post(app.url("/graphql"))
            .header("authorization", header)
            .json(&json!({ "query": ME }))
            .send()
            .await
            .expect("answer");
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{header}");
    }
}

async fn private_data_needs_the_right_role(app: &TestApp) {
    app.create_user("ana@medellin.gov.co", Role::Territorial, Some("05001"), None).await;
    let territorial = app.login("ana@medellin.gov.co").await;
    for query in
        ["{ users { totalCount } }", "{ auditLog { totalCount } }", "{ accessTokens { totalCount } }"]
    {
        let (_, body) = app.graphql(query, json!({})).await;
        assert_eq!(error_codes(&body), ["UNAUTHENTICATED"], "anonymous {query}: {body}");
    }
    for query in ["{ users { totalCount } }", "{ auditLog { totalCount } }"] {
        let (_, body) = app.graphql_as(Some(&territorial), query, json!({})).await;
        assert_eq!(error_codes(&body), ["FORBIDDEN"], "territorial {query}: {body}");
    }
    // The catalogue of organisations is public, with the commission's seven members.
    let data = app
        .query_ok(
            "{ organisations(first: 100) { totalCount edges { node { code commissionMember } } } }",
            json!({}),
        )
        .await;
    let members: Vec<&str> = data["organisations"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .filter(|e| e["node"]["commissionMember"] == true)
        .filter_map(|e| e["node"]["code"].as_str())
        .collect();
    assert_eq!(members.len(), 7, "{members:?}");
    for code in ["DNP", "DAFP", "APC", "ESAP", "MININTERIOR", "MINHACIENDA", "DAPRE"] {
        assert!(members.contains(&code), "{code}");
    }
}

async fn every_write_is_audited_and_the_log_cannot_be_rewritten(app: &TestApp) {
    let admin_token = admin(app).await;
    let (_, body) = app
        .graphql_as(
            Some(&admin_token),
            r#"mutation { updateTerritorialEntity(code: "05001", input: { category: SPECIAL, capacityGroup: CAPITALS }) { territorialEntity { category capacityGroup } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(body["data"]["updateTerritorialEntity"]["territorialEntity"]["category"], "SPECIAL", "{body}");
    let data =
        app.query_ok(r#"{ territorialEntity(code: "05001") { category capacityGroup } }"#, json!({})).await;
    assert_eq!(
        data["territorialEntity"],
        json!({ "category": "SPECIAL", "capacityGroup": "CAPITALS" }),
        "not a stale cache"
    );

    let (_, body) = app
        .graphql_as(
            Some(&admin_token),
            r#"{ auditLog(filter: { objectType: "territorial_entity", objectId: "05001" }) { totalCount edges { node { action actorLabel before after } } } }"#,
            json!({}),
        )
        .await;
    let entry = &body["data"]["auditLog"]["edges"][0]["node"];
    assert_eq!(entry["action"], "update_territorial_entity");
    assert_eq!(entry["actorLabel"], "admin@sugit.gov.co");
    assert_eq!(entry["before"]["category"], Value::Null);
    assert_eq!(entry["after"]["category"], "SPECIAL");

    let (_, body) = app
        .graphql_as(
            Some(&admin_token),
            r#"{ auditLog(filter: { action: "create_user" }) { edges { node { after } } } }"#,
            json!({}),
        )
        .await;
    let text = body.to_string();
    assert!(
        text.contains("admin@sugit.gov.co") && !text.contains("argon2"),
        "no password hash in the log: {text}"
    );

    use sea_orm::ConnectionTrait;
    let db = app.database().await;
    assert!(
        db.execute_unprepared("UPDATE audit_log SET actor_label = 'otro'").await.is_err(),
        "no rewriting"
    );
    assert!(db.execute_unprepared("DELETE FROM audit_log").await.is_err(), "no erasing");
}

async fn bad_user_input_writes_nothing(app: &TestApp) {
    let admin_token = admin(app).await;
    let create = "mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } } }";
    let cases = [
        json!({ "email": "no-es-correo", "name": "X", "role": "ADMIN", "password": PASSWORD }),
        json!({ "email": "x@y.co", "name": "X", "role": "ADMIN", "password": "corta" }),
        json!({ "email": "x@y.co", "name": "X", "role": "TERRITORIAL", "password": PASSWORD }),
        json!({ "email": "x@y.co", "name": "X", "role": "TERRITORIAL", "entityCode": "99999", "password": PASSWORD }),
        json!({ "email": "x@y.co", "name": "X", "role": "NATIONAL", "organisationCode": "NO-EXISTE", "password": PASSWORD }),
        json!({ "email": "x@y.co", "name": "X", "role": "PUBLIC", "password": PASSWORD }),
    ];
    for input in cases {
        let (_, body) = app.graphql_as(Some(&admin_token), create, json!({ "input": input })).await;
        assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{input}: {body}");
    }
    let (_, body) = app
        .graphql_as(Some(&admin_token), create, json!({ "input": { "email": "ADMIN@sugit.gov.co", "name": "Otro", "role": "ADMIN", "password": PASSWORD } }))
        .await;
    assert_eq!(error_codes(&body), ["CONFLICT"], "{body}");
    let (_, body) = app.graphql_as(Some(&admin_token), "{ users { totalCount } }", json!({})).await;
    assert_eq!(body["data"]["users"]["totalCount"], 1, "only the admin exists");
}

async fn security_headers_and_cors(app: &TestApp) {
    let response = app.client.get(app.url("/")).send().await.expect("home");
    let headers = response.headers();
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert!(headers["content-security-policy"].to_str().unwrap_or_default().contains("default-src 'self'"));
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("origin", "https://sitio-ajeno.example")
        .json(&json!({ "query": "{ me { email } }" }))
        .send()
        .await
        .expect("answer");
    assert!(
        response.headers().get("access-control-allow-origin").is_none(),
        "no origin is allowed by default"
    );
}

/// Polls `instance` with `token` until the token is refused, for at most
/// `deadline`; returns how long that took, or `None` if it was still accepted.
async fn refused_within(
    instance: &TestApp,
    token: &str,
    deadline: std::time::Duration,
) -> Option<std::time::Duration> {
    let started = std::time::Instant::now();
    loop {
        let (_, body) = instance.graphql_as(Some(token), ME, json!({})).await;
        if error_codes(&body) == ["UNAUTHENTICATED"] {
            return Some(started.elapsed());
        }
        if started.elapsed() > deadline {
            return None;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// A signed-in request does not read its session from the database every
/// time, yet a logout, a revoked token or a deactivated user stop working on
/// every instance within a second: the other instance learns it through the
/// outbox, not through its cache expiring.
async fn ended_sessions_stop_on_every_instance_within_a_second(app: &TestApp) {
    let sibling = app.spawn_sibling(None).await;
    let second = std::time::Duration::from_secs(1);
    app.create_user("eva@medellin.gov.co", Role::Territorial, Some("05001"), None).await;
    let admin_token = admin(app).await;

    // Logout on one instance; the other had verified (and kept) the session.
    let token = app.login("eva@medellin.gov.co").await;
    for _ in 0..3 {
        let (_, body) = sibling.graphql_as(Some(&token), ME, json!({})).await;
        assert_eq!(body["data"]["me"]["email"], "eva@medellin.gov.co", "{body}");
    }
    let (_, body) =
        app.graphql_as(Some(&token), "mutation { logout { accessToken { id } } }", json!({})).await;
    assert!(body.get("errors").is_none(), "{body}");
    assert!(
        refused_within(app, &token, std::time::Duration::ZERO).await.is_some(),
        "refused at once where it ended"
    );
    assert!(
        refused_within(&sibling, &token, second).await.is_some(),
        "the other instance still accepted a logged-out token"
    );

    // A deactivated user: every one of its sessions ends everywhere.
    let token = app.login("eva@medellin.gov.co").await;
    let (_, body) = sibling.graphql_as(Some(&token), ME, json!({})).await;
    assert_eq!(body["data"]["me"]["email"], "eva@medellin.gov.co", "{body}");
    let (_, me) = sibling.graphql_as(Some(&token), "{ me { id } }", json!({})).await;
    let (_, body) = sibling
        .graphql_as(
            Some(&admin_token),
            "mutation($id: ID!) { setUserActive(id: $id, active: false) { user { active } } }",
            json!({ "id": me["data"]["me"]["id"] }),
        )
        .await;
    assert_eq!(body["data"]["setUserActive"]["user"]["active"], false, "{body}");
    assert!(
        refused_within(app, &token, second).await.is_some(),
        "the first instance still accepted a deactivated user"
    );
    assert!(refused_within(&sibling, &token, std::time::Duration::ZERO).await.is_some());
}

/// A forgotten password: an administrator gives a temporary one, shown once; the old
/// password and the open sessions stop working, the temporary one signs in.
async fn an_administrator_resets_a_forgotten_password(app: &TestApp) {
    app.create_user("ana@medellin.gov.co", Role::Territorial, Some("05001"), None).await;
    let open_session = app.login("ana@medellin.gov.co").await;
    let admin_token = admin(app).await;
    let users = app
        .graphql_as(Some(&admin_token), "{ users(first: 100) { edges { node { id email } } } }", json!({}))
        .await
        .1;
    let ana = users["data"]["users"]["edges"]
        .as_array()
        .and_then(|edges| edges.iter().find(|e| e["node"]["email"] == "ana@medellin.gov.co"))
        .map(|e| e["node"]["id"].clone())
        .expect("ana is listed");
    let reset = "mutation($id: ID!) { resetUserPassword(id: $id) { user { email } temporaryPassword } }";
    let (_, body) = app.graphql_as(Some(&open_session), reset, json!({ "id": ana })).await;
    assert_eq!(error_codes(&body), ["FORBIDDEN"], "only an administrator resets: {body}");
    let (_, body) = app.graphql_as(Some(&open_session), ME, json!({})).await;
    assert_eq!(body["data"]["me"]["email"], "ana@medellin.gov.co", "a refused reset changes nothing");

    let (_, body) = app.graphql_as(Some(&admin_token), reset, json!({ "id": ana })).await;
    let temporary =
        body["data"]["resetUserPassword"]["temporaryPassword"].as_str().unwrap_or_default().to_owned();
    assert_eq!(temporary.chars().count(), 16, "{body}");
    let (_, body) = app.graphql_as(Some(&open_session), ME, json!({})).await;
    assert!(body["data"]["me"].is_null() || !error_codes(&body).is_empty(), "the open session ended: {body}");
    let (_, body) = app.graphql(LOGIN, json!({ "e": "ana@medellin.gov.co", "p": PASSWORD })).await;
    assert_eq!(error_codes(&body), ["UNAUTHENTICATED"], "the old password no longer works");
    let data = app.query_ok(LOGIN, json!({ "e": "ana@medellin.gov.co", "p": temporary })).await;
    assert_eq!(data["login"]["user"]["role"], "TERRITORIAL");
    // Not a demo instance: the login page lists no demo users.
    let data = app.query_ok("{ demoAccess { password } }", json!({})).await;
    assert_eq!(data["demoAccess"], Value::Null);
}

backend_tests!(
    an_administrator_resets_a_forgotten_password,
    login_gives_a_token_that_identifies_the_user,
    ended_sessions_stop_on_every_instance_within_a_second,
    wrong_password_and_unknown_email_answer_alike,
    revoked_expired_and_malformed_tokens_are_unauthenticated,
    private_data_needs_the_right_role,
    every_write_is_audited_and_the_log_cannot_be_rewritten,
    bad_user_input_writes_nothing,
    security_headers_and_cors,
);
