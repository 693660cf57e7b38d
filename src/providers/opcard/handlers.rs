//! One thin handler per OPCard endpoint: read the fields, call one operation or
//! listing, render the wire type.

use axum::Extension;
use axum::extract::{Path, Request, State};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::error::{Code, Envelope, ErrorEnvelope, OpError, Reply};
use super::extract::{self, Authed};
use super::state::{CardIdx, RiskRule};
use super::wire::{
    self, AmountRequest, CardDetail, ChangeRow, CreateCardRequest, LoadData, LoadRequest, Page,
    PayoutRow, PayoutsQuery, RecordsQuery, ReleaseData, RiskRow, TokenData, TokenRequest,
};
use super::{ops, query};
use crate::providers::Provider;
use crate::request::{AppState, ResolvedTenant};
use crate::tenant::World;

/// `POST /card-api/v1/auth/token`: `{app_key, app_secret}` → `{token, expires_in}`.
#[utoipa::path(
    post,
    path = "/card-api/v1/auth/token",
    tag = "auth",
    operation_id = "auth_token",
    summary = "Issue a token from a client's app_key and app_secret",
    description = "A token for `Authorization`, valid `expires_in` seconds (7200) on the wall clock (the tenant clock under the scenario's `clock.auth: tenant`). Not in OPCard's published documentation: the sandbox's own.",
    request_body = TokenRequest,
    security(()),
    responses(
        (status = 200, description = "The token", body = Envelope<TokenData>),
        (status = 401, description = "Unknown app_key or wrong app_secret", body = ErrorEnvelope),
    )
)]
pub(super) async fn auth_token(State(state): State<AppState>, req: Request) -> Response {
    let headers = req.headers().clone();
    let body = match extract::read_body(req).await {
        Ok(body) => body,
        Err(e) => return extract::early(&state, e),
    };
    let keys = (
        wire::req_str(&body, "app_key"),
        wire::req_str(&body, "app_secret"),
    );
    let (app_key, app_secret) = match keys {
        (Ok(k), Ok(s)) => (k.to_owned(), s.to_owned()),
        (Err(e), _) | (_, Err(e)) => return extract::early(&state, e),
    };
    let tenant = match extract::tenant_for(&state, &headers, &extract::app_key(&app_key)) {
        Ok(tenant) => tenant,
        Err(e) => return extract::early(&state, e),
    };
    let outcome = tenant.with(|w| {
        let trace_id = w.ids.hex(32);
        let result = ops::issue_token(w, &app_key, &app_secret);
        let retired = std::mem::take(&mut w.opcard.retired);
        (trace_id, result, retired)
    });
    let Ok((trace_id, mut result, retired)) = outcome else {
        return extract::early(
            &state,
            OpError::new(Code::Internal, "the tenant is unusable; reset it"),
        );
    };
    if let Err(e) = &mut result
        && e.code == Code::Unauthorized
    {
        e.msg
            .push_str(&crate::request::fresh_credentials_hint(&tenant));
    }
    if let Ok(token) = &result {
        state
            .registry
            .add_credential(Provider::Opcard, &extract::token_key(token), &tenant.id);
    }
    let retired: Vec<String> = retired.iter().map(|t| extract::token_key(t)).collect();
    state
        .registry
        .forget_credentials(Provider::Opcard, &retired, &tenant.id);
    let reply = Reply {
        trace_id,
        result: result.map(|token| TokenData {
            token,
            expires_in: ops::TOKEN_SECONDS,
        }),
    };
    (Extension(ResolvedTenant(tenant.id.clone())), reply).into_response()
}

fn detail(w: &World, card: CardIdx) -> CardDetail {
    let c = &w.opcard.cards[card];
    let program = &w.opcard.programs[c.program];
    CardDetail {
        card_no: c.card_no,
        card_id: c.card_id,
        card_number: c.card_number.clone(),
        card_validity_time: wire::time(ops::month_start_of(c.valid_until)),
        program_value: program.value,
        program_cn_name: program.cn_name.clone(),
        program_en_name: program.en_name.clone(),
        card_holder_id: c.card_holder_id,
        card_status: c.status.clone(),
        risk_list: c
            .risk_list
            .iter()
            .map(|r| RiskRow {
                trade_risk_name: r.name.clone(),
                trade_risk_value: r.value.clone(),
            })
            .collect(),
    }
}

/// `POST /card-api/v1/cards/create`.
#[utoipa::path(
    post,
    path = "/card-api/v1/cards/create",
    tag = "cards",
    operation_id = "cards_create",
    summary = "Create a card on a program",
    description = "Answers the card's detail (the answer's shape is the sandbox's: OPCard documents the request only).",
    request_body = CreateCardRequest,
    responses(
        (status = 200, description = "The new card, or a business error (code other than 200)", body = Envelope<CardDetail>),
        (status = 401, description = "No or a wrong token", body = ErrorEnvelope),
    )
)]
pub(super) async fn cards_create(req: Authed) -> Response {
    req.run(|w, body| {
        let card_name = wire::req_str(body, "card_name")?;
        let card_desc = wire::opt_str(body, "card_desc")?.unwrap_or_default();
        let validity = wire::req_str(body, "card_validity_time")?;
        let program = wire::req_program(body, "program_value")?;
        let holder = wire::opt_id(body, "card_holder_id")?;
        let risk_list = match body.get("risk_list") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| {
                    let rule = item.as_object().ok_or_else(|| {
                        OpError::param(
                            "risk_list items must be {trade_risk_name, trade_risk_value}",
                        )
                    })?;
                    Ok(RiskRule {
                        name: wire::req_str(rule, "trade_risk_name")?.to_owned(),
                        value: wire::req_str(rule, "trade_risk_value")?.to_owned(),
                    })
                })
                .collect::<Result<Vec<_>, OpError>>()?,
            Some(_) => return Err(OpError::param("risk_list must be a list")),
        };
        let card = ops::create_card(
            w, program, card_name, card_desc, validity, holder, risk_list, None,
        )?;
        Ok(detail(w, card))
    })
}

/// `GET /card-api/v1/cards/{card_id}/detail`.
#[utoipa::path(
    get,
    path = "/card-api/v1/cards/{card_id}/detail",
    tag = "cards",
    operation_id = "card_detail",
    summary = "A card's detail",
    params(("card_id" = u64, Path, description = "The card id (a JSON integer above 2^53 in answers)")),
    responses(
        (status = 200, description = "The card, or 40400 when there is none", body = Envelope<CardDetail>),
        (status = 401, description = "No or a wrong token", body = ErrorEnvelope),
    )
)]
pub(super) async fn card_detail(Path(card_id): Path<String>, req: Authed) -> Response {
    req.run(|w, _| {
        let id = wire::parse_id(&Value::String(card_id.clone()), "card_id")?;
        let card = w
            .opcard
            .card_index(id)
            .ok_or_else(|| query::card_not_found(id))?;
        Ok(detail(w, card))
    })
}

/// `POST /card-api/v1/load/create`.
#[utoipa::path(
    post,
    path = "/card-api/v1/load/create",
    tag = "card limits",
    operation_id = "load_create",
    summary = "Load a card account (Pending, confirmed later on the tenant clock)",
    request_body = LoadRequest,
    responses(
        (status = 200, description = "The pending load, or a business error", body = Envelope<LoadData>),
        (status = 401, description = "No or a wrong token", body = ErrorEnvelope),
    )
)]
pub(super) async fn load_create(req: Authed) -> Response {
    req.run(|w, body| {
        let accounting_currency = wire::req_currency(body, "accounting_currency")?;
        let bill_currency = wire::req_currency(body, "bill_currency")?;
        let program = wire::req_program(body, "program_value")?;
        let amount = wire::req_amount(body, "accounting_amount")?;
        let index = ops::create_load(w, program, accounting_currency, bill_currency, amount)?;
        let load = &w.opcard.loads[index];
        let account = ops::card_account(w, load.program, accounting_currency);
        let balance = w.ledger.balance(account)?.posted;
        let load = &w.opcard.loads[index];
        Ok(LoadData {
            batch_no: load.batch_no.clone(),
            status: "Pending".to_owned(),
            available_currency: accounting_currency.code().to_owned(),
            accounting_currency: accounting_currency.code().to_owned(),
            accounting_amount: wire::number(load.accounting_amount),
            reference_exchange_rate: wire::fixed(load.rate, 10),
            available_balance: wire::number(balance),
            estimated_deduction_amount: wire::number(load.bill_amount),
            estimated_deduction_currency: bill_currency.code().to_owned(),
        })
    })
}

/// `POST /card-api/v1/load/release` `{program_value, currency, amount}`.
#[utoipa::path(
    post,
    path = "/card-api/v1/load/release",
    tag = "card limits",
    operation_id = "load_release",
    summary = "Release money from a card account (fund_type 23)",
    description = "Not in OPCard's published documentation: the sandbox's own.",
    request_body = AmountRequest,
    responses(
        (status = 200, description = "The release, or a business error (42200 beyond the balance)", body = Envelope<ReleaseData>),
        (status = 401, description = "No or a wrong token", body = ErrorEnvelope),
    )
)]
pub(super) async fn load_release(req: Authed) -> Response {
    req.run(|w, body| {
        let program = wire::req_program(body, "program_value")?;
        let currency = wire::req_currency(body, "currency")?;
        let amount = wire::req_amount(body, "amount")?;
        let record = ops::release(w, program, currency, amount)?;
        let r = &w.opcard.records[record];
        Ok(ReleaseData {
            batch_no: r.batch_no.clone(),
            status: "Success".to_owned(),
            program_value: program,
            currency: currency.code().to_owned(),
            amount: wire::number(amount),
            card_limit_amount: wire::number(r.balance_after),
        })
    })
}

/// `POST /card-api/v1/payouts/create` `{program_value, currency, amount}`.
#[utoipa::path(
    post,
    path = "/card-api/v1/payouts/create",
    tag = "payouts",
    operation_id = "payouts_create",
    summary = "Pay out from a card account (fund_type 28)",
    description = "Not in OPCard's published documentation: the sandbox's own.",
    request_body = AmountRequest,
    responses(
        (status = 200, description = "The payout, or a business error (42200 beyond the balance)", body = Envelope<PayoutRow>),
        (status = 401, description = "No or a wrong token", body = ErrorEnvelope),
    )
)]
pub(super) async fn payouts_create(req: Authed) -> Response {
    req.run(|w, body| {
        let program = wire::req_program(body, "program_value")?;
        let currency = wire::req_currency(body, "currency")?;
        let amount = wire::req_amount(body, "amount")?;
        let index = ops::payout(w, program, currency, amount)?;
        Ok(query::payout_row(&w.opcard, &w.opcard.payouts[index]))
    })
}

/// `POST /card-api/v1/payouts/list`.
#[utoipa::path(
    post,
    path = "/card-api/v1/payouts/list",
    tag = "payouts",
    operation_id = "payouts_list",
    summary = "Payouts, a cursor page",
    request_body = PayoutsQuery,
    responses(
        (status = 200, description = "A page, or a business error", body = Envelope<Page<PayoutRow>>),
        (status = 401, description = "No or a wrong token", body = ErrorEnvelope),
    )
)]
pub(super) async fn payouts_list(req: Authed) -> Response {
    req.run(|w, body| query::payouts(&w.opcard, body))
}

/// `POST /card-api/v1/balance/change/records`.
#[utoipa::path(
    post,
    path = "/card-api/v1/balance/change/records",
    tag = "balance",
    operation_id = "balance_change_records",
    summary = "Balance change records, a cursor page, newest first by default",
    description = "Every record carries the card account's balance right after it (`card_limit_amount`).",
    request_body = RecordsQuery,
    responses(
        (status = 200, description = "A page, or a business error", body = Envelope<Page<ChangeRow>>),
        (status = 401, description = "No or a wrong token", body = ErrorEnvelope),
    )
)]
pub(super) async fn balance_change_records(req: Authed) -> Response {
    req.run(|w, body| query::change_records(&w.opcard, body))
}
