//! The OPCard API as an OpenAPI 3.1 document: the operations come from the handlers'
//! `#[utoipa::path]` annotations and the schemas from the wire types that serialise the
//! answers (`wire.rs`, `error.rs`), gathered by the same `OpenApiRouter` that routes
//! (`mod.rs`). This file adds what belongs to the whole document: its description, the
//! token security scheme, the tags and the link to OPCard's documentation on every
//! operation.

use utoipa::Modify;
use utoipa::OpenApi;
use utoipa::openapi::external_docs::ExternalDocsBuilder;
use utoipa::openapi::schema::{OneOfBuilder, Ref};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{OpenApi as Document, RefOr};

/// OPCard's own documentation, which every operation links to.
pub(super) const DOCS: &str = "https://dev.oceanpayment.com/en/docs/opcard";

/// The security scheme's name in the document.
const TOKEN: &str = "token";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "OPCard (card-sandbox)",
        description = "Oceanpayment OPCard's card API as card-sandbox emulates it. Every answer is the envelope `{code, msg, trace_id, data}`: `code` \"200\" with `data` on success; business errors are HTTP 200 with another code, authentication failures HTTP 401, unknown routes 404, wrong methods 405 and bodies over 1 MiB 413, all in the envelope. Amounts are JSON numbers written from the exact decimal; exchange rates carry 10 decimals; card ids are JSON integers above 2^53; times are ISO 8601 at +08:00. Requests may also send ids, `program_value` and amounts as strings. OPCard publishes no error table: the codes are the sandbox's. Operations marked as the sandbox's own are not in OPCard's published documentation. Every path also answers under a tenant's base URL `/t/{tenant}`.",
        license(name = "MIT OR Apache-2.0"),
    ),
    tags(
        (name = "auth", description = "Tokens for the `Authorization` header"),
        (name = "cards", description = "Cards on a program"),
        (name = "card limits", description = "Loads and releases of card accounts (one per program_value and currency)"),
        (name = "payouts", description = "Payouts from card accounts"),
        (name = "balance", description = "Balance change records of card accounts"),
    ),
    modifiers(&TokenScheme),
)]
struct Base;

/// `Authorization: <token>` on every operation but the token request.
struct TokenScheme;

impl Modify for TokenScheme {
    fn modify(&self, openapi: &mut Document) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            TOKEN,
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "Authorization",
                "A token from POST /card-api/v1/auth/token or a scenario's static token, sent as it is (a `Bearer ` prefix is accepted too)",
            ))),
        );
        openapi.security = Some(vec![SecurityRequirement::new(TOKEN, Vec::<String>::new())]);
    }
}

/// The document's fixed parts, before the router adds the operations.
pub(super) fn base() -> Document {
    crate::providers::schema::versioned::<Base>()
}

/// Links every operation to OPCard's documentation, and lets each HTTP 200 answer be
/// the success envelope or a business error (OPCard answers those with HTTP 200 too).
pub(super) fn finish(mut doc: Document) -> Document {
    let error = RefOr::Ref(Ref::from_schema_name("ErrorEnvelope"));
    for item in doc.paths.paths.values_mut() {
        for operation in [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            operation.external_docs = Some(
                ExternalDocsBuilder::new()
                    .url(DOCS)
                    .description(Some("OPCard's documentation"))
                    .build(),
            );
            let Some(RefOr::T(ok)) = operation.responses.responses.get_mut("200") else {
                continue;
            };
            for content in ok.content.values_mut() {
                let RefOr::T(content) = content else { continue };
                if let Some(success) = content.schema.take() {
                    let either = OneOfBuilder::new().item(success).item(error.clone());
                    content.schema = Some(RefOr::T(either.into()));
                }
            }
        }
    }
    doc
}
