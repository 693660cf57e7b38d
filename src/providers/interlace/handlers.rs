//! One thin handler per Interlace endpoint: OAuth (no token), then cards, transfers,
//! wallets, card transactions and the card-negative listings (token required).

use axum::Extension;
use axum::extract::{Path, Query as AxumQuery, Request, State};
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use rust_decimal::Decimal;

use super::error::{self, Envelope, ErrorEnvelope, IlError};
use super::extract::{self, Authed};
use super::ops;
use super::requests::{
    AccessTokenRequest, AccountFilter, AccountQuery, AuthorizeQuery, CardTransactionQuery,
    CreateCardRequest, PageQuery, RefreshTokenRequest, TimeQuery, TransferRequest,
};
use super::state::{CardIdx, StatIdx, Transaction};
use super::wire::{
    self, AccountNegativeView, AuthorizeData, BillView, CardView, ListData, Query, RepaymentView,
    TokenData, TransactionView, TransferView, WalletView,
};
use crate::providers::Provider;
use crate::request::{AppState, ResolvedTenant};
use crate::tenant::World;

/// Whether an OAuth path answers in the envelope: the `/open-api/v3/oauth/...` paths do,
/// the un-versioned ones answer the bare object (quirks.rs).
fn enveloped(uri: &Uri) -> bool {
    uri.path().starts_with("/open-api/v3/")
}

/// Runs an OAuth step on the tenant a clientId (or `X-Sandbox-Tenant`) names.
fn oauth<T: serde::Serialize>(
    state: &AppState,
    headers: &HeaderMap,
    envelope: bool,
    client_id: &str,
    op: impl FnOnce(&mut World) -> Result<T, IlError>,
    register: impl FnOnce(&T) -> Vec<String>,
) -> Response {
    let tenant = match extract::tenant_for(state, headers, &extract::client_key(client_id)) {
        Ok(tenant) => tenant,
        Err(e) => return e.into_response(),
    };
    let outcome = tenant.with(|w| {
        let result = op(w);
        (result, std::mem::take(&mut w.interlace.retired))
    });
    let (mut result, retired) = match outcome {
        Ok(outcome) => outcome,
        Err(e) => return IlError::new(super::error::Code::Internal, e.to_string()).into_response(),
    };
    if let Err(e) = &mut result
        && e.code == super::error::Code::Unauthorized
    {
        e.message
            .push_str(&crate::request::fresh_credentials_hint(&tenant));
    }
    let retired: Vec<String> = retired.iter().map(|t| extract::token_key(t)).collect();
    state
        .registry
        .forget_credentials(Provider::Interlace, &retired, &tenant.id);
    if let Ok(data) = &result {
        for key in register(data) {
            state
                .registry
                .add_credential(Provider::Interlace, &key, &tenant.id);
        }
    }
    let (status, body) = if envelope {
        error::render(result)
    } else {
        error::render_bare(result)
    };
    (
        Extension(ResolvedTenant(tenant.id.clone())),
        error::response(status, body),
    )
        .into_response()
}

#[utoipa::path(
    get,
    path = "/open-api/oauth/authorize",
    tag = "oauth",
    operation_id = "authorize",
    summary = "An authorisation code for a clientId (bare answer)",
    description = "A single-use code, valid 5 minutes on the tenant clock, for `access-token`. This un-versioned path answers `{timestamp, code}` bare on success (quirks.rs, \"OAuth answers\"); refusals carry the envelope.",
    params(AuthorizeQuery),
    security(()),
    responses(
        (status = 200, description = "The code, bare, or a parameter error in the envelope", body = AuthorizeData),
        (status = 401, description = "An unknown clientId", body = ErrorEnvelope),
    )
)]
/// `GET /open-api/oauth/authorize?clientId=` (bare) and, through [`authorize_v3`],
/// under `/open-api/v3/` (enveloped).
pub(super) async fn authorize(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    AxumQuery(query): AxumQuery<Query>,
) -> Response {
    let Some(client_id) = query.get("clientId").filter(|c| !c.is_empty()).cloned() else {
        return IlError::param("clientId is required").into_response();
    };
    oauth(
        &state,
        &headers,
        enveloped(&uri),
        &client_id,
        |w| {
            let code = ops::authorize(w, &client_id)?;
            Ok(AuthorizeData {
                timestamp: w.now().as_secs(),
                code,
            })
        },
        |_| Vec::new(),
    )
}

fn token_data(w: &World, (access, refresh): (String, String)) -> TokenData {
    TokenData {
        access_token: access,
        refresh_token: refresh,
        expires_in: ops::TOKEN_SECONDS,
        timestamp: w.now().as_secs(),
    }
}

#[utoipa::path(
    post,
    path = "/open-api/oauth/access-token",
    tag = "oauth",
    operation_id = "access_token",
    summary = "Exchange a code for an access token (bare answer)",
    description = "Tokens last 86400 s on the tenant clock. This un-versioned path answers `{accessToken, refreshToken, expiresIn, timestamp}` bare on success (quirks.rs, \"OAuth answers\"); refusals carry the envelope. `clientSecret` is required (quirks.rs, \"OAuth\").",
    request_body = AccessTokenRequest,
    security(()),
    responses(
        (status = 200, description = "The tokens, bare, or a parameter error in the envelope", body = TokenData),
        (status = 401, description = "An unknown clientId, a wrong clientSecret, a reused or expired code", body = ErrorEnvelope),
    )
)]
/// `POST /open-api/oauth/access-token` (bare) and, through [`access_token_v3`], under
/// `/open-api/v3/` (enveloped).
pub(super) async fn access_token(State(state): State<AppState>, req: Request) -> Response {
    let headers = req.headers().clone();
    let envelope = enveloped(req.uri());
    let body = match extract::read_body(req).await {
        Ok(body) => body,
        Err(e) => return e.into_response(),
    };
    let fields = (
        wire::req_str(&body, "clientId"),
        wire::req_str(&body, "clientSecret"),
        wire::req_str(&body, "code"),
    );
    let (client_id, secret, code) = match fields {
        (Ok(a), Ok(b), Ok(c)) => (a.to_owned(), b.to_owned(), c.to_owned()),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return e.into_response(),
    };
    oauth(
        &state,
        &headers,
        envelope,
        &client_id,
        |w| {
            let pair = ops::access_token(w, &client_id, &secret, &code)?;
            Ok(token_data(w, pair))
        },
        |t: &TokenData| vec![extract::token_key(&t.access_token)],
    )
}

#[utoipa::path(
    post,
    path = "/open-api/v3/oauth/refresh-token",
    tag = "oauth",
    operation_id = "refresh_token",
    summary = "New tokens for a refresh token",
    description = "Refresh tokens are single use and rotate; the old access token stops working.",
    request_body = RefreshTokenRequest,
    security(()),
    responses(
        (status = 200, description = "The new tokens, or a parameter error", body = Envelope<TokenData>),
        (status = 401, description = "An unknown clientId or refresh token", body = ErrorEnvelope),
    )
)]
/// `POST /open-api/v3/oauth/refresh-token` `{clientId, refreshToken}`.
pub(super) async fn refresh_token(State(state): State<AppState>, req: Request) -> Response {
    let headers = req.headers().clone();
    let body = match extract::read_body(req).await {
        Ok(body) => body,
        Err(e) => return e.into_response(),
    };
    let (client_id, refresh) = match (
        wire::req_str(&body, "clientId"),
        wire::req_str(&body, "refreshToken"),
    ) {
        (Ok(a), Ok(b)) => (a.to_owned(), b.to_owned()),
        (Err(e), _) | (_, Err(e)) => return e.into_response(),
    };
    oauth(
        &state,
        &headers,
        true,
        &client_id,
        |w| {
            let pair = ops::refresh(w, &client_id, &refresh)?;
            Ok(token_data(w, pair))
        },
        |t: &TokenData| vec![extract::token_key(&t.access_token)],
    )
}

#[utoipa::path(
    get,
    path = "/open-api/v3/oauth/authorize",
    tag = "oauth",
    operation_id = "authorize_v3",
    summary = "An authorisation code for a clientId",
    description = "A single-use code, valid 5 minutes on the tenant clock, for `access-token`, in the envelope.",
    params(AuthorizeQuery),
    security(()),
    responses(
        (status = 200, description = "The code, or a parameter error", body = Envelope<AuthorizeData>),
        (status = 401, description = "An unknown clientId", body = ErrorEnvelope),
    )
)]
pub(super) async fn authorize_v3(
    state: State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    query: AxumQuery<Query>,
) -> Response {
    authorize(state, uri, headers, query).await
}

#[utoipa::path(
    post,
    path = "/open-api/v3/oauth/access-token",
    tag = "oauth",
    operation_id = "access_token_v3",
    summary = "Exchange a code for an access token",
    description = "Tokens last 86400 s on the tenant clock, in the envelope. `clientSecret` is required, though the v3 example omits it (quirks.rs, \"OAuth\").",
    request_body = AccessTokenRequest,
    security(()),
    responses(
        (status = 200, description = "The tokens, or a parameter error", body = Envelope<TokenData>),
        (status = 401, description = "An unknown clientId, a wrong clientSecret, a reused or expired code", body = ErrorEnvelope),
    )
)]
pub(super) async fn access_token_v3(state: State<AppState>, req: Request) -> Response {
    access_token(state, req).await
}

pub(crate) fn card_view(w: &World, card: CardIdx) -> CardView {
    let c = &w.interlace.cards[card];
    let account = &w.interlace.accounts[c.account];
    CardView {
        id: c.id.clone(),
        account_id: account.id.clone(),
        user_name: c.user_name.clone(),
        currency: "USD".to_owned(),
        bin: c.bin.clone(),
        card_last_four: c.last_four.clone(),
        card_mode: c.card_mode.clone(),
        status: c.status.clone(),
        label: c.label.clone(),
        balance_id: c.balance_id.clone(),
        budget_id: c.is_budget_card().then(|| account.budget_id.clone()),
        cardholder_id: c.cardholder_id.clone(),
        create_time: wire::ms(c.created_at),
    }
}

#[utoipa::path(
    post,
    path = "/open-api/v3/cards",
    tag = "cards",
    operation_id = "cards_create",
    summary = "Issue a prepaid card (or a budget card with budgetId) on an account",
    description = "`cost` moves from the account's Infinity balance onto the new card; an account whose Infinity balance is not initialised answers 010021, a sub-account without passed KYC 010787.",
    request_body = CreateCardRequest,
    responses(
        (status = 200, description = "The card, or a business error", body = Envelope<CardView>),
        (status = 401, description = "No, an unknown or an expired x-access-token", body = ErrorEnvelope),
    )
)]
/// `POST /open-api/v3/cards` `{accountId, cost?, label?, budgetId?, userName?}`.
pub(super) async fn cards_create(req: Authed) -> Response {
    req.run(|w, r| {
        let account_id = wire::req_str(&r.body, "accountId")?;
        let budget_id = wire::opt_str(&r.body, "budgetId")?;
        let cost = wire::opt_amount(&r.body, "cost")?.unwrap_or(Decimal::ZERO);
        if cost < Decimal::ZERO {
            return Err(IlError::param(format!(
                "cost cannot be negative, got {cost}"
            )));
        }
        let account = ops::account(w, account_id)?;
        if let Some(budget_id) = budget_id
            && budget_id != w.interlace.accounts[account].budget_id
        {
            return Err(IlError::not_found(format!(
                "no budget {budget_id} on account {account_id}"
            )));
        }
        let label = wire::opt_str(&r.body, "label")?.unwrap_or_default();
        let user_name = wire::opt_str(&r.body, "userName")?.unwrap_or("Sandbox Cardholder");
        let card = ops::create_card(
            w,
            account_id,
            cost,
            budget_id.is_some(),
            label,
            user_name,
            None,
        )?;
        Ok(card_view(w, card))
    })
}

#[utoipa::path(
    get,
    path = "/open-api/v3/cards",
    tag = "cards",
    operation_id = "cards_list",
    summary = "Cards, newest first",
    params(AccountFilter, PageQuery),
    responses(
        (status = 200, description = "A page of cards, or a parameter error", body = Envelope<ListData<CardView>>),
        (status = 401, description = "No, an unknown or an expired x-access-token", body = ErrorEnvelope),
    )
)]
/// `GET /open-api/v3/cards?accountId=&page=&limit=`.
pub(super) async fn cards_list(req: Authed) -> Response {
    req.run(|w, r| {
        let (page, limit) = wire::paging(&r.query)?;
        let account = match r.query.get("accountId").filter(|a| !a.is_empty()) {
            Some(id) => Some(ops::account(w, id)?),
            None => None,
        };
        let cards: Vec<CardView> = (0..w.interlace.cards.len())
            .rev()
            .map(CardIdx)
            .filter(|c| account.is_none_or(|a| w.interlace.cards[*c].account == a))
            .map(|c| card_view(w, c))
            .collect();
        Ok(ListData::page(cards, page, limit))
    })
}

#[utoipa::path(
    get,
    path = "/open-api/v3/cards/{id}",
    tag = "cards",
    operation_id = "cards_get",
    summary = "A card",
    params(("id" = String, Path, description = "The card id")),
    responses(
        (status = 200, description = "The card, or 010003 when there is none", body = Envelope<CardView>),
        (status = 401, description = "No, an unknown or an expired x-access-token", body = ErrorEnvelope),
    )
)]
/// `GET /open-api/v3/cards/{id}`.
pub(super) async fn cards_get(Path(id): Path<String>, req: Authed) -> Response {
    req.run(|w, _| {
        let card = ops::card(w, &id)?;
        Ok(card_view(w, card))
    })
}

async fn transfer(req: Authed, into_card: bool) -> Response {
    req.run(|w, r| {
        let account_id = wire::req_str(&r.body, "accountId")?;
        let card_id = wire::req_str(&r.body, "cardId")?;
        let client_transaction_id =
            wire::opt_str(&r.body, "clientTransactionId")?.unwrap_or_default();
        let amount = wire::req_amount(&r.body, "amount")?;
        let id = ops::transfer(w, account_id, card_id, amount, into_card)?;
        Ok(TransferView {
            id,
            account_id: account_id.to_owned(),
            card_id: card_id.to_owned(),
            client_transaction_id: client_transaction_id.to_owned(),
            amount: wire::money(amount),
            fee: wire::money(Decimal::ZERO),
            currency: "USD".to_owned(),
            kind: if into_card {
                "TRANSFER_IN"
            } else {
                "TRANSFER_OUT"
            }
            .to_owned(),
            status: "CLOSED".to_owned(),
            create_time: wire::ms(w.now()),
        })
    })
}

#[utoipa::path(
    post,
    path = "/open-api/v3/cards/transfer-in",
    tag = "transfers",
    operation_id = "transfer_in",
    summary = "Move money from the Infinity balance to a prepaid card",
    description = "A card with a negative balance is settled first, as far as the transfer goes (an AccountRepayment; quirks.rs, \"Repayments\").",
    request_body = TransferRequest,
    responses(
        (status = 200, description = "The transfer (CLOSED at once), or a business error", body = Envelope<TransferView>),
        (status = 401, description = "No, an unknown or an expired x-access-token", body = ErrorEnvelope),
    )
)]
/// `POST /open-api/v3/cards/transfer-in`: Infinity balance to a prepaid card.
pub(super) async fn transfer_in(req: Authed) -> Response {
    transfer(req, true).await
}

#[utoipa::path(
    post,
    path = "/open-api/v3/cards/transfer-out",
    tag = "transfers",
    operation_id = "transfer_out",
    summary = "Move money from a prepaid card back to the Infinity balance",
    description = "Money reaching the Infinity balance repays the account's negatives, oldest first (quirks.rs, \"Repayments\").",
    request_body = TransferRequest,
    responses(
        (status = 200, description = "The transfer (CLOSED at once), or a business error", body = Envelope<TransferView>),
        (status = 401, description = "No, an unknown or an expired x-access-token", body = ErrorEnvelope),
    )
)]
/// `POST /open-api/v3/cards/transfer-out`: a prepaid card to the Infinity balance.
pub(super) async fn transfer_out(req: Authed) -> Response {
    transfer(req, false).await
}

#[utoipa::path(
    get,
    path = "/open-api/v3/cards/wallets",
    tag = "transfers",
    operation_id = "wallets",
    summary = "An account's wallets: Infinity (objectType 0), budget (1), each prepaid card (2)",
    params(AccountQuery),
    responses(
        (status = 200, description = "The wallets, or a business error", body = Envelope<ListData<WalletView>>),
        (status = 401, description = "No, an unknown or an expired x-access-token", body = ErrorEnvelope),
    )
)]
/// `GET /open-api/v3/cards/wallets?accountId=`: Infinity (0), budget (1), cards (2).
pub(super) async fn wallets(req: Authed) -> Response {
    req.run(|w, r| {
        let account = ops::account(w, wire::query_required(&r.query, "accountId")?)?;
        let a = &w.interlace.accounts[account];
        let available = |id| {
            w.ledger
                .balance(id)
                .map(|b| b.available)
                .unwrap_or_default()
        };
        let mut list = vec![
            WalletView {
                id: a.infinity_id.clone(),
                available: wire::money(available(a.infinity)),
                currency: "USD".to_owned(),
                object_type: 0,
            },
            WalletView {
                id: a.budget_id.clone(),
                available: wire::money(available(a.budget)),
                currency: "USD".to_owned(),
                object_type: 1,
            },
        ];
        for c in w.interlace.cards.iter().filter(|c| c.account == account) {
            if let Some(balance_id) = &c.balance_id {
                list.push(WalletView {
                    id: balance_id.clone(),
                    available: wire::money(available(c.ledger)),
                    currency: "USD".to_owned(),
                    object_type: 2,
                });
            }
        }
        let total = list.len();
        Ok(ListData { list, total })
    })
}

/// ISO 8583 processing code of a card transaction's kind (see quirks.rs): `00`
/// goods and services, `20` money back to the card (refund, reversal), `19` a fee.
fn processing_code(kind: &str) -> &'static str {
    match kind {
        "refund" | "reversal" => "20",
        "fee" => "19",
        _ => "00",
    }
}

pub(super) fn transaction_view(w: &World, t: &Transaction) -> TransactionView {
    let card = &w.interlace.cards[t.card];
    TransactionView {
        id: t.id.clone(),
        card_id: card.id.clone(),
        account_id: w.interlace.accounts[card.account].id.clone(),
        create_time: wire::ms(t.time),
        processing_code: processing_code(&t.kind).to_owned(),
        transaction_amount: wire::money(t.transaction_amount),
        transaction_currency: t.transaction_currency.clone(),
        billing_amount: wire::money(t.billing_amount),
        billing_currency: "USD".to_owned(),
        merchant_name: t.merchant_name.clone(),
        merchant_city: t.merchant_city.clone(),
        merchant_country: t.merchant_country.clone(),
        transaction_type: t.kind.clone(),
        mcc: t.mcc.clone(),
        status: t.status.clone(),
        business_code: t.business_code.clone(),
    }
}

#[utoipa::path(
    get,
    path = "/open-api/v3/card/transactions",
    tag = "card transactions",
    operation_id = "card_transactions",
    summary = "Card transactions, newest first",
    description = "Fields as the webhook example carries them, plus `status` and `businessCode` (quirks.rs, \"Card transactions\").",
    params(CardTransactionQuery, PageQuery),
    responses(
        (status = 200, description = "A page of transactions, or a business error", body = Envelope<ListData<TransactionView>>),
        (status = 401, description = "No, an unknown or an expired x-access-token", body = ErrorEnvelope),
    )
)]
/// `GET /open-api/v3/card/transactions?accountId=&cardId=&page=&limit=`, newest first.
pub(super) async fn card_transactions(req: Authed) -> Response {
    req.run(|w, r| {
        let (page, limit) = wire::paging(&r.query)?;
        let account = match r.query.get("accountId").filter(|a| !a.is_empty()) {
            Some(id) => Some(ops::account(w, id)?),
            None => None,
        };
        let card = match r.query.get("cardId").filter(|c| !c.is_empty()) {
            Some(id) => Some(ops::card(w, id)?),
            None => None,
        };
        let list: Vec<TransactionView> = w
            .interlace
            .transactions
            .iter()
            .rev()
            .filter(|t| card.is_none_or(|c| t.card == c))
            .filter(|t| account.is_none_or(|a| w.interlace.cards[t.card].account == a))
            .map(|t| transaction_view(w, t))
            .collect();
        Ok(ListData::page(list, page, limit))
    })
}

pub(super) fn negative_view(w: &World, stat: StatIdx) -> AccountNegativeView {
    let s = &w.interlace.stats[stat];
    let a = &w.interlace.accounts[s.account];
    AccountNegativeView {
        account_id: a.id.clone(),
        account_name: a.name.clone(),
        account_en: a.name_en.clone(),
        display_id: a.display_id.clone(),
        kind: a.account_type,
        card_negative: wire::money(s.card_negative),
        budget_negative: wire::money(s.budget_negative),
        currency: "USD".to_owned(),
        stat_time: wire::ms(s.time),
    }
}

#[utoipa::path(
    get,
    path = "/open-api/v3/card-negative/accounts",
    tag = "card negatives",
    operation_id = "negative_accounts",
    summary = "An account's daily negative statistics, newest first",
    description = "Taken at 00:00 UTC on the tenant clock (quirks.rs, \"Card negatives\").",
    params(AccountQuery, TimeQuery, PageQuery),
    responses(
        (status = 200, description = "A page of statistics, or a business error", body = Envelope<ListData<AccountNegativeView>>),
        (status = 401, description = "No, an unknown or an expired x-access-token", body = ErrorEnvelope),
    )
)]
/// `GET /open-api/v3/card-negative/accounts?accountId=`: the statistic history, newest first.
pub(super) async fn negative_accounts(req: Authed) -> Response {
    req.run(|w, r| {
        let (page, limit) = wire::paging(&r.query)?;
        let account = ops::account(w, wire::query_required(&r.query, "accountId")?)?;
        let range = wire::TimeRange::of(&r.query)?;
        let mut matched = Vec::new();
        for (i, s) in w.interlace.stats.iter().enumerate().rev() {
            if s.account == account && range.contains(s.time) {
                matched.push(StatIdx(i));
            }
        }
        Ok(ListData::page_with(matched, page, limit, |i| {
            negative_view(w, i)
        }))
    })
}

#[utoipa::path(
    get,
    path = "/open-api/v3/card-negative/bills",
    tag = "card negatives",
    operation_id = "negative_bills",
    summary = "An account's negative bills, newest first, each with its CSV link",
    params(AccountQuery, PageQuery),
    responses(
        (status = 200, description = "A page of bills, or a business error", body = Envelope<ListData<BillView>>),
        (status = 401, description = "No, an unknown or an expired x-access-token", body = ErrorEnvelope),
    )
)]
/// `GET /open-api/v3/card-negative/bills?accountId=`, newest first.
pub(super) async fn negative_bills(req: Authed) -> Response {
    req.run(|w, r| {
        let (page, limit) = wire::paging(&r.query)?;
        let account = ops::account(w, wire::query_required(&r.query, "accountId")?)?;
        let a = &w.interlace.accounts[account];
        let list: Vec<BillView> = w
            .interlace
            .bills
            .iter()
            .rev()
            .filter(|b| b.account == account)
            .map(|b| BillView {
                account_id: a.id.clone(),
                display_id: a.display_id.clone(),
                create_time: wire::ms(b.time),
                total: b.rows.len().to_string(),
                negative_url: r.files.url("interlace", &format!("bills/{}.csv", b.id)),
            })
            .collect();
        Ok(ListData::page(list, page, limit))
    })
}

#[utoipa::path(
    get,
    path = "/open-api/v3/card-negative/repayments",
    tag = "card negatives",
    operation_id = "negative_repayments",
    summary = "An account's repayments of negatives, newest first",
    params(AccountQuery, TimeQuery, PageQuery),
    responses(
        (status = 200, description = "A page of repayments, or a business error", body = Envelope<ListData<RepaymentView>>),
        (status = 401, description = "No, an unknown or an expired x-access-token", body = ErrorEnvelope),
    )
)]
/// `GET /open-api/v3/card-negative/repayments?accountId=&startTime=&endTime=`, newest first.
pub(super) async fn negative_repayments(req: Authed) -> Response {
    req.run(|w, r| {
        let (page, limit) = wire::paging(&r.query)?;
        let account = ops::account(w, wire::query_required(&r.query, "accountId")?)?;
        let a = &w.interlace.accounts[account];
        let range = wire::TimeRange::of(&r.query)?;
        let mut list = Vec::new();
        for p in w
            .interlace
            .repayments
            .iter()
            .rev()
            .filter(|p| p.account == account && range.contains(p.time))
        {
            list.push(RepaymentView {
                account_id: a.id.clone(),
                display_id: a.display_id.clone(),
                kind: a.account_type.to_string(),
                currency: "USD".to_owned(),
                card_negative: wire::money(p.card_negative),
                budget_negative: wire::money(p.budget_negative),
                card_settle_amount: wire::money(p.card_settled),
                budget_settle_amount: wire::money(p.budget_settled),
                card_unpaid_amount: wire::money(p.card_negative - p.card_settled),
                budget_unpaid_amount: wire::money(p.budget_negative - p.budget_settled),
                repay_time: p.time.as_millis(),
            });
        }
        Ok(ListData::page(list, page, limit))
    })
}
