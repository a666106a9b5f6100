//! Territory: the DIVIPOLA register of departments, districts, municipalities
//! and non-municipalised areas, with the fields of the differential approach.

mod entity;
pub mod loader;
pub mod model;
pub mod regions;
pub mod register;
pub mod resolvers;
pub mod service;
mod snapshot;

pub use model::{
    CapacityGroup, DivipolaCode, MunicipalCategory, TerritorialEntity, TerritorialKind, TerritoryFilter,
};
pub use service::TerritoryService;
