//! Which tenant a provider request is for, one policy for the fault middleware and
//! every provider's extractor: the `X-Sandbox-Tenant` header when sent, else the tenant
//! the request's credential belongs to (`Registry::tenant_for_credential`). Each
//! provider words a refusal in its own envelope.

use std::sync::Arc;

use axum::http::HeaderMap;

use crate::http_util::header_text;
use crate::providers::Provider;
use crate::tenant::{Registry, Tenant};

/// The header that picks a tenant for a provider request.
pub const TENANT_HEADER: &str = "x-sandbox-tenant";

/// Why no tenant was found for a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unresolved {
    /// `X-Sandbox-Tenant` named a tenant that does not exist.
    UnknownTenant(String),
    /// No header, and the credential (if any) belongs to no tenant.
    UnknownCredential,
}

impl std::fmt::Display for Unresolved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::UnknownTenant(id) => write!(f, "no tenant {id:?} (X-Sandbox-Tenant)"),
            Self::UnknownCredential => f.write_str("the credential belongs to no tenant"),
        }
    }
}

/// The tenant named by `X-Sandbox-Tenant`, else the one `provider`'s credential `key`
/// belongs to (`key` is asked for only when the header is absent).
pub fn resolve_tenant(
    registry: &Registry,
    provider: Provider,
    headers: &HeaderMap,
    key: impl FnOnce() -> Option<String>,
) -> Result<Arc<Tenant>, Unresolved> {
    match header_text(headers, TENANT_HEADER) {
        Some(id) => registry.get(&id).map_err(|_| Unresolved::UnknownTenant(id)),
        None => key()
            .and_then(|key| registry.tenant_for_credential(provider, &key))
            .ok_or(Unresolved::UnknownCredential),
    }
}
