//! The Interlace API as an OpenAPI 3.1 document: the operations come from the handlers'
//! `#[utoipa::path]` annotations and the schemas from the wire types that serialise the
//! answers (`wire.rs`, `global/wire.rs`, `onboarding/wire.rs`, `error.rs`) and the
//! request types (`requests.rs`), gathered by the same `OpenApiRouter` that routes
//! (`mod.rs`). This file adds what belongs to the whole document: its description, the
//! `x-access-token` security scheme, the tags, the `Idempotency-Key` header, and the link
//! to Interlace's documentation on every operation.

use utoipa::Modify;
use utoipa::OpenApi;
use utoipa::openapi::external_docs::ExternalDocsBuilder;
use utoipa::openapi::link::LinkBuilder;
use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Ref, Type};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{OpenApi as Document, RefOr, Required};

/// Interlace's own documentation, which every operation links to.
const DOCS: &str = "https://developer.interlace.money/";

/// The security scheme's name in the document.
const TOKEN: &str = "accessToken";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Interlace (card-sandbox)",
        description = "Interlace's card and global-account API as card-sandbox emulates it. Answers are the envelope `{code, message, data}`: `code` \"000000\" and `message` \"success\" with `data` on success; business errors are HTTP 200 with a 6-digit code and no `data`, authentication failures HTTP 401 with `010002`, unknown routes 404, wrong methods 405 and bodies over 1 MiB 413, all in the envelope. The un-versioned OAuth paths answer the bare object on success (quirks: older clients read it there); the `/open-api/v3/oauth/` paths answer the envelope. v3 times are epoch-millisecond strings, amounts 2-decimal strings, currencies upper case. Requests may send amounts as strings or numbers. `010021` and `010787` are codes Interlace is seen to answer; the other codes are the sandbox's. A POST with a body `accountId` and an `Idempotency-Key` answers a repeat with the first success's very bytes. Operations marked as the sandbox's own are not in Interlace's published documentation. Every path also answers under a tenant's base URL `/t/{tenant}`.",
        license(name = "MIT OR Apache-2.0"),
    ),
    tags(
        (name = "oauth", description = "Authorisation codes and access tokens for `x-access-token`"),
        (name = "accounts", description = "Sub-accounts, KYC and Infinity balance initialisation"),
        (name = "cards", description = "Cards, card BINs, cardholders and card display"),
        (name = "transfers", description = "Money between the Infinity balance and prepaid cards, and wallets"),
        (name = "card transactions", description = "Authorisations, clearings, reversals, refunds and fees"),
        (name = "card negatives", description = "Daily negative statistics, bills and repayments"),
        (name = "global accounts", description = "Legal entities, business accounts, bank accounts and their transactions"),
    ),
    modifiers(&TokenScheme),
)]
struct Base;

/// `x-access-token: <accessToken>` on every operation but OAuth.
struct TokenScheme;

impl Modify for TokenScheme {
    fn modify(&self, openapi: &mut Document) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            TOKEN,
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "x-access-token",
                "An accessToken from POST /open-api/oauth/access-token (after GET /open-api/oauth/authorize with the clientId a tenant view lists); valid 86400 s on the tenant clock",
            ))),
        );
        openapi.security = Some(vec![SecurityRequirement::new(TOKEN, Vec::<String>::new())]);
    }
}

/// The document's fixed parts, before the router adds the operations.
pub(super) fn base() -> Document {
    crate::providers::schema::versioned::<Base>()
}

/// The first item of a list answer.
const FIRST: &str = "$response.body#/data/list/0";

/// How one operation's answer feeds another (OpenAPI links, which contract testers such
/// as Schemathesis follow): the operation that answers, the one it leads to, and the
/// parameters and body taken from the answer (`{first}` stands for [`FIRST`], `{data}`
/// for the answer's `data`).
struct Flow {
    from: &'static str,
    to: &'static str,
    parameters: &'static [(&'static str, &'static str)],
    body: Option<&'static str>,
}

const fn flow(
    from: &'static str,
    to: &'static str,
    parameters: &'static [(&'static str, &'static str)],
) -> Flow {
    Flow {
        from,
        to,
        parameters,
        body: None,
    }
}

/// A listed card, a created resource read back, money moved on a listed card or business
/// account, a transfer cancelled.
const FLOWS: &[Flow] = &[
    flow("cards_list", "cards_get", &[("id", "{first}/id")]),
    flow(
        "cards_list",
        "card_transactions",
        &[("cardId", "{first}/id")],
    ),
    flow(
        "cards_list",
        "wallets",
        &[("accountId", "{first}/accountId")],
    ),
    flow(
        "cards_list",
        "card_display_token",
        &[("cardId", "{first}/id"), ("accountId", "{first}/accountId")],
    ),
    flow(
        "cards_list",
        "negative_accounts",
        &[("accountId", "{first}/accountId")],
    ),
    flow(
        "cards_list",
        "negative_bills",
        &[("accountId", "{first}/accountId")],
    ),
    flow(
        "cards_list",
        "negative_repayments",
        &[("accountId", "{first}/accountId")],
    ),
    Flow {
        from: "cards_list",
        to: "transfer_in",
        parameters: &[],
        body: Some(
            r#"{"accountId": "{first}/accountId", "cardId": "{first}/id", "amount": "1.00", "clientTransactionId": "contract-in"}"#,
        ),
    },
    Flow {
        from: "cards_list",
        to: "transfer_out",
        parameters: &[],
        body: Some(
            r#"{"accountId": "{first}/accountId", "cardId": "{first}/id", "amount": "0.01", "clientTransactionId": "contract-out"}"#,
        ),
    },
    flow("cards_create", "cards_get", &[("id", "{data}/id")]),
    flow("prepaid_card", "cards_get", &[("id", "{data}/id")]),
    flow(
        "cardholders_list",
        "cardholders_get",
        &[("id", "{first}/id")],
    ),
    flow(
        "cardholders_create",
        "cardholders_get",
        &[("id", "{data}/id")],
    ),
    flow("register", "cdd_detail", &[("accountId", "{data}/id")]),
    flow(
        "legal_entity_create",
        "legal_entity_get",
        &[("id", "{data}/id")],
    ),
    flow(
        "business_accounts_create",
        "business_accounts_get",
        &[("id", "{data}/id")],
    ),
    flow(
        "business_accounts_list",
        "business_accounts_get",
        &[("id", "{first}/id")],
    ),
    flow(
        "business_accounts_list",
        "business_accounts_balance",
        &[("id", "{first}/id")],
    ),
    flow(
        "business_accounts_list",
        "bank_account_create",
        &[("id", "{first}/id")],
    ),
    Flow {
        from: "business_accounts_list",
        to: "transfer_external",
        parameters: &[],
        body: Some(
            r#"{"clientTransactionId": "contract-out", "amount": "1.00", "currency": "{first}/currency", "from": {"id": "{first}/balanceId"}}"#,
        ),
    },
    flow(
        "transfer_external",
        "transfer_cancel",
        &[("id", "{data}/id")],
    ),
    flow(
        "business_transactions_list",
        "transfer_cancel",
        &[("id", "{first}/id")],
    ),
];

/// A runtime expression from the shorthand of [`FLOWS`].
fn expression(text: &str) -> String {
    text.replace("{first}", FIRST)
        .replace("{data}", "$response.body#/data")
}

/// Adds [`FLOWS`] to the HTTP 200 answers they start from.
fn add_links(doc: &mut Document) {
    for item in doc.paths.paths.values_mut() {
        for operation in [&mut item.get, &mut item.post].into_iter().flatten() {
            let Some(id) = operation.operation_id.clone() else {
                continue;
            };
            let Some(RefOr::T(ok)) = operation.responses.responses.get_mut("200") else {
                continue;
            };
            for flow in FLOWS.iter().filter(|f| f.from == id) {
                let mut link = LinkBuilder::new().operation_id(flow.to);
                for (name, value) in flow.parameters {
                    link = link.parameter(*name, expression(value));
                }
                if let Some(body) = flow.body {
                    let body: serde_json::Value =
                        serde_json::from_str(&expression(body)).unwrap_or_default();
                    link = link.request_body(Some(body));
                }
                ok.links.insert(flow.to.to_owned(), RefOr::T(link.build()));
            }
        }
    }
}

/// Links every operation to Interlace's documentation, lets each HTTP 200 answer be the
/// success or a business error (Interlace answers those with HTTP 200 too), adds the
/// optional `Idempotency-Key` header to every POST that needs a token, and the links
/// between operations ([`FLOWS`]).
pub(super) fn finish(mut doc: Document) -> Document {
    add_links(&mut doc);
    let error = RefOr::Ref(Ref::from_schema_name("ErrorEnvelope"));
    for (path, item) in doc.paths.paths.iter_mut() {
        let oauth = path.contains("/oauth/");
        if let Some(post) = &mut item.post
            && !oauth
        {
            add_idempotency_key(post);
        }
        for operation in [&mut item.get, &mut item.post].into_iter().flatten() {
            operation.external_docs = Some(
                ExternalDocsBuilder::new()
                    .url(DOCS)
                    .description(Some("Interlace's documentation"))
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

fn add_idempotency_key(operation: &mut Operation) {
    let header = ParameterBuilder::new()
        .name("Idempotency-Key")
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "With a body accountId: a repeat of (accountId, key, path) answers the first success's very bytes; the same key with another body is refused with 010001",
        ))
        .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
        .build();
    operation
        .parameters
        .get_or_insert_with(Vec::new)
        .push(RefOr::T(header));
}
