//! The OpenAPI documents the sandbox serves: `GET /_sandbox/openapi` lists them and
//! `GET /_sandbox/openapi/{name}.json` (or `.yaml`) serves one. Each provider's document
//! comes from its face (`Face::openapi`), generated from its handlers and wire types; the
//! admin API's from the same `OpenApiRouter` lists that route it (`mod.rs`), finished
//! here (its description, the optional bearer scheme, the errors every operation of a
//! kind can answer). They are rendered once, on first use. Open without the admin
//! token, like health: a document holds no tenant data.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use axum::Json;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use utoipa::OpenApi;
use utoipa::openapi::link::LinkBuilder;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{OpenApi as Document, Ref, RefOr, ResponseBuilder};

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
        .chain([("admin", super::document())])
        .filter_map(|(name, doc)| {
            let json = doc.to_pretty_json().ok()?;
            let yaml = doc.to_yaml().ok()?;
            let title = doc.info.title.clone();
            Some((name, Rendered { title, json, yaml }))
        })
        .collect()
});

/// `GET /_sandbox/openapi`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct DocumentList {
    documents: Vec<DocumentLink>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct DocumentLink {
    name: &'static str,
    title: String,
    json: String,
    yaml: String,
}

#[utoipa::path(
    get,
    path = "/_sandbox/openapi",
    tag = "system",
    operation_id = "openapi_list",
    summary = "The OpenAPI documents the sandbox serves",
    security(()),
    responses((status = 200, description = "Each document's name, title and addresses", body = DocumentList))
)]
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
#[utoipa::path(
    get,
    path = "/_sandbox/openapi/{file}",
    tag = "system",
    operation_id = "openapi_document",
    summary = "One OpenAPI document, as JSON or YAML",
    params(("file" = String, Path, description = "`{name}.json` or `{name}.yaml`, a name GET /_sandbox/openapi lists")),
    security(()),
    responses(
        (status = 200, description = "The document", content(
            (Object = "application/json"),
            (Object = "application/yaml; charset=utf-8"),
        )),
        (status = 404, description = "No such document", body = super::wire::ErrorBody),
    )
)]
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

#[derive(OpenApi)]
#[openapi(
    info(
        title = "card-sandbox admin API",
        description = "The sandbox's own API under `/_sandbox/`: tenants and scenarios, each tenant's clock, exports and invariants, simulated provider events, the request journal and its verification, fault rules, webhooks, metrics and these documents. JSON in and out (times RFC 3339, the clock also in epoch milliseconds); errors are `{\"error\": {\"code\", \"message\"}}` with 400 for a malformed or wrong-typed body or query, 404 for an unknown tenant, 409 for a well-formed but impossible change, 413 for a body over 1 MiB. A body is read as JSON whatever its content type, an empty one as `{}`. Started with `--admin-token`, every operation but health, readiness, these documents and file links needs `Authorization: Bearer <token>`; until the startup scenarios are loaded, tenant operations answer 503. The README's \"Admin API\" section says more about each.",
        license(name = "MIT OR Apache-2.0"),
    ),
    tags(
        (name = "system", description = "Health, readiness, metrics and the OpenAPI documents"),
        (name = "tenants", description = "Tenants, the scenarios they are made from, exports, invariants and provider listings"),
        (name = "clock", description = "Each tenant's clock and its scheduled events"),
        (name = "simulation", description = "Provider events made to happen"),
        (name = "requests", description = "The request journal: search, verify, clear"),
        (name = "faults", description = "Fault and latency rules"),
        (name = "webhooks", description = "Webhook configuration, deliveries and redelivery"),
        (name = "files", description = "Files provider answers link to"),
    ),
)]
struct AdminBase;

/// The security scheme's name in the admin document.
const BEARER: &str = "adminToken";

/// The admin document's fixed parts, before the router adds the operations.
pub(super) fn admin_base() -> Document {
    crate::providers::schema::versioned::<AdminBase>()
}

/// Operations that answer without the admin token.
const OPEN: &[&str] = &["/_sandbox/health", "/_sandbox/ready", "/_sandbox/openapi"];

/// Adds the optional bearer scheme (the token only exists under `--admin-token`), and to
/// each operation the errors its kind can answer that its annotation does not name: the
/// guard's 401 and 503, a body's or query's 400 and 413, an unknown tenant's 404 (in the
/// path or the query).
pub(super) fn finish_admin(mut doc: Document) -> Document {
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        BEARER,
        SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
    );
    doc.security = Some(vec![
        SecurityRequirement::default(),
        SecurityRequirement::new(BEARER, Vec::<String>::new()),
    ]);
    add_admin_links(&mut doc);
    for (path, item) in doc.paths.paths.iter_mut() {
        let open = OPEN.iter().any(|p| path.starts_with(p)) || path.starts_with("/_sandbox/files/");
        let operations = [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.delete,
        ];
        for operation in operations.into_iter().flatten() {
            let takes_query =
                operation.parameters.iter().flatten().any(
                    |p| matches!(p, RefOr::T(p) if matches!(p.parameter_in, ParameterIn::Query)),
                );
            let takes_body = operation.request_body.is_some();
            let names_tenant = operation
                .parameters
                .iter()
                .flatten()
                .any(|p| matches!(p, RefOr::T(p) if p.name == "tenant"));
            if !open {
                add_error(
                    operation,
                    "401",
                    "Under --admin-token: no or another bearer token",
                );
                if path != "/_sandbox/metrics" {
                    add_error(operation, "503", "The startup scenarios are still loading");
                }
            }
            if takes_body || takes_query {
                add_error(operation, "400", "A malformed or wrong-typed body or query");
            }
            if takes_body {
                add_error(operation, "413", "A body over 1 MiB");
            }
            if names_tenant {
                add_error(operation, "404", "No such tenant");
            }
            if path.contains("/faults/") {
                add_error(operation, "404", "No such rule");
            }
        }
    }
    doc
}

/// Where a created tenant or rule leads (OpenAPI links, which contract testers follow):
/// the creating operation, its status, the parameter, where the answer has it, and the
/// operations that take it.
const ADMIN_FLOWS: &[(&str, &str, &str, &str, &[&str])] = &[
    (
        "tenant_create",
        "201",
        "tenant",
        "$response.body#/id",
        &[
            "tenant_show",
            "tenant_reset",
            "tenant_export",
            "tenant_invariants",
            "clock_show",
            "clock_change",
            "clock_due",
            "requests_list",
            "requests_verify",
            "webhooks_list",
            "webhook_config_show",
            "tenant_delete",
        ],
    ),
    (
        "fault_add",
        "201",
        "id",
        "$response.body#/id",
        &["fault_show", "fault_remove"],
    ),
];

fn add_admin_links(doc: &mut Document) {
    for item in doc.paths.paths.values_mut() {
        for operation in [&mut item.post].into_iter().flatten() {
            let id = operation.operation_id.clone().unwrap_or_default();
            for (from, status, parameter, value, targets) in ADMIN_FLOWS {
                if *from != id {
                    continue;
                }
                let Some(RefOr::T(answer)) = operation.responses.responses.get_mut(*status) else {
                    continue;
                };
                for target in *targets {
                    let link = LinkBuilder::new()
                        .operation_id(*target)
                        .parameter(*parameter, *value)
                        .build();
                    answer.links.insert((*target).to_owned(), RefOr::T(link));
                }
            }
        }
    }
}

/// Documents `status` answering the admin error body, unless the operation does already.
fn add_error(operation: &mut Operation, status: &str, description: &str) {
    let responses = &mut operation.responses.responses;
    if responses.contains_key(status) {
        return;
    }
    let response = ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            utoipa::openapi::ContentBuilder::new()
                .schema(Some(RefOr::Ref(Ref::from_schema_name("ErrorBody"))))
                .build(),
        )
        .build();
    responses.insert(status.to_owned(), RefOr::T(response));
}
