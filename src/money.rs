//! Money: a `rust_decimal` amount with a [`Currency`], parsed from strings and rounded by
//! explicit per-currency rules. Floating point never touches an amount.
//!
//! Owns the currency table (ISO 4217 codes the providers use, plus the crypto tickers
//! HyperCard settles in) and the rounding rule. Knows nothing of wire formats: each
//! provider's `wire.rs` decides how many decimals it prints and in which case.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};

/// A currency or crypto ticker known to the sandbox, with its ledger precision.
///
/// A `Currency` is an index into a static table, so it is `Copy` and compares cheaply.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency(u16);

/// What kind of money a [`Currency`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CurrencyKind {
    /// An ISO 4217 fiat currency.
    Fiat,
    /// A crypto asset ticker (USDT, USDC, BTC, ETH).
    Crypto,
}

struct CurrencyInfo {
    code: &'static str,
    /// Decimals the ledger keeps: ISO 4217 minor units for fiat; 8 for crypto, the
    /// precision HyperCard prints its coin amounts with.
    scale: u32,
    kind: CurrencyKind,
}

const fn fiat(code: &'static str, scale: u32) -> CurrencyInfo {
    CurrencyInfo {
        code,
        scale,
        kind: CurrencyKind::Fiat,
    }
}

const fn crypto(code: &'static str) -> CurrencyInfo {
    CurrencyInfo {
        code,
        scale: 8,
        kind: CurrencyKind::Crypto,
    }
}

static CURRENCIES: &[CurrencyInfo] = &[
    fiat("USD", 2),
    fiat("EUR", 2),
    fiat("GBP", 2),
    fiat("HKD", 2),
    fiat("CNY", 2),
    // Offshore renminbi is not an ISO code but card programmes settle in it.
    fiat("CNH", 2),
    fiat("SGD", 2),
    fiat("JPY", 0),
    fiat("AUD", 2),
    fiat("CAD", 2),
    fiat("CHF", 2),
    fiat("NZD", 2),
    fiat("KRW", 0),
    fiat("TWD", 2),
    fiat("THB", 2),
    fiat("MYR", 2),
    fiat("PHP", 2),
    fiat("IDR", 2),
    fiat("INR", 2),
    fiat("VND", 0),
    fiat("AED", 2),
    fiat("SAR", 2),
    fiat("BHD", 3),
    fiat("KWD", 3),
    fiat("OMR", 3),
    fiat("JOD", 3),
    fiat("MXN", 2),
    fiat("BRL", 2),
    fiat("ZAR", 2),
    fiat("SEK", 2),
    fiat("NOK", 2),
    fiat("DKK", 2),
    fiat("PLN", 2),
    fiat("CZK", 2),
    fiat("HUF", 2),
    fiat("TRY", 2),
    fiat("ILS", 2),
    fiat("NGN", 2),
    fiat("KES", 2),
    fiat("CLP", 0),
    fiat("COP", 2),
    fiat("PEN", 2),
    fiat("ARS", 2),
    crypto("USDT"),
    crypto("USDC"),
    crypto("BTC"),
    crypto("ETH"),
];

impl Currency {
    /// US dollars, the first row of the table: the default wherever a provider or a
    /// scenario names no currency.
    pub const USD: Self = Self(0);

    /// Looks a code up case-insensitively (`"usd"`, `"USD"` and `"Usd"` are the same).
    pub fn parse(code: &str) -> Result<Self, MoneyError> {
        CURRENCIES
            .iter()
            .position(|c| c.code.eq_ignore_ascii_case(code))
            .map(|i| Self(i as u16))
            .ok_or_else(|| MoneyError::UnknownCurrency(code.to_owned()))
    }

    /// The upper-case code, as ISO 4217 writes it.
    pub fn code(self) -> &'static str {
        self.info().code
    }

    /// The number of decimals the ledger keeps for this currency.
    pub fn scale(self) -> u32 {
        self.info().scale
    }

    pub fn kind(self) -> CurrencyKind {
        self.info().kind
    }

    /// Rounds to this currency's precision, half away from zero (the rule card
    /// schemes apply to fees and conversions).
    pub fn round(self, amount: Decimal) -> Decimal {
        amount.round_dp_with_strategy(self.scale(), RoundingStrategy::MidpointAwayFromZero)
    }

    fn info(self) -> &'static CurrencyInfo {
        &CURRENCIES[usize::from(self.0)]
    }

    /// Every currency the sandbox knows, in table order.
    pub fn all() -> impl Iterator<Item = Self> {
        (0..CURRENCIES.len()).map(|i| Self(i as u16))
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = MoneyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// An amount in one currency. The amount never carries more decimals than the
/// currency's scale: [`Money::parse`] refuses them and [`Money::rounded`] rounds them.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    amount: Decimal,
    currency: Currency,
}

impl Money {
    /// Parses a decimal string such as `"12.50"` or `"10.00000000"`. Trailing zeros
    /// beyond the currency's scale are fine; significant digits beyond it are refused
    /// rather than silently rounded.
    pub fn parse(amount: &str, currency: Currency) -> Result<Self, MoneyError> {
        let value = Decimal::from_str(amount.trim())
            .map_err(|_| MoneyError::NotADecimal(amount.to_owned()))?;
        Self::exact(value, currency)
    }

    /// Wraps an exact decimal, refusing significant digits beyond the currency's scale.
    pub fn exact(amount: Decimal, currency: Currency) -> Result<Self, MoneyError> {
        let normalized = amount.normalize();
        if normalized.scale() > currency.scale() {
            return Err(MoneyError::TooPrecise {
                amount: normalized.to_string(),
                currency,
            });
        }
        Ok(Self {
            amount: normalized,
            currency,
        })
    }

    /// Wraps a computed decimal (a fee, a conversion), rounding it to the currency.
    pub fn rounded(amount: Decimal, currency: Currency) -> Self {
        Self {
            amount: currency.round(amount).normalize(),
            currency,
        }
    }

    pub fn zero(currency: Currency) -> Self {
        Self {
            amount: Decimal::ZERO,
            currency,
        }
    }

    pub fn amount(self) -> Decimal {
        self.amount
    }

    pub fn currency(self) -> Currency {
        self.currency
    }

    pub fn is_positive(self) -> bool {
        self.amount > Decimal::ZERO
    }

    /// The amount with exactly `decimals` decimals, as a string (`"12.50"` for 2).
    pub fn to_fixed(self, decimals: u32) -> String {
        format_fixed(self.amount, decimals)
    }

    /// The amount with exactly the currency's scale (`"12.50"` for USD).
    pub fn to_scaled_string(self) -> String {
        format_fixed(self.amount, self.currency.scale())
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.to_scaled_string(), self.currency)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.to_scaled_string(), self.currency)
    }
}

/// Prints `amount` with exactly `decimals` decimals, rounding half away from zero when
/// it has more.
pub fn format_fixed(amount: Decimal, decimals: u32) -> String {
    let mut value = amount.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero);
    value.rescale(decimals);
    if value.scale() != decimals {
        // Too many digits to take the decimals: Display says what it holds.
        return value.to_string();
    }
    // Every amount in every answer comes through here: written by `itoa` into one String
    // of exactly its length (so a `Box<str>` made of it, as OPCard's raw JSON numbers
    // are, needs no reallocation) rather than through `Decimal`'s `Display` or `write!`
    // (same text; the test compares them). A mantissa that fits in 64 bits (every amount
    // the ledger keeps in practice) divides in 64 bits.
    let digits = value.mantissa().unsigned_abs();
    let negative = value.is_sign_negative();
    let (mut whole, mut fraction) = (itoa::Buffer::new(), itoa::Buffer::new());
    let (whole, fraction) = match (u64::try_from(digits), 10u64.checked_pow(decimals)) {
        (Ok(digits), Some(unit)) => (whole.format(digits / unit), fraction.format(digits % unit)),
        _ => {
            let unit = 10u128.pow(decimals);
            (whole.format(digits / unit), fraction.format(digits % unit))
        }
    };
    let decimals = decimals as usize;
    let point = usize::from(decimals > 0);
    let mut out = String::with_capacity(usize::from(negative) + whole.len() + point + decimals);
    if negative {
        out.push('-');
    }
    out.push_str(whole);
    if decimals > 0 {
        out.push('.');
        for _ in fraction.len()..decimals {
            out.push('0');
        }
        out.push_str(fraction);
    }
    out
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error(
        "unknown currency {0:?}; use an ISO 4217 code such as \"USD\" or a ticker such as \"USDT\""
    )]
    UnknownCurrency(String),
    #[error("{0:?} is not a decimal amount; write it as a string such as \"12.50\"")]
    NotADecimal(String),
    #[error("{amount} has more decimals than {currency} allows ({})", currency.scale())]
    TooPrecise { amount: String, currency: Currency },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_fixed_writes_what_display_writes() {
        let old = |amount: Decimal, decimals: u32| {
            let mut value =
                amount.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero);
            value.rescale(decimals);
            value.to_string()
        };
        let mut amounts: Vec<Decimal> = [
            "0",
            "0.00",
            "1",
            "-1",
            "0.5",
            "-0.5",
            "0.005",
            "-0.005",
            "12.345",
            "-12.345",
            "1234567.891",
            "0.000001",
            "99999999999.999999",
            "-0.001",
            "100",
            "7.10",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
            "0.0000000000000000000000000001",
        ]
        .iter()
        .map(|t| t.parse().expect("a decimal"))
        .collect();
        amounts.push(-Decimal::ZERO);
        amounts.push(Decimal::new(-0, 2));
        for n in -2000i64..2000 {
            amounts.push(Decimal::new(n * 7919, 3));
        }
        for amount in amounts {
            for decimals in [0, 1, 2, 3, 6, 8, 18, 20] {
                assert_eq!(
                    format_fixed(amount, decimals),
                    old(amount, decimals),
                    "{amount} with {decimals} decimals"
                );
            }
        }
    }

    fn usd() -> Currency {
        Currency::parse("USD").expect("USD is in the table")
    }

    #[test]
    fn the_usd_constant_is_the_table_row_of_usd() {
        assert_eq!(Currency::USD.code(), "USD");
        assert_eq!(Currency::USD, usd());
    }

    #[test]
    fn currency_lookup_ignores_case_and_keeps_the_iso_spelling() {
        assert_eq!(Currency::parse("usdt").map(Currency::code), Ok("USDT"));
        assert_eq!(Currency::parse("Eur").map(Currency::scale), Ok(2));
        assert_eq!(Currency::parse("jpy").map(Currency::scale), Ok(0));
        assert!(matches!(
            Currency::parse("XYZ"),
            Err(MoneyError::UnknownCurrency(code)) if code == "XYZ"
        ));
    }

    #[test]
    fn parse_accepts_trailing_zeros_but_refuses_extra_precision() {
        let m = Money::parse("10.00000000", usd()).expect("trailing zeros are fine");
        assert_eq!(m.to_scaled_string(), "10.00");
        assert_eq!(m.to_fixed(8), "10.00000000");
        let err = Money::parse("1.005", usd()).expect_err("three decimals in USD");
        assert_eq!(
            err.to_string(),
            "1.005 has more decimals than USD allows (2)"
        );
        assert!(matches!(
            Money::parse("12,50", usd()),
            Err(MoneyError::NotADecimal(_))
        ));
    }

    #[test]
    fn rounding_is_half_away_from_zero_per_currency() {
        let d = |s: &str| Decimal::from_str(s).expect("valid decimal");
        assert_eq!(Money::rounded(d("1.005"), usd()).to_scaled_string(), "1.01");
        assert_eq!(
            Money::rounded(d("-1.005"), usd()).to_scaled_string(),
            "-1.01"
        );
        let jpy = Currency::parse("JPY").expect("JPY is in the table");
        assert_eq!(Money::rounded(d("99.5"), jpy).to_scaled_string(), "100");
        let usdt = Currency::parse("USDT").expect("USDT is in the table");
        assert_eq!(
            Money::rounded(d("0.123456789"), usdt).to_scaled_string(),
            "0.12345679"
        );
    }
}
