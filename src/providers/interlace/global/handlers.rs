//! One thin handler per global-account endpoint.

use axum::extract::Path;
use axum::response::Response;
use rust_decimal::Decimal;
use serde_json::Value;

use super::ops;
use super::state::TRANSACTION_STATUSES;
use super::wire::{BalanceView, BusinessAccountView, LegalEntityView, TransactionView};
use crate::money::Currency;
use crate::providers::interlace::error::{Envelope, ErrorEnvelope, IlError};
use crate::providers::interlace::extract::Authed;
use crate::providers::interlace::ops as card_ops;
use crate::providers::interlace::requests::{
    BankAccountRequest, BusinessAccountQuery, BusinessAccountRequest, GlobalTransactionQuery,
    LegalEntityRequest, PageQuery, TimeQuery, TransferAnswer, TransferExternalRequest,
};
use crate::providers::interlace::wire::{self, ListData};

#[utoipa::path(
    post,
    path = "/open-api/v3/business/legal-entity",
    tag = "global accounts",
    operation_id = "legal_entity_create",
    summary = "Start a legal entity's review for an account",
    description = "It starts PENDING; the tenant clock moves it to PROCESSING, then ACTIVE, after the scenario's delays (quirks.rs, \"Legal entities\").",
    request_body = LegalEntityRequest,
    responses(
        (status = 200, description = "The legal entity, or a business error", body = Envelope<LegalEntityView>),
        (status = 401, description = "No, an unknown or an expired x-access-token", body = ErrorEnvelope),
    )
)]
/// `POST /open-api/v3/business/legal-entity` `{accountId, accountName?}`.
pub(crate) async fn legal_entity_create(req: Authed) -> Response {
    req.run(|w, r| {
        let account_id = wire::req_str(&r.body, "accountId")?;
        let name = wire::opt_str(&r.body, "accountName")?;
        let index = ops::create_legal_entity(w, account_id, name)?;
        Ok(LegalEntityView::of(
            w,
            &w.interlace.global.legal_entities[index],
        ))
    })
}

#[utoipa::path(
    get,
    path = "/open-api/v3/business/legal-entity/{id}",
    tag = "global accounts",
    operation_id = "legal_entity_get",
    summary = "A legal entity",
    params(("id" = String, Path, description = "The legal entity id")),
    responses(
        (status = 200, description = "The legal entity, or 010003 when there is none", body = Envelope<LegalEntityView>),
        (status = 401, description = "No, an unknown or an expired x-access-token", body = ErrorEnvelope),
    )
)]
/// `GET /open-api/v3/business/legal-entity/{id}`.
pub(crate) async fn legal_entity_get(Path(id): Path<String>, req: Authed) -> Response {
    req.run(|w, _| {
        let index = w
            .interlace
            .global
            .legal_entity(&id)
            .ok_or_else(|| IlError::not_found(format!("no legal entity {id}")))?;
        Ok(LegalEntityView::of(
            w,
            &w.interlace.global.legal_entities[index],
        ))
    })
}

fn currency(code: &str) -> Result<Currency, IlError> {
    Currency::parse(code).map_err(|_| IlError::param(format!("currency {code:?} is not known")))
}

#[utoipa::path(
    post,
    path = "/open-api/v3/business/accounts",
    tag = "global accounts",
    operation_id = "business_accounts_create",
    summary = "Open a business account, with its first bank account",
    description = "Needs an ACTIVE legal entity. It opens with one bank account in its currency (quirks.rs, \"A business account opens with one bank account\").",
    request_body = BusinessAccountRequest,
    responses(
        (status = 200, description = "The business account, or a business error", body = Envelope<BusinessAccountView>),
        (status = 401, description = "No, an unknown or an expired x-access-token", body = ErrorEnvelope),
    )
)]
/// `POST /open-api/v3/business/accounts` `{accountId, nickname, currency, purpose?}`.
pub(crate) async fn business_accounts_create(req: Authed) -> Response {
    req.run(|w, r| {
        let account_id = wire::req_str(&r.body, "accountId")?;
        let nickname = wire::req_str(&r.body, "nickname")?;
        let currency = currency(wire::req_str(&r.body, "currency")?)?;
        let purpose = wire::opt_str(&r.body, "purpose")?.unwrap_or_default();
        let index = ops::create_business_account(w, account_id, nickname, purpose, currency, None)?;
        // It opens with its bank account, as Interlace's accounts and the scenario's do
        // (`quirks.rs`).
        let id = w.interlace.global.business_accounts[index].id.clone();
        ops::create_bank_account(w, &id, None)?;
        Ok(BusinessAccountView::of(
            w,
            &w.interlace.global.business_accounts[index],
        ))
    })
}

#[utoipa::path(
    get,
    path = "/open-api/v3/business/accounts",
    tag = "global accounts",
    operation_id = "business_accounts_list",
    summary = "Business accounts, newest first",
    params(BusinessAccountQuery, PageQuery),
    responses(
        (status = 200, description = "A page of business accounts, or a business error", body = Envelope<ListData<BusinessAccountView>>),
        (status = 401, description = "No, an unknown or an expired x-access-token", body = ErrorEnvelope),
    )
)]
/// `GET /open-api/v3/business/accounts?accountId=&currency=&page=&limit=`.
pub(crate) async fn business_accounts_list(req: Authed) -> Response {
    req.run(|w, r| {
        let (page, limit) = wire::paging(&r.query)?;
        let account = match r.query.get("accountId").filter(|a| !a.is_empty()) {
            Some(id) => Some(card_ops::account(w, id)?),
            None => None,
        };
        let wanted = r
            .query
            .get("currency")
            .filter(|c| !c.is_empty())
            .map(|c| currency(c))
            .transpose()?;
        let list: Vec<BusinessAccountView> = w
            .interlace
            .global
            .business_accounts
            .iter()
            .rev()
            .filter(|b| account.is_none_or(|a| b.account == a))
            .filter(|b| wanted.is_none_or(|c| b.currency == c))
            .map(|b| BusinessAccountView::of(w, b))
            .collect();
        Ok(ListData::page(list, page, limit))
    })
}

#[utoipa::path(
    get,
    path = "/open-api/v3/business/accounts/{id}",
    tag = "global accounts",
    operation_id = "business_accounts_get",
    summary = "A business account",
    params(("id" = String, Path, description = "The business account id")),
    responses(
        (status = 200, description = "The business account, or 010003 when there is none", body = Envelope<BusinessAccountView>),
        (status = 401, description = "No, an unknown or an expired x-access-token", body = ErrorEnvelope),
    )
)]
/// `GET /open-api/v3/business/accounts/{id}`.
pub(crate) async fn business_accounts_get(Path(id): Path<String>, req: Authed) -> Response {
    req.run(|w, _| {
        let index = ops::business_account(w, &id)?;
        Ok(BusinessAccountView::of(
            w,
            &w.interlace.global.business_accounts[index],
        ))
    })
}

#[utoipa::path(
    get,
    path = "/open-api/v3/business/accounts/{id}/balance",
    tag = "global accounts",
    operation_id = "business_accounts_balance",
    summary = "A business account's balance",
    description = "`pending` is the sum of inbound deposits still on their way (quirks.rs, \"pending\").",
    params(("id" = String, Path, description = "The business account id")),
    responses(
        (status = 200, description = "The balance, or 010003 when there is no such account", body = Envelope<BalanceView>),
        (status = 401, description = "No, an unknown or an expired x-access-token", body = ErrorEnvelope),
    )
)]
/// `GET /open-api/v3/business/accounts/{id}/balance`.
pub(crate) async fn business_accounts_balance(Path(id): Path<String>, req: Authed) -> Response {
    req.run(|w, _| {
        let index = ops::business_account(w, &id)?;
        let ba = &w.interlace.global.business_accounts[index];
        let available = w.ledger.balance(ba.ledger)?.available;
        let pending: Decimal = w
            .interlace
            .global
            .transactions
            .iter()
            .filter(|t| t.business_account == index && t.business_type == "INBOUND")
            .filter(|t| {
                !["CLOSED", "REJECTED", "CANCELLED", "UNKNOWN"].contains(&t.status.as_str())
            })
            .map(|t| t.amount)
            .sum();
        Ok(BalanceView {
            balance_id: ba.balance_id.clone(),
            currency: ba.currency.code().to_owned(),
            available: wire::money(available),
            pending: wire::money(pending),
        })
    })
}

#[utoipa::path(
    post,
    path = "/open-api/v3/business/account/{id}/bank-account",
    tag = "global accounts",
    operation_id = "bank_account_create",
    summary = "Add a bank account to a business account",
    description = "GBP and EUR get an IBAN, USD an account number with an ABA routing number (quirks.rs, \"Bank accounts\").",
    params(("id" = String, Path, description = "The business account id")),
    request_body = BankAccountRequest,
    responses(
        (status = 200, description = "The business account with its bank accounts, or a business error", body = Envelope<BusinessAccountView>),
        (status = 401, description = "No, an unknown or an expired x-access-token", body = ErrorEnvelope),
    )
)]
/// `POST /open-api/v3/business/account/{id}/bank-account` `{accountName?}`: `id` is the
/// business account's id.
pub(crate) async fn bank_account_create(Path(id): Path<String>, req: Authed) -> Response {
    req.run(|w, r| {
        let name = wire::opt_str(&r.body, "accountName")?;
        let index = ops::business_account(w, &id)?;
        ops::create_bank_account(w, &id, name)?;
        Ok(BusinessAccountView::of(
            w,
            &w.interlace.global.business_accounts[index],
        ))
    })
}

#[utoipa::path(
    get,
    path = "/open-api/v3/business/accounts/transactions",
    tag = "global accounts",
    operation_id = "business_transactions_list",
    summary = "Global-account transactions, newest first",
    description = "A transaction carries no time; `startTime` and `endTime` filter on the time the sandbox keeps (quirks.rs, \"Transactions\").",
    params(GlobalTransactionQuery, TimeQuery, PageQuery),
    responses(
        (status = 200, description = "A page of transactions, or a business error", body = Envelope<ListData<TransactionView>>),
        (status = 401, description = "No, an unknown or an expired x-access-token", body = ErrorEnvelope),
    )
)]
/// `GET /open-api/v3/business/accounts/transactions?accountId=&businessAccountId=&businessType=&status=&startTime=&endTime=`.
pub(crate) async fn transactions_list(req: Authed) -> Response {
    req.run(|w, r| {
        let (page, limit) = wire::paging(&r.query)?;
        let q = |name: &str| r.query.get(name).filter(|v| !v.is_empty()).cloned();
        let account = q("accountId")
            .map(|id| card_ops::account(w, &id))
            .transpose()?;
        let business_account = q("businessAccountId")
            .map(|id| ops::business_account(w, &id))
            .transpose()?;
        let business_type = q("businessType");
        if let Some(t) = &business_type
            && t != "INBOUND"
            && t != "OUTBOUND"
        {
            return Err(IlError::param(format!(
                "businessType must be INBOUND or OUTBOUND, got {t:?}"
            )));
        }
        let status = q("status");
        if let Some(s) = &status
            && !TRANSACTION_STATUSES.contains(&s.as_str())
        {
            return Err(IlError::param(format!(
                "status must be one of {}, got {s:?}",
                TRANSACTION_STATUSES.join(", ")
            )));
        }
        let range = wire::TimeRange::of(&r.query)?;
        let global = &w.interlace.global;
        let list: Vec<TransactionView> = global
            .transactions
            .iter()
            .rev()
            .filter(|t| {
                account.is_none_or(|a| global.business_accounts[t.business_account].account == a)
            })
            .filter(|t| business_account.is_none_or(|b| t.business_account == b))
            .filter(|t| {
                business_type
                    .as_deref()
                    .is_none_or(|b| t.business_type == b)
            })
            .filter(|t| status.as_deref().is_none_or(|s| t.status == s))
            .filter(|t| range.contains(t.time))
            .map(|t| TransactionView::of(w, t))
            .collect();
        Ok(ListData::page(list, page, limit))
    })
}

#[utoipa::path(
    post,
    path = "/open-api/v3/business/transfer/external",
    tag = "global accounts",
    operation_id = "transfer_external",
    summary = "An outbound transfer from a business account, or a transfer between two accounts' Infinity balances",
    description = "Without `to`: the global-account OUTBOUND transfer, PENDING until it settles on the tenant clock. With `to`: money between two accounts' Infinity balances, fee 0, CLOSED at once; a recipient not initialised answers 010021 (quirks.rs, \"Onboarding\").",
    request_body = TransferExternalRequest,
    responses(
        (status = 200, description = "The transaction or the account transfer, or a business error", body = TransferAnswer),
        (status = 401, description = "No, an unknown or an expired x-access-token", body = ErrorEnvelope),
    )
)]
/// `POST /open-api/v3/business/transfer/external` `{clientTransactionId, amount,
/// currency, from: {id}, beneficiary?: {name}, counterparty?, reference?}`.
pub(crate) async fn transfer_external(req: Authed) -> Response {
    if crate::providers::interlace::onboarding::handlers::is_account_transfer(&req.body) {
        return crate::providers::interlace::onboarding::handlers::account_transfer(&req);
    }
    req.run(|w, r| {
        let client = wire::req_str(&r.body, "clientTransactionId")?;
        let amount = wire::req_amount(&r.body, "amount")?;
        let currency = currency(wire::req_str(&r.body, "currency")?)?;
        let from = match r.body.get("from") {
            Some(Value::Object(from)) => wire::req_str(from, "id")?.to_owned(),
            _ => {
                return Err(IlError::param(
                    "from is required: {\"id\": \"<balanceId>\"}",
                ));
            }
        };
        let counterparty = match r.body.get("beneficiary") {
            Some(Value::Object(b)) => wire::opt_str(b, "name")?.map(str::to_owned),
            _ => None,
        }
        .or(wire::opt_str(&r.body, "counterparty")?.map(str::to_owned))
        .unwrap_or_else(|| "EXTERNAL BENEFICIARY".to_owned());
        let reference = wire::opt_str(&r.body, "reference")?.unwrap_or_default();
        let index =
            ops::transfer_external(w, &from, amount, currency, &counterparty, reference, client)?;
        Ok(TransactionView::of(
            w,
            &w.interlace.global.transactions[index],
        ))
    })
}

#[utoipa::path(
    post,
    path = "/open-api/v3/business/transfer/external/{id}/cancel",
    tag = "global accounts",
    operation_id = "transfer_cancel",
    summary = "Cancel a PENDING outbound transfer (the sandbox's own)",
    description = "USER_CANCELLED; amount and fee go back. Not in Interlace's published documentation (quirks.rs, \"Cancel\").",
    params(("id" = String, Path, description = "The transaction id")),
    responses(
        (status = 200, description = "The transaction, or a business error", body = Envelope<TransactionView>),
        (status = 401, description = "No, an unknown or an expired x-access-token", body = ErrorEnvelope),
    )
)]
/// `POST /open-api/v3/business/transfer/external/{id}/cancel`: cancels a PENDING
/// transfer (USER_CANCELLED; amount and fee back). A sandbox path (README).
pub(crate) async fn transfer_cancel(Path(id): Path<String>, req: Authed) -> Response {
    req.run(|w, _| {
        let index = ops::cancel_transfer(w, &id)?;
        Ok(TransactionView::of(
            w,
            &w.interlace.global.transactions[index],
        ))
    })
}
