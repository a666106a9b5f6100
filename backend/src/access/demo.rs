//! What the login page shows on a demo instance: the demo users and their
//! shared password, so a visitor can walk every role. An instance without
//! the demo data shows nothing (no user's address ends in the demo domain).

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{entity::app_user, model::User, AccessService};
use crate::error::ServiceError;

/// The one password of every demo user (demo data is synthetic, and says so).
pub const DEMO_PASSWORD: &str = "demo-sugit-2025";
/// The domain of every demo user's address.
pub const DEMO_DOMAIN: &str = ".demo.gov.co";

/// The demo users and how they sign in.
#[derive(Debug, Clone)]
pub struct DemoAccess {
    pub password: &'static str,
    pub users: Vec<User>,
}

impl AccessService {
    /// The active demo users, by address; `None` where there are none.
    #[tracing::instrument(name = "access.demo_access", skip_all)]
    pub async fn demo_access(&self) -> Result<Option<DemoAccess>, ServiceError> {
        let users: Vec<User> = app_user::Entity::find()
            .filter(app_user::Column::Email.ends_with(DEMO_DOMAIN))
            .filter(app_user::Column::Active.eq(true))
            .order_by_asc(app_user::Column::Email)
            .limit(100)
            .all(&self.db)
            .await?
            .into_iter()
            .map(User::from)
            .collect();
        Ok((!users.is_empty()).then_some(DemoAccess { password: DEMO_PASSWORD, users }))
    }
}
