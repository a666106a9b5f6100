//! Batch loading of territorial relations: one query per relation and request,
//! however many entities ask (no N+1).

use std::{collections::HashMap, sync::Arc};

use async_graphql::dataloader::Loader;

use super::{model::TerritorialEntity, service::TerritoryService};
use crate::error::ServiceError;

pub struct TerritoryLoader(pub std::sync::Arc<TerritoryService>);

/// Key: the municipal units of a department (by its code).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MunicipalUnitsOf(pub String);

impl Loader<String> for TerritoryLoader {
    type Value = TerritorialEntity;
    type Error = Arc<ServiceError>;

    async fn load(&self, codes: &[String]) -> Result<HashMap<String, TerritorialEntity>, Self::Error> {
        self.0.find_many(codes).await.map_err(Arc::new)
    }
}

impl Loader<MunicipalUnitsOf> for TerritoryLoader {
    type Value = Vec<TerritorialEntity>;
    type Error = Arc<ServiceError>;

    async fn load(
        &self,
        keys: &[MunicipalUnitsOf],
    ) -> Result<HashMap<MunicipalUnitsOf, Vec<TerritorialEntity>>, Self::Error> {
        let departments: Vec<String> = keys.iter().map(|key| key.0.clone()).collect();
        let by_department = self.0.municipal_units_of(&departments).await.map_err(Arc::new)?;
        Ok(by_department.into_iter().map(|(code, units)| (MunicipalUnitsOf(code), units)).collect())
    }
}
