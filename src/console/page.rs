//! The console's HTML, rendered with `maud`: the page shell (header, tabs, empty panels
//! the script fills), the landing page at `/`, and the facts the script needs that are
//! fixed in code — each provider's simulations (from its face's `simulations()`) with the
//! fields of their bodies, and the fault presets. No tenant data is rendered here: the
//! script reads it through the admin and provider APIs with the user's token.

use maud::{DOCTYPE, Markup, PreEscaped, html};
use serde_json::{Value, json};

use crate::providers::Provider;

/// Where the console lives; its assets are under it.
pub(crate) const CONSOLE_PATH: &str = "/_sandbox/console";

/// One field of a simulation body: name, what it refers to (the script offers the
/// tenant's ids for `card`, `account`, ...), a default and whether it is required.
struct Field {
    name: &'static str,
    refers: &'static str,
    default: &'static str,
    required: bool,
}

const fn field(name: &'static str, refers: &'static str, default: &'static str) -> Field {
    Field {
        name,
        refers,
        default,
        required: true,
    }
}

const fn optional(name: &'static str, refers: &'static str, default: &'static str) -> Field {
    Field {
        name,
        refers,
        default,
        required: false,
    }
}

/// The fields of the simulations README documents, per `provider/event` (and the
/// object each acts on, for the Act panel). A simulation a face offers that this table
/// does not know still gets a form with a raw JSON body.
fn simulation_fields(provider: &str, event: &str) -> Option<(&'static str, Vec<Field>)> {
    Some(match (provider, event) {
        ("hypercard", "consume") => (
            "card",
            vec![
                field("card_id", "hypercard.cards", ""),
                field("amount", "", "12.34"),
                optional("currency", "", ""),
                optional("mcc", "", "5411"),
                optional("description", "", "Console coffee"),
            ],
        ),
        ("hypercard", "withdrawal") => (
            "card",
            vec![
                field("card_id", "hypercard.cards", ""),
                field("amount", "", "20"),
                optional("description", "", ""),
            ],
        ),
        ("hypercard", "refund") => (
            "transaction",
            vec![
                field("tx_id", "hypercard.tx", ""),
                optional("amount", "", ""),
                optional("description", "", ""),
            ],
        ),
        ("hypercard", "fee") => (
            "transaction",
            vec![
                field("tx_id", "hypercard.tx", ""),
                optional("amount", "", ""),
            ],
        ),
        ("opcard", "card-spend" | "card-refund") => (
            "card",
            vec![
                field("card_id", "opcard.cards", ""),
                field("amount", "", "15.5"),
                optional("currency", "", ""),
                optional("merchant", "", "Console shop"),
            ],
        ),
        ("interlace", "card-transaction") => (
            "card",
            vec![
                field("cardId", "interlace.cards", ""),
                field(
                    "type",
                    "choice:authorization,clearing,reversal,refund,fee",
                    "authorization",
                ),
                field("amount", "", "25"),
                optional("transactionId", "interlace.tx", ""),
                optional("currency", "", ""),
                optional("merchantName", "", "Console Cafe"),
                optional("merchantCity", "", ""),
                optional("merchantCountry", "", ""),
                optional("mcc", "", ""),
            ],
        ),
        ("interlace", "fund-account") => (
            "account",
            vec![
                field("accountId", "interlace.accounts", ""),
                field("amount", "", "1000"),
            ],
        ),
        ("interlace", "negative-stat") => ("tenant", vec![]),
        ("interlace", "deposit") => (
            "business account",
            vec![
                field("businessAccountId", "interlace.business_accounts", ""),
                field("amount", "", "500"),
                optional("counterparty", "", ""),
                optional("reference", "", ""),
                optional(
                    "outcome",
                    "choice:closed,confirm,rejected,cancelled,unknown,",
                    "closed",
                ),
            ],
        ),
        ("interlace", "transfer-outcome") => (
            "business transaction",
            vec![
                field("transactionId", "interlace.business_tx", ""),
                field("outcome", "choice:failed", "failed"),
            ],
        ),
        ("interlace", "legal-entity-status") => (
            "legal entity",
            vec![
                field("id", "interlace.legal_entities", ""),
                field(
                    "status",
                    "choice:PENDING,APPROVED,REJECTED,SUSPENDED",
                    "APPROVED",
                ),
            ],
        ),
        _ => return None,
    })
}

/// Every simulation the admin API offers, as the script reads it.
fn simulations() -> Value {
    Provider::ALL
        .into_iter()
        .flat_map(|p| {
            p.simulations().iter().map(move |event| {
                let known = simulation_fields(p.name(), event);
                let raw = known.is_none();
                let (target, fields) = known.unwrap_or(("tenant", Vec::new()));
                json!({
                    "provider": p.name(),
                    "event": event,
                    "target": target,
                    "raw": raw,
                    "fields": fields.iter().map(|f| json!({
                        "name": f.name,
                        "refers": f.refers,
                        "default": f.default,
                        "required": f.required,
                    })).collect::<Vec<_>>(),
                })
            })
        })
        .collect()
}

/// The fault presets: a label a person reads and the rule the faults admin API takes
/// (the script adds the tenant and an id `console-{key}`). `disarm_after_s`: the
/// console removes the rule that long after arming it.
fn fault_presets() -> Value {
    json!([
        {"key": "hc-b0000", "label": "Next 2 HyperCard calls fail with B0000",
         "rule": {"match": {"provider": "hypercard"}, "times": 2,
                  "action": {"type": "error", "status": 500, "code": "B0000"}}},
        {"key": "op-latency", "label": "+500 ms on every OPCard call",
         "rule": {"match": {"provider": "opcard"},
                  "action": {"type": "latency", "fixed_ms": 500}}},
        {"key": "il-reset", "label": "10 % of Interlace calls reset the connection",
         "rule": {"match": {"provider": "interlace"}, "probability": 0.1,
                  "action": {"type": "reset"}}},
        {"key": "rate-30s", "label": "429 on every provider call for 30 s",
         "rule": {"action": {"type": "rate_limit", "retry_after_s": 30}},
         "disarm_after_s": 30},
        {"key": "op-503", "label": "30 % of OPCard loads answer 503",
         "rule": {"match": {"path": "/card-api/v1/load/*"}, "probability": 0.3,
                  "action": {"type": "error", "status": 503}}},
        {"key": "malformed", "label": "Next answer is cut-off JSON",
         "rule": {"times": 1, "action": {"type": "malformed"}}},
    ])
}

/// The facts the script starts from, as JSON in the page.
fn config() -> Value {
    json!({
        "version": crate::VERSION,
        "providers": Provider::ALL.iter().map(|p| p.name()).collect::<Vec<_>>(),
        "simulations": simulations(),
        "presets": fault_presets(),
    })
}

/// `GET /_sandbox/console`.
pub(crate) fn console() -> Markup {
    // `</` cannot end the script element early: JSON escapes `/` after `<`.
    let config = config().to_string().replace("</", "<\\/");
    let tabs = [
        ("tenants", "Tenants"),
        ("data", "Data"),
        ("act", "Act"),
        ("clock", "Clock"),
        ("faults", "Faults"),
        ("webhooks", "Webhooks"),
        ("live", "Live"),
    ];
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "card-sandbox console" }
                link rel="icon" href="data:,";
                link rel="stylesheet" href={ (CONSOLE_PATH) "/console.css" };
            }
            body {
                header.top {
                    a.brand href=(CONSOLE_PATH) { "card-sandbox" span.version { (crate::VERSION) } }
                    label.tenant-pick {
                        "Tenant "
                        select #tenant-select { }
                    }
                    span #clock-badge .badge { "clock" }
                    span #invariants-badge .badge { "invariants" }
                    span.spacer {}
                    a.openapi-link href="/_sandbox/openapi" title="The OpenAPI documents of the emulated APIs" { "OpenAPI" }
                    button #token-button type="button" { "Admin token" }
                }
                dialog #token-dialog {
                    form #token-form method="dialog" {
                        h2 { "Admin token" }
                        p { "This sandbox runs with " code { "--admin-token" } ". The console keeps the token in this tab's session storage and sends it as " code { "Authorization: Bearer" } "." }
                        input #token-input type="password" autocomplete="off" placeholder="token";
                        div.row { button type="submit" { "Use token" } }
                    }
                }
                nav.tabs {
                    @for (id, label) in tabs {
                        button.tab type="button" data-tab=(id) { (label) }
                    }
                }
                main {
                    section #tab-tenants .panel {
                        div.grid2 {
                            div.card {
                                h2 { "Tenants" }
                                div #tenant-list {}
                            }
                            div.card {
                                h2 { "Create a tenant" }
                                form #create-form {
                                    label { "Id " input name="id" placeholder="(generated)"; }
                                    label { "Scenario " select name="scenario" #create-scenario {} }
                                    label { "Seed " input name="seed" type="number" min="0" placeholder="(scenario's)"; }
                                    label { "Credentials "
                                        select name="credentials" {
                                            option value="" { "automatic" }
                                            option value="fresh" { "fresh" }
                                            option value="scenario" { "scenario" }
                                        }
                                    }
                                    button type="submit" #create-button { "Create" }
                                }
                            }
                        }
                        div.card {
                            h2 { "Selected tenant" }
                            div #tenant-detail {}
                        }
                    }
                    section #tab-data .panel hidden {
                        div.subtabs #data-tabs {}
                        div #data-view {}
                    }
                    section #tab-act .panel hidden { div #act-view {} }
                    section #tab-clock .panel hidden { div #clock-view {} }
                    section #tab-faults .panel hidden { div #faults-view {} }
                    section #tab-webhooks .panel hidden { div #webhooks-view {} }
                    section #tab-live .panel hidden {
                        div.grid-live {
                            div.card { h2 { "Request journal" } div #journal-view {} }
                            div.card { h2 { "Invariants" } div #invariants-view {} }
                        }
                    }
                }
                div #toast role="status" {}
                dialog #raw-dialog {
                    div.row { strong #raw-title {} span.spacer {} button #raw-copy type="button" { "Copy" } button #raw-close type="button" { "Close" } }
                    pre #raw-body {}
                }
                script #console-config type="application/json" { (PreEscaped(config)) }
                script src={ (CONSOLE_PATH) "/console.js" } {}
            }
        }
    }
}

/// `GET /`: what the server is, with the console and the admin API linked.
pub(crate) fn landing() -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                title { "card-sandbox" }
                link rel="icon" href="data:,";
                link rel="stylesheet" href={ (CONSOLE_PATH) "/console.css" };
            }
            body.landing {
                h1 { "card-sandbox " span.version { (crate::VERSION) } }
                p { "Emulates the Interlace, Oceanpayment OPCard and HyperPay HyperCard APIs over one in-memory ledger." }
                ul {
                    li { a #console-link href=(CONSOLE_PATH) { "Open the console" } " — tenants, data, simulations, clock, faults, webhooks and the request journal" }
                    li { a href="/_sandbox/health" { "/_sandbox/health" } }
                    li { a href="/_sandbox/tenants" { "/_sandbox/tenants" } " (admin API, see the README)" }
                    li { a href="/_sandbox/openapi" { "/_sandbox/openapi" } " (the OpenAPI documents of the emulated APIs)" }
                }
            }
        }
    }
}
