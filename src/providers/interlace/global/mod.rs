//! Interlace's global-account side (seed 002): legal entities reviewed on the tenant
//! clock, business accounts (only for an ACTIVE legal entity) with bank accounts whose
//! numbers validate (`bank.rs`), and business account transactions: inbound deposits
//! and outbound transfers with platform fees, moving through the seed's statuses.

pub(super) mod activity;
pub mod bank;
pub(crate) mod handlers;
pub(crate) mod ops;
pub mod simulate;
pub(crate) mod state;

pub use state::TRANSACTION_STATUSES;
pub mod wire;
