//! The authorisation matrix: every mutation of the schema × every role × own
//! and other scope. Each case is allowed, or refused with FORBIDDEN or
//! UNAUTHENTICATED and nothing in the database changed.
//!
//! The list of mutations comes from the served schema: a new mutation without
//! a rule here fails the test until someone decides who may call it.

use std::{collections::BTreeSet, future::Future, pin::Pin};

use sea_orm::{ConnectionTrait, FromQueryResult, JsonValue, Statement};
use serde_json::{json, Value};
use sugit::access::Role;
use sugit_tests::{error_codes, Backend, TestApp, PASSWORD};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    Territorial,
    National,
    Secretariat,
    Admin,
    /// A person of the Vitrina de las Regiones (self-registered).
    Person,
}

const EVERYONE: [Who; 6] =
    [Who::Anonymous, Who::Territorial, Who::National, Who::Secretariat, Who::Admin, Who::Person];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// The caller's own object (its entity, organisation, token).
    Own,
    /// Someone else's object of the same kind.
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Allowed,
    Refused(&'static str),
}

use Expect::{Allowed, Refused};
const FORBIDDEN: Expect = Refused("FORBIDDEN");
const UNAUTHENTICATED: Expect = Refused("UNAUTHENTICATED");

/// The users of the matrix: one per role, and another of the same kind for
/// the "other" scope.
struct Fixture<'a> {
    app: &'a TestApp,
}

fn email(who: Who, scope: Scope) -> &'static str {
    match (who, scope) {
        (Who::Territorial | Who::Anonymous, Scope::Own) => "ana@medellin.gov.co",
        (Who::Territorial | Who::Anonymous, Scope::Other) => "pedro@envigado.gov.co",
        (Who::National, Scope::Own) => "luis@dnp.gov.co",
        (Who::National, Scope::Other) => "marta@minhacienda.gov.co",
        (Who::Secretariat, _) => "sec@funcionpublica.gov.co",
        (Who::Admin, Scope::Own) => "admin@sugit.gov.co",
        (Who::Admin, Scope::Other) => "ana@medellin.gov.co",
        (Who::Person, Scope::Own) => "persona@correo.co",
        (Who::Person, Scope::Other) => "otra.persona@correo.co",
    }
}

impl Fixture<'_> {
    async fn create_users(&self) {
        let app = self.app;
        app.create_user("admin@sugit.gov.co", Role::Admin, None, None).await;
        app.create_user("ana@medellin.gov.co", Role::Territorial, Some("05001"), None).await;
        app.create_user("pedro@envigado.gov.co", Role::Territorial, Some("05266"), None).await;
        app.create_user("luis@dnp.gov.co", Role::National, None, Some("DNP")).await;
        app.create_user("marta@minhacienda.gov.co", Role::National, None, Some("MINHACIENDA")).await;
        app.create_user("sec@funcionpublica.gov.co", Role::Secretariat, None, Some("DAFP")).await;
        app.create_user("gob@antioquia.gov.co", Role::Territorial, Some("05"), None).await;
        // The catalogue's rules below make versions; from the first one on, talent's
        // competencies must be catalogue codes: the one the talent inputs name comes first.
        let dnp = app.login("luis@dnp.gov.co").await;
        let (_, body) = app
            .graphql_as(
                Some(&dnp),
                "mutation($input: ProposeCatalogueChangeInput!) { proposeCatalogueChange(input: $input) { proposal { id } } }",
                json!({ "input": catalogue_addition("HACIENDA", "COMPETENCY", None) }),
            )
            .await;
        self.approve_proposal(
            body["data"]["proposeCatalogueChange"]["proposal"]["id"].as_str().expect("proposal"),
        )
        .await;
        for scope in [Scope::Own, Scope::Other] {
            let person = app.register_person(email(Who::Person, scope), "Persona de la matriz").await;
            let (_, body) = app
                .graphql_as(
                    Some(&person),
                    "mutation($input: TalentProfileInput!) { saveTalentProfile(input: $input) { profile { education } } }",
                    json!({ "input": talent_profile_input() }),
                )
                .await;
            assert!(body.get("errors").is_none(), "{body}");
        }
        let admin = self.app.login("admin@sugit.gov.co").await;
        let (_, body) = self
            .app
            .graphql_as(
                Some(&admin),
                "mutation($input: RegisterRequirementInput!) { registerRequirement(input: $input) { requirement { code } } }",
                json!({ "input": {
                    "code": "REQ_MATRIZ", "name": "Requerimiento de la matriz", "issuerCode": "DNP",
                    "legalBasis": "Prueba", "periodicity": "ANNUAL", "entityKinds": ["MUNICIPALITY", "DISTRICT", "DEPARTMENT"],
                    "newDataElements": [{ "code": "ELEMENTO_MATRIZ", "name": "Elemento de la matriz",
                        "description": "Un número", "unit": "unidades", "valueType": "INTEGER", "competency": "PRUEBA" }],
                } }),
            )
            .await;
        assert_eq!(body["data"]["registerRequirement"]["requirement"]["code"], "REQ_MATRIZ", "{body}");
    }

    /// A new offer of `organisation`, made by the administrator, in `status`
    /// (DRAFT, PUBLISHED).
    async fn offer(&self, organisation: &str, published: bool) -> String {
        let admin = self.admin_token().await;
        let (_, body) = self
            .app
            .graphql_as(
                Some(&admin),
                "mutation($input: OfferInputObject!) { createOffer(input: $input) { offer { id } } }",
                json!({ "input": offer_input(Some(organisation)) }),
            )
            .await;
        let id = body["data"]["createOffer"]["offer"]["id"].as_str().expect("offer").to_owned();
        if published {
            let (_, body) = self
                .app
                .graphql_as(
                    Some(&admin),
                    "mutation($id: ID!) { publishOffer(id: $id) { offer { id } } }",
                    json!({ "id": id }),
                )
                .await;
            assert!(body.get("errors").is_none(), "{body}");
        }
        id
    }

    /// A new demand of `entity`, made by the administrator.
    async fn demand(&self, entity: &str) -> String {
        let admin = self.admin_token().await;
        let (_, body) = self
            .app
            .graphql_as(
                Some(&admin),
                "mutation($input: DemandInputObject!) { createDemand(input: $input) { demand { id } } }",
                json!({ "input": demand_input(entity) }),
            )
            .await;
        body["data"]["createDemand"]["demand"]["id"].as_str().expect("demand").to_owned()
    }

    /// A published offer of `organisation` assigned to a new demand of `entity`, by the administrator.
    async fn assignment(&self, organisation: &str, entity: &str) -> (String, String) {
        let (offer, demand) = (self.offer(organisation, true).await, self.demand(entity).await);
        let (_, body) = self
            .app
            .graphql_as(
                Some(&self.admin_token().await),
                "mutation($o: ID!, $d: ID!) { assignOffer(offerId: $o, demandId: $d) { demand { id } } }",
                json!({ "o": offer, "d": demand }),
            )
            .await;
        assert!(body.get("errors").is_none(), "{body}");
        (offer, demand)
    }

    /// A delivery to a new demand of `entity`, recorded by the administrator.
    async fn delivery(&self, entity: &str) -> String {
        let (offer, demand) = self.assignment("DNP", entity).await;
        let (_, body) = self
            .app
            .graphql_as(
                Some(&self.admin_token().await),
                "mutation($input: RecordDeliveryInput!) { recordDelivery(input: $input) { delivery { id } } }",
                json!({ "input": delivery_input(&offer, &demand) }),
            )
            .await;
        body["data"]["recordDelivery"]["delivery"]["id"].as_str().expect("delivery").to_owned()
    }

    /// A consultation between the territorial user of `scope` and the
    /// organisation of `scope`'s offer, opened by that territorial user.
    async fn thread(&self, scope: Scope) -> String {
        let offer = self.offer(offer_owner(scope), true).await;
        let asker = self.app.login(email(Who::Territorial, scope)).await;
        let (_, body) = self
            .app
            .graphql_as(
                Some(&asker),
                "mutation($input: OpenConsultationInput!) { openConsultation(input: $input) { thread { id } } }",
                json!({ "input": consultation_input(&offer, consultation_entity(scope)) }),
            )
            .await;
        body["data"]["openConsultation"]["thread"]["id"].as_str().expect("thread").to_owned()
    }

    /// A pending proposal of a new competency, made by DNP.
    async fn catalogue_proposal(&self) -> String {
        let dnp = self.app.login("luis@dnp.gov.co").await;
        let (_, body) = self
            .app
            .graphql_as(
                Some(&dnp),
                "mutation($input: ProposeCatalogueChangeInput!) { proposeCatalogueChange(input: $input) { proposal { id } } }",
                json!({ "input": catalogue_addition(&unique("C").to_uppercase(), "COMPETENCY", None) }),
            )
            .await;
        body["data"]["proposeCatalogueChange"]["proposal"]["id"].as_str().expect("proposal").to_owned()
    }

    /// Approves `proposal` as Función Pública.
    async fn approve_proposal(&self, proposal: &str) {
        let (_, body) = self
            .app
            .graphql_as(
                Some(&self.secretariat_token().await),
                "mutation($ids: [ID!]!) { approveCatalogueChanges(input: { proposalIds: $ids, effectiveOn: \"2026-01-01\", note: \"Matriz\" }) { version { number } } }",
                json!({ "ids": [proposal] }),
            )
            .await;
        assert!(body.get("errors").is_none(), "{body}");
    }

    /// A new programmatic unit of the current catalogue (and its competency).
    async fn catalogue_unit(&self) -> String {
        let competency = unique("C").to_uppercase();
        let dnp = self.app.login("luis@dnp.gov.co").await;
        let propose = "mutation($input: ProposeCatalogueChangeInput!) { proposeCatalogueChange(input: $input) { proposal { id } } }";
        let (_, body) = self
            .app
            .graphql_as(
                Some(&dnp),
                propose,
                json!({ "input": catalogue_addition(&competency, "COMPETENCY", None) }),
            )
            .await;
        self.approve_proposal(
            body["data"]["proposeCatalogueChange"]["proposal"]["id"].as_str().expect("proposal"),
        )
        .await;
        let unit = format!("{competency}-01");
        let (_, body) = self
            .app
            .graphql_as(
                Some(&dnp),
                propose,
                json!({ "input": catalogue_addition(&unit, "UNIT", Some(&competency)) }),
            )
            .await;
        self.approve_proposal(
            body["data"]["proposeCatalogueChange"]["proposal"]["id"].as_str().expect("proposal"),
        )
        .await;
        unit
    }

    /// A legacy account mapped (by Función Pública) to a new unit of the catalogue.
    async fn mapped_account(&self) -> String {
        let unit = self.catalogue_unit().await;
        let account = legacy_account();
        let (_, body) = self
            .app
            .graphql_as(
                Some(&self.secretariat_token().await),
                "mutation($rows: [AccountMappingInput!]!) { setAccountMapping(rows: $rows) { accountCode } }",
                json!({ "rows": [{ "accountCode": account, "unitCode": unit }] }),
            )
            .await;
        assert!(body.get("errors").is_none(), "{body}");
        account
    }

    /// A new open vacancy of `entity`, published by the administrator.
    async fn vacancy(&self, entity: &str) -> String {
        let (_, body) = self
            .app
            .graphql_as(
                Some(&self.admin_token().await),
                "mutation($input: PublishVacancyInput!) { publishVacancy(input: $input) { vacancy { id } } }",
                json!({ "input": vacancy_input(entity) }),
            )
            .await;
        body["data"]["publishVacancy"]["vacancy"]["id"].as_str().expect("vacancy").to_owned()
    }

    /// An application of the person of `person` to a new vacancy of `entity`.
    async fn application(&self, person: Scope, entity: &str) -> String {
        let vacancy = self.vacancy(entity).await;
        let token = self.app.login(email(Who::Person, person)).await;
        let (_, body) = self
            .app
            .graphql_as(
                Some(&token),
                "mutation($v: ID!) { applyToVacancy(vacancyId: $v) { application { id } } }",
                json!({ "v": vacancy }),
            )
            .await;
        body["data"]["applyToVacancy"]["application"]["id"].as_str().expect("application").to_owned()
    }

    /// A new transfer offered for Abejorral by the administrator, agreed with `partner` when given.
    async fn transfer(&self, partner: Option<&str>) -> String {
        let admin = self.admin_token().await;
        let (_, body) = self
            .app
            .graphql_as(
                Some(&admin),
                "mutation($input: ProposeTransferInput!) { proposeTransfer(input: $input) { transfer { id } } }",
                json!({ "input": transfer_input("05002") }),
            )
            .await;
        let id = body["data"]["proposeTransfer"]["transfer"]["id"].as_str().expect("transfer").to_owned();
        if let Some(partner) = partner {
            let (_, body) = self
                .app
                .graphql_as(
                    Some(&admin),
                    "mutation($id: ID!, $e: String!) { agreeTransfer(id: $id, entityCode: $e) { transfer { id } } }",
                    json!({ "id": id, "e": partner }),
                )
                .await;
            assert!(body.get("errors").is_none(), "{body}");
        }
        id
    }

    async fn admin_token(&self) -> String {
        self.app.login("admin@sugit.gov.co").await
    }

    /// A new public indicator of DNP over the matrix's element; its code.
    async fn indicator(&self) -> String {
        let admin = self.admin_token().await;
        let code = unique("IND_").to_uppercase();
        let (_, body) = self
            .app
            .graphql_as(
                Some(&admin),
                "mutation($input: RegisterIndicatorInput!) { registerIndicator(input: $input) { indicator { code } } }",
                json!({ "input": {
                    "code": code, "name": "Indicador de la matriz", "competency": "PRUEBA",
                    "formula": "ELEMENTO_MATRIZ * 2", "unit": "unidades", "direction": "HIGHER_IS_BETTER",
                    "lowerThreshold": 1, "upperThreshold": 10, "periodicity": "ANNUAL",
                    "sourceNote": "Prueba", "ownerCode": "DNP",
                } }),
            )
            .await;
        assert!(body.get("errors").is_none(), "{body}");
        code
    }

    /// A new focalisation list of `organisation`, made by the administrator; its id.
    async fn focalisation_list(&self, organisation: &str) -> String {
        let admin = self.admin_token().await;
        let indicator = self.indicator().await;
        let (_, body) = self
            .app
            .graphql_as(
                Some(&admin),
                "mutation($input: CreateFocalisationListInput!) { createFocalisationList(input: $input) { focalisationList { id } } }",
                json!({ "input": { "name": "Lista de la matriz", "indicatorCode": indicator, "period": "2025", "ownerCode": organisation } }),
            )
            .await;
        body["data"]["createFocalisationList"]["focalisationList"]["id"].as_str().expect("list").to_owned()
    }

    async fn secretariat_token(&self) -> String {
        self.app.login("sec@funcionpublica.gov.co").await
    }

    /// A fresh session in the past; with `quorum`, four members attend.
    async fn session(&self, quorum: bool) -> String {
        let token = self.secretariat_token().await;
        let (_, body) = self
            .app
            .graphql_as(
                Some(&token),
                "mutation { convokeSession(input: { kind: ORDINARY, date: \"2026-02-10T14:00:00Z\", place: \"DNP\",
                    agenda: [{ title: \"Plan\", presenter: \"DAFP\" }] }) { session { id } } }",
                json!({}),
            )
            .await;
        let id = body["data"]["convokeSession"]["session"]["id"].as_str().expect("session").to_owned();
        if quorum {
            for member in ["DNP", "DAFP", "APC", "ESAP"] {
                let (_, body) = self
                    .app
                    .graphql_as(
                        Some(&token),
                        "mutation($s: ID!, $o: String!) { recordAttendance(sessionId: $s, organisationCode: $o) { session { id } } }",
                        json!({ "s": id, "o": member }),
                    )
                    .await;
                assert!(body.get("errors").is_none(), "{body}");
            }
        }
        id
    }

    async fn decision(&self) -> String {
        let session = self.session(true).await;
        let (_, body) = self
            .app
            .graphql_as(
                Some(&self.secretariat_token().await),
                "mutation($s: ID!) { recordDecision(sessionId: $s, title: \"Decisión\") { decision { id } } }",
                json!({ "s": session }),
            )
            .await;
        body["data"]["recordDecision"]["decision"]["id"].as_str().expect("decision").to_owned()
    }

    /// A decision of a held session, adopted 3–0 with its vote closed.
    async fn adopted_decision(&self) -> String {
        let decision = self.decision().await;
        let token = self.secretariat_token().await;
        for member in ["DNP", "DAFP", "APC"] {
            let (_, body) = self
                .app
                .graphql_as(
                    Some(&token),
                    "mutation($d: ID!, $o: String!) { recordVote(decisionId: $d, organisationCode: $o, vote: FOR) { decision { id } } }",
                    json!({ "d": decision, "o": member }),
                )
                .await;
            assert!(body.get("errors").is_none(), "{body}");
        }
        let (_, body) = self
            .app
            .graphql_as(
                Some(&token),
                "mutation($d: ID!) { closeVote(decisionId: $d) { decision { outcome } } }",
                json!({ "d": decision }),
            )
            .await;
        assert_eq!(body["data"]["closeVote"]["decision"]["outcome"], "ADOPTED", "{body}");
        decision
    }

    /// A user of its own, so resetting its password signs no fixture user out.
    async fn fresh_user(&self) -> String {
        // First in e-mail order, so the first page of `users` lists it.
        let email = format!("{}@medellin.gov.co", unique("aaa"));
        self.app.create_user(&email, Role::Territorial, Some("05001"), None).await;
        self.user_id(&email).await
    }

    /// A new organisation, registered by the administrator.
    async fn organisation(&self) -> String {
        let code = unique("ORG").to_uppercase();
        let (_, body) = self
            .app
            .graphql_as(
                Some(&self.admin_token().await),
                "mutation($input: CreateOrganisationInput!) { createOrganisation(input: $input) { organisation { code } } }",
                json!({ "input": { "code": code, "name": "Asociación nueva", "kind": "ASSOCIATION" } }),
            )
            .await;
        assert!(body.get("errors").is_none(), "{body}");
        code
    }

    async fn commitment(&self, responsible: &str) -> String {
        let session = self.session(false).await;
        let (_, body) = self
            .app
            .graphql_as(
                Some(&self.secretariat_token().await),
                "mutation($input: AddCommitmentInput!) { addCommitment(input: $input) { commitment { id } } }",
                json!({ "input": { "sessionId": session, "description": "Compromiso", "responsibleCode": responsible, "dueDate": "2099-01-01" } }),
            )
            .await;
        body["data"]["addCommitment"]["commitment"]["id"].as_str().expect("commitment").to_owned()
    }

    /// A fresh element in the catalogue, made by the administrator.
    async fn new_element(&self) -> String {
        let code = unique("E_").to_uppercase();
        let (_, body) = self
            .app
            .graphql_as(
                Some(&self.admin_token().await),
                "mutation($input: DataElementInput!) { createDataElement(input: $input) { dataElement { code } } }",
                json!({ "input": element_input(&code) }),
            )
            .await;
        assert_eq!(body["data"]["createDataElement"]["dataElement"]["code"], code.as_str(), "{body}");
        code
    }

    /// A fresh conflict on Medellín's element in a period of its own: Medellín
    /// says 1, Antioquia says 2. Returns the observation and the department's value.
    async fn new_conflict(&self, period: u32) -> (String, String) {
        let submit = "mutation($input: SubmitReportInput!) { submitReport(input: $input) { conflicts } }";
        for (email, reporter, value) in
            [("ana@medellin.gov.co", "05001", "1"), ("gob@antioquia.gov.co", "05", "2")]
        {
            let token = self.app.login(email).await;
            let (_, body) = self
                .app
                .graphql_as(
                    Some(&token),
                    submit,
                    json!({ "input": {
                        "entityCode": reporter, "period": period.to_string(), "requirementCode": "REQ_MATRIZ",
                        "idempotencyKey": unique("k"), "values": [{ "dataElementCode": "ELEMENTO_MATRIZ", "value": value, "subjectCode": "05001" }],
                    } }),
                )
                .await;
            assert!(body.get("errors").is_none(), "{body}");
        }
        let period_text = period.to_string();
        let (_, body) = self
            .app
            .graphql(
                r#"{ dataConflicts(subjectCode: "05001", first: 100) { edges { node { observationId period values { id reporterCode } } } } }"#,
                json!({}),
            )
            .await;
        let conflict = body["data"]["dataConflicts"]["edges"]
            .as_array()
            .and_then(|edges| edges.iter().find(|e| e["node"]["period"] == period_text.as_str()))
            .map(|e| e["node"].clone())
            .expect("the conflict is listed");
        let value = conflict["values"]
            .as_array()
            .and_then(|values| values.iter().find(|v| v["reporterCode"] == "05"))
            .and_then(|v| v["id"].as_str())
            .expect("the department's value")
            .to_owned();
        (conflict["observationId"].as_str().expect("id").to_owned(), value)
    }

    /// A new training module of `organisation` (two lessons, one question),
    /// made by the administrator, published when asked.
    async fn training_module(&self, organisation: &str, published: bool) -> String {
        let admin = self.admin_token().await;
        let (_, body) = self
            .app
            .graphql_as(
                Some(&admin),
                "mutation($input: TrainingModuleInput!) { createTrainingModule(input: $input) { module { id } } }",
                json!({ "input": {
                    "organisationCode": organisation, "title": "Módulo de la matriz",
                    "summary": "Un módulo para probar quién puede hacer qué.", "objectives": "Probar",
                    "topic": "prueba", "targetKinds": ["MUNICIPALITY", "DISTRICT"], "hours": 2, "passMark": 50,
                    "maxAttempts": 3,
                    "lessons": [{ "title": "Uno", "body": "Texto" }, { "title": "Dos", "body": "Texto" }],
                    "questions": [{ "prompt": "¿Sí?", "options": ["Sí", "No"], "correctOption": 0 }],
                } }),
            )
            .await;
        let id = body["data"]["createTrainingModule"]["module"]["id"].as_str().expect("module").to_owned();
        if published {
            let (_, body) = self
                .app
                .graphql_as(
                    Some(&admin),
                    "mutation($id: ID!) { publishTrainingModule(id: $id) { module { id } } }",
                    json!({ "id": id }),
                )
                .await;
            assert!(body.get("errors").is_none(), "{body}");
        }
        id
    }

    /// A published module in which `email`, a territorial user, is enrolled
    /// with every lesson done (ready for the assessment).
    async fn enrolled_module(&self, email: &str) -> String {
        let id = self.training_module("DNP", true).await;
        let token = self.app.login(email).await;
        for (query, variables) in [
            (
                "mutation($m: ID!) { enrolInTrainingModule(moduleId: $m) { enrolment { id } } }",
                json!({ "m": id }),
            ),
            (
                "mutation($m: ID!) { completeLesson(moduleId: $m, lesson: 1) { enrolment { id } } }",
                json!({ "m": id }),
            ),
            (
                "mutation($m: ID!) { completeLesson(moduleId: $m, lesson: 2) { enrolment { id } } }",
                json!({ "m": id }),
            ),
        ] {
            let (_, body) = self.app.graphql_as(Some(&token), query, variables).await;
            assert!(body.get("errors").is_none(), "{body}");
        }
        id
    }

    /// An accompaniment programme for Medellín accompanied by `organisation`,
    /// with Medellín's ELEMENTO_MATRIZ reported for 1999 (a goal's baseline).
    async fn programme(&self, organisation: &str) -> String {
        let ana = self.app.login("ana@medellin.gov.co").await;
        let (_, body) = self
            .app
            .graphql_as(
                Some(&ana),
                "mutation($input: SubmitReportInput!) { submitReport(input: $input) { accepted } }",
                json!({ "input": {
                    "entityCode": "05001", "period": "1999", "requirementCode": "REQ_MATRIZ", "idempotencyKey": "linea-base-1999",
                    "values": [{ "dataElementCode": "ELEMENTO_MATRIZ", "value": "1", "subjectCode": "05001" }],
                } }),
            )
            .await;
        assert!(body.get("errors").is_none(), "{body}");
        let (_, body) = self
            .app
            .graphql_as(
                Some(&self.secretariat_token().await),
                "mutation($input: AccompanimentProgrammeInput!) { createAccompanimentProgramme(input: $input) { programme { id } } }",
                json!({ "input": programme_input(organisation) }),
            )
            .await;
        body["data"]["createAccompanimentProgramme"]["programme"]["id"]
            .as_str()
            .expect("programme")
            .to_owned()
    }

    /// A new mentor of `organisation` and a new mentoring request of
    /// `entity`, not matched yet, by the administrator: (mentor, request).
    async fn mentor_and_request(&self, entity: &str, organisation: &str) -> (String, String) {
        let admin = self.admin_token().await;
        let (_, body) = self
            .app
            .graphql_as(
                Some(&admin),
                "mutation($input: MentorInput!) { registerMentor(input: $input) { mentor { id } } }",
                json!({ "input": mentor_input(Some(organisation)) }),
            )
            .await;
        let mentor = body["data"]["registerMentor"]["mentor"]["id"].as_str().expect("mentor").to_owned();
        let (_, body) = self
            .app
            .graphql_as(
                Some(&admin),
                "mutation($e: String!) { requestMentoring(entityCode: $e, topic: \"regalías\", need: \"Formular un proyecto de regalías\") { request { id } } }",
                json!({ "e": entity }),
            )
            .await;
        let request = body["data"]["requestMentoring"]["request"]["id"].as_str().expect("request").to_owned();
        (mentor, request)
    }

    /// A new mentoring request of `entity` matched with a new mentor of `organisation`.
    async fn mentoring_request(&self, entity: &str, organisation: &str) -> String {
        let (mentor, request) = self.mentor_and_request(entity, organisation).await;
        let (_, body) = self
            .app
            .graphql_as(
                Some(&self.admin_token().await),
                "mutation($r: ID!, $m: ID!) { assignMentor(requestId: $r, mentorId: $m) { request { id } } }",
                json!({ "r": request, "m": mentor }),
            )
            .await;
        assert!(body.get("errors").is_none(), "{body}");
        request
    }

    /// A logged session on a new matched request of `entity`.
    async fn mentoring_session(&self, entity: &str) -> String {
        let request = self.mentoring_request(entity, "DNP").await;
        let (_, body) = self
            .app
            .graphql_as(
                Some(&self.admin_token().await),
                "mutation($r: ID!) { logMentoringSession(requestId: $r, heldOn: \"2026-01-15\", hours: 2, notes: \"Sesión de la matriz\") { session { id } } }",
                json!({ "r": request }),
            )
            .await;
        body["data"]["logMentoringSession"]["session"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{body}"))
            .to_owned()
    }

    /// A fresh session for the caller (none for anonymous).
    async fn token(&self, who: Who) -> Option<String> {
        match who {
            Who::Anonymous => None,
            _ => Some(self.app.login(email(who, Scope::Own)).await),
        }
    }

    /// The id of a new API token owned by the user `email`.
    async fn token_id_of(&self, email: &str) -> String {
        let token = self.app.login(email).await;
        let (_, body) = self
            .app
            .graphql_as(
                Some(&token),
                r#"mutation { createApiToken(name: "matriz") { accessToken { id } } }"#,
                json!({}),
            )
            .await;
        body["data"]["createApiToken"]["accessToken"]["id"].as_str().expect("token id").to_owned()
    }

    async fn user_id(&self, email: &str) -> String {
        let admin = self.app.login("admin@sugit.gov.co").await;
        let (_, body) = self
            .app
            .graphql_as(Some(&admin), "{ users(first: 100) { edges { node { id email } } } }", json!({}))
            .await;
        body["data"]["users"]["edges"]
            .as_array()
            .and_then(|edges| edges.iter().find(|edge| edge["node"]["email"] == email))
            .and_then(|edge| edge["node"]["id"].as_str())
            .expect("user listed")
            .to_owned()
    }
}

/// One call to make: the operation, its variables and the caller's token.
struct Case {
    query: &'static str,
    variables: Value,
    token: Option<String>,
}

type CaseFuture<'a> = Pin<Box<dyn Future<Output = Case> + Send + 'a>>;

struct Rule {
    mutation: &'static str,
    scopes: &'static [Scope],
    expect: fn(Who, Scope) -> Expect,
    case: for<'a> fn(&'a Fixture<'a>, Who, Scope) -> CaseFuture<'a>,
}

fn signed_in(who: Who, _: Scope) -> Expect {
    if who == Who::Anonymous {
        UNAUTHENTICATED
    } else {
        Allowed
    }
}

fn admin_only(who: Who, _: Scope) -> Expect {
    match who {
        Who::Anonymous => UNAUTHENTICATED,
        Who::Admin => Allowed,
        _ => FORBIDDEN,
    }
}

/// A national entity's own things (DNP's for the matrix's national user), or any for an administrator.
fn national_own_or_admin(who: Who, scope: Scope) -> Expect {
    match (who, scope) {
        (Who::Anonymous, _) => UNAUTHENTICATED,
        (Who::Admin, _) | (Who::National, Scope::Own) => Allowed,
        _ => FORBIDDEN,
    }
}

fn element_input(code: &str) -> Value {
    json!({ "code": code, "name": format!("Elemento {code}"), "description": "Para la matriz",
            "unit": "unidades", "valueType": "NUMBER", "competency": "PRUEBA" })
}

static PERIOD: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(2001);

fn secretariat_only(who: Who, _: Scope) -> Expect {
    match who {
        Who::Anonymous => UNAUTHENTICATED,
        Who::Secretariat => Allowed,
        _ => FORBIDDEN,
    }
}

/// The secretariat for any member, or a national user for its own organisation.
fn secretariat_or_own_national(who: Who, scope: Scope) -> Expect {
    match (who, scope) {
        (Who::Anonymous, _) => UNAUTHENTICATED,
        (Who::Secretariat, _) | (Who::National, Scope::Own) => Allowed,
        _ => FORBIDDEN,
    }
}

fn unique(prefix: &str) -> String {
    format!("{prefix}{}", &uuid::Uuid::new_v4().simple().to_string()[..10])
}

/// A legacy account no other case uses: `M.` and ten upper-case hex digits.
fn legacy_account() -> String {
    unique("M.").to_uppercase()
}

const RULES: &[Rule] = &[
    Rule {
        mutation: "login",
        scopes: &[Scope::Own],
        expect: |_, _| Allowed,
        case: |_, who, scope| {
            Box::pin(async move {
                Case {
                    query: "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
                    variables: json!({ "e": email(who, scope), "p": PASSWORD }),
                    token: None,
                }
            })
        },
    },
    Rule {
        mutation: "logout",
        scopes: &[Scope::Own],
        expect: signed_in,
        case: |fx, who, _| {
            Box::pin(async move {
                Case {
                    query: "mutation { logout { accessToken { id } } }",
                    variables: json!({}),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "createApiToken",
        scopes: &[Scope::Own],
        expect: signed_in,
        case: |fx, who, _| {
            Box::pin(async move {
                Case {
                    query: r#"mutation { createApiToken(name: "integración") { token } }"#,
                    variables: json!({}),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "revokeToken",
        scopes: &[Scope::Own, Scope::Other],
        expect: |who, scope| match (who, scope) {
            (Who::Anonymous, _) => UNAUTHENTICATED,
            (_, Scope::Own) | (Who::Admin, Scope::Other) => Allowed,
            (_, Scope::Other) => FORBIDDEN,
        },
        case: |fx, who, scope| {
            Box::pin(async move {
                let owner = match (who, scope) {
                    (Who::Anonymous, _) => email(Who::Territorial, Scope::Own),
                    (Who::Secretariat, Scope::Other) => email(Who::National, Scope::Own),
                    _ => email(who, scope),
                };
                let id = fx.token_id_of(owner).await;
                Case {
                    query: "mutation($id: ID!) { revokeToken(id: $id) { accessToken { revokedAt } } }",
                    variables: json!({ "id": id }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "createUser",
        scopes: &[Scope::Own],
        expect: admin_only,
        case: |fx, who, _| {
            Box::pin(async move {
                Case {
                    query: "mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } } }",
                    variables: json!({ "input": {
                        "email": format!("{}@sugit.gov.co", unique("nuevo")), "name": "Nueva persona",
                        "role": "TERRITORIAL", "entityCode": "05001", "password": PASSWORD,
                    } }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "setUserActive",
        scopes: &[Scope::Own, Scope::Other],
        expect: admin_only,
        case: |fx, who, scope| {
            Box::pin(async move {
                let target = fx
                    .user_id(email(if who == Who::Anonymous { Who::Territorial } else { who }, scope))
                    .await;
                Case {
                    query: "mutation($id: ID!) { setUserActive(id: $id, active: true) { user { active } } }",
                    variables: json!({ "id": target }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "resetUserPassword",
        scopes: &[Scope::Own],
        expect: admin_only,
        case: |fx, who, _| {
            Box::pin(async move {
                Case {
                    query: "mutation($id: ID!) { resetUserPassword(id: $id) { temporaryPassword } }",
                    variables: json!({ "id": fx.fresh_user().await }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "createOrganisation",
        scopes: &[Scope::Own],
        expect: admin_only,
        case: |fx, who, _| {
            Box::pin(async move {
                Case {
                    query: "mutation($input: CreateOrganisationInput!) { createOrganisation(input: $input) { organisation { code } } }",
                    variables: json!({ "input": { "code": unique("ORG").to_uppercase(), "name": "Organización nueva", "kind": "UNIVERSITY" } }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "updateTerritorialEntity",
        scopes: &[Scope::Own, Scope::Other],
        expect: admin_only,
        case: |fx, who, scope| {
            Box::pin(async move {
                let code = if scope == Scope::Own { "05001" } else { "05266" };
                Case {
                    query: "mutation($code: String!) { updateTerritorialEntity(code: $code, input: { category: SIXTH }) { territorialEntity { category } } }",
                    variables: json!({ "code": code }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "setRapRegion",
        scopes: &[Scope::Own],
        expect: admin_only,
        case: |fx, who, _| {
            Box::pin(async move {
                Case {
                    query: "mutation($input: RapRegionInput!) { setRapRegion(input: $input) { rapRegion { code } } }",
                    variables: json!({ "input": { "code": unique("RAP_").to_uppercase(), "name": "Región de la matriz",
                        "departmentCodes": ["05"], "source": "Prueba", "sourceDate": "2026-01-01" } }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "removeRapRegion",
        scopes: &[Scope::Own],
        expect: admin_only,
        case: |fx, who, _| {
            Box::pin(async move {
                Case {
                    query: "mutation { removeRapRegion(code: \"RAP_CARIBE\") { rapRegion { code } } }",
                    variables: json!({}),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "createDataElement",
        scopes: &[Scope::Own],
        expect: admin_only,
        case: |fx, who, _| {
            Box::pin(async move {
                Case {
                    query: "mutation($input: DataElementInput!) { createDataElement(input: $input) { dataElement { code } } }",
                    variables: json!({ "input": element_input(&unique("E_").to_uppercase()) }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "updateDataElement",
        scopes: &[Scope::Own],
        expect: admin_only,
        case: |fx, who, _| {
            Box::pin(async move {
                Case {
                    query: r#"mutation($code: String!) { updateDataElement(code: $code, input: { name: "Nombre nuevo" }) { dataElement { version } } }"#,
                    variables: json!({ "code": fx.new_element().await }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "deprecateDataElement",
        scopes: &[Scope::Own],
        expect: admin_only,
        case: |fx, who, _| {
            Box::pin(async move {
                let (old, successor) = (fx.new_element().await, fx.new_element().await);
                Case {
                    query: "mutation($code: String!, $successor: String!) { deprecateDataElement(code: $code, successorCode: $successor) { dataElement { status } } }",
                    variables: json!({ "code": old, "successor": successor }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "registerRequirement",
        scopes: &[Scope::Own, Scope::Other],
        expect: |who, scope| match (who, scope) {
            (Who::Anonymous, _) => UNAUTHENTICATED,
            (Who::Admin, _) | (Who::National, Scope::Own) => Allowed,
            _ => FORBIDDEN,
        },
        case: |fx, who, scope| {
            Box::pin(async move {
                // A national user issues for its own organisation (DNP); "other" names another one.
                let issuer = match (who, scope) {
                    (Who::Admin, Scope::Own) => Some("DNP"),
                    (_, Scope::Other) => Some("MINHACIENDA"),
                    _ => None,
                };
                Case {
                    query: "mutation($input: RegisterRequirementInput!) { registerRequirement(input: $input) { requirement { code } } }",
                    variables: json!({ "input": {
                        "code": unique("R_").to_uppercase(), "name": "Requerimiento nuevo", "issuerCode": issuer,
                        "legalBasis": "Prueba", "periodicity": "ANNUAL", "entityKinds": ["MUNICIPALITY"],
                        "dataElementCodes": ["ELEMENTO_MATRIZ"],
                    } }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "submitReport",
        scopes: &[Scope::Own, Scope::Other],
        expect: |who, scope| match (who, scope) {
            (Who::Anonymous, _) => UNAUTHENTICATED,
            (Who::Territorial, Scope::Own) => Allowed,
            _ => FORBIDDEN,
        },
        case: |fx, who, scope| {
            Box::pin(async move {
                let entity = if scope == Scope::Own { "05001" } else { "05266" };
                let period = PERIOD.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                Case {
                    query:
                        "mutation($input: SubmitReportInput!) { submitReport(input: $input) { accepted } }",
                    variables: json!({ "input": {
                        "entityCode": entity, "period": period.to_string(), "requirementCode": "REQ_MATRIZ",
                        "idempotencyKey": unique("k"), "values": [{ "dataElementCode": "ELEMENTO_MATRIZ", "value": "7" }],
                    } }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "resolveConflict",
        scopes: &[Scope::Own, Scope::Other],
        expect: |who, scope| match (who, scope) {
            (Who::Anonymous, _) => UNAUTHENTICATED,
            (Who::Admin, _) | (Who::Territorial, Scope::Own) => Allowed,
            _ => FORBIDDEN,
        },
        case: |fx, who, scope| {
            Box::pin(async move {
                let period = PERIOD.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let (observation, value) = fx.new_conflict(period).await;
                // "Own" is Medellín's team; "other" is Envigado's, which has no say on Medellín's data.
                let token = match (who, scope) {
                    (Who::Territorial, Scope::Other) => Some(fx.app.login("pedro@envigado.gov.co").await),
                    _ => fx.token(who).await,
                };
                Case {
                    query: "mutation($o: ID!, $v: ID!) { resolveConflict(observationId: $o, valueId: $v) { inConflict } }",
                    variables: json!({ "o": observation, "v": value }),
                    token,
                }
            })
        },
    },
    Rule {
        mutation: "importSubmissions",
        scopes: &[Scope::Own, Scope::Other],
        expect: |who, scope| match (who, scope) {
            (Who::Anonymous, _) => UNAUTHENTICATED,
            (Who::Admin, _) | (Who::Territorial, Scope::Own) => Allowed,
            _ => FORBIDDEN,
        },
        case: |fx, who, scope| {
            Box::pin(async move {
                let reporter = if scope == Scope::Own { "05001" } else { "05266" };
                let period = PERIOD.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let csv = format!(
                    "reportante,periodo,requerimiento,elemento,valor\n{reporter},{period},REQ_MATRIZ,ELEMENTO_MATRIZ,3\n"
                );
                Case {
                    query: "mutation($csv: String!) { importSubmissions(csv: $csv) { accepted } }",
                    variables: json!({ "csv": csv }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "convokeSession",
        scopes: &[Scope::Own],
        expect: secretariat_only,
        case: |fx, who, _| {
            Box::pin(async move {
                Case {
                    query: "mutation { convokeSession(input: { kind: EXTRAORDINARY, date: \"2026-07-01T14:00:00Z\", place: \"Virtual\",
                        agenda: [{ title: \"Punto\", presenter: \"DNP\" }] }) { session { id } } }",
                    variables: json!({}),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "recordAttendance",
        scopes: &[Scope::Own],
        expect: secretariat_only,
        case: |fx, who, _| {
            Box::pin(async move {
                Case {
                    query: "mutation($s: ID!) { recordAttendance(sessionId: $s, organisationCode: \"DNP\") { session { id } } }",
                    variables: json!({ "s": fx.session(false).await }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "recordDecision",
        scopes: &[Scope::Own],
        expect: secretariat_only,
        case: |fx, who, _| {
            Box::pin(async move {
                Case {
                    query: "mutation($s: ID!) { recordDecision(sessionId: $s, title: \"Aprobar\") { decision { id } } }",
                    variables: json!({ "s": fx.session(true).await }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "recordVote",
        scopes: &[Scope::Own, Scope::Other],
        expect: secretariat_or_own_national,
        case: |fx, who, scope| {
            Box::pin(async move {
                // The national user is DNP's: it casts DNP's vote, not APC's.
                let member = if scope == Scope::Own { "DNP" } else { "APC" };
                Case {
                    query: "mutation($d: ID!, $o: String!) { recordVote(decisionId: $d, organisationCode: $o, vote: FOR) { decision { votesFor } } }",
                    variables: json!({ "d": fx.decision().await, "o": member }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "closeVote",
        scopes: &[Scope::Own],
        expect: secretariat_only,
        case: |fx, who, _| {
            Box::pin(async move {
                Case {
                    query: "mutation($d: ID!) { closeVote(decisionId: $d) { decision { outcome } } }",
                    variables: json!({ "d": fx.decision().await }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "adoptInternalRules",
        scopes: &[Scope::Own],
        expect: secretariat_only,
        case: |fx, who, _| {
            Box::pin(async move {
                Case {
                    query: "mutation($input: AdoptInternalRulesInput!) { adoptInternalRules(input: $input) { version } }",
                    variables: json!({ "input": { "decisionId": fx.adopted_decision().await, "text": "Reglamento",
                        "admittedInviteeKinds": ["ACADEMIA"], "rapRotation": ["RAP_PACIFICO", "RAP_CENTRAL"], "rotationMonths": 12 } }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "addParticipant",
        scopes: &[Scope::Own],
        expect: secretariat_only,
        case: |fx, who, _| {
            Box::pin(async move {
                Case {
                    query: "mutation($input: AddParticipantInput!) { addParticipant(input: $input) { organisationCode } }",
                    variables: json!({ "input": { "organisationCode": fx.organisation().await, "kind": "TERRITORIAL_ASSOCIATION" } }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "approveMinutes",
        scopes: &[Scope::Own],
        expect: secretariat_only,
        case: |fx, who, _| {
            Box::pin(async move {
                Case {
                    query: "mutation($s: ID!) { approveMinutes(sessionId: $s, minutes: \"Acta\") { session { status } } }",
                    variables: json!({ "s": fx.session(false).await }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "addCommitment",
        scopes: &[Scope::Own],
        expect: secretariat_only,
        case: |fx, who, _| {
            Box::pin(async move {
                Case {
                    query: "mutation($input: AddCommitmentInput!) { addCommitment(input: $input) { commitment { id } } }",
                    variables: json!({ "input": { "sessionId": fx.session(false).await, "description": "Entregar informe",
                        "responsibleCode": "DNP", "dueDate": "2099-01-01" } }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "updateCommitment",
        scopes: &[Scope::Own, Scope::Other],
        expect: secretariat_or_own_national,
        case: |fx, who, scope| {
            Box::pin(async move {
                // The national user is DNP's: "own" commitments are DNP's, "other" ones Hacienda's.
                let responsible = if scope == Scope::Own { "DNP" } else { "MINHACIENDA" };
                Case {
                    query: "mutation($id: ID!) { updateCommitment(id: $id, input: { status: IN_PROGRESS, note: \"Avance\" }) { commitment { status } } }",
                    variables: json!({ "id": fx.commitment(responsible).await }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "addDelegate",
        scopes: &[Scope::Own],
        expect: secretariat_only,
        case: |fx, who, _| {
            Box::pin(async move {
                Case {
                    query: "mutation { addDelegate(input: { organisationCode: \"ESAP\", name: \"Delegada\", position: \"Asesora\",
                        validFrom: \"2026-01-01\" }) { delegate { id } } }",
                    variables: json!({}),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "createWorkingGroup",
        scopes: &[Scope::Own],
        expect: secretariat_only,
        case: |fx, who, _| {
            Box::pin(async move {
                Case {
                    query: "mutation($code: String!) { createWorkingGroup(input: { code: $code, name: \"Mesa\", purpose: \"Prueba\",
                        memberCodes: [\"DNP\"] }) { workingGroup { id } } }",
                    variables: json!({ "code": unique("MESA_").to_uppercase() }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "setWorkPlan",
        scopes: &[Scope::Own],
        expect: secretariat_only,
        case: |fx, who, _| {
            Box::pin(async move {
                Case {
                    query: "mutation { setWorkPlan(year: 2027, items: [{ objective: \"Objetivo\", topic: \"Tema\",
                        responsibleCode: \"DNP\", investment: \"1000\" }]) { items } }",
                    variables: json!({}),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "setAgendaRoute",
        scopes: &[Scope::Own],
        expect: secretariat_only,
        case: |fx, who, _| {
            Box::pin(async move {
                Case {
                    query: "mutation { setAgendaRoute(input: { year: 2027, name: \"Ruta\", objective: \"Objetivo\",
                        participants: \"DNP\", status: PLANNED }) { route { id } } }",
                    variables: json!({}),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "addKnowledgeProduct",
        scopes: &[Scope::Own, Scope::Other],
        expect: knowledge_rule,
        case: |fx, who, scope| {
            Box::pin(async move {
                let (territory, organisation) = knowledge_target(who, scope);
                Case {
                    query: "mutation($input: AddKnowledgeProductInput!) { addKnowledgeProduct(input: $input) { product { id } } }",
                    variables: json!({ "input": {
                        "title": "Guía de la matriz", "type": "GUIDE", "format": "TEXT",
                        "territoryCode": territory, "organisationCode": organisation,
                        "content": format!("Texto de la guía para la matriz de permisos {}", unique("")),
                    } }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "archiveKnowledgeProduct",
        scopes: &[Scope::Own, Scope::Other],
        expect: knowledge_rule,
        case: |fx, who, scope| {
            Box::pin(async move {
                let (territory, organisation) = knowledge_target(who, scope);
                let product = fx
                    .app
                    .state
                    .knowledge
                    .add_as_system(sugit::knowledge::model::NewKnowledgeProduct {
                        title: Some("Estudio para archivar".into()),
                        product_type: Some(sugit::knowledge::model::ProductType::Study),
                        territory_code: territory.map(str::to_owned),
                        organisation_code: organisation.map(str::to_owned),
                        content: format!("Un estudio que la matriz archiva {}", unique("")).into_bytes(),
                        ..Default::default()
                    })
                    .await
                    .expect("product for the matrix");
                Case {
                    query:
                        "mutation($id: ID!) { archiveKnowledgeProduct(id: $id) { product { archivedAt } } }",
                    variables: json!({ "id": product.id.to_string() }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "createOffer",
        scopes: &[Scope::Own, Scope::Other],
        expect: offer_rule,
        case: |fx, who, scope| {
            Box::pin(async move {
                let organisation = match (who, scope) {
                    (_, Scope::Other) => Some("MINHACIENDA"),
                    (Who::Secretariat, _) => Some("DAFP"),
                    (Who::Territorial | Who::Anonymous, _) => None,
                    _ => Some("DNP"),
                };
                Case {
                    query:
                        "mutation($input: OfferInputObject!) { createOffer(input: $input) { offer { id } } }",
                    variables: json!({ "input": offer_input(organisation) }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "updateOffer",
        scopes: &[Scope::Own, Scope::Other],
        expect: offer_rule,
        case: |fx, who, scope| {
            Box::pin(async move {
                let id = fx.offer(offer_owner(scope), false).await;
                Case {
                    query: "mutation($id: ID!, $input: OfferInputObject!) { updateOffer(id: $id, input: $input) { offer { id } } }",
                    variables: json!({ "id": id, "input": offer_input(None) }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "publishOffer",
        scopes: &[Scope::Own, Scope::Other],
        expect: offer_rule,
        case: |fx, who, scope| {
            offer_status_case(
                fx,
                who,
                scope,
                "mutation($id: ID!) { publishOffer(id: $id) { offer { id } } }",
                false,
            )
        },
    },
    Rule {
        mutation: "closeOffer",
        scopes: &[Scope::Own, Scope::Other],
        expect: offer_rule,
        case: |fx, who, scope| {
            offer_status_case(
                fx,
                who,
                scope,
                "mutation($id: ID!) { closeOffer(id: $id) { offer { id } } }",
                true,
            )
        },
    },
    Rule {
        mutation: "archiveOffer",
        scopes: &[Scope::Own, Scope::Other],
        expect: offer_rule,
        case: |fx, who, scope| {
            offer_status_case(
                fx,
                who,
                scope,
                "mutation($id: ID!) { archiveOffer(id: $id) { offer { id } } }",
                true,
            )
        },
    },
    Rule {
        mutation: "assignOffer",
        scopes: &[Scope::Own, Scope::Other],
        expect: offer_rule,
        case: |fx, who, scope| {
            Box::pin(async move {
                let offer = fx.offer(offer_owner(scope), true).await;
                let demand = fx.demand("05001").await;
                Case {
                    query: "mutation($o: ID!, $d: ID!) { assignOffer(offerId: $o, demandId: $d) { demand { status } } }",
                    variables: json!({ "o": offer, "d": demand }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "createDemand",
        scopes: &[Scope::Own, Scope::Other],
        expect: demand_rule,
        case: |fx, who, scope| {
            Box::pin(async move {
                let entity = if scope == Scope::Own { "05001" } else { "05266" };
                Case {
                    query: "mutation($input: DemandInputObject!) { createDemand(input: $input) { demand { id } } }",
                    variables: json!({ "input": demand_input(entity) }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "updateDemand",
        scopes: &[Scope::Own, Scope::Other],
        expect: demand_rule,
        case: |fx, who, scope| {
            Box::pin(async move {
                let entity = if scope == Scope::Own { "05001" } else { "05266" };
                let id = fx.demand(entity).await;
                Case {
                    query: "mutation($id: ID!, $input: DemandInputObject!) { updateDemand(id: $id, input: $input) { demand { id } } }",
                    variables: json!({ "id": id, "input": demand_input(entity) }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "recordDelivery",
        scopes: &[Scope::Own, Scope::Other],
        expect: offer_rule,
        case: |fx, who, scope| {
            Box::pin(async move {
                let (offer, demand) = fx.assignment(offer_owner(scope), "05001").await;
                Case {
                    query: "mutation($input: RecordDeliveryInput!) { recordDelivery(input: $input) { delivery { id } } }",
                    variables: json!({ "input": delivery_input(&offer, &demand) }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "evaluateDelivery",
        scopes: &[Scope::Own, Scope::Other],
        expect: evaluation_rule,
        case: |fx, who, scope| {
            Box::pin(async move {
                let delivery = fx.delivery(if scope == Scope::Own { "05001" } else { "05266" }).await;
                Case {
                    query: "mutation($id: ID!, $input: EvaluateDeliveryInput!) { evaluateDelivery(deliveryId: $id, input: $input) { delivery { id } } }",
                    variables: json!({ "id": delivery, "input": { "satisfaction": 4, "capacityInstalled": true } }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "commentDelivery",
        scopes: &[Scope::Own, Scope::Other],
        expect: evaluation_rule,
        case: |fx, who, scope| {
            Box::pin(async move {
                // The department comments on its municipality's delivery: the territorial
                // caller here is Antioquia's team; the other delivery is Cali's (Valle).
                let delivery = fx.delivery(if scope == Scope::Own { "05001" } else { "76001" }).await;
                let token = match who {
                    Who::Territorial => Some(fx.app.login("gob@antioquia.gov.co").await),
                    _ => fx.token(who).await,
                };
                Case {
                    query: "mutation($id: ID!) { commentDelivery(deliveryId: $id, comments: \"Acompañamos la sesión\") { delivery { id } } }",
                    variables: json!({ "id": delivery }),
                    token,
                }
            })
        },
    },
    Rule {
        mutation: "closeDemand",
        scopes: &[Scope::Own, Scope::Other],
        expect: demand_rule,
        case: |fx, who, scope| {
            Box::pin(async move {
                let id = fx.demand(if scope == Scope::Own { "05001" } else { "05266" }).await;
                Case {
                    query: "mutation($id: ID!) { closeDemand(id: $id) { demand { status } } }",
                    variables: json!({ "id": id }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "openConsultation",
        scopes: &[Scope::Own, Scope::Other],
        expect: consultation_rule,
        case: |fx, who, scope| {
            Box::pin(async move {
                let offer = fx.offer(offer_owner(scope), true).await;
                Case {
                    query: "mutation($input: OpenConsultationInput!) { openConsultation(input: $input) { thread { id } } }",
                    variables: json!({ "input": consultation_input(&offer, consultation_entity(scope)) }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "postConsultationMessage",
        scopes: &[Scope::Own, Scope::Other],
        expect: consultation_rule,
        case: |fx, who, scope| {
            Box::pin(async move {
                let thread = fx.thread(scope).await;
                Case {
                    query: "mutation($t: ID!) { postConsultationMessage(threadId: $t, body: \"Una respuesta\") { message { id } } }",
                    variables: json!({ "t": thread }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "markConsultationRead",
        scopes: &[Scope::Own, Scope::Other],
        expect: consultation_rule,
        case: |fx, who, scope| {
            Box::pin(async move {
                let thread = fx.thread(scope).await;
                Case {
                    query: "mutation($t: ID!) { markConsultationRead(threadId: $t) { thread { id } } }",
                    variables: json!({ "t": thread }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "createTrainingModule",
        scopes: &[Scope::Own, Scope::Other],
        expect: own_organisation_or_admin,
        case: |fx, who, scope| {
            Box::pin(async move {
                let owner = match (who, scope) {
                    (_, Scope::Other) => Some("MINHACIENDA"),
                    (Who::Admin, Scope::Own) => Some("DNP"),
                    _ => None,
                };
                Case {
                    query: "mutation($input: TrainingModuleInput!) { createTrainingModule(input: $input) { module { id } } }",
                    variables: json!({ "input": {
                        "organisationCode": owner, "title": "Módulo de la matriz",
                        "summary": "Un módulo para probar quién puede hacer qué.", "objectives": "Probar",
                        "topic": "prueba", "targetKinds": ["MUNICIPALITY"], "hours": 2, "passMark": 50, "maxAttempts": 3,
                        "lessons": [{ "title": "Uno", "body": "Texto" }],
                        "questions": [{ "prompt": "¿Sí?", "options": ["Sí", "No"], "correctOption": 0 }],
                    } }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "publishTrainingModule",
        scopes: &[Scope::Own, Scope::Other],
        expect: own_organisation_or_admin,
        case: |fx, who, scope| {
            Box::pin(async move {
                let id = fx.training_module(matrix_organisation(scope), false).await;
                Case {
                    query: "mutation($id: ID!) { publishTrainingModule(id: $id) { module { id } } }",
                    variables: json!({ "id": id }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "archiveTrainingModule",
        scopes: &[Scope::Own, Scope::Other],
        expect: own_organisation_or_admin,
        case: |fx, who, scope| {
            Box::pin(async move {
                let id = fx.training_module(matrix_organisation(scope), true).await;
                Case {
                    query: "mutation($id: ID!) { archiveTrainingModule(id: $id) { module { id } } }",
                    variables: json!({ "id": id }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "designateTrainingCoordinator",
        scopes: &[Scope::Own],
        expect: admin_only,
        case: |fx, who, _| {
            Box::pin(async move {
                Case {
                    query:
                        "mutation { designateTrainingCoordinator(email: \"gob@antioquia.gov.co\") { email } }",
                    variables: json!({}),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        // A territorial user enrols itself; "other" names a learner of another entity.
        mutation: "enrolInTrainingModule",
        scopes: &[Scope::Own, Scope::Other],
        expect: evaluation_rule,
        case: |fx, who, scope| {
            Box::pin(async move {
                let id = fx.training_module("DNP", true).await;
                let learner = (scope == Scope::Other).then_some("pedro@envigado.gov.co");
                Case {
                    query: "mutation($m: ID!, $e: String) { enrolInTrainingModule(moduleId: $m, learnerEmail: $e) { enrolment { id } } }",
                    variables: json!({ "m": id, "e": learner }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        // Only the enrolled learner progresses: "other" is a module another entity's learner is in.
        mutation: "completeLesson",
        scopes: &[Scope::Own, Scope::Other],
        expect: evaluation_rule,
        case: |fx, who, scope| {
            Box::pin(async move {
                let id = fx.training_module("DNP", true).await;
                let learner =
                    if scope == Scope::Own { "ana@medellin.gov.co" } else { "pedro@envigado.gov.co" };
                let (_, body) = fx
                    .app
                    .graphql_as(
                        Some(&fx.app.login(learner).await),
                        "mutation($m: ID!) { enrolInTrainingModule(moduleId: $m) { enrolment { id } } }",
                        json!({ "m": id }),
                    )
                    .await;
                assert!(body.get("errors").is_none(), "{body}");
                Case {
                    query:
                        "mutation($m: ID!) { completeLesson(moduleId: $m, lesson: 1) { enrolment { id } } }",
                    variables: json!({ "m": id }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "submitAssessment",
        scopes: &[Scope::Own, Scope::Other],
        expect: evaluation_rule,
        case: |fx, who, scope| {
            Box::pin(async move {
                let learner =
                    if scope == Scope::Own { "ana@medellin.gov.co" } else { "pedro@envigado.gov.co" };
                let id = fx.enrolled_module(learner).await;
                Case {
                    query: "mutation($m: ID!) { submitAssessment(moduleId: $m, answers: [0]) { passed } }",
                    variables: json!({ "m": id }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        // The secretariat and administrators for any entity; a national user
        // when its organisation accompanies ("other": only another one does).
        mutation: "createAccompanimentProgramme",
        scopes: &[Scope::Own, Scope::Other],
        expect: accompanying_rule,
        case: |fx, who, scope| {
            Box::pin(async move {
                Case {
                    query: "mutation($input: AccompanimentProgrammeInput!) { createAccompanimentProgramme(input: $input) { programme { id } } }",
                    variables: json!({ "input": programme_input(matrix_organisation(scope)) }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "addProgrammeGoal",
        scopes: &[Scope::Own, Scope::Other],
        expect: accompanying_rule,
        case: |fx, who, scope| {
            Box::pin(async move {
                let programme = fx.programme(matrix_organisation(scope)).await;
                Case {
                    query: "mutation($input: ProgrammeGoalInput!) { addProgrammeGoal(input: $input) { programme { id } } }",
                    variables: json!({ "input": {
                        "programmeId": programme, "dataElementCode": "ELEMENTO_MATRIZ", "description": "Meta de la matriz",
                        "baselinePeriod": "1999", "targetValue": 10, "targetPeriod": "2030",
                    } }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "registerMentor",
        scopes: &[Scope::Own, Scope::Other],
        expect: own_organisation_or_admin,
        case: |fx, who, scope| {
            Box::pin(async move {
                let owner = match (who, scope) {
                    (_, Scope::Other) => Some("MINHACIENDA"),
                    (Who::Admin, Scope::Own) => Some("DNP"),
                    _ => None,
                };
                Case {
                    query:
                        "mutation($input: MentorInput!) { registerMentor(input: $input) { mentor { id } } }",
                    variables: json!({ "input": mentor_input(owner) }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "requestMentoring",
        scopes: &[Scope::Own, Scope::Other],
        expect: demand_rule,
        case: |fx, who, scope| {
            Box::pin(async move {
                Case {
                    query: "mutation($e: String!) { requestMentoring(entityCode: $e, topic: \"catastro\", need: \"Actualizar el catastro rural\") { request { id } } }",
                    variables: json!({ "e": consultation_entity(scope) }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        // The requesting entity chooses its mentor.
        mutation: "assignMentor",
        scopes: &[Scope::Own, Scope::Other],
        expect: demand_rule,
        case: |fx, who, scope| {
            Box::pin(async move {
                let (mentor, request) = fx.mentor_and_request(consultation_entity(scope), "DNP").await;
                Case {
                    query: "mutation($r: ID!, $m: ID!) { assignMentor(requestId: $r, mentorId: $m) { request { id } } }",
                    variables: json!({ "r": request, "m": mentor }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        // The mentor's organisation logs its sessions ("other": another organisation's mentor).
        mutation: "logMentoringSession",
        scopes: &[Scope::Own, Scope::Other],
        expect: own_organisation_or_admin,
        case: |fx, who, scope| {
            Box::pin(async move {
                let request = fx.mentoring_request("05001", matrix_organisation(scope)).await;
                Case {
                    query: "mutation($r: ID!) { logMentoringSession(requestId: $r, heldOn: \"2026-01-15\", hours: 2, notes: \"Sesión de la matriz\") { session { id } } }",
                    variables: json!({ "r": request }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        // Only the mentored entity's own teams rate, as with ATT deliveries.
        mutation: "rateMentoringSession",
        scopes: &[Scope::Own, Scope::Other],
        expect: evaluation_rule,
        case: |fx, who, scope| {
            Box::pin(async move {
                let session = fx.mentoring_session(consultation_entity(scope)).await;
                Case {
                    query: "mutation($s: ID!) { rateMentoringSession(sessionId: $s, rating: 4) { session { rating } } }",
                    variables: json!({ "s": session }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "proposeCatalogueChange",
        scopes: &[Scope::Own],
        expect: |who, _| match who {
            Who::Anonymous => UNAUTHENTICATED,
            Who::National | Who::Secretariat => Allowed,
            _ => FORBIDDEN,
        },
        case: |fx, who, _| {
            Box::pin(async move {
                Case {
                    query: "mutation($input: ProposeCatalogueChangeInput!) { proposeCatalogueChange(input: $input) { proposal { id } } }",
                    variables: json!({ "input": catalogue_addition(&unique("C").to_uppercase(), "COMPETENCY", None) }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "approveCatalogueChanges",
        scopes: &[Scope::Own],
        expect: secretariat_only,
        case: |fx, who, _| {
            Box::pin(async move {
                let proposal = fx.catalogue_proposal().await;
                Case {
                    query: "mutation($ids: [ID!]!) { approveCatalogueChanges(input: { proposalIds: $ids, effectiveOn: \"2026-01-01\", note: \"Matriz\" }) { version { number } } }",
                    variables: json!({ "ids": [proposal] }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "rejectCatalogueChange",
        scopes: &[Scope::Own],
        expect: secretariat_only,
        case: |fx, who, _| {
            Box::pin(async move {
                let proposal = fx.catalogue_proposal().await;
                Case {
                    query: "mutation($id: ID!) { rejectCatalogueChange(id: $id, note: \"No procede\") { proposal { status } } }",
                    variables: json!({ "id": proposal }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "reportSpending",
        scopes: &[Scope::Own, Scope::Other],
        expect: |who, scope| match (who, scope) {
            (Who::Anonymous, _) => UNAUTHENTICATED,
            (Who::Territorial, Scope::Own) => Allowed,
            _ => FORBIDDEN,
        },
        case: |fx, who, scope| {
            Box::pin(async move {
                let unit = fx.catalogue_unit().await;
                Case {
                    query:
                        "mutation($input: ReportSpendingInput!) { reportSpending(input: $input) { units } }",
                    variables: json!({ "input": { "entityCode": consultation_entity(scope), "vigencia": 2025,
                        "idempotencyKey": unique("gasto"), "lines": [{ "unitCode": unit, "appropriation": 100,
                        "commitments": 90, "obligations": 80, "payments": 70 }] } }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "setAccountMapping",
        scopes: &[Scope::Own],
        expect: secretariat_only,
        case: |fx, who, _| {
            Box::pin(async move {
                let unit = fx.catalogue_unit().await;
                Case {
                    query: "mutation($rows: [AccountMappingInput!]!) { setAccountMapping(rows: $rows) { accountCode } }",
                    variables: json!({ "rows": [{ "accountCode": legacy_account(), "unitCode": unit }] }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "importLegacySpending",
        scopes: &[Scope::Own, Scope::Other],
        expect: |who, scope| match (who, scope) {
            (Who::Anonymous, _) => UNAUTHENTICATED,
            (Who::Territorial, Scope::Own) => Allowed,
            _ => FORBIDDEN,
        },
        case: |fx, who, scope| {
            Box::pin(async move {
                let account = fx.mapped_account().await;
                Case {
                    query: "mutation($input: ImportLegacySpendingInput!) { importLegacySpending(input: $input) { accepted } }",
                    variables: json!({ "input": { "entityCode": consultation_entity(scope), "vigencia": 2025,
                        "idempotencyKey": unique("heredado"),
                        "csv": format!("cuenta;nombre;apropiacion;compromisos;obligaciones;pagos\n{account};Prueba;100;90;80;70\n") } }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    // Last (with the lists made from indicators): registering computes results,
    // and no later case submits values that the follower would recompute while
    // another case is compared.
    Rule {
        mutation: "registerPerson",
        scopes: &[Scope::Own],
        expect: |_, _| Allowed,
        case: |fx, who, _| {
            Box::pin(async move {
                Case {
                    query:
                        "mutation($input: RegisterPersonInput!) { registerPerson(input: $input) { message } }",
                    variables: json!({ "input": { "email": format!("{}@correo.co", unique("p")), "name": "Nueva", "password": PASSWORD } }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "confirmRegistration",
        scopes: &[Scope::Own],
        expect: |_, _| Allowed,
        case: |fx, who, _| {
            Box::pin(async move {
                let address = format!("{}@correo.co", unique("c"));
                let (_, body) = fx
                    .app
                    .graphql(
                        "mutation($input: RegisterPersonInput!) { registerPerson(input: $input) { message } }",
                        json!({ "input": { "email": address, "name": "Nueva", "password": PASSWORD } }),
                    )
                    .await;
                assert!(body.get("errors").is_none(), "{body}");
                Case {
                    query: "mutation($t: String!) { confirmRegistration(token: $t) { token } }",
                    variables: json!({ "t": fx.app.confirmation_token(&address) }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "publishVacancy",
        scopes: &[Scope::Own, Scope::Other],
        expect: demand_rule,
        case: |fx, who, scope| {
            Box::pin(async move {
                Case {
                    query: "mutation($input: PublishVacancyInput!) { publishVacancy(input: $input) { vacancy { id } } }",
                    variables: json!({ "input": vacancy_input(consultation_entity(scope)) }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "closeVacancy",
        scopes: &[Scope::Own, Scope::Other],
        expect: demand_rule,
        case: |fx, who, scope| {
            Box::pin(async move {
                let id = fx.vacancy(consultation_entity(scope)).await;
                Case {
                    query: "mutation($id: ID!) { closeVacancy(id: $id) { vacancy { status } } }",
                    variables: json!({ "id": id }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "saveTalentProfile",
        scopes: &[Scope::Own],
        expect: person_only,
        case: |fx, who, _| {
            Box::pin(async move {
                Case {
                    query: "mutation($input: TalentProfileInput!) { saveTalentProfile(input: $input) { profile { education } } }",
                    variables: json!({ "input": talent_profile_input() }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "applyToVacancy",
        scopes: &[Scope::Own],
        expect: person_only,
        case: |fx, who, _| {
            Box::pin(async move {
                let vacancy = fx.vacancy("05001").await;
                Case {
                    query: "mutation($v: ID!) { applyToVacancy(vacancyId: $v) { application { id } } }",
                    variables: json!({ "v": vacancy }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "setApplicationStage",
        scopes: &[Scope::Own, Scope::Other],
        // Someone else's application answers as a missing one: no enumeration.
        expect: |who, scope| match (who, scope) {
            (Who::Anonymous, _) => UNAUTHENTICATED,
            (Who::Admin, _) | (Who::Territorial, Scope::Own) => Allowed,
            _ => Refused("NOT_FOUND"),
        },
        case: |fx, who, scope| {
            Box::pin(async move {
                let id = fx.application(Scope::Own, consultation_entity(scope)).await;
                Case {
                    query: "mutation($id: ID!) { setApplicationStage(id: $id, stage: REVIEW) { application { stage } } }",
                    variables: json!({ "id": id }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "withdrawApplication",
        scopes: &[Scope::Own, Scope::Other],
        expect: |who, scope| match (who, scope) {
            (Who::Anonymous, _) => UNAUTHENTICATED,
            (Who::Person, Scope::Own) => Allowed,
            (Who::Person, Scope::Other) => Refused("NOT_FOUND"),
            _ => FORBIDDEN,
        },
        case: |fx, who, scope| {
            Box::pin(async move {
                let id = fx.application(scope, "05001").await;
                Case {
                    query: "mutation($id: ID!) { withdrawApplication(id: $id) { application { stage } } }",
                    variables: json!({ "id": id }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "deleteMyData",
        scopes: &[Scope::Own],
        expect: person_only,
        case: |fx, who, _| {
            Box::pin(async move {
                // A person of their own: the matrix's people stay for later cases.
                let token = match who {
                    Who::Person => {
                        Some(fx.app.register_person(&format!("{}@correo.co", unique("d")), "Se va").await)
                    }
                    _ => fx.token(who).await,
                };
                Case { query: "mutation { deleteMyData { deletedAt } }", variables: json!({}), token }
            })
        },
    },
    Rule {
        mutation: "proposeTransfer",
        scopes: &[Scope::Own, Scope::Other],
        expect: demand_rule,
        case: |fx, who, scope| {
            Box::pin(async move {
                Case {
                    query: "mutation($input: ProposeTransferInput!) { proposeTransfer(input: $input) { transfer { id } } }",
                    variables: json!({ "input": transfer_input(consultation_entity(scope)) }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "agreeTransfer",
        scopes: &[Scope::Own, Scope::Other],
        expect: demand_rule,
        case: |fx, who, scope| {
            Box::pin(async move {
                let id = fx.transfer(None).await;
                Case {
                    query: "mutation($id: ID!, $e: String!) { agreeTransfer(id: $id, entityCode: $e) { transfer { status } } }",
                    variables: json!({ "id": id, "e": consultation_entity(scope) }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "evaluateTransfer",
        scopes: &[Scope::Own, Scope::Other],
        expect: evaluation_rule,
        case: |fx, who, scope| {
            Box::pin(async move {
                let id = fx.transfer(Some(consultation_entity(scope))).await;
                Case {
                    query:
                        "mutation($id: ID!) { evaluateTransfer(id: $id, rating: 4) { transfer { status } } }",
                    variables: json!({ "id": id }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    // Last: registering computes results, and no later case submits values
    // that the follower would recompute while another case is compared.
    Rule {
        mutation: "registerIndicator",
        scopes: &[Scope::Own, Scope::Other],
        expect: national_own_or_admin,
        case: |fx, who, scope| {
            Box::pin(async move {
                // A national user owns its indicators (DNP); "other" names another organisation.
                let owner = match (who, scope) {
                    (_, Scope::Other) => Some("MINHACIENDA"),
                    (Who::Admin, Scope::Own) => Some("DNP"),
                    _ => None,
                };
                Case {
                    query: "mutation($input: RegisterIndicatorInput!) { registerIndicator(input: $input) { indicator { code version } } }",
                    variables: json!({ "input": {
                        "code": unique("IND_").to_uppercase(), "name": "Indicador de la matriz", "competency": "PRUEBA",
                        "formula": "ELEMENTO_MATRIZ * 2", "unit": "unidades", "direction": "HIGHER_IS_BETTER",
                        "lowerThreshold": 1, "upperThreshold": 10, "periodicity": "ANNUAL",
                        "sourceNote": "Prueba", "ownerCode": owner,
                    } }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "createFocalisationList",
        scopes: &[Scope::Own, Scope::Other],
        expect: national_own_or_admin,
        case: |fx, who, scope| {
            Box::pin(async move {
                let owner = match (who, scope) {
                    (_, Scope::Other) => Some("MINHACIENDA"),
                    (Who::Admin, Scope::Own) => Some("DNP"),
                    _ => None,
                };
                let indicator = fx.indicator().await;
                Case {
                    query: "mutation($input: CreateFocalisationListInput!) { createFocalisationList(input: $input) { focalisationList { id } } }",
                    variables: json!({ "input": { "name": "Lista", "indicatorCode": indicator, "period": "2025", "ownerCode": owner } }),
                    token: fx.token(who).await,
                }
            })
        },
    },
    Rule {
        mutation: "updateFocalisationList",
        scopes: &[Scope::Own, Scope::Other],
        expect: national_own_or_admin,
        case: |fx, who, scope| {
            Box::pin(async move {
                let list =
                    fx.focalisation_list(if scope == Scope::Own { "DNP" } else { "MINHACIENDA" }).await;
                Case {
                    query: "mutation($id: ID!) { updateFocalisationList(id: $id, input: { addEntityCodes: [\"05001\"] }) { focalisationList { id } } }",
                    variables: json!({ "id": list }),
                    token: fx.token(who).await,
                }
            })
        },
    },
];

/// A new catalogue item to propose.
fn catalogue_addition(code: &str, level: &str, parent: Option<&str>) -> Value {
    json!({ "kind": "ADD", "reason": "Prueba de la matriz", "item": { "code": code, "level": level, "parentCode": parent,
        "name": format!("Elemento {code}"), "description": "Para la matriz", "entityKinds": ["MUNICIPALITY", "DISTRICT"],
        "legalBasis": "Ley 715 de 2001" } })
}

/// A module's or programme's organisation: the national user's own (DNP) or another.
fn matrix_organisation(scope: Scope) -> &'static str {
    if scope == Scope::Own {
        "DNP"
    } else {
        "MINHACIENDA"
    }
}

/// Training modules are their organisation's; an administrator keeps any.
fn own_organisation_or_admin(who: Who, scope: Scope) -> Expect {
    match (who, scope) {
        (Who::Anonymous, _) => UNAUTHENTICATED,
        (Who::Admin, _) | (Who::National, Scope::Own) => Allowed,
        _ => FORBIDDEN,
    }
}

/// Programmes: the secretariat, administrators, and the accompanying national organisation.
fn accompanying_rule(who: Who, scope: Scope) -> Expect {
    match (who, scope) {
        (Who::Anonymous, _) => UNAUTHENTICATED,
        (Who::Secretariat | Who::Admin, _) | (Who::National, Scope::Own) => Allowed,
        _ => FORBIDDEN,
    }
}

fn mentor_input(organisation: Option<&str>) -> Value {
    json!({ "organisationCode": organisation, "name": "Mentora de la matriz", "kind": "ACADEMIA",
            "competencies": ["regalías", "catastro"], "profile": "Profesora de finanzas públicas territoriales",
            "hoursPerMonth": 8, "contact": "mentora@universidad.edu.co" })
}

fn programme_input(organisation: &str) -> Value {
    json!({ "entityCode": "05001", "title": "Programa de la matriz", "objectives": "Probar quién puede",
            "parties": [{ "code": organisation, "responsibility": "Acompañar la matriz" }] })
}

/// A person's own data: only a PERSON acts on it.
fn person_only(who: Who, _: Scope) -> Expect {
    match who {
        Who::Anonymous => UNAUTHENTICATED,
        Who::Person => Allowed,
        _ => FORBIDDEN,
    }
}

fn talent_profile_input() -> Value {
    json!({ "education": "Economía", "experienceMonths": 24, "competencies": ["HACIENDA"],
            "departments": ["05"], "consent": true })
}

fn vacancy_input(entity: &str) -> Value {
    let closing = (sugit::bogota_time::today() + chrono::Duration::days(30)).to_string();
    json!({ "entityCode": entity, "post": "Profesional de hacienda", "level": "PROFESSIONAL",
            "competencies": ["HACIENDA"], "education": "Contaduría", "experienceMonths": 12,
            "salaryGrade": "219-01", "salaryAmount": 3500000, "place": "Sede principal",
            "appointment": "PROVISIONAL", "closingOn": closing, "howToApply": "En SUGIT" })
}

fn transfer_input(entity: &str) -> Value {
    json!({ "entityCode": entity, "kind": "OFFER", "topic": "Catastro multipropósito",
            "description": "Acompañamiento en sitio", "durationMonths": 3, "conditions": "Viáticos de quien recibe" })
}

/// A consultation's parties are the territorial entity and the organisation
/// behind the subject; nobody else writes in it, not even an administrator.
fn consultation_rule(who: Who, scope: Scope) -> Expect {
    match (who, scope) {
        (Who::Anonymous, _) => UNAUTHENTICATED,
        (Who::Territorial | Who::National, Scope::Own) => Allowed,
        _ => FORBIDDEN,
    }
}

fn consultation_entity(scope: Scope) -> &'static str {
    if scope == Scope::Own {
        "05001"
    } else {
        "05266"
    }
}

fn consultation_input(offer: &str, entity: &str) -> Value {
    json!({ "subjectKind": "OFFER", "subjectId": offer, "entityCode": entity,
            "title": "Pregunta de la matriz", "body": "¿A quién cubre la oferta?" })
}

/// Only the receiving entity's teams evaluate what they received: not the
/// offering side, not an administrator on their behalf.
fn evaluation_rule(who: Who, scope: Scope) -> Expect {
    match (who, scope) {
        (Who::Anonymous, _) => UNAUTHENTICATED,
        (Who::Territorial, Scope::Own) => Allowed,
        _ => FORBIDDEN,
    }
}

fn delivery_input(offer: &str, demand: &str) -> Value {
    json!({ "offerId": offer, "demandId": demand, "deliveredOn": "2026-03-02", "hours": 3.0,
            "participants": 4, "modality": "VIRTUAL" })
}

/// Offers are their organisation's (a national user's); the administrator manages any.
fn offer_rule(who: Who, scope: Scope) -> Expect {
    match (who, scope) {
        (Who::Anonymous, _) => UNAUTHENTICATED,
        (Who::Admin, _) | (Who::National, Scope::Own) => Allowed,
        _ => FORBIDDEN,
    }
}

/// Demands are their territorial entity's; the administrator manages any.
fn demand_rule(who: Who, scope: Scope) -> Expect {
    match (who, scope) {
        (Who::Anonymous, _) => UNAUTHENTICATED,
        (Who::Admin, _) | (Who::Territorial, Scope::Own) => Allowed,
        _ => FORBIDDEN,
    }
}

fn offer_owner(scope: Scope) -> &'static str {
    if scope == Scope::Own {
        "DNP"
    } else {
        "MINHACIENDA"
    }
}

fn offer_status_case<'a>(
    fx: &'a Fixture<'a>,
    who: Who,
    scope: Scope,
    query: &'static str,
    published: bool,
) -> CaseFuture<'a> {
    Box::pin(async move {
        let id = fx.offer(offer_owner(scope), published).await;
        Case { query, variables: json!({ "id": id }), token: fx.token(who).await }
    })
}

fn offer_input(organisation: Option<&str>) -> Value {
    json!({ "organisationCode": organisation, "title": "Acompañamiento en regalías",
            "description": "Acompañamiento para formular proyectos de inversión con regalías.",
            "topic": "regalías", "modality": "VIRTUAL", "targetKinds": ["MUNICIPALITY"],
            "startsOn": "2026-01-01", "endsOn": "2027-12-31", "capacity": 5, "contact": "att@dnp.gov.co" })
}

fn demand_input(entity: &str) -> Value {
    json!({ "entityCode": entity, "need": "Formular un proyecto de acueducto con regalías",
            "topic": "regalías", "priority": "HIGH", "capacityGap": "Sin profesional de proyectos" })
}

/// The knowledge base: each publishes for its own entity or organisation; the administrator for anyone.
fn knowledge_rule(who: Who, scope: Scope) -> Expect {
    match (who, scope) {
        (Who::Anonymous, _) => UNAUTHENTICATED,
        (Who::Person, _) => FORBIDDEN,
        (Who::Admin, _) | (_, Scope::Own) => Allowed,
        _ => FORBIDDEN,
    }
}

/// The territory and organisation a knowledge case names for `who` on `scope`.
fn knowledge_target(who: Who, scope: Scope) -> (Option<&'static str>, Option<&'static str>) {
    match (who, scope) {
        (Who::Territorial | Who::Anonymous | Who::Person, Scope::Own) => (Some("05001"), None),
        (Who::Territorial | Who::Anonymous, Scope::Other) => (Some("05266"), None),
        (Who::Secretariat, Scope::Own) => (None, Some("DAFP")),
        (Who::National | Who::Admin, Scope::Own) => (None, Some("DNP")),
        (_, Scope::Other) => (None, Some("MINHACIENDA")),
    }
}

/// Every row of every table that a write could touch.
async fn snapshot(db: &sea_orm::DatabaseConnection) -> Vec<Vec<JsonValue>> {
    let mut tables = Vec::new();
    for table in [
        "organisation",
        "app_user",
        "access_token",
        "audit_log",
        "territorial_entity",
        "data_element",
        "information_requirement",
        "requirement_element",
        "submission",
        "observation_sheet",
        "commission_participant",
        "commission_delegate",
        "commission_session",
        "commission_attendance",
        "commission_decision",
        "commission_vote",
        "commitment",
        "commitment_note",
        "working_group",
        "working_group_member",
        "work_plan_item",
        "agenda_route",
        "knowledge_product",
        "change_event",
        "att_offer",
        "att_demand",
        "att_assignment",
        "att_delivery",
        "att_evaluation",
        "consultation_thread",
        "consultation_message",
        "consultation_read",
        "monitoring_indicator",
        "monitoring_value",
        "classification_version",
        "classification_item",
        "classification_proposal",
        "classification_crosswalk",
        // Not `classification_reference`: derived links that a follower rewrites
        // after any change (like the search index); what they link is listed here.
        "formation_module",
        "formation_enrolment",
        "formation_completion",
        "formation_certificate",
        "formation_coordinator",
        "formation_programme",
        "formation_goal",
        "formation_mentor",
        "formation_mentoring_request",
        "formation_mentoring_session",
        "rap_region",
        "rap_region_department",
        "focalisation_list",
        "focalisation_entity",
        "person_registration",
        "talent_vacancy",
        "talent_profile",
        "talent_application",
        "talent_transfer",
    ] {
        let statement =
            Statement::from_string(db.get_database_backend(), format!("SELECT * FROM {table} ORDER BY 1"));
        tables.push(JsonValue::find_by_statement(statement).all(db).await.expect("snapshot"));
    }
    tables
}

async fn schema_mutations(app: &TestApp) -> BTreeSet<String> {
    let data = app.query_ok("{ __schema { mutationType { fields { name } } } }", json!({})).await;
    data["__schema"]["mutationType"]["fields"]
        .as_array()
        .expect("mutations")
        .iter()
        .filter_map(|field| field["name"].as_str().map(str::to_owned))
        .collect()
}

async fn run_matrix(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |settings| {
        settings.limits.login_attempts_per_minute = 10_000;
        settings.limits.anonymous_requests_per_minute = 10_000;
        settings.limits.registrations_per_hour = 10_000;
    })
    .await
    else {
        return;
    };
    let in_schema = schema_mutations(&app).await;
    let with_rules: BTreeSet<String> = RULES.iter().map(|rule| rule.mutation.to_owned()).collect();
    let without_rule: Vec<&String> = in_schema.difference(&with_rules).collect();
    assert!(
        without_rule.is_empty(),
        "mutations without an authorisation rule in the matrix: {without_rule:?}"
    );
    let stale: Vec<&String> = with_rules.difference(&in_schema).collect();
    assert!(stale.is_empty(), "rules for mutations the schema no longer has: {stale:?}");

    let fixture = Fixture { app: &app };
    fixture.create_users().await;
    let db = app.database().await;
    let mut checked = 0;
    for rule in RULES {
        for who in EVERYONE {
            for &scope in rule.scopes {
                let expected = (rule.expect)(who, scope);
                let case = (rule.case)(&fixture, who, scope).await;
                let before = snapshot(&db).await;
                let (_, body) = app.graphql_as(case.token.as_deref(), case.query, case.variables).await;
                let label = format!("{} as {who:?} on {scope:?}", rule.mutation);
                match expected {
                    Allowed => {
                        assert!(body.get("errors").is_none(), "{label} should be allowed: {body}");
                        assert_ne!(body["data"][rule.mutation], Value::Null, "{label}: {body}");
                    }
                    Refused(code) => {
                        assert_eq!(error_codes(&body), [code], "{label}: {body}");
                        assert_eq!(
                            snapshot(&db).await,
                            before,
                            "{label} was refused but changed the database"
                        );
                    }
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= RULES.len() * EVERYONE.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_every_mutation_every_role_every_scope() {
    run_matrix(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_every_mutation_every_role_every_scope() {
    run_matrix(Backend::PostgresRedis).await;
}
