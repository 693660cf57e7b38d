//! HyperCard oddities the sandbox reproduces or settles on purpose, each with the place
//! in the documentation that shows it. Nothing here runs; it is the record of decisions.
//!
//! - **Leading-space keys in the refund example** (2.1.47 Transaction Query v3, refund
//!   response: `" refund_amount"`, `" page"`): documentation typos. The sandbox emits
//!   `refund_amount` and `page`, as the attribute tables name them.
//! - **`fee` on consumption records**: in the type 1 table, absent from its example; the
//!   table wins, so every consumption record carries `fee`
//!   (`"0.00000000"`: handling fees are separate type 10 records).
//! - **`service_fee_standard`**: a string in the type 10 table, a bare number in its
//!   example; the table wins.
//! - **`card_id` / `card_number` descriptions** swapped in the type 1 and 2 tables
//!   ("consumption amount", "transaction description"): a card id is an id, a card number
//!   the masked PAN.
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
//! - **Recharge query of an unknown `mc_trade_no`**: success with no `data`.
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
//!   of products with the documented product fields (inferred).
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
//! - **`OPEN_CARD`** is pushed when an application's review ends: `result` a number
//!   (1 issued, 2 refused, as the documentation's table types it), `remark` the refusal's
//!   reason (`""` when issued), `mc_trade_no` the application's. The documented fields
//!   only: no `card_id` (the application result carries it).
//! - **Signed headers**: `version` is required, as HyperCard's header table says
//!   ("required, default 1.0"); a request without it answers `A0003` (parameter error),
//!   whatever its signature. The `nonce` is HyperCard's "random 10-character string";
//!   the sandbox takes 1 to 64 printable ASCII characters (room for clients that use
//!   longer random strings) and answers `A0003` otherwise, before verifying anything, so
//!   an oversized nonce is never hashed or kept. The timestamp window is checked with
//!   `abs_diff`, so no `timestamp` in the i64 range can wrap into the window.
//!
//! The first mile. HyperCard documents the express v4 body and the shapes of
//! the result, activation and details endpoints; everything below is where it is silent.
//!
//! - **Other apply types**: only the express body is documented, so only express
//!   applications are emulated; a product whose `apply_type` is 1, 3, 4 or 5 refuses
//!   `/v4/openapi/card/apply/quick` with `A0011` ("card application not currently
//!   supported").
//! - **The card exists from the application on**: its `card_id` is drawn at once (19
//!   seeded digits opening with 8, so an id never reads as a card number; the masked
//!   number's last four are drawn apart from it) and shown by the application result while it is
//!   under review, because a card in pre-apply must be named by the recharge that is its
//!   opening deposit. `card_number` (masked) is `""` until the card is issued.
//! - **Statuses**: pre-apply 0 (a product with `need_first_recharge` and no
//!   `first_recharge_amount` in the application) until the opening deposit arrives, then
//!   reviewing 2; the review ends `review_seconds` later on the tenant clock with review
//!   passed 3 or review rejected 4 (the scenario knob `application.outcome`: `issue`,
//!   `refuse` with `fail_code`/`fail_reason`, or `pending`, which never ends). Every change
//!   after the application also pushes `CARD_STATUS_CHANGE`.
//! - **Opening deposit**: `first_recharge_amount` (or the pre-apply recharge) is paid in
//!   usdt from the merchant's balance (the express body names no coin), with the
//!   product's recharge fee; it must be at least `min_first_recharge_amount` (else
//!   `min_single_recharge_amount`) and at most `max_single_recharge_amount`. It is held
//!   while the application is reviewed, settles onto the card when it is issued
//!   (`RECHARGE` result "1"), and is released when it is refused: the recharge then
//!   answers status 2 with the refusal's reason, and `RECHARGE` result "2" goes out. A
//!   merchant short of the deposit is refused with `A0006` before anything opens.
//! - **One outcome per `mc_trade_no`**: applications, recharges and coin purchases share
//!   one namespace (`A0005` on reuse). The application result answers for the
//!   application's own `mc_trade_no` and for its opening deposit's; any other reference
//!   (an ordinary recharge's included) is `A0003`. An application with a
//!   `first_recharge_amount` gives its deposit the application's `mc_trade_no`, so
//!   `/openapi/card/recharge/query` finds it under the same reference.
//! - **v1 and v2 application results** answer the same shape (only v2's is documented).
//! - **Recharges on an application's card**: under review (2) or refused (4): `A0000`;
//!   in pre-apply: the opening deposit, empty `data`.
//! - **Refusals of an application**: `A0003` for a missing or malformed field (an email
//!   needs one `@` and a dotted domain, `mobile` 6 to 11 digits, the documented length
//!   limits) or an unknown `card_type_id`; `A0008` when the same email (case-insensitive)
//!   has an application for the same card type still under way. Duplicate emails and
//!   phones across card types are allowed (`A0017`/`A0018` never occur): merchants issue
//!   several cards to one person.
//! - **Activation** (`/openapi/card/active`, answering `{code, msg}`): only an issued card
//!   (status 3). `activate_type` 1 needs `file` and goes to activation reviewing (11);
//!   3 takes no file (one sent is still checked) and goes to activating (7); either is
//!   activated (9) `activation_seconds` later. An email product (2) refuses the call
//!   (`A0000`) and starts activating (7) by itself at the issue: the sandbox stands in
//!   for the cardholder who clicks the link. A second call while activating is `A0005`.
//!   `file` must be standard base64 of at most 1 MiB decoded whose bytes start like a
//!   JPEG or PNG; a `data:` prefix, bad base64 or another type is `A0003`. The document
//!   is checked, not kept. Activation is never rejected.
//! - **Card details** (`/v2/openapi/card/bank/details`) are given for an activated or
//!   frozen card only (`A0000` otherwise). `pub_key` is the base64 of the merchant's
//!   public key as DER, X.509 SubjectPublicKeyInfo (what Java's `getEncoded()` and
//!   `openssl pkey -pubout -outform DER` give) or PKCS#1; a whole PEM text is accepted
//!   too; 1024 to 4096 bits; anything else `A0003`. It is echoed as sent.
//! - **`encoded_card_detail`**: the plaintext is compact JSON with the documented
//!   names, `{"card_number","cvv","expire":"MM/YYYY"}` (hosted page:
//!   `{"url","password","expires_at","expires_in"}`); it is encrypted with RSAES-PKCS1-v1_5,
//!   the padding Java's default `Cipher.getInstance("RSA")` uses, in blocks of at most
//!   k - 11 bytes (k the key's size in bytes) whose cipher blocks are concatenated and
//!   base64-encoded as a whole, so a 1024-bit key opens it block by block of 128 bytes
//!   (the card form fits one block). Padding bytes come from a ChaCha20 stream seeded
//!   from the tenant's data stream: same seed, same requests, same bytes.
//! - **The card number** is 16 digits: the product's BIN, five digits drawn from a hash
//!   of the tenant seed and the card id, one digit chosen so the number passes Luhn, and
//!   the masked number's last four; the CVV (3 digits) comes from the same hash; the
//!   expiry is the opening month (GMT+8) three years on. So they are stable for a card
//!   and agree with `card_number` everywhere it is masked.
//! - **Hosted page** products (`card_detail_obtain_way` 1) answer the url form; the
//!   sandbox serves no such page, so `url` is on `example.invalid` (a reserved name that
//!   never resolves), `password` 6 seeded digits, valid 600 s (`expires_at` unix seconds).
//!   **Email** products (2) answer `encoded_card_detail: ""`: the details go by mail.
