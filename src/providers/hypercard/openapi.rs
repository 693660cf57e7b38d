//! The HyperCard API as an OpenAPI 3.1 document: the operations come from the handlers'
//! `#[utoipa::path]` annotations and the schemas from the wire types that serialise the
//! answers (`wire/`, `error.rs`), gathered by the same `OpenApiRouter` that routes
//! (`mod.rs`). This file adds what belongs to the whole document: its description, the
//! signing headers as security schemes, the tags and the link to HyperCard's
//! documentation on every operation.

use utoipa::Modify;
use utoipa::OpenApi;
use utoipa::openapi::OpenApi as Document;
use utoipa::openapi::external_docs::ExternalDocsBuilder;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityRequirement, SecurityScheme};

/// HyperCard's own documentation, which every operation links to.
const DOCS: &str = "https://doc-api.hyperpay.io/en/2api/21_hypercard_api/";

/// The signed headers, each a security scheme; a request needs all of them.
const SIGNED: [(&str, &str); 5] = [
    ("api-key", "The merchant's api-key (a tenant view lists it)"),
    (
        "timestamp",
        "Unix seconds; fresh within 300 s of the wall clock or of the tenant clock (the tenant clock only under the scenario's `clock.auth: tenant`)",
    ),
    (
        "nonce",
        "A random string of up to 64 printable characters, used once within ten minutes",
    ),
    ("version", "\"1.0\""),
    (
        "signature",
        "Base64 SHA256withRSA, with the merchant's private key, over the canonical string of the signed headers (timestamp, nonce, api-key, version, lang) merged with the top-level body fields, empty values dropped, sorted by name, `key=value` joined by `&` (README, HyperCard signing; `card-sandbox hypercard sign` prints the headers)",
    ),
];

#[derive(OpenApi)]
#[openapi(
    info(
        title = "HyperCard (card-sandbox)",
        description = "HyperPay HyperCard's card API as card-sandbox emulates it. Every request is a signed POST of a JSON object; every answer is HTTP 200 with the envelope `{code, msg, data}`: `code` \"00000\" and `msg` \"ok\" on success (with `data` unless the operation answers none), an error code (A0000 to A0011, B0000) and its message otherwise; unknown routes answer 404 and bodies over 1 MiB 413 in the envelope. Ids and amounts are strings. Every path also answers under a tenant's base URL `/t/{tenant}`; the signature is over the body only, so the prefix does not change it.",
        license(name = "MIT OR Apache-2.0"),
    ),
    tags(
        (name = "products", description = "Card products"),
        (name = "applications", description = "Card applications"),
        (name = "cards", description = "Cards: balance, activation, details, operations"),
        (name = "recharge", description = "Recharges with a coin"),
        (name = "merchant", description = "The merchant's coin balance"),
        (name = "transactions", description = "Statements and Transaction Query v3"),
    ),
    modifiers(&Signing),
)]
struct Base;

/// The signed headers on every operation.
struct Signing;

impl Modify for Signing {
    fn modify(&self, openapi: &mut Document) {
        let components = openapi.components.get_or_insert_with(Default::default);
        for (name, description) in SIGNED {
            components.add_security_scheme(
                name,
                SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                    name,
                    description,
                ))),
            );
        }
        let all = SIGNED
            .iter()
            .fold(SecurityRequirement::default(), |all, (name, _)| {
                all.add(*name, Vec::<String>::new())
            });
        openapi.security = Some(vec![all]);
    }
}

/// The document's fixed parts, before the router adds the operations.
pub(super) fn base() -> Document {
    crate::providers::schema::versioned::<Base>()
}

/// Links every operation to HyperCard's documentation.
pub(super) fn finish(mut doc: Document) -> Document {
    for item in doc.paths.paths.values_mut() {
        if let Some(operation) = &mut item.post {
            operation.external_docs = Some(
                ExternalDocsBuilder::new()
                    .url(DOCS)
                    .description(Some("HyperCard's documentation"))
                    .build(),
            );
        }
    }
    doc
}
