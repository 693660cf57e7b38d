//! OPCard's part of an export snapshot: programs, cards, balance change records, loads,
//! payouts, pending card spend and issued tokens, written from a world and restored into
//! a world whose ledger is already restored.

use serde::{Deserialize, Serialize};

use super::{OpcardSection, RiskDecl, setup};
use crate::ledger::EntryId;
use crate::providers::opcard::state::{
    Card, CardIdx, ChangeRecord, Load, LoadStatus, Payout, Program, ProgramIdx, RiskRule, Spend,
    Token,
};
use crate::scenario::ScenarioError;
use crate::scenario::schema::{Amount, CurrencyCode, Time};
use crate::tenant::World;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpcardSnapshot {
    /// Settings and clients (programs and cards are listed below with their state).
    pub section: OpcardSection,
    pub next_record_id: u64,
    pub next_batch: u64,
    #[serde(default)]
    pub programs: Vec<SnapProgram>,
    #[serde(default)]
    pub cards: Vec<SnapCard>,
    #[serde(default)]
    pub records: Vec<SnapRecord>,
    #[serde(default)]
    pub loads: Vec<SnapLoad>,
    #[serde(default)]
    pub payouts: Vec<SnapPayout>,
    #[serde(default)]
    pub spends: Vec<SnapSpend>,
    #[serde(default)]
    pub tokens: Vec<SnapToken>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapProgram {
    pub program_value: u32,
    pub cn_name: String,
    pub en_name: String,
    pub currencies: Vec<CurrencyCode>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapCard {
    pub card_id: u64,
    pub card_no: u64,
    pub card_number: String,
    pub card_name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub card_desc: String,
    pub card_holder_id: u64,
    pub program_value: u32,
    pub valid_until: Time,
    pub status: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub risk_list: Vec<RiskDecl>,
    pub created_at: Time,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapRecord {
    pub id: u64,
    pub program_value: u32,
    pub time: Time,
    pub moving_type: u8,
    pub fund_type: u16,
    pub batch_no: String,
    pub bill_amount: Amount,
    pub bill_currency: CurrencyCode,
    pub amount: Amount,
    pub currency: CurrencyCode,
    pub balance_after: Amount,
    pub exchange_rate: Amount,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_time: Option<Time>,
    pub entry: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapLoad {
    pub batch_no: String,
    pub record_batch: String,
    pub program_value: u32,
    pub accounting_currency: CurrencyCode,
    pub accounting_amount: Amount,
    pub bill_currency: CurrencyCode,
    pub bill_amount: Amount,
    pub rate: Amount,
    pub confirmed: bool,
    pub created_at: Time,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapPayout {
    pub id: u64,
    pub batch_no: String,
    pub program_value: u32,
    pub currency: CurrencyCode,
    pub amount: Amount,
    pub balance_after: Amount,
    pub time: Time,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapSpend {
    pub card_id: u64,
    pub currency: CurrencyCode,
    pub amount: Amount,
    pub merchant: String,
    pub refund: bool,
    pub time: Time,
    pub billed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapToken {
    pub token: String,
    pub app_key: String,
    pub expires_at: Time,
}

/// Writes OPCard's state; `None` when the world has no OPCard section.
pub(crate) fn export(world: &World, section: Option<&OpcardSection>) -> Option<OpcardSnapshot> {
    world.opcard.settings.as_ref()?;
    let state = &world.opcard;
    let value = |p: ProgramIdx| state.programs[p].value;
    let mut section = section.cloned().unwrap_or_default();
    section.programs.clear();
    section.cards.clear();
    // Tokens in issue order (which the bound drops from), expired ones left out.
    let now = world.now();
    let tokens: Vec<SnapToken> = state
        .tokens
        .iter()
        .filter(|(_, t)| t.expires_at > now)
        .map(|(token, t)| SnapToken {
            token: token.clone(),
            app_key: t.app_key.clone(),
            expires_at: Time(t.expires_at),
        })
        .collect();
    Some(OpcardSnapshot {
        section,
        next_record_id: state.next_record_id,
        next_batch: state.next_batch,
        programs: state
            .programs
            .iter()
            .map(|p| SnapProgram {
                program_value: p.value,
                cn_name: p.cn_name.clone(),
                en_name: p.en_name.clone(),
                currencies: p.accounts.keys().map(|c| CurrencyCode(*c)).collect(),
            })
            .collect(),
        cards: state
            .cards
            .iter()
            .map(|c| SnapCard {
                card_id: c.card_id,
                card_no: c.card_no,
                card_number: c.card_number.clone(),
                card_name: c.card_name.clone(),
                card_desc: c.card_desc.clone(),
                card_holder_id: c.card_holder_id,
                program_value: value(c.program),
                valid_until: Time(c.valid_until),
                status: c.status.clone(),
                risk_list: c
                    .risk_list
                    .iter()
                    .map(|r| RiskDecl {
                        trade_risk_name: r.name.clone(),
                        trade_risk_value: r.value.clone(),
                    })
                    .collect(),
                created_at: Time(c.created_at),
            })
            .collect(),
        records: state
            .records
            .iter()
            .map(|r| SnapRecord {
                id: r.id,
                program_value: value(r.program),
                time: Time(r.time),
                moving_type: r.moving_type,
                fund_type: r.fund_type,
                batch_no: r.batch_no.clone(),
                bill_amount: Amount(r.bill_amount),
                bill_currency: CurrencyCode(r.bill_currency),
                amount: Amount(r.amount),
                currency: CurrencyCode(r.currency),
                balance_after: Amount(r.balance_after),
                exchange_rate: Amount(r.exchange_rate),
                exchange_time: r.exchange_time.map(Time),
                entry: r.entry.index(),
            })
            .collect(),
        loads: state
            .loads
            .iter()
            .map(|l| SnapLoad {
                batch_no: l.batch_no.clone(),
                record_batch: l.record_batch.clone(),
                program_value: value(l.program),
                accounting_currency: CurrencyCode(l.accounting_currency),
                accounting_amount: Amount(l.accounting_amount),
                bill_currency: CurrencyCode(l.bill_currency),
                bill_amount: Amount(l.bill_amount),
                rate: Amount(l.rate),
                confirmed: l.status == LoadStatus::Success,
                created_at: Time(l.created_at),
            })
            .collect(),
        payouts: state
            .payouts
            .iter()
            .map(|p| SnapPayout {
                id: p.id,
                batch_no: p.batch_no.clone(),
                program_value: value(p.program),
                currency: CurrencyCode(p.currency),
                amount: Amount(p.amount),
                balance_after: Amount(p.balance_after),
                time: Time(p.time),
            })
            .collect(),
        spends: state
            .spends
            .iter()
            .map(|s| SnapSpend {
                card_id: state.cards[s.card].card_id,
                currency: CurrencyCode(s.currency),
                amount: Amount(s.amount),
                merchant: s.merchant.clone(),
                refund: s.refund,
                time: Time(s.time),
                billed: s.billed,
            })
            .collect(),
        tokens,
    })
}

/// Restores OPCard's state into a world whose ledger was already restored.
pub(crate) fn restore(
    file: &str,
    world: &mut World,
    snap: &OpcardSnapshot,
) -> Result<(), ScenarioError> {
    let err = |path: String, message: String| ScenarioError::new(file, path, message);
    setup(world, &snap.section);
    let state_programs: Vec<Program> = snap
        .programs
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let accounts = p
                .currencies
                .iter()
                .map(|c| {
                    let key = format!("opcard:account:{}:{}", p.program_value, c.0.code());
                    world
                        .ledger
                        .account_by_key(&key)
                        .map(|a| (c.0, a.id))
                        .map_err(|e| err(format!("snapshot.opcard.programs[{i}]"), e.to_string()))
                })
                .collect::<Result<_, _>>()?;
            Ok(Program {
                value: p.program_value,
                cn_name: p.cn_name.clone(),
                en_name: p.en_name.clone(),
                accounts,
            })
        })
        .collect::<Result<_, ScenarioError>>()?;
    world.opcard.programs = state_programs;
    let program = |value: u32, at: String| {
        world.opcard.program_index(value).ok_or_else(|| {
            err(
                at,
                format!("no program {value} in snapshot.opcard.programs"),
            )
        })
    };
    let mut cards = Vec::new();
    for (i, c) in snap.cards.iter().enumerate() {
        cards.push(Card {
            card_id: c.card_id,
            card_no: c.card_no,
            card_number: c.card_number.clone(),
            card_name: c.card_name.clone(),
            card_desc: c.card_desc.clone(),
            card_holder_id: c.card_holder_id,
            program: program(c.program_value, format!("snapshot.opcard.cards[{i}]"))?,
            valid_until: c.valid_until.0,
            status: c.status.clone(),
            risk_list: c
                .risk_list
                .iter()
                .map(|r| RiskRule {
                    name: r.trade_risk_name.clone(),
                    value: r.trade_risk_value.clone(),
                })
                .collect(),
            created_at: c.created_at.0,
        });
    }
    let mut records = Vec::new();
    for (i, r) in snap.records.iter().enumerate() {
        records.push(ChangeRecord {
            id: r.id,
            program: program(r.program_value, format!("snapshot.opcard.records[{i}]"))?,
            time: r.time.0,
            moving_type: r.moving_type,
            fund_type: r.fund_type,
            batch_no: r.batch_no.clone(),
            bill_amount: r.bill_amount.0,
            bill_currency: r.bill_currency.0,
            amount: r.amount.0,
            currency: r.currency.0,
            balance_after: r.balance_after.0,
            exchange_rate: r.exchange_rate.0,
            exchange_time: r.exchange_time.map(|t| t.0),
            entry: EntryId::from_index(r.entry),
        });
    }
    let mut loads = Vec::new();
    for (i, l) in snap.loads.iter().enumerate() {
        loads.push(Load {
            batch_no: l.batch_no.clone(),
            record_batch: l.record_batch.clone(),
            program: program(l.program_value, format!("snapshot.opcard.loads[{i}]"))?,
            accounting_currency: l.accounting_currency.0,
            accounting_amount: l.accounting_amount.0,
            bill_currency: l.bill_currency.0,
            bill_amount: l.bill_amount.0,
            rate: l.rate.0,
            status: if l.confirmed {
                LoadStatus::Success
            } else {
                LoadStatus::Pending
            },
            created_at: l.created_at.0,
        });
    }
    let mut payouts = Vec::new();
    for (i, p) in snap.payouts.iter().enumerate() {
        payouts.push(Payout {
            batch_no: p.batch_no.clone(),
            program: program(p.program_value, format!("snapshot.opcard.payouts[{i}]"))?,
            currency: p.currency.0,
            amount: p.amount.0,
            balance_after: p.balance_after.0,
            time: p.time.0,
            id: p.id,
        });
    }
    let card_index = |id: u64, at: String| {
        cards
            .iter()
            .position(|c: &Card| c.card_id == id)
            .map(CardIdx)
            .ok_or_else(|| err(at, format!("no card {id} in snapshot.opcard.cards")))
    };
    let mut spends = Vec::new();
    for (i, s) in snap.spends.iter().enumerate() {
        spends.push(Spend {
            card: card_index(s.card_id, format!("snapshot.opcard.spends[{i}]"))?,
            currency: s.currency.0,
            amount: s.amount.0,
            merchant: s.merchant.clone(),
            refund: s.refund,
            time: s.time.0,
            billed: s.billed,
        });
    }
    let state = &mut world.opcard;
    state.cards = cards;
    state.records = records;
    state.loads = loads;
    state.payouts = payouts;
    state.spends = spends;
    state.tokens = snap
        .tokens
        .iter()
        .map(|t| {
            (
                t.token.clone(),
                Token {
                    app_key: t.app_key.clone(),
                    expires_at: t.expires_at.0,
                    wall_expires_at: None,
                },
            )
        })
        .collect();
    state.next_record_id = snap.next_record_id;
    state.next_batch = snap.next_batch;
    Ok(())
}
