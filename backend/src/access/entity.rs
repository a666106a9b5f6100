//! The access tables as sea-orm sees them; they never leave this context.

pub mod organisation {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "organisation")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub code: String,
        pub name: String,
        pub kind: String,
        pub commission_member: bool,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod app_user {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "app_user")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub email: String,
        pub name: String,
        pub role: String,
        pub entity_code: Option<String>,
        pub organisation_code: Option<String>,
        pub password_hash: String,
        pub active: bool,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod access_token {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "access_token")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub user_id: Uuid,
        pub token_hash: String,
        pub kind: String,
        pub name: Option<String>,
        pub created_at: DateTimeUtc,
        pub expires_at: Option<DateTimeUtc>,
        pub revoked_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod person_registration {
    use sea_orm::entity::prelude::*;

    /// A self-registration waiting for its e-mail confirmation; deleted when
    /// confirmed, and when expired at the next registration.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "person_registration")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub email: String,
        pub name: String,
        pub password_hash: String,
        pub token_hash: String,
        pub created_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

use super::model::{AccessToken, Organisation, OrganisationKind, Role, TokenKind, User};

impl From<organisation::Model> for Organisation {
    fn from(row: organisation::Model) -> Self {
        Self {
            kind: OrganisationKind::from_db(&row.kind).unwrap_or(OrganisationKind::NationalEntity),
            code: row.code,
            name: row.name,
            commission_member: row.commission_member,
        }
    }
}

impl From<app_user::Model> for User {
    fn from(row: app_user::Model) -> Self {
        Self {
            id: row.id,
            email: row.email,
            name: row.name,
            // Only assignable roles are ever written.
            role: Role::from_db(&row.role).unwrap_or(Role::Public),
            entity_code: row.entity_code,
            organisation_code: row.organisation_code,
            active: row.active,
            created_at: row.created_at,
        }
    }
}

impl From<access_token::Model> for AccessToken {
    fn from(row: access_token::Model) -> Self {
        Self {
            id: row.id,
            user_id: row.user_id,
            kind: TokenKind::from_db(&row.kind),
            name: row.name,
            created_at: row.created_at,
            expires_at: row.expires_at,
            revoked_at: row.revoked_at,
        }
    }
}
