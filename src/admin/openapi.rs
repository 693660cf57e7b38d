//! The OpenAPI documents the sandbox serves: `GET /_sandbox/openapi` lists them and
//! `GET /_sandbox/openapi/{name}.json` (or `.yaml`) serves one. Each provider's document
//! comes from its face (`Face::openapi`), generated from its handlers and wire types;
//! they are rendered once, on first use. Open without the admin token, like health: a
//! document holds no tenant data.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use axum::Json;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::AdminError;
use crate::providers::Provider;

/// One document, rendered.
struct Rendered {
    title: String,
    json: String,
    yaml: String,
}

/// Every document by name, rendered on first use.
static DOCUMENTS: LazyLock<BTreeMap<&'static str, Rendered>> = LazyLock::new(|| {
    Provider::ALL
        .into_iter()
        .filter_map(|p| p.face().openapi().map(|doc| (p.name(), doc)))
        .filter_map(|(name, doc)| {
            let json = doc.to_pretty_json().ok()?;
            let yaml = doc.to_yaml().ok()?;
            let title = doc.info.title.clone();
            Some((name, Rendered { title, json, yaml }))
        })
        .collect()
});

/// `GET /_sandbox/openapi`.
#[derive(Debug, Serialize)]
pub(super) struct DocumentList {
    documents: Vec<DocumentLink>,
}

#[derive(Debug, Serialize)]
struct DocumentLink {
    name: &'static str,
    title: String,
    json: String,
    yaml: String,
}

pub(super) async fn list() -> Json<DocumentList> {
    Json(DocumentList {
        documents: DOCUMENTS
            .iter()
            .map(|(name, doc)| DocumentLink {
                name,
                title: doc.title.clone(),
                json: format!("/_sandbox/openapi/{name}.json"),
                yaml: format!("/_sandbox/openapi/{name}.yaml"),
            })
            .collect(),
    })
}

/// `GET /_sandbox/openapi/{name}.json` or `.yaml`.
pub(super) async fn document(Path(file): Path<String>) -> Result<Response, AdminError> {
    let found = file.rsplit_once('.').and_then(|(name, extension)| {
        let doc = DOCUMENTS.get(name)?;
        match extension {
            "json" => Some(("application/json", doc.json.clone())),
            "yaml" => Some(("application/yaml; charset=utf-8", doc.yaml.clone())),
            _ => None,
        }
    });
    let (content_type, text) = found.ok_or_else(|| {
        AdminError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!(
                "no document {file:?}; GET /_sandbox/openapi lists them ({}), as .json or .yaml",
                DOCUMENTS.keys().copied().collect::<Vec<_>>().join(", ")
            ),
        )
    })?;
    Ok(([(header::CONTENT_TYPE, content_type)], text).into_response())
}
