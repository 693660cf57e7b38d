//! Request and response extensions the journal (`server::observe`) reads: the fault
//! middleware's [`FaultNote`] and a provider handler's [`ResolvedTenant`].

use std::sync::{Arc, Mutex, PoisonError};

/// Which tenant a response was for, set by provider handlers that resolved the tenant
/// from a credential rather than the `X-Sandbox-Tenant` header.
#[derive(Debug, Clone)]
pub struct ResolvedTenant(pub String);

/// What the fault middleware tells `observe` about a request: the rules that fired and
/// the tenant it found (kept even when the request's future is dropped).
#[derive(Debug, Clone, Default)]
pub struct FaultNote(Arc<Mutex<(Vec<String>, Option<String>)>>);

impl FaultNote {
    pub fn set(&self, fired: Vec<String>, tenant: Option<String>) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = (fired, tenant);
    }

    /// The rules that fired and the tenant, leaving the note empty.
    pub fn take(&self) -> (Vec<String>, Option<String>) {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}
