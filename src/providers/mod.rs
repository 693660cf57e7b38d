//! The closed list of emulated providers and the path spaces they own.
//!
//! Each provider lives in its own folder (added by its issue) and never imports another;
//! this module only knows which paths belong to which provider, for the request
//! journal, metrics and error envelopes, and dispatches to each provider's credential
//! lookup and fault envelope.

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use crate::clock::Timestamp;
use crate::server::AppState;
use crate::tenant::World;
use crate::webhooks::{Delivery, Policy};

pub mod hypercard;
pub mod interlace;
pub mod opcard;

/// A webhook delivery as a receiver reads it (`card-sandbox listen`): the event name,
/// the id that identifies it (Interlace's event id; for HyperCard the record, trade or
/// request number, else the card id) and whether its signature verified, or why not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inspected {
    pub event: String,
    pub id: String,
    pub verdict: Result<(), String>,
}

/// An emulated provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Provider {
    Interlace,
    Opcard,
    Hypercard,
}

impl Provider {
    pub const ALL: [Self; 3] = [Self::Interlace, Self::Opcard, Self::Hypercard];

    pub fn name(self) -> &'static str {
        match self {
            Self::Interlace => "interlace",
            Self::Opcard => "opcard",
            Self::Hypercard => "hypercard",
        }
    }

    /// The simulations `POST /_sandbox/tenants/{t}/simulate/{provider}/{event}` runs for
    /// this provider: each provider's own table.
    pub fn simulations(self) -> &'static [&'static str] {
        match self {
            Self::Interlace => &interlace::simulate::EVENTS,
            Self::Opcard => &opcard::simulate::EVENTS,
            Self::Hypercard => &hypercard::simulate::EVENTS,
        }
    }

    /// The provider whose path space holds `path`, if any.
    pub fn for_path(path: &str) -> Option<Self> {
        if path.starts_with("/open-api/") {
            Some(Self::Interlace)
        } else if path.starts_with("/card-api/") {
            Some(Self::Opcard)
        } else if [
            "/openapi/",
            "/v2/openapi/",
            "/v3/openapi/",
            "/v4/openapi/",
            "/v5/openapi/",
        ]
        .iter()
        .any(|p| path.starts_with(p))
        {
            Some(Self::Hypercard)
        } else {
            None
        }
    }

    /// The registry key of the credential a request carries in its headers, for
    /// finding its tenant before the handler runs (fault decisions).
    pub fn credential_key(self, headers: &HeaderMap) -> Option<String> {
        match self {
            Self::Interlace => interlace::credential_key(headers),
            Self::Opcard => opcard::credential_key(headers),
            Self::Hypercard => hypercard::credential_key(headers),
        }
    }

    /// An injected error in this provider's envelope; `code` replaces the provider's
    /// internal-error (or rate-limit) code.
    pub fn fault_response(
        self,
        state: &AppState,
        status: StatusCode,
        code: Option<&str>,
        message: &str,
    ) -> Response {
        match self {
            Self::Interlace => interlace::fault_response(status, code, message),
            Self::Opcard => opcard::fault_response(state, status, code, message),
            Self::Hypercard => hypercard::fault_response(status, code, message),
        }
    }
}

/// One attempt of a webhook delivery in its provider's format: headers and body.
pub fn webhook_request(
    world: &mut World,
    delivery: &Delivery,
    now: Timestamp,
) -> Result<(Vec<(String, String)>, String), String> {
    match delivery.provider {
        Provider::Interlace => interlace::webhooks::request(world, delivery, now),
        Provider::Hypercard => hypercard::webhooks::request(world, delivery, now),
        Provider::Opcard => Err("OPCard documents no webhooks".to_owned()),
    }
}

/// A provider's retry schedule and receiver timeout.
pub fn webhook_policy(provider: Provider) -> Policy {
    match provider {
        Provider::Interlace | Provider::Opcard => interlace::webhooks::POLICY,
        Provider::Hypercard => hypercard::webhooks::POLICY,
    }
}

/// Whether a receiver's answer counts as received.
pub fn webhook_accepted(provider: Provider, status: u16, body: &[u8]) -> bool {
    match provider {
        Provider::Interlace => interlace::webhooks::accepted(status, body),
        Provider::Hypercard => hypercard::webhooks::accepted(status, body),
        Provider::Opcard => false,
    }
}

/// What a receiver must answer, for the journal's error of a refused attempt.
pub fn webhook_expected(provider: Provider) -> &'static str {
    match provider {
        Provider::Interlace => interlace::webhooks::EXPECTED,
        Provider::Hypercard => hypercard::webhooks::EXPECTED,
        Provider::Opcard => "OPCard documents no webhooks",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_their_provider() {
        assert_eq!(
            Provider::for_path("/open-api/v3/cards"),
            Some(Provider::Interlace)
        );
        assert_eq!(
            Provider::for_path("/card-api/v1/balance/change/records"),
            Some(Provider::Opcard)
        );
        assert_eq!(
            Provider::for_path("/v3/openapi/card/transactions"),
            Some(Provider::Hypercard)
        );
        assert_eq!(Provider::for_path("/_sandbox/health"), None);
        assert_eq!(Provider::for_path("/openapix"), None);
    }
}
