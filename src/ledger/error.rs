//! Why a ledger operation was refused. No HTTP here: each provider's error type
//! implements `From<LedgerError>` and picks its own code.

use rust_decimal::Decimal;

use crate::money::Currency;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    #[error("an account with key {0:?} already exists")]
    DuplicateAccount(String),
    #[error("no account with key {0:?}")]
    UnknownAccountKey(String),
    #[error("no account number {0}")]
    UnknownAccount(u32),
    #[error("no hold number {0}")]
    UnknownHold(u64),
    #[error("an entry needs at least two legs")]
    TooFewLegs,
    #[error("a leg of an entry cannot be zero")]
    ZeroLeg,
    #[error("an amount must be greater than zero, got {0}")]
    NotPositive(Decimal),
    #[error("{amount} has more decimals than {currency} allows ({})", currency.scale())]
    TooPrecise { amount: Decimal, currency: Currency },
    #[error("the legs in {currency} sum to {sum}, not zero")]
    Unbalanced { currency: Currency, sum: Decimal },
    #[error(
        "insufficient funds on {account}: {needed} {currency} needed, {available} {currency} available"
    )]
    InsufficientFunds {
        account: String,
        currency: Currency,
        needed: Decimal,
        available: Decimal,
    },
    #[error("hold {hold} is {state}, not active")]
    HoldNotActive { hold: u64, state: &'static str },
    #[error("a hold cannot expire before it is placed")]
    ExpiryBeforePlacement,
    #[error("snapshot is inconsistent: {0}")]
    BadSnapshot(String),
}
