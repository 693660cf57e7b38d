//! Which tenant a provider request is for, one policy for the fault middleware and
//! every provider's extractor: the `X-Sandbox-Tenant` header when sent (the `/t/{tenant}`
//! base URL sets it, see `prefix`), else the one tenant the request's credential
//! belongs to (`Registry::tenant_for_credential`). A credential several tenants share
//! picks none of them. Each provider words a refusal in its own envelope.

use std::sync::Arc;

use axum::http::HeaderMap;

use crate::http_util::header_text;
use crate::providers::Provider;
use crate::tenant::{CredentialMode, Owner, Registry, Tenant};

/// The header that picks a tenant for a provider request.
pub const TENANT_HEADER: &str = "x-sandbox-tenant";

/// Why no tenant was found for a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unresolved {
    /// `X-Sandbox-Tenant` named a tenant that does not exist.
    UnknownTenant(String),
    /// No header, and the credential (if any) belongs to no tenant.
    UnknownCredential,
    /// No header, and the credential belongs to several tenants (oldest first).
    Ambiguous(Vec<String>),
}

impl std::fmt::Display for Unresolved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::UnknownTenant(id) => write!(f, "no tenant {id:?} (X-Sandbox-Tenant)"),
            Self::UnknownCredential => f.write_str("the credential belongs to no tenant"),
            Self::Ambiguous(tenants) => write!(
                f,
                "the credential belongs to {} tenants ({}), so it picks none; name the tenant \
                 with its base URL (/t/{{tenant}}/... in place of /...) or the \
                 X-Sandbox-Tenant header, or create tenants with \"credentials\": \"fresh\" \
                 so that each has its own",
                tenants.len(),
                quoted(tenants),
            ),
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
        None => match key().map(|key| registry.tenant_for_credential(provider, &key)) {
            Some(Owner::One(tenant)) => Ok(tenant),
            Some(Owner::Several(tenants)) => Err(Unresolved::Ambiguous(tenants)),
            Some(Owner::Nobody) | None => Err(Unresolved::UnknownCredential),
        },
    }
}

/// What to add to "credential not known in tenant X": where a tenant with fresh
/// credentials lists them (empty for a tenant that keeps its scenario's).
pub fn fresh_credentials_hint(tenant: &Tenant) -> String {
    match tenant.credentials {
        CredentialMode::Fresh => format!(
            "; tenant {:?} has credentials of its own (GET /_sandbox/tenants/{} lists them), \
             or create it with \"credentials\": \"scenario\" to keep the scenario's",
            tenant.id, tenant.id
        ),
        CredentialMode::Scenario => String::new(),
    }
}

/// `"a", "b"`, at most five, then how many more.
fn quoted(ids: &[String]) -> String {
    let mut text: Vec<String> = ids.iter().take(5).map(|id| format!("{id:?}")).collect();
    if ids.len() > 5 {
        text.push(format!("and {} more", ids.len() - 5));
    }
    text.join(", ")
}
