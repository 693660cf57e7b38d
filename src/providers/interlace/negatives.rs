//! Card negatives: the per-account statistic (sum of negative prepaid-card balances, and
//! the budget's negative), taken daily at 00:00 on the tenant clock and on demand, with
//! a bill per account that has negatives and a BatchHook per run; and repayment, when
//! money reaches an account: a deposit repays negative cards back to zero oldest first,
//! then the budget, as far as the Infinity balance goes; a transfer-in to a negative card
//! repays that card as far as the transfer goes.

use rust_decimal::Decimal;

use super::error::IlError;
use super::ops;
use super::state::{AccountIdx, Batch, Bill, BillRow, CardIdx, NegativeStat, Repayment, StatIdx};
use crate::clock::Timestamp;
use crate::ledger::EntryDraft;
use crate::scheduler::Event;
use crate::tenant::World;

/// Event kind: take the daily statistic.
pub(crate) const DAILY_STAT: &str = "interlace.negative_stat";
/// Statistics per BatchHook page.
pub(crate) const BATCH_SIZE: usize = 100;

/// (prepaid card index, how far below zero), for an account's negative cards, oldest
/// negative first.
pub(crate) fn negative_cards(world: &World, account: AccountIdx) -> Vec<(CardIdx, Decimal)> {
    let mut cards: Vec<(CardIdx, Decimal, Option<Timestamp>)> = world
        .interlace
        .cards
        .iter()
        .enumerate()
        .filter(|(_, c)| c.account == account && !c.is_budget_card())
        .filter_map(|(i, c)| {
            let posted = world.ledger.balance(c.ledger).ok()?.posted;
            (posted < Decimal::ZERO).then_some((CardIdx(i), -posted, c.negative_since))
        })
        .collect();
    cards.sort_by_key(|(i, _, since)| (*since, *i));
    cards.into_iter().map(|(i, d, _)| (i, d)).collect()
}

pub(crate) fn budget_negative(world: &World, account: AccountIdx) -> Decimal {
    let budget = world.interlace.accounts[account].budget;
    let posted = world
        .ledger
        .balance(budget)
        .map(|b| b.posted)
        .unwrap_or_default();
    if posted < Decimal::ZERO {
        -posted
    } else {
        Decimal::ZERO
    }
}

/// Takes the statistic of every account now; accounts with negatives get a bill; the
/// run gets a BatchHook (pages of 100).
pub(crate) fn take_stats(world: &mut World) {
    let now = world.now();
    let mut run = Vec::new();
    for account in (0..world.interlace.accounts.len()).map(AccountIdx) {
        let cards = negative_cards(world, account);
        let budget = budget_negative(world, account);
        let card_negative: Decimal = cards.iter().map(|(_, d)| *d).sum();
        world.interlace.stats.push(NegativeStat {
            account,
            card_negative,
            budget_negative: budget,
            time: now,
        });
        run.push(StatIdx(world.interlace.stats.len() - 1));
        if card_negative > Decimal::ZERO || budget > Decimal::ZERO {
            let mut rows: Vec<BillRow> = cards
                .iter()
                .map(|(card, amount)| BillRow {
                    card_id: world.interlace.cards[*card].id.clone(),
                    kind: "CARD",
                    amount: *amount,
                })
                .collect();
            if budget > Decimal::ZERO {
                rows.push(BillRow {
                    card_id: String::new(),
                    kind: "BUDGET",
                    amount: budget,
                });
            }
            let id = world.ids.uuid();
            world.interlace.bills.push(Bill {
                id,
                account,
                time: now,
                rows,
            });
        }
    }
    let batch_no = unique_batch_no(world, now);
    let first_page = world.interlace.batches.len();
    let pages = run.chunks(BATCH_SIZE).count().max(1);
    for (page, stats) in run.chunks(BATCH_SIZE).enumerate() {
        world.interlace.batches.push(Batch {
            batch_no: batch_no.clone(),
            page: page + 1,
            size: BATCH_SIZE,
            total: run.len(),
            last_page: page + 1 == pages,
            stats: stats.to_vec(),
        });
    }
    let end = world.interlace.batches.len();
    super::webhooks::negative_batches(world, first_page..end);
}

/// The run's batch number: [`batch_no`], with `_2`, `_3`, ... appended when an earlier
/// run in the same second took it, so each run has its own CSV (see `quirks.rs`).
fn unique_batch_no(world: &World, now: Timestamp) -> String {
    let base = batch_no(now);
    let taken = |no: &str| world.interlace.batches.iter().any(|b| b.batch_no == no);
    if !taken(&base) {
        return base;
    }
    (2..)
        .map(|n| format!("{base}_{n}"))
        .find(|no| !taken(no))
        .unwrap_or(base)
}

/// `BATCH_` + yyyyMMddHHmmss of the tenant clock (UTC).
fn batch_no(t: Timestamp) -> String {
    let dt = t.to_datetime();
    format!(
        "BATCH_{:04}{:02}{:02}{:02}{:02}{:02}",
        dt.year(),
        u8::from(dt.month()),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second()
    )
}

/// Scheduler handler: the daily statistic, then the next one.
pub(crate) fn daily_stat(world: &mut World, _event: &Event) -> Result<(), String> {
    take_stats(world);
    let next = ops::next_midnight(world.now());
    world.schedule(next, DAILY_STAT, &[]);
    Ok(())
}

/// Schedules the first daily statistic after now.
pub(crate) fn schedule_first_stat(world: &mut World) {
    let next = ops::next_midnight(world.now());
    world.schedule(next, DAILY_STAT, &[]);
}

/// Repays an account's negatives from its Infinity balance: negative cards back to zero
/// oldest first, then the budget, as far as the balance goes. Records a repayment when
/// there was anything negative.
pub(crate) fn repay(world: &mut World, account: AccountIdx) -> Result<(), IlError> {
    let cards = negative_cards(world, account);
    let budget = budget_negative(world, account);
    let card_negative: Decimal = cards.iter().map(|(_, d)| *d).sum();
    if card_negative.is_zero() && budget.is_zero() {
        return Ok(());
    }
    let infinity = world.interlace.accounts[account].infinity;
    let mut left = world.ledger.balance(infinity)?.available.max(Decimal::ZERO);
    let now = world.now();
    let mut card_settled = Decimal::ZERO;
    for (card, owed) in cards {
        let pay = owed.min(left);
        if pay <= Decimal::ZERO {
            break;
        }
        let ledger = world.interlace.cards[card].ledger;
        world.ledger.post(
            EntryDraft::transfer(now, "interlace.repayment", infinity, ledger, pay)
                .with_metadata("interlace.card_id", world.interlace.cards[card].id.clone()),
        )?;
        left -= pay;
        card_settled += pay;
        ops::track_negative(world, card);
    }
    let budget_settled = budget.min(left);
    if budget_settled > Decimal::ZERO {
        let ledger = world.interlace.accounts[account].budget;
        world.ledger.post(EntryDraft::transfer(
            now,
            "interlace.repayment",
            infinity,
            ledger,
            budget_settled,
        ))?;
    }
    world.interlace.repayments.push(Repayment {
        account,
        card_negative,
        budget_negative: budget,
        card_settled,
        budget_settled,
        time: now,
    });
    Ok(())
}

/// Records what a transfer-in settled of a negative card: the account's negatives just
/// before it, and `settled` of them paid (the card's part the transfer covered).
pub(crate) fn record_card_settlement(
    world: &mut World,
    account: AccountIdx,
    card_negative: Decimal,
    budget_negative: Decimal,
    settled: Decimal,
) {
    let time = world.now();
    world.interlace.repayments.push(Repayment {
        account,
        card_negative,
        budget_negative,
        card_settled: settled,
        budget_settled: Decimal::ZERO,
        time,
    });
}

/// A bill's CSV: a header and one row per negative balance.
pub(crate) fn bill_csv(bill: &Bill) -> String {
    let rows = bill.rows.iter().map(|row| {
        [
            row.card_id.clone(),
            row.kind.to_owned(),
            "USD".to_owned(),
            super::wire::money(row.amount),
        ]
    });
    csv_text(["cardId", "type", "currency", "negativeAmount"], rows)
}

/// A CSV file: the header, then one record per row, through the `csv` crate (which
/// quotes any field that needs it).
fn csv_text<const N: usize>(header: [&str; N], rows: impl Iterator<Item = [String; N]>) -> String {
    let mut out = csv::Writer::from_writer(Vec::new());
    // Writing to a Vec cannot fail; a record that could not be written is left out.
    let _ = out.write_record(header);
    for row in rows {
        let _ = out.write_record(&row);
    }
    let bytes = out.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// A batch's CSV: every statistic of the run (all its pages).
pub(crate) fn batch_csv(world: &World, batch_no: &str) -> Option<String> {
    let pages: Vec<&Batch> = world
        .interlace
        .batches
        .iter()
        .filter(|b| b.batch_no == batch_no)
        .collect();
    if pages.is_empty() {
        return None;
    }
    let rows = pages.into_iter().flat_map(|batch| {
        batch.stats.iter().map(|stat| {
            let s = &world.interlace.stats[*stat];
            let a = &world.interlace.accounts[s.account];
            [
                a.id.clone(),
                a.display_id.to_string(),
                a.account_type.to_string(),
                super::wire::money(s.card_negative),
                super::wire::money(s.budget_negative),
                "USD".to_owned(),
                s.time.as_millis().to_string(),
            ]
        })
    });
    Some(csv_text(
        [
            "accountId",
            "displayId",
            "type",
            "cardNegative",
            "budgetNegative",
            "currency",
            "statTime",
        ],
        rows,
    ))
}
