//! The closed list of emulated providers and the path spaces they own.
//!
//! Each provider lives in its own folder (added by its issue) and never imports another;
//! this module only knows which paths belong to which provider, for the request
//! journal, metrics and error envelopes.

pub mod hypercard;
pub mod interlace;
pub mod opcard;

/// An emulated provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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

    /// The provider whose path space holds `path`, if any.
    pub fn for_path(path: &str) -> Option<Self> {
        if path.starts_with("/open-api/") {
            Some(Self::Interlace)
        } else if path.starts_with("/card-api/") {
            Some(Self::Opcard)
        } else if ["/openapi/", "/v2/openapi/", "/v3/openapi/", "/v5/openapi/"]
            .iter()
            .any(|p| path.starts_with(p))
        {
            Some(Self::Hypercard)
        } else {
            None
        }
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
