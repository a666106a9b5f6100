//! The `territorial_entity` table, as sea-orm sees it. Never leaves this context:
//! services turn rows into `model::TerritorialEntity`.

use sea_orm::entity::prelude::*;

use super::model::{CapacityGroup, MunicipalCategory, TerritorialEntity, TerritorialKind};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "territorial_entity")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub name: String,
    pub search_name: String,
    pub kind: String,
    pub department_code: Option<String>,
    pub category: Option<String>,
    pub capacity_group: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl From<Model> for TerritorialEntity {
    fn from(row: Model) -> Self {
        Self {
            // The migration only admits the kinds the register writes.
            kind: TerritorialKind::from_db(&row.kind).unwrap_or(TerritorialKind::Municipality),
            category: row.category.as_deref().and_then(MunicipalCategory::from_db),
            capacity_group: row.capacity_group.as_deref().and_then(CapacityGroup::from_db),
            code: row.code,
            name: row.name,
            department_code: row.department_code,
        }
    }
}
