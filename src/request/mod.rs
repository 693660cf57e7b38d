//! What every API surface shares about a request, low in the house so that providers,
//! admin and faults never import the server: the application state and its settings
//! (`state.rs`), the tenant a request is for (`tenant.rs`: the `X-Sandbox-Tenant`
//! header or the `/t/{tenant}` path prefix (`prefix.rs`), else the credential's tenant),
//! the JSON body reader with its size limit
//! (`body.rs`), and the request extensions the journal reads (`note.rs`).

mod body;
mod note;
mod prefix;
mod state;
mod tenant;

pub use body::{BODY_LIMIT, BodyError, read_object};
pub use note::{FaultNote, InternalError, ResolvedTenant};
pub use prefix::{PathTenant, TENANT_PREFIX, strip_tenant_prefix};
pub use state::{
    AppState, DEFAULT_BODY_TIMEOUT, DEFAULT_MAX_FAULT_DELAY, DEFAULT_SHUTDOWN_GRACE, Settings,
    Shared,
};
pub use tenant::{TENANT_HEADER, Unresolved, fresh_credentials_hint, resolve_tenant};
