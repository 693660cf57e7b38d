//! OPCard oddities the sandbox reproduces or settles on purpose, with where they come
//! from. Nothing here runs; it is the record of decisions.
//!
//! - **`moving_account_Time`** keeps its capital T in balance change records, as the
//!   documentation prints it; the payout listing's `moving_account_time` is lower-case,
//!   also as documented.
//! - **Amounts are JSON numbers** (`100`, `12555.4`), written from the decimal itself
//!   without trailing zeros and never through a float; exchange rates always carry 10
//!   decimals (`1.0000000000`), as the documentation's example shows.
//! - **Ids above 2^53** (`card_id`, `card_no`, `card_holder_id`) are bare JSON integers in
//!   answers, as the documentation shows, although JavaScript's `JSON.parse` loses their
//!   last digits; requests may send them as numbers or strings.
//! - **`program_value`** is an integer in answers and accepted as an integer or a string
//!   (`"6"`, `"06"`) in requests; list filters take strings or numbers.
//! - **Authorization**: the raw token, as every example shows; a `Bearer ` prefix is
//!   accepted too. Tokens come from `POST /card-api/v1/auth/token` (invented: the real
//!   token endpoint is undocumented) and last 7200 s on the tenant clock, or are declared
//!   statically in the scenario and never expire.
//! - **Error codes** are the sandbox's own (OPCard publishes none): `40000` parameter,
//!   `40100` unauthorized (HTTP 401), `40400` not found, `40900` conflict, `42200`
//!   insufficient balance, `50000` internal. Errors carry no `data`.
//! - **`trace_id`** is 32 lower-case hex drawn from the tenant's seeded id stream (from
//!   the server's when no tenant is known), also sent as the `X-Trace-Id` header.
//! - **Batch numbers**: `load/create` answers a UUID `batch_no` (as documented); balance
//!   change records carry short numeric batch numbers (`"102902"`, as documented). A
//!   load's records share one short number.
//! - **Loads** are `Pending` when created and confirmed `load_confirm_seconds` later on
//!   the tenant clock (default 0: at the next request). Across currencies, confirmation
//!   writes three records with one batch number: 20 credits the bill-currency account,
//!   24 (forex sell) debits it, 25 (forex buy) credits the accounting-currency account,
//!   each in its own currency; the rate is the scenario's base rate with a seeded jitter
//!   of up to ±0.3 %.
//! - **Loads fill existing card accounts**: like release and payout, `load/create`
//!   answers `40400` when the program has no card account in `accounting_currency` or
//!   (across currencies) in `bill_currency`; card accounts are the scenario's, never
//!   opened by a request.
//! - **Release and payout** (invented paths `load/release`, `payouts/create`) take
//!   `{program_value, currency, amount}` and refuse to take an account below zero
//!   (`42200`); a monthly bill may (it records what the cards spent).
//! - **Monthly bills**: card spend reported by the simulations is billed when the tenant
//!   clock crosses a month boundary (midnight GMT+8 on the 1st): one fund_type 21 debit
//!   per card account with spend, one 22 credit per card account with refunds.
//! - **Cursors** are the id of the last row of the previous page (numeric strings like the
//!   documentation's `"3620"`); `next_cursor` is `null` on the last page; an unknown or
//!   malformed cursor is a parameter error. Requests without `from_changed_at` /
//!   `to_changed_at` are not limited in time.
//! - **Time filters compare whole seconds**: records keep the tenant clock's
//!   milliseconds but print times to the second, so `from_changed_at`/`to_changed_at`
//!   (and the payout list's `from_created_at`/`to_created_at`) compare both sides at
//!   the second: a time read back from a record selects that record, at either edge.
//! - **`card_validity_time`** is sent as `YYYYMM` and answered as the first instant of
//!   that month at +08:00 (`2027-08-01T00:00:00+08:00`, as the documentation's detail
//!   example prints it); the card is valid to the end of that month.
//! - **Card creation** answers the card's detail (the documentation read does not show
//!   its answer); `card_status` is always `"Activate"`, the only value documented.
//! - **Injected faults** (`/_sandbox/faults`) answer `{"code","msg","trace_id"}` with
//!   `X-Trace-Id` and the rule's HTTP status; the code is `50000` (the sandbox's
//!   internal-error code), `42900` for `rate_limit` (OPCard documents no rate-limit
//!   code; the sandbox's codes are the HTTP status times 100), or the rule's `code`.
