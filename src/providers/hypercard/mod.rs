//! Emulates HyperPay HyperCard (doc-api.hyperpay.io, "HyperCard API"): signed requests,
//! card products, cards, recharges, operations, coin purchases, the single-card
//! statement and Transaction Query v3.

pub mod canonical;
pub mod signature;
