//! Interlace oddities the sandbox reproduces or settles on purpose. Nothing here runs;
//! it is the record of decisions.
//!
//! - **`type`** is an integer in AccountNegative and a string (`"0"`/`"1"`) in
//!   AccountRepayment, exactly as the seed's examples show; `total` of a bill is a string.
//! - **Times**: v3 objects carry epoch milliseconds as strings (`createTime`,
//!   `statTime`); `repayTime` is an integer; OAuth `timestamp` is integer unix seconds.
//! - **OAuth**: codes are single use and last 5 minutes; tokens last 86400 s on the
//!   tenant clock; refresh tokens are single use and rotate. The v3 access-token example
//!   omits `clientSecret`; the sandbox requires it on both paths, as the live-validated
//!   client sends it. A reused or expired code, a wrong secret, and a missing, unknown or
//!   expired token are auth failures: HTTP 401 with code `010002`.
//! - **OAuth answers, bare or enveloped**: Interlace's authentication page in its older
//!   form shows `GET /open-api/oauth/authorize` answering `{timestamp, code}` and
//!   `POST /open-api/oauth/access-token` answering `{accessToken, refreshToken,
//!   expiresIn, timestamp}` at the top level, and public clients validated against the
//!   live API read them there; the newer page, on the `/open-api/v3/oauth/...` paths,
//!   shows the usual `{code, message, data}` envelope. The sandbox answers the
//!   un-versioned paths bare and the v3 paths (authorize, access-token, refresh-token)
//!   enveloped. Refusals carry the envelope on both, since a bare answer has nowhere to
//!   put an error code and clients test `code` for `"000000"` before reading on.
//! - **Error codes**: `010021` (account balance does not exist: the account's Infinity
//!   balance is not initialised) and `010787` (No KYC information: a customer account
//!   without passed KYC) are observed codes; `010001` parameter, `010002` unauthorized,
//!   `010003` not found, `010100` insufficient balance, `010200` not allowed in this state
//!   and `999999` internal are the sandbox's.
//! - **Idempotency-Key**: on POST/PUT/PATCH with a body `accountId`, a repeat of
//!   (accountId, key, path) answers the first successful answer's exact bytes; failures
//!   are not remembered. The newest `--idempotency-limit` (10000) keys of a tenant are
//!   kept, whatever their age (not 90 days), the oldest forgotten first; they are not
//!   exported.
//!   The same key with another body (compared as parsed JSON) is refused with `010001`
//!   and changes nothing: Interlace documents only the replay, and answering the first
//!   result to a different request would hide a client bug.
//! - **Onboarding** (no published schema beyond what live-validated clients send):
//!   - `accounts/register` answers `{id, displayId, status: "ACTIVE"}`; the sub-account is
//!     type 1 with `kycStatus` `Na` and no Infinity balance until initialised. Only a type
//!     0 account may be a parent; an email registers once (case-insensitive), `010001`.
//!   - `files/upload` answers `data` as the list of file ids in upload order (clients
//!     read the ids by position). Types are read from the bytes: JPEG, PNG, PDF; a file
//!     holds at most 5 MiB, a request at most 10 files and 20 MiB. Only metadata is kept.
//!   - KYC: the case answers `status: "PENDING"` (upper case, as the client shows) while
//!     the account's `kycStatus` uses the resource vocabulary (`Pending`, `Request`,
//!     `Passed`, `Canceled`, `Na`). Resubmission is refused while a case is pending or
//!     after it passed. Dates are `YYYY-MM-DD`; `gender` M or F; countries ISO-2.
//!   - The review simulation answers the CDD detail and `010787` when the account has no
//!     case under review (Interlace answers `902` where the feature is off; the sandbox
//!     always has it on). It also takes `Request` (more information asked for).
//!   - CDD detail has no published shape: `{accountId, displayId, kycStatus, message,
//!     caseId, firstName, lastName, dateOfBirth, nationality, idType, country,
//!     submitTime, reviewTime}`, the case fields `null` before a submission.
//!   - `initialization` before KYC passed answers `010787`; it is idempotent (`true`).
//!   - BINs: five fixed BINs on every tenant with ids in Interlace's long numeric style;
//!     `type` 0 issues prepaid cards and 1 budget cards (the documented values, their
//!     meaning inferred). 493193, 414631 and 493728 validate phones strictly outside
//!     mainland China (+86): +1 needs 10 digits not starting with 0 or 1, others 7 to 12.
//!   - Cardholders answer `{id, status, cardBinList}` on creation (`cardBinList` the BIN
//!     id it was created on); a prepaid card needs an ACTIVE cardholder enrolled on its
//!     BIN (`010200` while PENDING or INACTIVE). The default review ends at once.
//!   - `prepaid-card` answers the card object (as `GET /open-api/v3/cards/{id}`), with
//!     the BIN's six digits as `bin` and the cardholder's name as `userName`.
//!   - `private-info/access-token` answers `{accessToken, expiresIn: 300, cardId}`.
//!     Interlace's hosted display iframe is stood in for by the sandbox's page
//!     `/t/{tenant}/files/interlace/card-display/{token}` (number, expiry, CVV),
//!     which a token opens once within 5 minutes; 410 after.
//!   - `business/transfer/external` with a `to` object moves money between two accounts'
//!     Infinity balances (`from.id`/`to.id` the balance ids the wallets list,
//!     `businessType` 0), fee 0, `CLOSED` at once; without `to` it is the global-account
//!     OUTBOUND transfer. A recipient not initialised answers `010021`.
//!   - Notifications: `KYC.STATUS_CHANGED` (resource: the CDD detail) on submission and
//!     review, `CARDHOLDER.STATUS_CHANGED` (resource: the cardholder) when its review
//!     ends; the event names follow the documented `OBJECT.ACTION` pattern.
//! - **Card transactions** carry the webhook example's fields plus `status` (`PENDING` for
//!   an authorisation holding money, `CLOSED`, `FAIL` when declined) and `businessCode`
//!   (`1003` / `1005` for a clearing above / below its authorisation, else `null`).
//!   `processingCode` is the first two digits of the ISO 8583 processing code (the
//!   documentation's example shows only `00`): `00` for authorisations and clearings
//!   (goods and services), `20` for refunds and for reversals (money back to the card;
//!   ISO 8583 would repeat the original's code in a reversal message, but the list
//!   carries no message type, so the sandbox marks the direction), `19` for fees (fee
//!   collection).
//! - **Card negatives**: statistics are taken for every account at 00:00 UTC on the
//!   tenant clock and on demand; an account with negatives at that moment gets a bill;
//!   each run is one BatchHook (pages of 100) whose `fileUrl` holds all its statistics.
//!   `cardNegative` sums the negative balances of prepaid cards; budget cards draw on the
//!   account's budget, whose negative is `budgetNegative`.
//! - **Repayments** run when money reaches an account: a `fund-account` deposit (or a
//!   `transfer-out` back to the Infinity balance) brings negative cards back to zero
//!   oldest-negative first, then the budget, as far as the Infinity balance goes; a
//!   `transfer-in` to a negative card settles that card as far as the transfer goes.
//!   Each records an AccountRepayment with the account's negatives just before it, so
//!   `cardUnpaidAmount` includes the other cards still negative.
//! - **Card `bin`** is `49319300` for every card and `cardMode` `VIRTUAL_CARD`.
//!
//! Global accounts (seed 002):
//!
//! - **A business account opens with one bank account** (its virtual account in its
//!   currency, named after the account), whether a scenario or
//!   `POST /open-api/v3/business/accounts` opens it, as the business-account example
//!   carries its `bankAccounts`; `POST .../business/account/{id}/bank-account` adds more.
//! - **`bankAddress`** is an object in the business-account example and a string in the
//!   attribute table and the bank-account example; the sandbox sends a string.
//! - **Bank account `createTime`** is 10-digit unix seconds, as the attribute table's
//!   bank-account example shows; every other v3 `createTime` is epoch milliseconds.
//! - **Bank account `accountId`** is the owning Account's UUID, as the attribute table
//!   says (its example shows an unrelated UUID).
//! - **Bank accounts** have numbers that validate: GBP and EUR an IBAN (GB and IE, mod-97
//!   check, routed `BIC_SWIFT`), USD an account number with an `ABA` routing number
//!   whose checksum holds.
//! - **Legal entities** start PENDING and the tenant clock moves them to PROCESSING and
//!   then ACTIVE after the scenario's delays; a business account needs an ACTIVE one.
//! - **Transactions**: an inbound deposit goes REQUESTED, PENDING, CLOSED (or through
//!   INBOUND_RELATIONSHIP_CONFIRM_REQUEST, which waits two steps, and
//!   INBOUND_RELATIONSHIP_CONFIRM, three, to CLOSED; or ends REJECTED, CANCELLED or
//!   UNKNOWN); an outbound transfer holds amount and fee while PENDING and settles to
//!   CLOSED; a failed one goes PAYMENT_FAILED, then REFUNDING, which gives amount and fee
//!   back and is where it ends. Money moves only at CLOSED. A transaction carries no
//!   time; the sandbox keeps one for ordering and time filters.
//! - **`pending`** in a business account's balance is the sum of inbound deposits still
//!   on their way.
//! - **Cancel** (`POST /open-api/v3/business/transfer/external/{id}/cancel`) is a sandbox
//!   path: the documentation read shows none.
//! - **`transactionDisplayId`** is yyMMddHHmm of the tenant clock (UTC) and a 6-digit
//!   sequence per tenant.
//! - **Injected faults** (`/_sandbox/faults`) answer `{"code","message"}` with the rule's
//!   HTTP status; the code is `999999` (internal error) for `error` and `rate_limit`
//!   (Interlace documents no rate-limit code) unless the rule gives a `code`.
//! - **Webhooks** are signed with the tenant's first client's secret (the documentation
//!   has one callback URL per client; the sandbox has one URL per tenant). `Timestamp`
//!   is the attempt's tenant-clock time in ms and is not signed (as the validated client
//!   does not sign it). `CARD_TRANSACTION.CREATED` goes out for every card transaction
//!   record (authorisation, clearing, reversal, refund, fee, declines included); its
//!   `resource` is the record as `card/transactions` lists it. `ACCOUNT_NEGATIVE.BATCH`
//!   (the sandbox's name; the documentation read names none) goes out once per
//!   BatchHook page, its `resource` the page as the admin listing shows it. The
//!   documentation read has no catalogue of event types, so the other names follow its
//!   `OBJECT.ACTION` pattern: `CARD_TRANSACTION.UPDATED` (an authorisation closed),
//!   `BUSINESS_ACCOUNT_TRANSACTION.CREATED` / `.STATUS_CHANGED` (resource as
//!   `business/accounts/transactions` lists it) and `LEGAL_ENTITY.STATUS_CHANGED`
//!   (resource as `business/legal-entity` answers it).
