//! HyperCard's part of an export snapshot: every card, record, recharge and operation,
//! written from a world and restored into a world whose ledger is already restored.

use serde::{Deserialize, Serialize};

use super::HypercardSection;
use super::setup;
use crate::ledger::EntryId;
use crate::providers::hypercard::state::{
    Application, Card, CardIdx, Detail, HypercardState, Operation, Recharge, RechargeIdx, Record,
    RecordIdx,
};
use crate::scenario::ScenarioError;
use crate::scenario::schema::{Amount, CurrencyCode, Time};
use crate::tenant::World;

/// HyperCard's part of an export: the section's settings (without cards, which the
/// snapshot lists with their state) and every card, record, recharge and operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HypercardSnapshot {
    pub section: HypercardSection,
    #[serde(default)]
    pub cards: Vec<SnapCard>,
    #[serde(default)]
    pub records: Vec<SnapRecord>,
    #[serde(default)]
    pub recharges: Vec<SnapRecharge>,
    #[serde(default)]
    pub operations: Vec<SnapOperation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applications: Vec<SnapApplication>,
}

/// A card application and where it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapApplication {
    pub mc_trade_no: String,
    pub card_id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub mobile: String,
    pub mobile_code: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub user_ip: String,
    pub created_at: Time,
    /// 0 under way, 1 issued, 2 refused.
    pub result: u8,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub fail_code: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub fail_reason: String,
    /// Index into `recharges`: the opening deposit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deposit: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapCard {
    pub card_id: String,
    pub card_type_id: String,
    pub card_number: String,
    pub status: u8,
    pub opened_at: Time,
}

/// One record; exactly one of the detail keys is set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapRecord {
    pub tx_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_id: Option<String>,
    pub time: Time,
    pub status: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consumption: Option<SnapConsumption>,
    /// Index into `recharges`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recharge: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawal: Option<SnapWithdrawal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund: Option<SnapRefund>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee: Option<SnapFee>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buy_coin: Option<SnapBuyCoin>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel: Option<SnapCancel>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapConsumption {
    pub tx_currency: CurrencyCode,
    pub tx_amount: Amount,
    pub deduction_currency: CurrencyCode,
    pub deduction_amount: Amount,
    pub fee: Amount,
    pub mcc: String,
    pub description: String,
    pub refunded: Amount,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decline_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapWithdrawal {
    pub tx_currency: CurrencyCode,
    pub tx_amount: Amount,
    pub trade_currency: CurrencyCode,
    pub trade_amount: Amount,
    pub bank_fee: Amount,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapRefund {
    pub tx_currency: CurrencyCode,
    pub tx_amount: Amount,
    pub refund_coin: CurrencyCode,
    pub refund_amount: Amount,
    pub consume_tx_id: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapFee {
    pub amount: Amount,
    pub currency: CurrencyCode,
    pub consume_tx_id: String,
    pub bill_cycle: String,
    pub service_fee_standard: Amount,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapBuyCoin {
    pub pay_coin: CurrencyCode,
    pub tx_amount: Amount,
    pub buy_coin: CurrencyCode,
    pub buy_amount: Amount,
    pub fee: Amount,
    pub mc_trade_no: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapCancel {
    pub tx_amount: Amount,
    pub card_coin: CurrencyCode,
    pub refund_amount: Amount,
    pub fee: Amount,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapRecharge {
    pub card_id: String,
    pub mc_trade_no: String,
    pub order_no: String,
    pub pay_coin: CurrencyCode,
    pub currency_amount: Amount,
    pub coin_amount: Amount,
    pub fee: Amount,
    pub coin_usd_rate: Amount,
    pub currency_usd_rate: Amount,
    pub status: u8,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub fail_reason: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub remark: String,
    /// Index of the ledger hold while pending.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hold: Option<u64>,
    /// Index into `records`.
    pub record: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapOperation {
    pub card_id: String,
    pub request_number: String,
    #[serde(rename = "type")]
    pub op_type: u8,
    pub operate_status: u8,
    pub at: Time,
}

/// Writes HyperCard's state; `None` when the world has no HyperCard section.
pub(crate) fn export(
    world: &World,
    section: Option<&HypercardSection>,
) -> Option<HypercardSnapshot> {
    world.hypercard.settings.as_ref()?;
    let state = &world.hypercard;
    let card_id = |c: CardIdx| state.cards[c].card_id.clone();
    let mut section = section.cloned().unwrap_or_default();
    section.cards.clear();
    section.applications.clear();
    section.merchant_balances.clear();
    Some(HypercardSnapshot {
        section,
        cards: state
            .cards
            .iter()
            .map(|c| SnapCard {
                card_id: c.card_id.clone(),
                card_type_id: state.products[c.product].card_type_id.clone(),
                card_number: c.card_number.clone(),
                status: c.status,
                opened_at: Time(c.opened_at),
            })
            .collect(),
        records: state
            .records
            .iter()
            .map(|r| snap_record(state, r))
            .collect(),
        recharges: state
            .recharges
            .iter()
            .map(|r| SnapRecharge {
                card_id: card_id(r.card),
                mc_trade_no: r.mc_trade_no.clone(),
                order_no: r.order_no.clone(),
                pay_coin: CurrencyCode(r.pay_coin),
                currency_amount: Amount(r.currency_amount),
                coin_amount: Amount(r.coin_amount),
                fee: Amount(r.fee),
                coin_usd_rate: Amount(r.coin_usd_rate),
                currency_usd_rate: Amount(r.currency_usd_rate),
                status: r.status,
                fail_reason: r.fail_reason.clone(),
                remark: r.remark.clone(),
                hold: r.hold.map(|h| h.index()),
                record: r.record.0,
            })
            .collect(),
        operations: state
            .operations
            .iter()
            .map(|o| SnapOperation {
                card_id: card_id(o.card),
                request_number: o.request_number.clone(),
                op_type: o.op_type,
                operate_status: o.operate_status,
                at: Time(o.at),
            })
            .collect(),
        applications: state
            .applications
            .iter()
            .map(|a| SnapApplication {
                mc_trade_no: a.mc_trade_no.clone(),
                card_id: card_id(a.card),
                email: a.email.clone(),
                first_name: a.first_name.clone(),
                last_name: a.last_name.clone(),
                mobile: a.mobile.clone(),
                mobile_code: a.mobile_code.clone(),
                user_ip: a.user_ip.clone(),
                created_at: Time(a.created_at),
                result: a.result,
                fail_code: a.fail_code.clone(),
                fail_reason: a.fail_reason.clone(),
                deposit: a.deposit.map(|d| d.0),
            })
            .collect(),
    })
}

fn snap_record(state: &HypercardState, r: &Record) -> SnapRecord {
    let mut out = SnapRecord {
        tx_id: r.tx_id.clone(),
        card_id: r.card.map(|c| state.cards[c].card_id.clone()),
        time: Time(r.time),
        status: r.status,
        entry: r.entry.map(EntryId::index),
        consumption: None,
        recharge: None,
        withdrawal: None,
        refund: None,
        fee: None,
        buy_coin: None,
        cancel: None,
    };
    match &r.detail {
        Detail::Consumption {
            tx_currency,
            tx_amount,
            deduction_currency,
            deduction_amount,
            fee,
            mcc,
            description,
            refunded,
            decline_reason,
        } => {
            out.consumption = Some(SnapConsumption {
                tx_currency: CurrencyCode(*tx_currency),
                tx_amount: Amount(*tx_amount),
                deduction_currency: CurrencyCode(*deduction_currency),
                deduction_amount: Amount(*deduction_amount),
                fee: Amount(*fee),
                mcc: mcc.clone(),
                description: description.clone(),
                refunded: Amount(*refunded),
                decline_reason: decline_reason.clone(),
            });
        }
        Detail::Recharge { recharge } => out.recharge = Some(recharge.0),
        Detail::Withdrawal {
            tx_currency,
            tx_amount,
            trade_currency,
            trade_amount,
            bank_fee,
            description,
        } => {
            out.withdrawal = Some(SnapWithdrawal {
                tx_currency: CurrencyCode(*tx_currency),
                tx_amount: Amount(*tx_amount),
                trade_currency: CurrencyCode(*trade_currency),
                trade_amount: Amount(*trade_amount),
                bank_fee: Amount(*bank_fee),
                description: description.clone(),
            });
        }
        Detail::Refund {
            tx_currency,
            tx_amount,
            refund_coin,
            refund_amount,
            consume_tx_id,
            description,
        } => {
            out.refund = Some(SnapRefund {
                tx_currency: CurrencyCode(*tx_currency),
                tx_amount: Amount(*tx_amount),
                refund_coin: CurrencyCode(*refund_coin),
                refund_amount: Amount(*refund_amount),
                consume_tx_id: consume_tx_id.clone(),
                description: description.clone(),
            });
        }
        Detail::Fee {
            amount,
            currency,
            consume_tx_id,
            bill_cycle,
            service_fee_standard,
            description,
        } => {
            out.fee = Some(SnapFee {
                amount: Amount(*amount),
                currency: CurrencyCode(*currency),
                consume_tx_id: consume_tx_id.clone(),
                bill_cycle: bill_cycle.clone(),
                service_fee_standard: Amount(*service_fee_standard),
                description: description.clone(),
            });
        }
        Detail::BuyCoin {
            pay_coin,
            tx_amount,
            buy_coin,
            buy_amount,
            fee,
            mc_trade_no,
        } => {
            out.buy_coin = Some(SnapBuyCoin {
                pay_coin: CurrencyCode(*pay_coin),
                tx_amount: Amount(*tx_amount),
                buy_coin: CurrencyCode(*buy_coin),
                buy_amount: Amount(*buy_amount),
                fee: Amount(*fee),
                mc_trade_no: mc_trade_no.clone(),
            });
        }
        Detail::Cancel {
            tx_amount,
            card_coin,
            refund_amount,
            fee,
        } => {
            out.cancel = Some(SnapCancel {
                tx_amount: Amount(*tx_amount),
                card_coin: CurrencyCode(*card_coin),
                refund_amount: Amount(*refund_amount),
                fee: Amount(*fee),
            });
        }
    }
    out
}

/// Restores HyperCard's state into a world whose ledger was already restored.
pub(crate) fn restore(
    file: &str,
    world: &mut World,
    snap: &HypercardSnapshot,
) -> Result<(), ScenarioError> {
    let err = |path: String, message: String| ScenarioError::new(file, path, message);
    setup(world, &snap.section).map_err(|e| err("snapshot.hypercard.section".to_owned(), e))?;
    for (i, c) in snap.cards.iter().enumerate() {
        let at = format!("snapshot.hypercard.cards[{i}]");
        let product = world
            .hypercard
            .product_by_id(&c.card_type_id)
            .ok_or_else(|| err(format!("{at}.card_type_id"), "unknown card type".to_owned()))?;
        let account = world
            .ledger
            .account_by_key(&format!("hypercard:card:{}", c.card_id))
            .map_err(|e| err(format!("{at}.card_id"), e.to_string()))?
            .id;
        world
            .hypercard
            .card_index
            .insert(c.card_id.clone(), CardIdx(i));
        world.hypercard.cards.push(Card {
            card_id: c.card_id.clone(),
            product,
            card_number: c.card_number.clone(),
            status: c.status,
            account,
            opened_at: c.opened_at.0,
        });
    }
    let card = |id: &str, at: &str| {
        world.hypercard.card_by_id(id).ok_or_else(|| {
            err(
                at.to_owned(),
                format!("no card {id:?} in snapshot.hypercard.cards"),
            )
        })
    };
    let mut records = Vec::new();
    for (i, r) in snap.records.iter().enumerate() {
        let at = format!("snapshot.hypercard.records[{i}]");
        let card_index = match &r.card_id {
            Some(id) => Some(card(id, &format!("{at}.card_id"))?),
            None => None,
        };
        let detail = restore_detail(r)
            .ok_or_else(|| err(at.clone(), "a record names exactly one detail".to_owned()))?;
        records.push(Record {
            tx_id: r.tx_id.clone(),
            card: card_index,
            time: r.time.0,
            status: r.status,
            entry: r.entry.map(EntryId::from_index),
            detail,
        });
    }
    let mut recharges = Vec::new();
    for (i, r) in snap.recharges.iter().enumerate() {
        let at = format!("snapshot.hypercard.recharges[{i}]");
        recharges.push(Recharge {
            card: card(&r.card_id, &format!("{at}.card_id"))?,
            mc_trade_no: r.mc_trade_no.clone(),
            order_no: r.order_no.clone(),
            pay_coin: r.pay_coin.0,
            currency_amount: r.currency_amount.0,
            coin_amount: r.coin_amount.0,
            fee: r.fee.0,
            coin_usd_rate: r.coin_usd_rate.0,
            currency_usd_rate: r.currency_usd_rate.0,
            status: r.status,
            fail_reason: r.fail_reason.clone(),
            remark: r.remark.clone(),
            hold: r.hold.map(crate::ledger::HoldId::from_index),
            record: RecordIdx(r.record),
        });
    }
    let mut operations = Vec::new();
    for (i, o) in snap.operations.iter().enumerate() {
        operations.push(Operation {
            card: card(
                &o.card_id,
                &format!("snapshot.hypercard.operations[{i}].card_id"),
            )?,
            request_number: o.request_number.clone(),
            op_type: o.op_type,
            operate_status: o.operate_status,
            at: o.at.0,
        });
    }
    let mut applications = Vec::new();
    for (i, a) in snap.applications.iter().enumerate() {
        let at = format!("snapshot.hypercard.applications[{i}]");
        if a.deposit.is_some_and(|d| d >= recharges.len()) {
            return Err(err(
                format!("{at}.deposit"),
                "no such recharge in snapshot.hypercard.recharges".to_owned(),
            ));
        }
        applications.push(Application {
            mc_trade_no: a.mc_trade_no.clone(),
            card: card(&a.card_id, &format!("{at}.card_id"))?,
            email: a.email.clone(),
            first_name: a.first_name.clone(),
            last_name: a.last_name.clone(),
            mobile: a.mobile.clone(),
            mobile_code: a.mobile_code.clone(),
            user_ip: a.user_ip.clone(),
            created_at: a.created_at.0,
            result: a.result,
            fail_code: a.fail_code.clone(),
            fail_reason: a.fail_reason.clone(),
            deposit: a.deposit.map(RechargeIdx),
        });
    }
    let state = &mut world.hypercard;
    state.applications = applications;
    state.records.clear();
    for record in records {
        let i = state.add_record(record);
        if let Detail::BuyCoin { mc_trade_no, .. } = &state.records[i].detail {
            state.trade_nos.insert(mc_trade_no, i);
        }
    }
    for r in &recharges {
        state.trade_nos.insert(&r.mc_trade_no, r.record);
    }
    state.recharges = recharges;
    state.operations = operations;
    Ok(())
}

fn restore_detail(r: &SnapRecord) -> Option<Detail> {
    let set = [
        r.consumption.is_some(),
        r.recharge.is_some(),
        r.withdrawal.is_some(),
        r.refund.is_some(),
        r.fee.is_some(),
        r.buy_coin.is_some(),
        r.cancel.is_some(),
    ];
    if set.iter().filter(|s| **s).count() != 1 {
        return None;
    }
    if let Some(c) = &r.consumption {
        return Some(Detail::Consumption {
            tx_currency: c.tx_currency.0,
            tx_amount: c.tx_amount.0,
            deduction_currency: c.deduction_currency.0,
            deduction_amount: c.deduction_amount.0,
            fee: c.fee.0,
            mcc: c.mcc.clone(),
            description: c.description.clone(),
            refunded: c.refunded.0,
            decline_reason: c.decline_reason.clone(),
        });
    }
    if let Some(recharge) = r.recharge {
        return Some(Detail::Recharge {
            recharge: RechargeIdx(recharge),
        });
    }
    if let Some(w) = &r.withdrawal {
        return Some(Detail::Withdrawal {
            tx_currency: w.tx_currency.0,
            tx_amount: w.tx_amount.0,
            trade_currency: w.trade_currency.0,
            trade_amount: w.trade_amount.0,
            bank_fee: w.bank_fee.0,
            description: w.description.clone(),
        });
    }
    if let Some(f) = &r.refund {
        return Some(Detail::Refund {
            tx_currency: f.tx_currency.0,
            tx_amount: f.tx_amount.0,
            refund_coin: f.refund_coin.0,
            refund_amount: f.refund_amount.0,
            consume_tx_id: f.consume_tx_id.clone(),
            description: f.description.clone(),
        });
    }
    if let Some(f) = &r.fee {
        return Some(Detail::Fee {
            amount: f.amount.0,
            currency: f.currency.0,
            consume_tx_id: f.consume_tx_id.clone(),
            bill_cycle: f.bill_cycle.clone(),
            service_fee_standard: f.service_fee_standard.0,
            description: f.description.clone(),
        });
    }
    if let Some(b) = &r.buy_coin {
        return Some(Detail::BuyCoin {
            pay_coin: b.pay_coin.0,
            tx_amount: b.tx_amount.0,
            buy_coin: b.buy_coin.0,
            buy_amount: b.buy_amount.0,
            fee: b.fee.0,
            mc_trade_no: b.mc_trade_no.clone(),
        });
    }
    r.cancel.as_ref().map(|c| Detail::Cancel {
        tx_amount: c.tx_amount.0,
        card_coin: c.card_coin.0,
        refund_amount: c.refund_amount.0,
        fee: c.fee.0,
    })
}
