//! The demo knowledge base: the decree, the Mission's proposals and forty
//! documents of guides, studies, lessons and norms (see resources/knowledge).

use super::{
    model::{NewKnowledgeProduct, SourceFormat},
    KnowledgeService,
};
use crate::error::ServiceError;

include!(concat!(env!("OUT_DIR"), "/knowledge_demo.rs"));

/// Loads the demo documents; `false` when they were already there.
pub async fn load(knowledge: &KnowledgeService) -> Result<bool, ServiceError> {
    let mut added = 0;
    for (name, text) in DEMO_DOCUMENTS {
        let new = NewKnowledgeProduct {
            format: Some(SourceFormat::Markdown),
            content: text.as_bytes().to_vec(),
            ..Default::default()
        };
        match knowledge.add_as_system(new).await {
            Ok(_) => added += 1,
            Err(ServiceError::Conflict(_)) => {}
            Err(ServiceError::Invalid(reason)) => {
                return Err(ServiceError::Internal(anyhow::anyhow!(
                    "documento de demostración {name}: {reason}"
                )))
            }
            Err(other) => return Err(other),
        }
    }
    Ok(added > 0)
}
