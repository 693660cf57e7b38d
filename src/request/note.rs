//! What the journal (`observe`) learns about a request besides the request itself: the
//! fault decision's [`FaultNote`], and the response extensions a provider handler's
//! [`ResolvedTenant`] and the [`InternalError`] an envelope carries when the sandbox
//! itself failed.

use std::sync::{Arc, Mutex, PoisonError};

/// Which tenant a response was for, set by provider handlers that resolved the tenant
/// from a credential rather than the `X-Sandbox-Tenant` header.
#[derive(Debug, Clone)]
pub struct ResolvedTenant(pub String);

/// What the fault decision (`faults::inject`) tells `observe` about a request: the rules that fired and
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

/// The sandbox's own failure behind an answer (an internal-error code or a 500),
/// attached by the envelope that rendered it; `observe` logs it, once per
/// request, the only place internal errors are logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InternalError(pub String);

impl InternalError {
    /// Marks `response` as answering an internal error described by `message`.
    pub fn mark(response: &mut axum::response::Response, message: &str) {
        response.extensions_mut().insert(Self(message.to_owned()));
    }
}
