//! A tenant's request journal for tests: find requests by method, path glob, provider,
//! status, tenant-clock time range and a JSON subset of the request body, newest first
//! and paged; verify that a count of them arrived, with the closest misses and why each
//! missed when it did not; clear the journal between tests.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::error::{AdminError, AdminJson, AdminQuery, from_value};
use super::system::{DEFAULT_REQUEST_LIMIT, MAX_REQUEST_LIMIT};
use crate::capture::KeptBody;
use crate::clock::Timestamp;
use crate::journal::RequestRecord;
use crate::request::AppState;

/// Which requests: every field that is given must hold (the JSON of `verify`; the
/// journal listing spells it as a query string, [`ListQuery`]).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Matcher {
    method: Option<String>,
    /// `*` matches any run of characters.
    path: Option<String>,
    provider: Option<String>,
    status: Option<u16>,
    /// RFC 3339, on the tenant clock, inclusive.
    since: Option<String>,
    until: Option<String>,
    /// A JSON object (or its text, in a query string) the request body must contain:
    /// every field it names, at any depth, with the same value.
    body_contains: Option<Value>,
}

/// A matcher with its times and body subset parsed.
struct Checked {
    matcher: Matcher,
    since: Option<Timestamp>,
    until: Option<Timestamp>,
    body: Option<Value>,
}

impl Matcher {
    fn check(self) -> Result<Checked, AdminError> {
        let time = |field: &str, text: &Option<String>| {
            text.as_deref()
                .map(|t| {
                    Timestamp::parse_rfc3339(t).map_err(|e| {
                        AdminError::bad_request(format!(
                            "{field}: {e} (RFC 3339, e.g. 2026-03-01T12:00:00Z)"
                        ))
                    })
                })
                .transpose()
        };
        let since = time("since", &self.since)?;
        let until = time("until", &self.until)?;
        let body =
            match &self.body_contains {
                None => None,
                Some(Value::String(text)) => Some(serde_json::from_str(text).map_err(|e| {
                    AdminError::bad_request(format!("body_contains: not JSON: {e}"))
                })?),
                Some(value) => Some(value.clone()),
            };
        Ok(Checked {
            matcher: self,
            since,
            until,
            body,
        })
    }
}

impl Checked {
    /// Why `record` does not match; empty when it does.
    fn misses(&self, record: &RequestRecord) -> Vec<String> {
        let m = &self.matcher;
        let mut why = Vec::new();
        if let Some(method) = &m.method
            && !method.eq_ignore_ascii_case(&record.method)
        {
            why.push(format!("method is {}, not {method}", record.method));
        }
        if let Some(glob) = &m.path
            && !crate::faults::glob(glob, &record.path)
        {
            why.push(format!("path {} does not match {glob}", record.path));
        }
        if let Some(provider) = &m.provider
            && record.provider != Some(provider.as_str())
        {
            why.push(format!(
                "provider is {}, not {provider}",
                record.provider.unwrap_or("none")
            ));
        }
        if let Some(status) = m.status
            && record.status != status
        {
            why.push(format!("status is {}, not {status}", record.status));
        }
        match (self.since, record.at) {
            (Some(since), Some(at)) if at < since => {
                why.push(format!("at {} is before since", at.to_rfc3339()));
            }
            _ => {}
        }
        match (self.until, record.at) {
            (Some(until), Some(at)) if at > until => {
                why.push(format!("at {} is after until", at.to_rfc3339()));
            }
            _ => {}
        }
        if let Some(expected) = &self.body {
            let sent = record
                .request_body
                .as_ref()
                .and_then(|b| serde_json::from_str::<Value>(&b.text()).ok());
            match sent {
                None => why.push("body is not JSON (or was not kept)".to_owned()),
                Some(sent) => {
                    if let Err(miss) = contains(&sent, expected, "body") {
                        why.push(miss);
                    }
                }
            }
        }
        why
    }
}

/// Whether `sent` contains `expected`: objects field by field (other fields allowed),
/// arrays element by element, everything else equal. The error names the first field
/// that differs.
fn contains(sent: &Value, expected: &Value, at: &str) -> Result<(), String> {
    match (sent, expected) {
        (Value::Object(sent), Value::Object(expected)) => {
            for (key, want) in expected {
                let here = format!("{at}.{key}");
                match sent.get(key) {
                    None => return Err(format!("{here} is missing")),
                    Some(got) => contains(got, want, &here)?,
                }
            }
            Ok(())
        }
        (Value::Array(sent), Value::Array(expected)) if sent.len() == expected.len() => sent
            .iter()
            .zip(expected)
            .enumerate()
            .try_for_each(|(i, (got, want))| contains(got, want, &format!("{at}[{i}]"))),
        _ if sent == expected => Ok(()),
        _ => Err(format!("{at} is {sent}, not {expected}")),
    }
}

/// The matcher as a query string spells it (`body_contains` as JSON text), and paging.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(super) struct ListQuery {
    /// 1 to 10000; 100 by default.
    limit: Option<usize>,
    offset: Option<usize>,
    method: Option<String>,
    /// `*` matches any run of characters.
    path: Option<String>,
    provider: Option<String>,
    status: Option<u16>,
    /// RFC 3339, on the tenant clock, inclusive.
    since: Option<String>,
    until: Option<String>,
    /// A JSON object the request body must contain, as JSON text.
    body_contains: Option<String>,
}

/// `GET /_sandbox/tenants/{t}/requests`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct RequestPage {
    /// How many requests match, on every page.
    total: usize,
    requests: Vec<RequestDetail>,
}

/// The body of `POST /_sandbox/tenants/{t}/requests/verify`: the matcher and the count.
#[derive(Debug, utoipa::ToSchema)]
#[expect(
    dead_code,
    reason = "documentation only: the handler reads a JSON object"
)]
pub(super) struct VerifyRequest {
    method: Option<String>,
    /// `*` matches any run of characters.
    path: Option<String>,
    provider: Option<String>,
    status: Option<u16>,
    /// RFC 3339, on the tenant clock, inclusive.
    since: Option<String>,
    until: Option<String>,
    /// A JSON object the request body must contain: every field it names, at any
    /// depth, with the same value (or that object as JSON text).
    #[schema(value_type = Object)]
    body_contains: Option<Value>,
    /// `{"exactly": n}`, `{"at_least": n}` or `{"at_most": n}`; absent, at least 1.
    #[schema(value_type = Object)]
    count: Option<Value>,
}

/// A verification that holds.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct Verified {
    verified: bool,
    matched: usize,
}

/// A verification that does not hold: the error, the count and the closest misses.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct NotVerified {
    #[schema(value_type = Object)]
    error: Value,
    matched: usize,
    near_misses: Vec<NearMiss>,
}

/// A request that did not match, and why.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct NearMiss {
    why: Vec<String>,
    request: RequestDetail,
}

/// One journaled request with its headers and bodies.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct RequestDetail {
    seq: u64,
    request_id: String,
    provider: Option<&'static str>,
    method: String,
    path: String,
    query: Option<String>,
    status: u16,
    at: Option<String>,
    duration_us: u64,
    faults: Vec<String>,
    /// `[name, value]` pairs; secrets read `***`.
    #[schema(value_type = Vec<Vec<String>>)]
    headers: Vec<(String, String)>,
    /// JSON when the body was JSON, else its text (cut bodies are text).
    #[schema(value_type = Option<Object>)]
    request_body: Option<Value>,
    #[schema(value_type = Option<Object>)]
    response_body: Option<Value>,
}

fn body_value(body: Option<KeptBody>) -> Option<Value> {
    body.map(|b| {
        let text = b.text();
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    })
}

impl From<RequestRecord> for RequestDetail {
    fn from(r: RequestRecord) -> Self {
        Self {
            seq: r.seq,
            request_id: r.request_id,
            provider: r.provider,
            method: r.method,
            path: r.path,
            query: r.query,
            status: r.status,
            at: r.at.map(Timestamp::to_rfc3339),
            duration_us: r.duration_us,
            faults: r.faults,
            headers: crate::capture::headers(&r.headers),
            request_body: body_value(r.request_body),
            response_body: body_value(r.response_body),
        }
    }
}

#[utoipa::path(
    get,
    path = "/_sandbox/tenants/{tenant}/requests",
    tag = "requests",
    operation_id = "requests_list",
    summary = "The tenant's journaled requests that match, newest first, paged",
    params(("tenant" = String, Path, description = "A tenant id"), ListQuery),
    responses((status = 200, description = "A page of matching requests", body = RequestPage))
)]
/// `GET /_sandbox/tenants/{t}/requests`: matching requests, newest first.
pub(super) async fn list(
    State(state): State<AppState>,
    Path(id): Path<String>,
    AdminQuery(query): AdminQuery<ListQuery>,
) -> Result<Response, AdminError> {
    let tenant = state.registry.get(&id)?;
    let limit = query.limit.unwrap_or(DEFAULT_REQUEST_LIMIT);
    if !(1..=MAX_REQUEST_LIMIT).contains(&limit) {
        return Err(AdminError::bad_request(format!(
            "limit must be 1 to {MAX_REQUEST_LIMIT}, got {limit}"
        )));
    }
    let q = query;
    let offset = q.offset.unwrap_or(0);
    let checked = Matcher {
        method: q.method,
        path: q.path,
        provider: q.provider,
        status: q.status,
        since: q.since,
        until: q.until,
        body_contains: q.body_contains.map(Value::String),
    }
    .check()?;
    let matching: Vec<RequestRecord> = tenant
        .requests()
        .into_iter()
        .rev()
        .filter(|r| checked.misses(r).is_empty())
        .collect();
    let total = matching.len();
    let requests: Vec<RequestDetail> = matching
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(RequestDetail::from)
        .collect();
    Ok(Json(RequestPage { total, requests }).into_response())
}

/// How many matching requests `verify` expects.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub(super) enum Count {
    Exactly(usize),
    AtLeast(usize),
    AtMost(usize),
}

/// `count` alone, so a wrong one is named `count...` like any other field.
#[derive(Debug, Deserialize)]
struct Expected {
    /// `{"exactly": n}`, `{"at_least": n}` or `{"at_most": n}`; absent, at least 1.
    count: Count,
}

/// The closest misses `verify` reports.
const NEAR_MISSES: usize = 3;

#[utoipa::path(
    post,
    path = "/_sandbox/tenants/{tenant}/requests/verify",
    tag = "requests",
    operation_id = "requests_verify",
    summary = "Verify that a count of matching requests arrived",
    params(("tenant" = String, Path, description = "A tenant id")),
    request_body = VerifyRequest,
    responses(
        (status = 200, description = "The count holds", body = Verified),
        (status = 422, description = "It does not: the closest misses and why each missed", body = NotVerified),
    )
)]
/// `POST /_sandbox/tenants/{t}/requests/verify`: 200 when the count holds, else 422
/// with the closest non-matching requests and why each missed.
pub(super) async fn verify(
    State(state): State<AppState>,
    Path(id): Path<String>,
    AdminJson(mut body): AdminJson<Map<String, Value>>,
) -> Result<Response, AdminError> {
    let tenant = state.registry.get(&id)?;
    // `count` beside the matcher's fields: serde cannot flatten a struct that refuses
    // unknown fields, so it is taken out before the rest is read as a `Matcher`.
    let expected_count = match body.remove("count") {
        Some(count) => Some(from_value::<Expected>(json!({ "count": count }))?.count),
        None => None,
    };
    let checked = from_value::<Matcher>(Value::Object(body))?.check()?;
    let records = tenant.requests();
    let mut misses: Vec<(Vec<String>, RequestRecord)> = Vec::new();
    let mut matched = 0;
    for record in records.into_iter().rev() {
        let why = checked.misses(&record);
        if why.is_empty() {
            matched += 1;
        } else {
            misses.push((why, record));
        }
    }
    let (holds, expected) = match expected_count.unwrap_or(Count::AtLeast(1)) {
        Count::Exactly(n) => (matched == n, format!("exactly {n}")),
        Count::AtLeast(n) => (matched >= n, format!("at least {n}")),
        Count::AtMost(n) => (matched <= n, format!("at most {n}")),
    };
    if holds {
        return Ok(Json(Verified {
            verified: true,
            matched,
        })
        .into_response());
    }
    // Newest first among the misses with the fewest reasons.
    misses.sort_by_key(|(why, _)| why.len());
    let near_misses = misses
        .into_iter()
        .take(NEAR_MISSES)
        .map(|(why, record)| NearMiss {
            why,
            request: RequestDetail::from(record),
        })
        .collect();
    let body = NotVerified {
        error: json!({
            "code": "verification_failed",
            "message": format!("expected {expected} matching requests, found {matched}"),
        }),
        matched,
        near_misses,
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response())
}

#[utoipa::path(
    delete,
    path = "/_sandbox/tenants/{tenant}/requests",
    tag = "requests",
    operation_id = "requests_clear",
    summary = "Forget the tenant's journal",
    params(("tenant" = String, Path, description = "A tenant id")),
    responses((status = 204, description = "Forgotten"))
)]
/// `DELETE /_sandbox/tenants/{t}/requests`: forgets the tenant's journal.
pub(super) async fn clear(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, AdminError> {
    state.registry.get(&id)?.clear_requests();
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subset_names_the_first_field_that_differs() {
        let sent = json!({"card_id": "1", "meta": {"k": 1}, "tags": [1, 2]});
        assert_eq!(contains(&sent, &json!({"meta": {"k": 1}}), "body"), Ok(()));
        assert_eq!(
            contains(&sent, &json!({"card_id": "2"}), "body"),
            Err(r#"body.card_id is "1", not "2""#.to_owned())
        );
        assert_eq!(
            contains(&sent, &json!({"meta": {"n": 1}}), "body"),
            Err("body.meta.n is missing".to_owned())
        );
        assert!(contains(&sent, &json!({"tags": [1]}), "body").is_err());
    }
}
