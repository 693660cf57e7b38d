//! Interlace's global-account activity generator (the scenario's
//! `activity: - interlace_business:`): deposits into business accounts through every
//! inbound outcome, and outbound transfers of which some later fail or are cancelled
//! while pending; the clock moves each through its statuses.

use rust_decimal::Decimal;

use super::ops as global;
use super::state::BusinessAccountIdx;
use crate::clock::Timestamp;
use crate::scenario::activity::{Action, Step, dec, moment};
use crate::scenario::schema::InterlaceActivity;
use crate::tenant::World;

#[derive(Debug, Clone, Copy)]
enum BizKind {
    Deposit(&'static str),
    Transfer,
    /// Fails the business account's oldest pending outbound transfer.
    Fail,
    /// Cancels the business account's oldest pending outbound transfer.
    Cancel,
}

pub(crate) fn draw(
    world: &mut World,
    generator: usize,
    spec: &InterlaceActivity,
    start: Timestamp,
    steps: &mut Vec<Step>,
) {
    let accounts = world.interlace.global.business_accounts.len();
    if accounts == 0 {
        return;
    }
    for draw in 0..spec.count as usize {
        let mut time = moment(world, start, spec.days);
        let account = BusinessAccountIdx(
            usize::try_from(world.rng.int_between(0, accounts as i64 - 1)).unwrap_or(0),
        );
        // Then a transfer two days before the start that fails the day after, so one
        // is still PAYMENT_FAILED (its refund not yet begun) when the clock starts.
        let account = if draw == 5 || draw == 6 {
            BusinessAccountIdx(0)
        } else {
            account
        };
        if draw == 5 || draw == 6 {
            time = start.plus_secs(-86_400 * (7 - draw as i64));
        }
        // And deposits needing confirmation at several ages, so each of that path's
        // statuses is showing when the clock starts.
        if let Some(days) = match draw {
            1 => Some(3),
            7 => Some(7),
            8 => Some(9),
            9 => Some(1),
            _ => None,
        } {
            time = start.plus_secs(-86_400 * days - 3_600);
        }
        // The first draws go through every inbound outcome once, so each shows.
        let roll = match draw {
            0 => 1,
            1 => 31,
            2 => 45,
            3 => 47,
            4 => 48,
            5 => 49,
            6 => 81,
            7..=9 => 31,
            _ => world.rng.int_between(1, 100),
        };
        let (kind, amount) = match roll {
            1..=30 => (
                BizKind::Deposit("closed"),
                dec(world.rng.int_between(50, 2000) * 10),
            ),
            31..=44 => (
                BizKind::Deposit("confirm"),
                dec(world.rng.int_between(100, 3000) * 10),
            ),
            45..=46 => (
                BizKind::Deposit("rejected"),
                dec(world.rng.int_between(10, 500) * 10),
            ),
            47 => (
                BizKind::Deposit("cancelled"),
                dec(world.rng.int_between(10, 500) * 10),
            ),
            48 => (
                BizKind::Deposit("unknown"),
                dec(world.rng.int_between(10, 500) * 10),
            ),
            49..=80 => (
                BizKind::Transfer,
                world.rng.decimal_between(dec(50), dec(3000), 2),
            ),
            81..=90 => (BizKind::Fail, Decimal::ZERO),
            _ => (BizKind::Cancel, Decimal::ZERO),
        };
        let inbound = matches!(kind, BizKind::Deposit(_));
        let (counterparty, reference) = counterparty(world, inbound);
        steps.push(Step {
            time,
            generator,
            draw,
            action: Action::provider(move |w| {
                perform(w, kind, account, amount, counterparty, &reference)
            }),
        });
    }
}

/// Customers who pay in, and suppliers paid out: few enough that each recurs.
const CUSTOMERS: [&str; 6] = [
    "NORTHWIND TRADING LTD",
    "BLUEWATER LOGISTICS",
    "ACME RETAIL GROUP",
    "HELIOS MEDIA GMBH",
    "KESTREL FOODS PLC",
    "ORION SOFTWARE BV",
];
const SUPPLIERS: [&str; 6] = [
    "CLOUDHOST SERVICES",
    "PRIME OFFICE SUPPLIES",
    "SWIFTSHIP FREIGHT",
    "LEDGERLY ACCOUNTING",
    "BRIGHTADS AGENCY",
    "METRO PROPERTY MGMT",
];

/// A counterparty and the reference its payment carries: an invoice number paid in, a
/// purchase order or payroll run paid out.
fn counterparty(world: &mut World, inbound: bool) -> (&'static str, String) {
    let number = world.rng.int_between(1000, 9999);
    if inbound {
        let who = world.rng.pick(&CUSTOMERS).copied().unwrap_or(CUSTOMERS[0]);
        (who, format!("INV-{number}"))
    } else {
        let who = world.rng.pick(&SUPPLIERS).copied().unwrap_or(SUPPLIERS[0]);
        (who, format!("PO-{number}"))
    }
}

/// Carries out one generated global-account step; false when it could not happen.
fn perform(
    world: &mut World,
    kind: BizKind,
    account: BusinessAccountIdx,
    amount: Decimal,
    counterparty: &str,
    reference: &str,
) -> bool {
    let Some(ba) = world.interlace.global.business_accounts.get(account.0) else {
        return false;
    };
    let (id, balance_id, currency) = (ba.id.clone(), ba.balance_id.clone(), ba.currency);
    let oldest_pending = |world: &World| {
        world
            .interlace
            .global
            .transactions
            .iter()
            .find(|t| {
                t.business_account == account
                    && t.business_type == "OUTBOUND"
                    && t.status == "PENDING"
            })
            .map(|t| t.id.clone())
    };
    match kind {
        BizKind::Deposit(outcome) => {
            global::deposit(world, &id, amount, counterparty, reference, outcome).is_ok()
        }
        BizKind::Transfer => {
            let client = world.ids.uuid();
            global::transfer_external(
                world,
                &balance_id,
                amount,
                currency,
                counterparty,
                reference,
                &client,
            )
            .is_ok()
        }
        BizKind::Fail => {
            oldest_pending(world).is_some_and(|tx| global::fail_transfer(world, &tx).is_ok())
        }
        BizKind::Cancel => {
            oldest_pending(world).is_some_and(|tx| global::cancel_transfer(world, &tx).is_ok())
        }
    }
}
