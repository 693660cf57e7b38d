//! One thin handler per onboarding endpoint: sub-account registration, file upload,
//! KYC submission and its sandbox review, initialisation, CDD detail, card BINs,
//! cardholders, prepaid cards, card-display tokens and account-to-account transfers.

use axum::extract::multipart::{Field, Multipart};
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rust_decimal::Decimal;
use serde_json::Value;
use time::macros::format_description;

use super::bins::BINS;
use super::ops::{self, CardholderForm, KycForm, PrepaidForm, Registration, Side};
use super::wire::{
    AccountTransferView, BinView, CardholderCreated, CardholderView, CddView, DisplayTokenView,
    KycCaseView, RegisteredView, SideView,
};
use crate::providers::interlace::error::{Envelope, ErrorEnvelope, IlError};
use crate::providers::interlace::extract::Authed;
use crate::providers::interlace::handlers::card_view;
use crate::providers::interlace::ops as core;
use crate::providers::interlace::requests::{
    AccountFilter, AccountQuery, CardholderRequest, KycRequest, KycReviewRequest, PageQuery,
    PrepaidCardRequest, RegisterRequest, UploadForm,
};
use crate::providers::interlace::wire::CardView;
use crate::providers::interlace::wire::{self, Body, ListData, money, ms};
use crate::request::AppState;

/// The most a single uploaded file may hold: 5 MiB.
pub(crate) const FILE_LIMIT: u64 = 5 * 1024 * 1024;
/// The most files one upload may carry.
pub(crate) const MAX_FILES: usize = 10;
/// The most an upload request may hold in all (the route's body limit): 20 MiB.
pub(crate) const UPLOAD_LIMIT: usize = 20 * 1024 * 1024;

fn object<'a>(body: &'a Body, name: &str) -> Result<Option<&'a Body>, IlError> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(o)) => Ok(Some(o)),
        Some(other) => Err(IlError::param(format!(
            "{name} must be an object, got {}",
            crate::http_util::json_kind(other)
        ))),
    }
}

fn date(body: &Body, name: &str) -> Result<String, IlError> {
    let text = wire::req_str(body, name)?;
    time::Date::parse(text, format_description!("[year]-[month]-[day]"))
        .map_err(|_| IlError::param(format!("{name} must be a date YYYY-MM-DD, got {text:?}")))?;
    Ok(text.to_owned())
}

fn country(body: &Body, name: &str) -> Result<String, IlError> {
    let text = wire::req_str(body, name)?;
    if text.len() == 2 && text.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(text.to_owned())
    } else {
        Err(IlError::param(format!(
            "{name} must be an ISO 3166 two-letter code such as \"US\", got {text:?}"
        )))
    }
}

fn gender(body: &Body, name: &str) -> Result<String, IlError> {
    match wire::req_str(body, name)? {
        g @ ("M" | "F") => Ok(g.to_owned()),
        other => Err(IlError::param(format!(
            "{name} must be M or F, got {other:?}"
        ))),
    }
}

fn email(body: &Body) -> Result<String, IlError> {
    let text = wire::req_str(body, "email")?;
    let valid = text
        .split_once('@')
        .is_some_and(|(user, host)| !user.is_empty() && host.contains('.') && !host.ends_with('.'));
    if valid && !text.contains(char::is_whitespace) {
        Ok(text.to_owned())
    } else {
        Err(IlError::param(format!(
            "email must be an address such as \"ada@example.com\", got {text:?}"
        )))
    }
}

#[utoipa::path(
    post,
    path = "/open-api/v3/accounts/register",
    tag = "accounts",
    operation_id = "register",
    summary = "Register a sub-account under a main account",
    description = "The sub-account is type 1 with kycStatus `Na` and no Infinity balance until initialised; an email registers once (quirks.rs, \"Onboarding\").",
    request_body = RegisterRequest,
    responses(
        (status = 200, description = "The new account, or a business error", body = Envelope<RegisteredView>),
        (status = 401, description = "No, an unknown or an expired x-access-token", body = ErrorEnvelope),
    )
)]
/// `POST /open-api/v3/accounts/register` (and `/open-api/v1/accounts/register`):
/// `{email, name, parentAccountId, phoneNumber?, phoneCountryCode?}`.
pub(crate) async fn register(req: Authed) -> Response {
    req.run(|w, r| {
        let reg = Registration {
            parent_id: wire::req_str(&r.body, "parentAccountId")?.to_owned(),
            name: wire::req_str(&r.body, "name")?.to_owned(),
            email: email(&r.body)?,
            phone_number: wire::opt_str(&r.body, "phoneNumber")?
                .unwrap_or_default()
                .to_owned(),
            phone_country_code: wire::opt_str(&r.body, "phoneCountryCode")?
                .unwrap_or_default()
                .to_owned(),
        };
        let index = ops::register(w, &reg)?;
        let a = &w.interlace.accounts[index];
        Ok(RegisteredView {
            id: a.id.clone(),
            display_id: a.display_id.clone(),
            status: "ACTIVE",
        })
    })
}

#[utoipa::path(
    post,
    path = "/open-api/v1/accounts/register",
    tag = "accounts",
    operation_id = "register_v1",
    summary = "Register a sub-account under a main account (the v1 path)",
    description = "The same as `POST /open-api/v3/accounts/register`.",
    request_body = RegisterRequest,
    responses(
        (status = 200, description = "The new account, or a business error", body = Envelope<RegisteredView>),
        (status = 401, description = "No, an unknown or an expired x-access-token", body = ErrorEnvelope),
    )
)]
pub(crate) async fn register_v1(req: Authed) -> Response {
    register(req).await
}

/// The file type read from the first bytes: JPEG, PNG or PDF.
fn sniff(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if head.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else {
        None
    }
}

/// Reads one `files` part without keeping it: its first bytes and its size.
async fn measure(mut field: Field<'_>, name: &str) -> Result<(&'static str, u64), IlError> {
    let mut head = Vec::with_capacity(8);
    let mut size = 0u64;
    while let Some(chunk) = field
        .chunk()
        .await
        .map_err(|e| upload_error(&e.body_text(), e.status()))?
    {
        size += chunk.len() as u64;
        if size > FILE_LIMIT {
            return Err(IlError::param(format!(
                "file {name:?} is larger than the 5 MiB a file may hold"
            )));
        }
        if head.len() < 8 {
            let take = (8 - head.len()).min(chunk.len());
            head.extend_from_slice(&chunk[..take]);
        }
    }
    if size == 0 {
        return Err(IlError::param(format!("file {name:?} is empty")));
    }
    let kind = sniff(&head).ok_or_else(|| {
        IlError::param(format!(
            "file {name:?} is not a JPEG, PNG or PDF (its content says so, whatever its name)"
        ))
    })?;
    Ok((kind, size))
}

fn upload_error(text: &str, status: StatusCode) -> IlError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        IlError::param(format!(
            "the upload is larger than the {} MiB a request may hold",
            UPLOAD_LIMIT / 1024 / 1024
        ))
        .with_status(StatusCode::PAYLOAD_TOO_LARGE)
    } else {
        IlError::param(format!("could not read the multipart body: {text}"))
    }
}

#[utoipa::path(
    post,
    path = "/open-api/v3/files/upload",
    tag = "accounts",
    operation_id = "files_upload",
    summary = "Upload KYC files",
    description = "Answers the file ids in upload order. Types are read from the bytes (JPEG, PNG, PDF); 5 MiB a file, 10 files and 20 MiB a request. Only metadata is kept.",
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "The file ids, or a business error", body = Envelope<Vec<String>>),
        (status = 401, description = "No, an unknown or an expired x-access-token", body = ErrorEnvelope),
        (status = 413, description = "A request over 20 MiB", body = ErrorEnvelope),
    )
)]
/// `POST /open-api/v3/files/upload`: multipart `accountId` and one or more `files`
/// (JPEG, PNG or PDF, 5 MiB each, 10 at most); answers the file ids in order.
pub(crate) async fn upload(State(state): State<AppState>, req: Request) -> Response {
    let (authed, req) = match Authed::head_only(req, &state) {
        Ok(parts) => parts,
        Err(e) => return e.into_response(),
    };
    let mut multipart = match Multipart::from_request(req, &state).await {
        Ok(m) => m,
        Err(e) => {
            return IlError::param(format!(
                "the body must be multipart/form-data with accountId and files: {}",
                e.body_text()
            ))
            .into_response();
        }
    };
    let mut account_id = None;
    let mut files = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return upload_error(&e.body_text(), e.status()).into_response(),
        };
        match field.name().unwrap_or_default() {
            "accountId" => match field.text().await {
                Ok(text) => account_id = Some(text.trim().to_owned()),
                Err(e) => return upload_error(&e.body_text(), e.status()).into_response(),
            },
            "files" | "file" | "files[]" => {
                if files.len() == MAX_FILES {
                    return IlError::param(format!(
                        "at most {MAX_FILES} files may be uploaded at once"
                    ))
                    .into_response();
                }
                let name = field
                    .file_name()
                    .map_or_else(|| format!("file-{}", files.len() + 1), str::to_owned);
                match measure(field, &name).await {
                    Ok((kind, size)) => files.push((name, kind, size)),
                    Err(e) => return e.into_response(),
                }
            }
            other => {
                return IlError::param(format!(
                    "unknown part {other:?}; the parts are accountId and files"
                ))
                .into_response();
            }
        }
    }
    let Some(account_id) = account_id.filter(|a| !a.is_empty()) else {
        return IlError::param("accountId is required").into_response();
    };
    if files.is_empty() {
        return IlError::param("at least one part named files is required").into_response();
    }
    authed.run(|w, _| ops::upload(w, &account_id, &files))
}

#[utoipa::path(
    post,
    path = "/open-api/v3/accounts/{accountId}/kyc",
    tag = "accounts",
    operation_id = "kyc_submit",
    summary = "Submit a sub-account's KYC",
    description = "The case answers `PENDING`; the account's kycStatus goes `Pending` and the review ends on the tenant clock. Resubmission is refused while a case is pending or after it passed (quirks.rs, \"KYC\").",
    params(("accountId" = String, Path, description = "The account id")),
    request_body = KycRequest,
    responses(
        (status = 200, description = "The case, or a business error", body = Envelope<KycCaseView>),
        (status = 401, description = "No, an unknown or an expired x-access-token", body = ErrorEnvelope),
    )
)]
/// `POST /open-api/v3/accounts/{accountId}/kyc`.
pub(crate) async fn kyc(Path(account_id): Path<String>, req: Authed) -> Response {
    req.run(|w, r| {
        let b = &r.body;
        if let Some(source) = wire::opt_str(b, "sourceType")?
            && source != "api"
        {
            return Err(IlError::param(format!(
                "sourceType must be \"api\", got {source:?}"
            )));
        }
        let address = object(b, "address")?.ok_or_else(|| {
            IlError::param("address is required: {addressLine1, city, state, country, postalCode}")
        })?;
        for field in ["addressLine1", "city", "state", "postalCode"] {
            wire::req_str(address, field)
                .map_err(|e| IlError::param(format!("address.{}", e.message)))?;
        }
        let address_country = country(address, "country")
            .map_err(|e| IlError::param(format!("address.{}", e.message)))?;
        if address_country == "US" && wire::opt_str(b, "ssn")?.is_none() {
            return Err(IlError::param(
                "ssn is required when the address is in the US",
            ));
        }
        for field in ["nationalId", "phoneNumber", "phoneCountryCode"] {
            wire::req_str(b, field)?;
        }
        let issue = date(b, "issueDate")?;
        let expiry = date(b, "expiryDate")?;
        if expiry <= issue {
            return Err(IlError::param(format!(
                "expiryDate {expiry} must come after issueDate {issue}"
            )));
        }
        let mut files = vec![
            (
                "idFrontId".to_owned(),
                wire::req_str(b, "idFrontId")?.to_owned(),
            ),
            ("selfie".to_owned(), wire::req_str(b, "selfie")?.to_owned()),
        ];
        if let Some(back) = wire::opt_str(b, "idBackId")? {
            files.push(("idBackId".to_owned(), back.to_owned()));
        }
        let form = KycForm {
            first_name: wire::req_str(b, "firstName")?.to_owned(),
            last_name: wire::req_str(b, "lastName")?.to_owned(),
            date_of_birth: date(b, "dateOfBirth")?,
            gender: gender(b, "gender")?,
            nationality: country(b, "nationality")?,
            id_type: wire::req_str(b, "idType")?.to_owned(),
            country: address_country,
            files,
        };
        let case = ops::submit_kyc(w, &account_id, form)?;
        let c = &w.interlace.onboarding.cases[case];
        Ok(KycCaseView {
            case_id: c.id.clone(),
            account_id: c.account_id.clone(),
            status: "PENDING".to_owned(),
        })
    })
}

#[utoipa::path(
    post,
    path = "/open-api/v3/vcc/simulate/kyc/review",
    tag = "accounts",
    operation_id = "kyc_review_simulate",
    summary = "End a KYC review with an outcome (a sandbox simulation)",
    description = "Answers the CDD detail, or 010787 when the account has no case under review.",
    request_body = KycReviewRequest,
    responses(
        (status = 200, description = "The CDD detail, or a business error", body = Envelope<CddView>),
        (status = 401, description = "No, an unknown or an expired x-access-token", body = ErrorEnvelope),
    )
)]
/// `POST /open-api/v3/vcc/simulate/kyc/review` `{accountId, status, message?}`: the
/// sandbox-only review.
pub(crate) async fn simulate_review(req: Authed) -> Response {
    req.run(|w, r| {
        let account_id = wire::req_str(&r.body, "accountId")?;
        let status = wire::req_str(&r.body, "status")?;
        let message = wire::opt_str(&r.body, "message")?.unwrap_or_default();
        ops::simulate_kyc_review(w, account_id, status, message)?;
        let account = core::account(w, account_id)?;
        Ok(CddView::of(w, account))
    })
}

#[utoipa::path(
    post,
    path = "/open-api/v2/accounts/{accountId}/initialization",
    tag = "accounts",
    operation_id = "account_initialize",
    summary = "Initialise a sub-account's Infinity balance",
    description = "010787 before KYC passed; idempotent (`true`).",
    params(("accountId" = String, Path, description = "The account id")),
    responses(
        (status = 200, description = "`true`, or a business error", body = Envelope<bool>),
        (status = 401, description = "No, an unknown or an expired x-access-token", body = ErrorEnvelope),
    )
)]
/// `POST /open-api/v2/accounts/{accountId}/initialization`: answers `true`.
pub(crate) async fn initialize(Path(account_id): Path<String>, req: Authed) -> Response {
    req.run(|w, _| {
        ops::initialize(w, &account_id)?;
        Ok(true)
    })
}

#[utoipa::path(
    get,
    path = "/open-api/v3/accounts/cdd/detail/{accountId}",
    tag = "accounts",
    operation_id = "cdd_detail",
    summary = "An account's KYC status and latest case",
    description = "Interlace publishes no shape; the case fields are `null` before a submission (quirks.rs, \"CDD detail\").",
    params(("accountId" = String, Path, description = "The account id")),
    responses(
        (status = 200, description = "The CDD detail, or a business error", body = Envelope<CddView>),
        (status = 401, description = "No, an unknown or an expired x-access-token", body = ErrorEnvelope),
    )
)]
/// `GET /open-api/v3/accounts/cdd/detail/{accountId}`.
pub(crate) async fn cdd_detail(Path(account_id): Path<String>, req: Authed) -> Response {
    req.run(|w, _| {
        let account = core::account(w, &account_id)?;
        Ok(CddView::of(w, account))
    })
}

#[utoipa::path(
    get,
    path = "/open-api/v3/card/bins",
    tag = "cards",
    operation_id = "card_bins",
    summary = "The card BINs cards are issued on",
    description = "Five fixed BINs on every tenant; `type` 0 issues prepaid cards, 1 budget cards (quirks.rs, \"BINs\").",
    params(AccountFilter, PageQuery),
    responses(
        (status = 200, description = "A page of BINs, or a business error", body = Envelope<ListData<BinView>>),
        (status = 401, description = "No, an unknown or an expired x-access-token", body = ErrorEnvelope),
    )
)]
/// `GET /open-api/v3/card/bins?accountId=&page=&limit=`.
pub(crate) async fn bins(req: Authed) -> Response {
    req.run(|w, r| {
        let (page, limit) = wire::paging(&r.query)?;
        if let Some(id) = r.query.get("accountId").filter(|a| !a.is_empty()) {
            core::account(w, id)?;
        }
        Ok(ListData::page(
            BINS.iter().map(BinView::of).collect(),
            page,
            limit,
        ))
    })
}

#[utoipa::path(
    post,
    path = "/open-api/v3/cardholders",
    tag = "cards",
    operation_id = "cardholders_create",
    summary = "Create a cardholder on a BIN",
    description = "It starts PENDING and its review ends on the tenant clock (at once by default).",
    request_body = CardholderRequest,
    responses(
        (status = 200, description = "The cardholder, or a business error", body = Envelope<CardholderCreated>),
        (status = 401, description = "No, an unknown or an expired x-access-token", body = ErrorEnvelope),
    )
)]
/// `POST /open-api/v3/cardholders`.
pub(crate) async fn cardholders_create(req: Authed) -> Response {
    req.run(|w, r| {
        let b = &r.body;
        let tier = wire::opt_str(b, "cardholderTier")?.unwrap_or("CONSUMER");
        if !super::state::CARDHOLDER_TIERS.contains(&tier) {
            return Err(IlError::param(format!(
                "cardholderTier must be CONSUMER or BUSINESS, got {tier:?}"
            )));
        }
        let address = object(b, "address")?;
        let country = match address {
            Some(a) => country(a, "country")
                .map_err(|e| IlError::param(format!("address.{}", e.message)))?,
            None => String::new(),
        };
        let form = CardholderForm {
            account_id: wire::req_str(b, "accountId")?.to_owned(),
            bin_id: wire::req_str(b, "binId")?.to_owned(),
            tier: tier.to_owned(),
            first_name: wire::req_str(b, "firstName")?.to_owned(),
            last_name: wire::req_str(b, "lastName")?.to_owned(),
            email: email(b)?,
            dob: date(b, "dob")?,
            gender: gender(b, "gender")?,
            nationality: self::country(b, "nationality")?,
            phone_number: wire::req_str(b, "phoneNumber")?.to_owned(),
            phone_country_code: wire::req_str(b, "phoneCountryCode")?.to_owned(),
            country,
        };
        let index = ops::create_cardholder(w, form)?;
        let h = &w.interlace.onboarding.cardholders[index];
        Ok(CardholderCreated {
            id: h.id.clone(),
            status: h.status.clone(),
            card_bin_list: vec![h.bin_id.clone()],
        })
    })
}

#[utoipa::path(
    get,
    path = "/open-api/v3/cardholders/{id}",
    tag = "cards",
    operation_id = "cardholders_get",
    summary = "A cardholder",
    params(("id" = String, Path, description = "The cardholder id"), AccountFilter),
    responses(
        (status = 200, description = "The cardholder, or 010003 when there is none", body = Envelope<CardholderView>),
        (status = 401, description = "No, an unknown or an expired x-access-token", body = ErrorEnvelope),
    )
)]
/// `GET /open-api/v3/cardholders/{id}?accountId=`.
pub(crate) async fn cardholders_get(Path(id): Path<String>, req: Authed) -> Response {
    req.run(|w, r| {
        let index = w
            .interlace
            .onboarding
            .cardholder(&id)
            .filter(|h| {
                r.query.get("accountId").is_none_or(|a| {
                    a.is_empty() || w.interlace.onboarding.cardholders[*h].account_id == *a
                })
            })
            .ok_or_else(|| IlError::not_found(format!("no cardholder {id}")))?;
        Ok(CardholderView::of(
            &w.interlace.onboarding.cardholders[index],
        ))
    })
}

#[utoipa::path(
    get,
    path = "/open-api/v3/cardholders",
    tag = "cards",
    operation_id = "cardholders_list",
    summary = "Cardholders, newest first",
    params(AccountFilter, PageQuery),
    responses(
        (status = 200, description = "A page of cardholders, or a business error", body = Envelope<ListData<CardholderView>>),
        (status = 401, description = "No, an unknown or an expired x-access-token", body = ErrorEnvelope),
    )
)]
/// `GET /open-api/v3/cardholders?accountId=&page=&limit=`, newest first.
pub(crate) async fn cardholders_list(req: Authed) -> Response {
    req.run(|w, r| {
        let (page, limit) = wire::paging(&r.query)?;
        let account = r.query.get("accountId").filter(|a| !a.is_empty());
        if let Some(id) = account {
            core::account(w, id)?;
        }
        let holders: Vec<_> = w
            .interlace
            .onboarding
            .cardholders
            .iter()
            .rev()
            .filter(|h| account.is_none_or(|a| h.account_id == *a))
            .collect();
        Ok(ListData::page_with(
            holders,
            page,
            limit,
            CardholderView::of,
        ))
    })
}

#[utoipa::path(
    post,
    path = "/open-api/v3/prepaid-card",
    tag = "cards",
    operation_id = "prepaid_card",
    summary = "Issue a prepaid card to a cardholder on a BIN",
    description = "Needs an ACTIVE cardholder enrolled on the BIN (010200 while PENDING or INACTIVE). Answers the card as `GET /open-api/v3/cards/{id}` does.",
    request_body = PrepaidCardRequest,
    responses(
        (status = 200, description = "The card, or a business error", body = Envelope<CardView>),
        (status = 401, description = "No, an unknown or an expired x-access-token", body = ErrorEnvelope),
    )
)]
/// `POST /open-api/v3/prepaid-card` `{accountId, binId, cardholderId, referenceId,
/// cardMode, amount?, useType?, label?}` with `Idempotency-Key`.
pub(crate) async fn prepaid_card(req: Authed) -> Response {
    req.run(|w, r| {
        let b = &r.body;
        wire::req_str(b, "referenceId")?;
        let card_mode = wire::opt_str(b, "cardMode")?.unwrap_or("VIRTUAL_CARD");
        if card_mode != "VIRTUAL_CARD" && card_mode != "PHYSICAL_CARD" {
            return Err(IlError::param(format!(
                "cardMode must be VIRTUAL_CARD or PHYSICAL_CARD, got {card_mode:?}"
            )));
        }
        if let Some(use_type) = wire::opt_str(b, "useType")?
            && use_type != "default"
        {
            return Err(IlError::param(format!(
                "useType must be \"default\", got {use_type:?}"
            )));
        }
        let amount = wire::opt_amount(b, "amount")?.unwrap_or(Decimal::ZERO);
        if amount < Decimal::ZERO {
            return Err(IlError::param(format!(
                "amount cannot be negative, got {amount}"
            )));
        }
        let form = PrepaidForm {
            account_id: wire::req_str(b, "accountId")?.to_owned(),
            bin_id: wire::req_str(b, "binId")?.to_owned(),
            cardholder_id: wire::req_str(b, "cardholderId")?.to_owned(),
            card_mode: card_mode.to_owned(),
            amount,
            label: wire::opt_str(b, "label")?.unwrap_or_default().to_owned(),
        };
        let card = ops::issue_prepaid(w, &form)?;
        Ok(card_view(w, card))
    })
}

#[utoipa::path(
    get,
    path = "/open-api/v3/cards/{cardId}/private-info/access-token",
    tag = "cards",
    operation_id = "card_display_token",
    summary = "A token that opens the card's number, expiry and CVV once",
    description = "Valid 300 s; the sandbox's display page `/t/{tenant}/files/interlace/card-display/{token}` stands in for Interlace's hosted iframe (quirks.rs, \"private-info\").",
    params(("cardId" = String, Path, description = "The card id"), AccountQuery),
    responses(
        (status = 200, description = "The token, or a business error", body = Envelope<DisplayTokenView>),
        (status = 401, description = "No, an unknown or an expired x-access-token", body = ErrorEnvelope),
    )
)]
/// `GET /open-api/v3/cards/{cardId}/private-info/access-token?accountId=`.
pub(crate) async fn display_token(Path(card_id): Path<String>, req: Authed) -> Response {
    req.run(|w, r| {
        let account_id = wire::query_required(&r.query, "accountId")?;
        let token = ops::display_token(w, account_id, &card_id)?;
        Ok(DisplayTokenView {
            access_token: token,
            expires_in: ops::DISPLAY_TOKEN_SECONDS,
            card_id: card_id.clone(),
        })
    })
}

fn side(body: &Body, name: &str) -> Result<(Side, u8), IlError> {
    let o = object(body, name)?.ok_or_else(|| {
        IlError::param(format!(
            "{name} is required: {{id, accountId, currency, businessType}}"
        ))
    })?;
    let at = |e: IlError| IlError::param(format!("{name}.{}", e.message));
    let business_type = match o.get("businessType") {
        None | Some(Value::Null) => 0,
        Some(Value::Number(n)) if n.as_u64() == Some(0) => 0,
        Some(Value::String(s)) if s == "0" => 0,
        Some(other) => {
            return Err(IlError::param(format!(
                "{name}.businessType must be 0 (the Infinity balance), got {other}"
            )));
        }
    };
    Ok((
        Side {
            balance_id: wire::req_str(o, "id").map_err(at)?.to_owned(),
            account_id: wire::req_str(o, "accountId").map_err(at)?.to_owned(),
            currency: wire::opt_str(o, "currency")
                .map_err(at)?
                .unwrap_or("USD")
                .to_owned(),
        },
        business_type,
    ))
}

/// Whether a `business/transfer/external` body is an account-to-account transfer
/// between Infinity balances (it names a `to` object).
pub(crate) fn is_account_transfer(body: &Body) -> bool {
    matches!(body.get("to"), Some(Value::Object(_)))
}

/// `POST /open-api/v3/business/transfer/external` with `{clientTransactionId, amount,
/// from{id, accountId, currency, businessType: 0}, to{...}}`.
pub(crate) fn account_transfer(req: &Authed) -> Response {
    req.run(|w, r| {
        let b = &r.body;
        let client = wire::req_str(b, "clientTransactionId")?.to_owned();
        let amount = wire::req_amount(b, "amount")?;
        let (from, from_type) = side(b, "from")?;
        let (to, to_type) = side(b, "to")?;
        let id = ops::account_transfer(w, &from, &to, amount)?;
        let view = |s: &Side, t: u8| SideView {
            id: s.balance_id.clone(),
            account_id: s.account_id.clone(),
            currency: s.currency.clone(),
            business_type: t,
        };
        Ok(AccountTransferView {
            id,
            client_transaction_id: client,
            amount: money(amount),
            fee: money(Decimal::ZERO),
            currency: "USD".to_owned(),
            status: "CLOSED",
            from: view(&from, from_type),
            to: view(&to, to_type),
            create_time: ms(w.now()),
        })
    })
}
