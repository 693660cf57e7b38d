//! HyperCard oddities the sandbox reproduces or settles on purpose, each with the place
//! in the documentation that shows it. Nothing here runs; it is the record of decisions.
//!
//! - **Leading-space keys in the refund example** (2.1.47 Transaction Query v3, refund
//!   response: `" refund_amount"`, `" page"`): documentation typos. The sandbox emits
//!   `refund_amount` and `page`, as the attribute tables name them.
//! - **`fee` on consumption records**: in the type 1 table, absent from its example; the
//!   table wins (contract 5), so every consumption record carries `fee`
//!   (`"0.00000000"`: handling fees are separate type 10 records).
//! - **`service_fee_standard`**: a string in the type 10 table, a bare number in its
//!   example; the table wins.
//! - **`card_id` / `card_number` descriptions** swapped in the type 1 and 2 tables
//!   ("consumption amount", "transaction description"): a card id is an id, a card number
//!   the masked PAN (contract 7).
//! - **Fee records not tied to a card**: the type 10 example has `card_id: ""`; every fee
//!   the sandbox writes belongs to a consumption's card, so it always has one.
//! - **Statement `tx_id`**: the single-card statement examples print `tx_id` as a bare
//!   number, which loses digits above 2^53; the sandbox sends a string, like every other id.
//! - **Amount precision**: 8 decimals wherever the documentation shows none, 2 in
//!   `/openapi/card/balance` (its example: `"100.00"`).
//! - **HTTP status**: every answer is HTTP 200, errors included (A0001, A0002, A0005 as
//!   well), except unknown routes (404), wrong methods (405) and bodies over 1 MiB (413),
//!   which carry the envelope with `A0000` / `A0003`. Error envelopes carry no `data`.
//! - **Auth failures**: an unknown `api-key` or `X-Sandbox-Tenant` answers `A0001` (the
//!   documentation has no separate code for an unknown merchant). Check order: signature
//!   (A0001), then timestamp (A0002, more than 300 s from the tenant clock), then nonce
//!   (A0005, reused within 10 minutes). A request refused later, for its parameters,
//!   has still used its nonce.
//! - **Ids as JSON numbers** are refused with `A0003` (the documentation's examples
//!   sometimes send them bare; they overflow doubles). Integer fields (`page`, `size`,
//!   `type`, `business_type`) accept a JSON integer or a string of digits; amounts must
//!   be decimal strings.
//! - **Recharge settlement**: the recharge answer carries no status; the recharge is
//!   pending (status 0, the merchant's coin on hold) until the tenant clock passes
//!   `recharge_settle_seconds`, then succeeds. The sandbox never fails a recharge.
//! - **Recharge query of an unknown `mc_trade_no`**: success with no `data` (fact sheet 3.4).
//! - **Operations**: 1 freeze, 2 unfreeze and 9 cancel change the card at once
//!   (`operate_status` 1); 3 report loss, 4 reset password, 5 reissue (needs `address`)
//!   and 6 resend PIN are recorded with `operate_status` 1 and change nothing. A cancelled
//!   card refuses every operation (`A0000`).
//! - **Balance `card_type`**: the balance page shows `card_type` as a string (`"N/A"`
//!   in its example); the sandbox answers the card's product type as
//!   `/v5/openapi/card/list` gives it (1 virtual, 2 physical), as a string: `"1"`.
//! - **Frozen cards** decline consumptions and refuse recharges with `A0000`: nothing
//!   moves and no push goes out until the card is unfrozen (operation 2).
//! - **Cancellation** moves what is left on the card, less the product's cancel fee, to
//!   the merchant's balance in the card currency (a type 102 record), and the card is
//!   status 15 from then on: consumptions are declined, recharges refused (`A0010`).
//! - **Coin purchases** complete at once (status 1), so `A0014` (one already in
//!   progress) never occurs. The fee is `buy_coin_fee_rate` of the fiat amount; the
//!   rest is converted to USDT at the tenant's rates and credited to the merchant.
//! - **Card product list** (`/v5/openapi/card/list`): the documentation read lists the
//!   product fields but not the answer's layout; the sandbox answers `data` as an array
//!   of products with the fields of fact sheet 3.5 (INFERENCE).
//! - **Recharge limits**: `min_single_recharge_amount` and `max_single_recharge_amount`
//!   bound one recharge and `max_recharge_amount` the recharges of one card per day
//!   (midnight to midnight, GMT+8, pending ones included); beyond them, `A0003`.
//! - **Statement columns**: `debit` is everything the row took from the card, its fee
//!   included; `fee` repeats the fee part for information. So a card's balance moves by
//!   `credit - debit` per row.
//! - **Statement**: whole calendar months in GMT+8, oldest first, months without rows
//!   left out, at most 31 days per query (the API-wide one-month rule);
//!   `statement_cycle_date` is the month's last day. Pending and failed records appear
//!   with zero credit and debit.
//! - **Injected faults** (`/_sandbox/faults`) answer `{"code":"B0000","msg":...}` with the
//!   rule's HTTP status (429 for `rate_limit`), although HyperCard's own errors are HTTP
//!   200: a client must survive both. HyperCard documents no rate-limit code, so
//!   `rate_limit` uses `B0000` too unless the rule gives a `code`.
//! - **Push notifications** carry the tenant's first merchant's `api-key`, `version`
//!   `1.0` and `lang` `en`, and are signed with the shipped platform key. The
//!   documentation gives no receiver timeout; the sandbox allows 10 s. "Retries after 1,
//!   5, 30, 60 min, 2, 4, 12, 24 h; stop once 24 h have passed" is read as: each delay
//!   counts from the previous attempt, and no retry is scheduled after an attempt made
//!   24 h or more after the first (so all nine attempts happen, the last about 43.6 h
//!   after the first). `RECHARGE` sends `result` as the string `"1"`, as the
//!   documentation's example does; `OPERATION` sends `operate_status` `"1"` and the
//!   operation `type`. The documentation does not show the payloads of `CONSUME`,
//!   `TRANSACTION_CHANGE`, `BUY_COIN` and `CANCEL_CARD`; the sandbox sends the new
//!   record's Transaction Query v3 fields (the one documented shape of that
//!   transaction), `TRANSACTION_CHANGE` for withdrawals, refunds and fees.
//! - **`OPEN_CARD`** is never pushed: the emulated API has no card application endpoint
//!   (cards come from the scenario), so nothing opens a card while a URL is configured.
//! - **Signed headers**: `version` is required, as HyperCard's header table says
//!   ("required, default 1.0"); a request without it answers `A0003` (parameter error),
//!   whatever its signature. The `nonce` is HyperCard's "random 10-character string";
//!   the sandbox takes 1 to 64 printable ASCII characters (room for clients that use
//!   longer random strings) and answers `A0003` otherwise, before verifying anything, so
//!   an oversized nonce is never hashed or kept. The timestamp window is checked with
//!   `abs_diff`, so no `timestamp` in the i64 range can wrap into the window.
