//! The signed-request extractor every HyperCard endpoint takes: reads the JSON body
//! (`request::read_object`), finds the tenant (`request::resolve_tenant`: the
//! `X-Sandbox-Tenant` header, else the `api-key`), and verifies the
//! SHA256withRSA signature over the canonical string. The timestamp window (300 s from
//! the wall clock or the tenant clock; the tenant clock only under `clock.auth: tenant`)
//! and nonce reuse (10 minutes) are checked under the tenant lock, together with the
//! operation, by [`Signed::run`].

use std::sync::Arc;

use axum::Extension;
use axum::extract::{FromRequest, Request};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::canonical::canonical_string;
use super::error::{Code, HcError, Ok as Done};
use super::ops;
use super::state::SignatureMode;
use super::wire::Body;
use crate::clock::AuthClock;
use crate::http_util::header_text;
use crate::providers::Provider;
use crate::request::{self, AppState, ResolvedTenant, Unresolved};
use crate::tenant::{Tenant, World};

/// How far a request's `timestamp` may be from the tenant clock, in seconds.
pub(super) const TIMESTAMP_WINDOW_SECONDS: i64 = 300;

/// The headers that take part in the signature, in the order HyperCard lists them.
const SIGNED_HEADERS: [&str; 5] = ["timestamp", "nonce", "api-key", "version", "lang"];

/// A request whose caller is known and whose signature verified.
#[derive(Debug)]
pub(super) struct Signed {
    pub(super) tenant: Arc<Tenant>,
    pub(super) api_key: String,
    pub(super) body: Body,
    mode: SignatureMode,
    timestamp: Option<String>,
    nonce: Option<String>,
}

impl FromRequest<AppState> for Signed {
    type Rejection = HcError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (headers, req) = crate::http_util::take_headers(req);
        let body = request::read_object(req).await.map_err(HcError::from)?;
        let api_key = header_text(&headers, "api-key")
            .ok_or_else(|| HcError::new(Code::A0001, "the api-key header is required"))?;
        check_nonce_shape(header_text(&headers, "nonce").as_deref())?;
        let tenant = request::resolve_tenant(&state.registry, Provider::Hypercard, &headers, || {
            Some(api_key.clone())
        })
        .map_err(|e| match e {
            Unresolved::UnknownTenant(_) => HcError::new(Code::A0001, e.to_string()),
            Unresolved::Ambiguous(_) => {
                HcError::new(Code::A0001, format!("api-key {api_key:?}: {e}"))
            }
            Unresolved::UnknownCredential => HcError::new(
                Code::A0001,
                format!("api-key {api_key:?} belongs to no tenant; use a merchant api_key a tenant view lists, or the tenant's base URL /t/{{tenant}}"),
            ),
        })?;
        let (mode, key) = tenant
            .with(|w| {
                let mode = ops::settings(w)?.signatures;
                let key = w
                    .hypercard
                    .merchant(&api_key)
                    .map(|m| m.public_key.clone())
                    .ok_or_else(|| {
                        HcError::new(
                            Code::A0001,
                            format!(
                                "api-key {api_key:?} is not a merchant of tenant {:?}{}",
                                tenant.id,
                                request::fresh_credentials_hint(&tenant)
                            ),
                        )
                    })?;
                Ok::<_, HcError>((mode, key))
            })
            .map_err(|e| HcError::new(Code::B0000, e.to_string()))??;
        if mode == SignatureMode::Verify {
            let signature = header_text(&headers, "signature")
                .ok_or_else(|| HcError::new(Code::A0001, "the signature header is required"))?;
            if header_text(&headers, "version").is_none_or(|v| v.is_empty()) {
                return Err(HcError::new(
                    Code::A0003,
                    "the version header is required (\"1.0\"); it is one of the signed headers",
                ));
            }
            let pairs: Vec<(&str, String)> = SIGNED_HEADERS
                .iter()
                .filter_map(|name| header_text(&headers, name).map(|v| (*name, v)))
                .collect();
            let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let canonical = canonical_string(&borrowed, &body);
            if !key.verify(&canonical, &signature) {
                return Err(HcError::new(
                    Code::A0001,
                    "the signature does not verify with the merchant's public key; sign the canonical string of the headers and body (see the README)",
                ));
            }
        }
        Ok(Self {
            tenant,
            api_key,
            body,
            mode,
            timestamp: header_text(&headers, "timestamp"),
            nonce: header_text(&headers, "nonce"),
        })
    }
}

/// The longest nonce taken: HyperCard's is a random 10-character string; the sandbox
/// takes up to 64 printable ASCII characters (quirks.rs).
pub(super) const MAX_NONCE_LEN: usize = 64;

/// Refuses a nonce HyperCard would not send, before anything is hashed or kept.
fn check_nonce_shape(nonce: Option<&str>) -> Result<(), HcError> {
    let Some(nonce) = nonce else { return Ok(()) };
    if nonce.is_empty()
        || nonce.len() > MAX_NONCE_LEN
        || !nonce.bytes().all(|b| b.is_ascii_graphic())
    {
        return Err(HcError::new(
            Code::A0003,
            format!(
                "the nonce header must be 1 to {MAX_NONCE_LEN} printable ASCII characters (HyperCard's is a random 10-character string), got {} bytes",
                nonce.len()
            ),
        ));
    }
    Ok(())
}

impl Signed {
    /// Checks freshness (timestamp window, nonce reuse) and runs `op` under the tenant
    /// lock, then renders the answer in the envelope.
    pub(super) fn run<T: Serialize>(
        &self,
        op: impl FnOnce(&mut World, &Body) -> Result<T, HcError>,
    ) -> Response {
        let result = self
            .tenant
            .with(|w| {
                self.check_fresh(w)?;
                op(w, &self.body)
            })
            .map_err(|e| HcError::new(Code::B0000, e.to_string()))
            .and_then(|r| r);
        let resolved = Extension(ResolvedTenant(self.tenant.id.clone()));
        match result {
            Ok(data) => (resolved, Done(data)).into_response(),
            Err(e) => (resolved, e).into_response(),
        }
    }

    fn check_fresh(&self, world: &mut World) -> Result<(), HcError> {
        if self.mode == SignatureMode::Off {
            return Ok(());
        }
        let timestamp: i64 = self
            .timestamp
            .as_deref()
            .and_then(|t| t.parse().ok())
            .ok_or_else(|| {
                HcError::new(Code::A0002, "the timestamp header must be unix seconds")
            })?;
        // abs_diff cannot overflow, whatever i64 the client sent.
        if !world
            .clock
            .is_fresh(timestamp, TIMESTAMP_WINDOW_SECONDS.unsigned_abs())
        {
            let now = world.now().as_secs();
            let clocks = match world.clock.auth() {
                AuthClock::Wall => "the wall clock and from the tenant clock",
                AuthClock::Tenant => "the tenant clock (the scenario says clock.auth: tenant)",
            };
            return Err(HcError::new(
                Code::A0002,
                format!(
                    "timestamp {timestamp} is more than {TIMESTAMP_WINDOW_SECONDS} s from {clocks} ({now}); GET /_sandbox/tenants/{}/clock shows it",
                    self.tenant.id
                ),
            ));
        }
        let nonce = self
            .nonce
            .as_deref()
            .ok_or_else(|| HcError::new(Code::A0001, "the nonce header is required"))?;
        if !ops::remember_nonce(world, &self.api_key, nonce) {
            return Err(HcError::new(
                Code::A0005,
                format!("nonce {nonce:?} was used in the last 10 minutes"),
            ));
        }
        Ok(())
    }
}
