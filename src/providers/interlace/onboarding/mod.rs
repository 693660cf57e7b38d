//! Interlace onboarding, the first mile of an integrator: a sub-account registered under
//! its parent, files uploaded for KYC, the KYC case reviewed on the tenant clock (or at
//! once through the sandbox-only review), the Infinity balance initialised, card BINs,
//! cardholders reviewed on the clock, prepaid cards issued to a cardholder (with
//! `Idempotency-Key`), card-display tokens, and transfers between two accounts'
//! Infinity balances. The README's Interlace walkthrough goes through all of it.

pub mod bins;
pub mod display;
pub(crate) mod handlers;
pub(crate) mod ops;
pub(crate) mod state;
pub mod wire;
