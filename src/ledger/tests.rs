//! Ledger tests: hand-written cases for each rule, and properties over random
//! operation sequences (every invariant holds after every operation; a refused
//! operation changes nothing; a snapshot restores to the same ledger).

use std::str::FromStr;

use proptest::prelude::*;
use rust_decimal::Decimal;

use super::*;
use crate::clock::Timestamp;
use crate::money::Currency;

fn cur(code: &str) -> Currency {
    Currency::parse(code).expect("test currency is known")
}

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).expect("test decimal is valid")
}

fn t(secs: i64) -> Timestamp {
    Timestamp::from_secs(1_767_225_600 + secs)
}

fn open(ledger: &mut Ledger, key: &str, kind: AccountKind, code: &str) -> AccountId {
    ledger
        .open_account(AccountSpec {
            key: key.to_owned(),
            kind,
            currency: cur(code),
            allow_negative: kind.negative_by_default(),
            opened_at: t(0),
            metadata: Metadata::new(),
        })
        .expect("fresh key")
}

fn all_ok(ledger: &Ledger) {
    for check in ledger.check_invariants() {
        assert!(check.ok, "{}: {}", check.name, check.detail);
    }
}

#[test]
fn transfer_moves_money_and_refuses_overdraft_without_change() {
    let mut ledger = Ledger::new();
    let world = open(&mut ledger, "world", AccountKind::External, "USD");
    let alice = open(&mut ledger, "alice", AccountKind::Wallet, "USD");
    ledger
        .post(EntryDraft::transfer(
            t(1),
            "deposit",
            world,
            alice,
            dec("10.00"),
        ))
        .expect("external accounts may go negative");
    let before = ledger.snapshot();
    let err = ledger
        .post(EntryDraft::transfer(
            t(2),
            "payout",
            alice,
            world,
            dec("10.01"),
        ))
        .expect_err("overdraft");
    assert_eq!(
        err.to_string(),
        "insufficient funds on alice: 10.01 USD needed, 10.00 USD available"
    );
    assert_eq!(ledger.snapshot(), before, "a refused post changes nothing");
    assert_eq!(ledger.balance(alice).map(|b| b.available), Ok(dec("10.00")));
    assert_eq!(ledger.balance(world).map(|b| b.posted), Ok(dec("-10.00")));
    all_ok(&ledger);
}

#[test]
fn entries_must_balance_per_currency_and_respect_precision() {
    let mut ledger = Ledger::new();
    let usd = open(&mut ledger, "usd", AccountKind::External, "USD");
    let eur = open(&mut ledger, "eur", AccountKind::External, "EUR");
    let draft = EntryDraft {
        time: t(1),
        kind: "fx".to_owned(),
        legs: vec![
            Leg {
                account: usd,
                amount: dec("-1.00"),
            },
            Leg {
                account: eur,
                amount: dec("1.00"),
            },
        ],
        metadata: Metadata::new(),
    };
    assert!(matches!(
        ledger.post(draft),
        Err(LedgerError::Unbalanced { .. })
    ));
    let too_precise = EntryDraft::transfer(t(1), "x", usd, usd, dec("0.001"));
    assert!(matches!(
        ledger.post(too_precise),
        Err(LedgerError::TooPrecise { .. })
    ));
    assert!(ledger.entries().is_empty());
}

#[test]
fn holds_reduce_available_and_capture_or_release() {
    let mut ledger = Ledger::new();
    let world = open(&mut ledger, "world", AccountKind::External, "USD");
    let card = open(&mut ledger, "card", AccountKind::Card, "USD");
    ledger
        .post(EntryDraft::transfer(t(1), "load", world, card, dec("50")))
        .expect("load");
    let hold = ledger
        .place_hold(HoldDraft {
            account: card,
            amount: dec("30"),
            placed_at: t(2),
            expires_at: Some(t(3600)),
            metadata: Metadata::new(),
        })
        .expect("enough available");
    assert_eq!(
        ledger.balance(card),
        Ok(Balance {
            posted: dec("50"),
            held: dec("30"),
            available: dec("20"),
        })
    );
    assert!(
        ledger
            .post(EntryDraft::transfer(t(3), "spend", card, world, dec("25")))
            .is_err()
    );
    // Capturing more than was held may use the hold plus what is available.
    let entry = ledger
        .capture_hold(
            hold,
            EntryDraft::transfer(t(4), "consume", card, world, dec("35")),
        )
        .expect("30 held + 20 available covers 35");
    assert_eq!(ledger.entry(entry).and_then(|e| e.hold), Some(hold));
    assert_eq!(ledger.balance(card).map(|b| b.available), Ok(dec("15")));
    assert!(matches!(
        ledger.release_hold(hold, t(5)),
        Err(LedgerError::HoldNotActive {
            state: "captured",
            ..
        })
    ));
    all_ok(&ledger);
}

#[test]
fn backdated_entries_keep_history_sorted_with_running_balances() {
    let mut ledger = Ledger::new();
    let world = open(&mut ledger, "world", AccountKind::External, "USD");
    let w = open(&mut ledger, "w", AccountKind::Wallet, "USD");
    for (secs, amount) in [(10, "5"), (30, "7"), (20, "1")] {
        ledger
            .post(EntryDraft::transfer(t(secs), "in", world, w, dec(amount)))
            .expect("deposit");
    }
    let lines = ledger.lines(w).expect("account exists");
    let seen: Vec<_> = lines.iter().map(|l| (l.time, l.balance_after)).collect();
    assert_eq!(
        seen,
        vec![(t(10), dec("5")), (t(20), dec("6")), (t(30), dec("13"))]
    );
    all_ok(&ledger);
}

/// One step of a random run. Indices are taken modulo what exists.
#[derive(Debug, Clone)]
enum Op {
    Transfer {
        from: usize,
        to: usize,
        cents: i64,
        dt: i64,
    },
    Hold {
        account: usize,
        cents: i64,
    },
    Capture {
        hold: usize,
        cents: i64,
        to: usize,
    },
    Release {
        hold: usize,
    },
    Expire {
        hold: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..6usize, 0..6usize, -500..20_000i64, -100..1000i64)
            .prop_map(|(from, to, cents, dt)| Op::Transfer { from, to, cents, dt }),
        2 => (0..6usize, -100..10_000i64).prop_map(|(account, cents)| Op::Hold { account, cents }),
        1 => (0..20usize, 1..15_000i64, 0..6usize)
            .prop_map(|(hold, cents, to)| Op::Capture { hold, cents, to }),
        1 => (0..20usize).prop_map(|hold| Op::Release { hold }),
        1 => (0..20usize).prop_map(|hold| Op::Expire { hold }),
    ]
}

/// Two currencies, so cross-currency transfers are tried (and must be refused).
fn fixture() -> (Ledger, Vec<AccountId>) {
    let mut ledger = Ledger::new();
    let ids = vec![
        open(&mut ledger, "ext-usd", AccountKind::External, "USD"),
        open(&mut ledger, "a-usd", AccountKind::Wallet, "USD"),
        open(&mut ledger, "b-usd", AccountKind::Card, "USD"),
        open(&mut ledger, "ext-eur", AccountKind::External, "EUR"),
        open(&mut ledger, "a-eur", AccountKind::Wallet, "EUR"),
        open(&mut ledger, "fee-usd", AccountKind::Fee, "USD"),
    ];
    (ledger, ids)
}

fn apply(ledger: &mut Ledger, ids: &[AccountId], op: &Op, now: &mut Timestamp) -> bool {
    let cents = |c: i64| Decimal::new(c, 2);
    let hold_id = |i: usize, n: usize| HoldId((i % n.max(1)) as u64);
    let holds = ledger.holds().len();
    match *op {
        Op::Transfer {
            from,
            to,
            cents: c,
            dt,
        } => {
            let time = now.plus_secs(dt);
            *now = (*now).max(time);
            ledger
                .post(EntryDraft::transfer(
                    time,
                    "t",
                    ids[from],
                    ids[to],
                    cents(c),
                ))
                .is_ok()
        }
        Op::Hold { account, cents: c } => ledger
            .place_hold(HoldDraft {
                account: ids[account],
                amount: cents(c),
                placed_at: *now,
                expires_at: Some(now.plus_secs(60)),
                metadata: Metadata::new(),
            })
            .is_ok(),
        Op::Capture { hold, cents: c, to } => {
            let Ok(h) = ledger.hold(hold_id(hold, holds)) else {
                return false;
            };
            let from = h.account;
            let id = h.id;
            ledger
                .capture_hold(id, EntryDraft::transfer(*now, "c", from, ids[to], cents(c)))
                .is_ok()
        }
        Op::Release { hold } => ledger.release_hold(hold_id(hold, holds), *now).is_ok(),
        Op::Expire { hold } => ledger.expire_hold(hold_id(hold, holds), *now).is_ok(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn invariants_hold_after_every_operation(ops in prop::collection::vec(op(), 1..60)) {
        let (mut ledger, ids) = fixture();
        let mut now = t(0);
        for op in &ops {
            let before = ledger.snapshot();
            let applied = apply(&mut ledger, &ids, op, &mut now);
            if !applied {
                prop_assert_eq!(&ledger.snapshot(), &before, "refused {:?} changed the ledger", op);
            }
            for check in ledger.check_invariants() {
                prop_assert!(check.ok, "after {:?}: {}: {}", op, check.name, check.detail);
            }
        }
        // Money is neither made nor lost: per currency, all balances sum to zero.
        for code in ["USD", "EUR"] {
            let total: Decimal = ledger
                .accounts()
                .iter()
                .filter(|a| a.currency == cur(code))
                .map(|a| a.posted)
                .sum();
            prop_assert_eq!(total, Decimal::ZERO);
        }
    }

    #[test]
    fn snapshot_restores_to_the_same_ledger(ops in prop::collection::vec(op(), 1..40)) {
        let (mut ledger, ids) = fixture();
        let mut now = t(0);
        for op in &ops {
            apply(&mut ledger, &ids, op, &mut now);
        }
        let snapshot = ledger.snapshot();
        let restored = Ledger::restore(&snapshot).expect("a valid ledger restores");
        prop_assert_eq!(restored.snapshot(), snapshot);
        for id in &ids {
            prop_assert_eq!(restored.balance(*id), ledger.balance(*id));
            prop_assert_eq!(restored.lines(*id), ledger.lines(*id));
        }
    }
}

#[test]
fn restore_refuses_an_unbalanced_snapshot() {
    let (mut ledger, ids) = fixture();
    ledger
        .post(EntryDraft::transfer(t(1), "t", ids[0], ids[1], dec("5")))
        .expect("deposit");
    let mut snapshot = ledger.snapshot();
    snapshot.entries[0].legs[0].1 = dec("-4");
    assert!(matches!(
        Ledger::restore(&snapshot),
        Err(LedgerError::Unbalanced { .. })
    ));
    let mut overdrawn = ledger.snapshot();
    overdrawn.entries[0].legs = vec![("ext-usd".into(), dec("5")), ("a-usd".into(), dec("-5"))];
    let err = Ledger::restore(&overdrawn).expect_err("a wallet below zero");
    assert!(err.to_string().contains("no_forbidden_negatives"), "{err}");
}

#[test]
fn metadata_keeps_keys_sorted_unique_and_replaceable() {
    let mut metadata = Metadata::from([("b", "2"), ("a", "1")]);
    assert_eq!(metadata.insert("c".to_owned(), "3"), None);
    assert_eq!(metadata.insert("a", "one"), Some("1".to_owned()));
    let pairs: Vec<(&str, &str)> = metadata.iter().map(|(k, v)| (k, v.as_str())).collect();
    assert_eq!(pairs, [("a", "one"), ("b", "2"), ("c", "3")]);
    assert_eq!(metadata.get("b").map(String::as_str), Some("2"));
    assert_eq!(metadata.get("d"), None);
    assert_eq!(metadata.len(), 3);
    let map: std::collections::BTreeMap<String, String> = metadata.into();
    assert_eq!(map.keys().collect::<Vec<_>>(), ["a", "b", "c"]);
}
