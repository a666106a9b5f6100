//! Domain types of the commission.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! db_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $db:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub fn as_db(self) -> &'static str {
                match self { $(Self::$variant => $db),+ }
            }

            pub fn from_db(value: &str) -> Option<Self> {
                match value { $($db => Some(Self::$variant),)+ _ => None }
            }
        }
    };
}

db_enum!(
    /// Tipo de sesión (decreto, art. 2.2.11.4.5).
    SessionKind {
        /// Ordinaria: al menos una por trimestre.
        Ordinary => "ORDINARY",
        /// Extraordinaria: cuando los miembros lo determinen.
        Extraordinary => "EXTRAORDINARY",
    }
);

db_enum!(
    /// Participación en la Comisión.
    ParticipantRole {
        /// Miembro con voz y voto.
        Member => "MEMBER",
        /// Invitado especial: voz, sin voto.
        Invitee => "INVITEE",
    }
);

db_enum!(
    /// Tipo de invitado especial (decreto, art. 2.2.11.4.3, parágrafo 1). Los tres primeros los
    /// nombra el decreto; los demás participan según el reglamento interno.
    InviteeKind {
        /// Delegado(a) de las Regiones Administrativas y de Planificación (RAP), por alternancia.
        RapDelegate => "RAP_DELEGATE",
        /// Representante de los esquemas asociativos territoriales.
        AssociativeSchemes => "ASSOCIATIVE_SCHEMES",
        /// Agremiación de entidades territoriales (FCM, FND, Asocapitales).
        TerritorialAssociation => "TERRITORIAL_ASSOCIATION",
        /// Entidad del Gobierno nacional que no es miembro.
        NationalGovernment => "NATIONAL_GOVERNMENT",
        /// Entidad territorial.
        TerritorialGovernment => "TERRITORIAL_GOVERNMENT",
        /// Academia.
        Academia => "ACADEMIA",
        /// Cooperación internacional.
        InternationalCooperation => "INTERNATIONAL_COOPERATION",
        /// Ciudadanos.
        Citizens => "CITIZENS",
        /// Otros actores de la Política Nacional de Asistencia Técnica Territorial.
        OtherAttActor => "OTHER_ATT_ACTOR",
    }
);

impl InviteeKind {
    /// As a person reads it, in the messages.
    pub fn spanish(self) -> &'static str {
        match self {
            Self::RapDelegate => "delegado de las RAP",
            Self::AssociativeSchemes => "representante de los esquemas asociativos territoriales",
            Self::TerritorialAssociation => "agremiación de entidades territoriales",
            Self::NationalGovernment => "entidad del Gobierno nacional",
            Self::TerritorialGovernment => "entidad territorial",
            Self::Academia => "academia",
            Self::InternationalCooperation => "cooperación internacional",
            Self::Citizens => "ciudadanos",
            Self::OtherAttActor => "otro actor de la política de asistencia técnica territorial",
        }
    }
}

/// A version of the Commission's internal rules, adopted by one of its decisions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InternalRules {
    pub version: i32,
    pub decision_id: Uuid,
    /// The rules' text (Markdown).
    pub text: String,
    /// Invitee kinds beyond the decree's own that the rules admit.
    pub admitted_kinds: Vec<InviteeKind>,
    /// RAP codes in the order their delegates take the seat.
    pub rap_rotation: Vec<String>,
    /// How long each RAP holds the seat.
    pub rotation_months: u32,
    pub effective_from: NaiveDate,
    pub adopted_by: String,
    pub adopted_at: DateTime<Utc>,
}

db_enum!(
    /// Sentido de un voto.
    VoteChoice {
        For => "FOR",
        Against => "AGAINST",
        Abstain => "ABSTAIN",
    }
);

db_enum!(
    /// Resultado de una decisión, calculado por mayoría simple de los miembros presentes.
    DecisionOutcome {
        /// Faltan votos que pueden cambiar el resultado.
        Pending => "PENDING",
        Adopted => "ADOPTED",
        Rejected => "REJECTED",
    }
);

db_enum!(
    /// Estado de un compromiso; «vencido» se calcula con la fecha.
    CommitmentStatus {
        Pending => "PENDING",
        InProgress => "IN_PROGRESS",
        Done => "DONE",
        /// Calculado: no cumplido y con la fecha vencida. No se asigna.
        Overdue => "OVERDUE",
    }
);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgendaItem {
    pub title: String,
    /// Who presents the item (an entity or a person).
    pub presenter: String,
    /// Knowledge-base documents the item refers to (sessions convened before
    /// agendas cited documents have none).
    #[serde(default)]
    pub documents: Vec<Uuid>,
}

/// A special invitee requested for one session, with voice and no vote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GuestRequest {
    pub name: String,
    /// The organisation the guest comes from, if any.
    pub organisation: Option<String>,
    /// Why the guest is invited.
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Participant {
    pub organisation_code: String,
    pub role: ParticipantRole,
    pub presides: bool,
    pub secretariat: bool,
    /// An invitee's kind; `None` for a member.
    pub invitee_kind: Option<InviteeKind>,
    /// The RAP a RAP delegate represents.
    pub rap_region_code: Option<String>,
    pub joined_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Delegate {
    pub id: Uuid,
    pub organisation_code: String,
    pub name: String,
    pub position: String,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Session {
    pub id: Uuid,
    /// The technical working group whose session this is; `None` for the commission's.
    pub working_group_id: Option<Uuid>,
    pub kind: SessionKind,
    pub scheduled_at: DateTime<Utc>,
    pub place: String,
    pub agenda: Vec<AgendaItem>,
    pub guest_requests: Vec<GuestRequest>,
    pub minutes: Option<String>,
    pub minutes_approved_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    pub id: Uuid,
    pub session_id: Uuid,
    pub title: String,
    pub description: String,
    pub votes_for: u32,
    pub votes_against: u32,
    pub abstentions: u32,
    /// Provisional while the vote is open; frozen once it is closed.
    pub outcome: DecisionOutcome,
    /// When the vote was closed; `None` while it is open.
    pub closed_at: Option<DateTime<Utc>>,
    /// Members with vote present when the vote was closed.
    pub present_at_close: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Commitment {
    pub id: Uuid,
    pub session_id: Uuid,
    pub work_plan_item_id: Option<Uuid>,
    pub description: String,
    pub responsible_code: String,
    pub due_date: NaiveDate,
    /// As stored (never OVERDUE).
    pub recorded_status: CommitmentStatus,
    /// As computed today.
    pub status: CommitmentStatus,
    pub updated_at: DateTime<Utc>,
    /// When it was marked done; `None` while it is not.
    pub completed_at: Option<DateTime<Utc>>,
}

/// Quorum of a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, async_graphql::SimpleObject)]
#[graphql(name = "Quorum")]
pub struct Quorum {
    /// Miembros con voto necesarios: la mitad más uno del total.
    pub required: u32,
    /// Miembros con voto presentes (por sí o por delegado).
    pub present: u32,
    pub met: bool,
}
