//! Interlace's part of an export snapshot: accounts, cards, transactions, the
//! card-negative history and OAuth state, written from a world and restored into a world
//! whose ledger is already restored. Idempotency records are not exported.

use serde::{Deserialize, Serialize};

use super::{InterlaceSection, setup};
use crate::ledger::{EntryId, HoldId};
use crate::providers::interlace::global::bank::BankDetails;
use crate::providers::interlace::global::state::{
    BankAccount, BusinessAccount, GlobalTx, LegalEntity,
};
use crate::providers::interlace::state::{
    AccessToken, Account, AccountIdx, AuthCode, Batch, Bill, BillRow, Card, CardIdx, NegativeStat,
    Repayment, StatIdx, Transaction,
};
use crate::scenario::ScenarioError;
use crate::scenario::schema::{Amount, CurrencyCode, Time};
use crate::tenant::World;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InterlaceSnapshot {
    /// The clients (accounts and cards are listed below with their state).
    pub section: InterlaceSection,
    #[serde(default)]
    pub accounts: Vec<SnapAccount>,
    #[serde(default)]
    pub cards: Vec<SnapCard>,
    #[serde(default)]
    pub transactions: Vec<SnapTransaction>,
    #[serde(default)]
    pub stats: Vec<SnapStat>,
    #[serde(default)]
    pub bills: Vec<SnapBill>,
    #[serde(default)]
    pub repayments: Vec<SnapRepayment>,
    #[serde(default)]
    pub batches: Vec<SnapBatch>,
    #[serde(default)]
    pub codes: Vec<SnapCode>,
    #[serde(default)]
    pub tokens: Vec<SnapToken>,
    #[serde(default)]
    pub refresh_tokens: Vec<SnapRefresh>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global: Option<SnapGlobal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onboarding: Option<super::SnapOnboarding>,
}

/// The global-account state (its settings stay in `section.global`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapGlobal {
    #[serde(default)]
    pub legal_entities: Vec<SnapLegalEntity>,
    #[serde(default)]
    pub business_accounts: Vec<SnapBusinessAccount>,
    #[serde(default)]
    pub transactions: Vec<SnapGlobalTx>,
    pub next_display: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapLegalEntity {
    pub id: String,
    pub account_id: String,
    pub account_name: String,
    pub message: String,
    pub status: String,
    pub created_at: Time,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapBusinessAccount {
    pub id: String,
    pub account_id: String,
    pub nickname: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub purpose: String,
    pub currency: CurrencyCode,
    pub balance_id: String,
    pub created_at: Time,
    #[serde(default)]
    pub bank_accounts: Vec<SnapBankAccount>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapBankAccount {
    pub status: String,
    pub account_name: String,
    pub account_no: String,
    pub bank_name: String,
    pub routing_type: String,
    pub routing_number: String,
    pub swift: String,
    pub bank_address: String,
    pub branch_name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub branch_code: String,
    pub created_at: Time,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapGlobalTx {
    pub id: String,
    pub business_account_id: String,
    pub counterparty: String,
    pub amount: Amount,
    pub display_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee: Option<Amount>,
    pub business_type: String,
    pub status: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reference: String,
    pub origin_transfer_id: String,
    pub client_transaction_id: String,
    pub time: Time,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub path: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hold: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapAccount {
    pub id: String,
    #[serde(rename = "type")]
    pub account_type: u8,
    pub name: String,
    pub name_en: String,
    pub display_id: String,
    pub initialized: bool,
    pub kyc_passed: bool,
    pub infinity_id: String,
    pub budget_id: String,
    pub created_at: Time,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapCard {
    pub id: String,
    pub account_id: String,
    pub user_name: String,
    pub bin: String,
    pub last_four: String,
    pub status: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
    /// Absent for a budget card.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance_id: Option<String>,
    pub cardholder_id: String,
    /// VIRTUAL_CARD when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_mode: Option<String>,
    pub created_at: Time,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub negative_since: Option<Time>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapTransaction {
    pub id: String,
    pub card_id: String,
    pub time: Time,
    pub kind: String,
    pub status: String,
    pub transaction_amount: Amount,
    pub transaction_currency: String,
    pub billing_amount: Amount,
    pub merchant_name: String,
    pub merchant_city: String,
    pub merchant_country: String,
    pub mcc: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hold: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decline_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapStat {
    pub account_id: String,
    pub card_negative: Amount,
    pub budget_negative: Amount,
    pub time: Time,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapBill {
    pub id: String,
    pub account_id: String,
    pub time: Time,
    #[serde(default)]
    pub rows: Vec<SnapBillRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapBillRow {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub card_id: String,
    pub budget: bool,
    pub amount: Amount,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapRepayment {
    pub account_id: String,
    pub card_negative: Amount,
    pub budget_negative: Amount,
    pub card_settled: Amount,
    pub budget_settled: Amount,
    pub time: Time,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapBatch {
    pub batch_no: String,
    pub page: usize,
    pub size: usize,
    pub total: usize,
    pub last_page: bool,
    /// Indices into `stats`.
    pub stats: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapCode {
    pub code: String,
    pub client_id: String,
    pub expires_at: Time,
    pub used: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapToken {
    pub token: String,
    pub client_id: String,
    pub expires_at: Time,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapRefresh {
    pub token: String,
    pub client_id: String,
}

/// Writes Interlace's state; `None` when the world has no Interlace section.
pub(crate) fn export(
    world: &World,
    section: Option<&InterlaceSection>,
) -> Option<InterlaceSnapshot> {
    let state = &world.interlace;
    if !state.enabled {
        return None;
    }
    let account_id = |a: AccountIdx| state.accounts[a].id.clone();
    let card_id = |c: CardIdx| state.cards[c].id.clone();
    let mut section = section.cloned().unwrap_or_default();
    section.accounts.clear();
    section.cards.clear();
    section.legal_entities.clear();
    section.business_accounts.clear();
    let g = &state.global;
    let global = SnapGlobal {
        legal_entities: g
            .legal_entities
            .iter()
            .map(|l| SnapLegalEntity {
                id: l.id.clone(),
                account_id: account_id(l.account),
                account_name: l.account_name.clone(),
                message: l.message.clone(),
                status: l.status.clone(),
                created_at: Time(l.created_at),
            })
            .collect(),
        business_accounts: g
            .business_accounts
            .iter()
            .map(|b| SnapBusinessAccount {
                id: b.id.clone(),
                account_id: account_id(b.account),
                nickname: b.nickname.clone(),
                purpose: b.purpose.clone(),
                currency: CurrencyCode(b.currency),
                balance_id: b.balance_id.clone(),
                created_at: Time(b.created_at),
                bank_accounts: b
                    .bank_accounts
                    .iter()
                    .map(|a| SnapBankAccount {
                        status: a.status.clone(),
                        account_name: a.account_name.clone(),
                        account_no: a.details.account_no.clone(),
                        bank_name: a.details.bank_name.clone(),
                        routing_type: a.details.routing_type.clone(),
                        routing_number: a.details.routing_number.clone(),
                        swift: a.details.swift.clone(),
                        bank_address: a.details.bank_address.clone(),
                        branch_name: a.details.branch_name.clone(),
                        branch_code: a.details.branch_code.clone(),
                        created_at: Time(a.created_at),
                    })
                    .collect(),
            })
            .collect(),
        transactions: g
            .transactions
            .iter()
            .map(|t| SnapGlobalTx {
                id: t.id.clone(),
                business_account_id: g.business_accounts[t.business_account].id.clone(),
                counterparty: t.counterparty.clone(),
                amount: Amount(t.amount),
                display_id: t.display_id.clone(),
                fee: t.fee.map(Amount),
                business_type: t.business_type.clone(),
                status: t.status.clone(),
                reference: t.reference.clone(),
                origin_transfer_id: t.origin_transfer_id.clone(),
                client_transaction_id: t.client_transaction_id.clone(),
                time: Time(t.time),
                path: t.path.clone(),
                hold: t.hold.map(HoldId::index),
            })
            .collect(),
        next_display: g.next_display,
    };
    // Codes and tokens in issue order (which the bound drops from), those expired on the
    // tenant clock left out: an export never depends on the wall clock, and restored
    // credentials lapse on the tenant clock.
    let now = world.now();
    let codes: Vec<SnapCode> = state
        .codes
        .iter()
        .filter(|(_, c)| c.expires_at > now)
        .map(|(code, c)| SnapCode {
            code: code.clone(),
            client_id: c.client_id.clone(),
            expires_at: Time(c.expires_at),
            used: c.used,
        })
        .collect();
    let tokens: Vec<SnapToken> = state
        .tokens
        .iter()
        .filter(|(_, t)| t.expires_at > now)
        .map(|(token, t)| SnapToken {
            token: token.clone(),
            client_id: t.client_id.clone(),
            expires_at: Time(t.expires_at),
        })
        .collect();
    let refresh_tokens: Vec<SnapRefresh> = state
        .refresh_tokens
        .iter()
        .map(|(token, client)| SnapRefresh {
            token: token.clone(),
            client_id: client.clone(),
        })
        .collect();
    Some(InterlaceSnapshot {
        section,
        accounts: state
            .accounts
            .iter()
            .map(|a| SnapAccount {
                id: a.id.clone(),
                account_type: a.account_type,
                name: a.name.clone(),
                name_en: a.name_en.clone(),
                display_id: a.display_id.clone(),
                initialized: a.initialized,
                kyc_passed: a.kyc_passed,
                infinity_id: a.infinity_id.clone(),
                budget_id: a.budget_id.clone(),
                created_at: Time(a.created_at),
            })
            .collect(),
        cards: state
            .cards
            .iter()
            .map(|c| SnapCard {
                id: c.id.clone(),
                account_id: account_id(c.account),
                user_name: c.user_name.clone(),
                bin: c.bin.clone(),
                last_four: c.last_four.clone(),
                status: c.status.clone(),
                label: c.label.clone(),
                balance_id: c.balance_id.clone(),
                cardholder_id: c.cardholder_id.clone(),
                card_mode: (c.card_mode != "VIRTUAL_CARD").then(|| c.card_mode.clone()),
                created_at: Time(c.created_at),
                negative_since: c.negative_since.map(Time),
            })
            .collect(),
        transactions: state
            .transactions
            .iter()
            .map(|t| SnapTransaction {
                id: t.id.clone(),
                card_id: card_id(t.card),
                time: Time(t.time),
                kind: t.kind.clone(),
                status: t.status.clone(),
                transaction_amount: Amount(t.transaction_amount),
                transaction_currency: t.transaction_currency.clone(),
                billing_amount: Amount(t.billing_amount),
                merchant_name: t.merchant_name.clone(),
                merchant_city: t.merchant_city.clone(),
                merchant_country: t.merchant_country.clone(),
                mcc: t.mcc.clone(),
                business_code: t.business_code.clone(),
                authorization: t.authorization.clone(),
                hold: t.hold.map(HoldId::index),
                entry: t.entry.map(EntryId::index),
                decline_reason: t.decline_reason.clone(),
            })
            .collect(),
        stats: state
            .stats
            .iter()
            .map(|s| SnapStat {
                account_id: account_id(s.account),
                card_negative: Amount(s.card_negative),
                budget_negative: Amount(s.budget_negative),
                time: Time(s.time),
            })
            .collect(),
        bills: state
            .bills
            .iter()
            .map(|b| SnapBill {
                id: b.id.clone(),
                account_id: account_id(b.account),
                time: Time(b.time),
                rows: b
                    .rows
                    .iter()
                    .map(|r| SnapBillRow {
                        card_id: r.card_id.clone(),
                        budget: r.kind == "BUDGET",
                        amount: Amount(r.amount),
                    })
                    .collect(),
            })
            .collect(),
        repayments: state
            .repayments
            .iter()
            .map(|p| SnapRepayment {
                account_id: account_id(p.account),
                card_negative: Amount(p.card_negative),
                budget_negative: Amount(p.budget_negative),
                card_settled: Amount(p.card_settled),
                budget_settled: Amount(p.budget_settled),
                time: Time(p.time),
            })
            .collect(),
        batches: state
            .batches
            .iter()
            .map(|b| SnapBatch {
                batch_no: b.batch_no.clone(),
                page: b.page,
                size: b.size,
                total: b.total,
                last_page: b.last_page,
                stats: b.stats.iter().map(|s| s.0).collect(),
            })
            .collect(),
        codes,
        tokens,
        refresh_tokens,
        global: Some(global),
        onboarding: super::onboarding::export(&state.onboarding, now),
    })
}

/// Restores Interlace's state into a world whose ledger was already restored.
pub(crate) fn restore(
    file: &str,
    world: &mut World,
    snap: &InterlaceSnapshot,
) -> Result<(), ScenarioError> {
    let err = |path: String, message: String| ScenarioError::new(file, path, message);
    setup(world, &snap.section);
    let ledger_id = |world: &World, key: String, at: String| {
        world
            .ledger
            .account_by_key(&key)
            .map(|a| a.id)
            .map_err(|e| err(at, e.to_string()))
    };
    for (i, a) in snap.accounts.iter().enumerate() {
        let at = format!("snapshot.interlace.accounts[{i}]");
        let infinity = ledger_id(world, format!("interlace:infinity:{}", a.id), at.clone())?;
        let budget = ledger_id(world, format!("interlace:budget:{}", a.id), at)?;
        world.interlace.accounts.push(Account {
            id: a.id.clone(),
            account_type: a.account_type,
            name: a.name.clone(),
            name_en: a.name_en.clone(),
            display_id: a.display_id.clone(),
            initialized: a.initialized,
            kyc_passed: a.kyc_passed,
            infinity,
            infinity_id: a.infinity_id.clone(),
            budget,
            budget_id: a.budget_id.clone(),
            created_at: a.created_at.0,
        });
    }
    let account = |world: &World, id: &str, at: String| {
        world.interlace.account_index(id).ok_or_else(|| {
            err(
                at,
                format!("no account {id} in snapshot.interlace.accounts"),
            )
        })
    };
    for (i, c) in snap.cards.iter().enumerate() {
        let at = format!("snapshot.interlace.cards[{i}]");
        let index = account(world, &c.account_id, at.clone())?;
        let ledger = if c.balance_id.is_some() {
            ledger_id(world, format!("interlace:card:{}", c.id), at)?
        } else {
            world.interlace.accounts[index].budget
        };
        world.interlace.cards.push(Card {
            id: c.id.clone(),
            account: index,
            user_name: c.user_name.clone(),
            bin: c.bin.clone(),
            last_four: c.last_four.clone(),
            status: c.status.clone(),
            label: c.label.clone(),
            balance_id: c.balance_id.clone(),
            cardholder_id: c.cardholder_id.clone(),
            card_mode: c
                .card_mode
                .clone()
                .unwrap_or_else(|| "VIRTUAL_CARD".to_owned()),
            created_at: c.created_at.0,
            ledger,
            negative_since: c.negative_since.map(|t| t.0),
        });
    }
    for (i, t) in snap.transactions.iter().enumerate() {
        let card = world.interlace.card_index(&t.card_id).ok_or_else(|| {
            err(
                format!("snapshot.interlace.transactions[{i}].card_id"),
                format!("no card {}", t.card_id),
            )
        })?;
        world.interlace.transactions.push(Transaction {
            id: t.id.clone(),
            card,
            time: t.time.0,
            kind: t.kind.clone(),
            status: t.status.clone(),
            transaction_amount: t.transaction_amount.0,
            transaction_currency: t.transaction_currency.clone(),
            billing_amount: t.billing_amount.0,
            merchant_name: t.merchant_name.clone(),
            merchant_city: t.merchant_city.clone(),
            merchant_country: t.merchant_country.clone(),
            mcc: t.mcc.clone(),
            business_code: t.business_code.clone(),
            authorization: t.authorization.clone(),
            hold: t.hold.map(HoldId::from_index),
            entry: t.entry.map(EntryId::from_index),
            decline_reason: t.decline_reason.clone(),
        });
    }
    for (i, s) in snap.stats.iter().enumerate() {
        let index = account(
            world,
            &s.account_id,
            format!("snapshot.interlace.stats[{i}]"),
        )?;
        world.interlace.stats.push(NegativeStat {
            account: index,
            card_negative: s.card_negative.0,
            budget_negative: s.budget_negative.0,
            time: s.time.0,
        });
    }
    for (i, b) in snap.bills.iter().enumerate() {
        let index = account(
            world,
            &b.account_id,
            format!("snapshot.interlace.bills[{i}]"),
        )?;
        world.interlace.bills.push(Bill {
            id: b.id.clone(),
            account: index,
            time: b.time.0,
            rows: b
                .rows
                .iter()
                .map(|r| BillRow {
                    card_id: r.card_id.clone(),
                    kind: if r.budget { "BUDGET" } else { "CARD" },
                    amount: r.amount.0,
                })
                .collect(),
        });
    }
    for (i, p) in snap.repayments.iter().enumerate() {
        let index = account(
            world,
            &p.account_id,
            format!("snapshot.interlace.repayments[{i}]"),
        )?;
        world.interlace.repayments.push(Repayment {
            account: index,
            card_negative: p.card_negative.0,
            budget_negative: p.budget_negative.0,
            card_settled: p.card_settled.0,
            budget_settled: p.budget_settled.0,
            time: p.time.0,
        });
    }
    for (i, b) in snap.batches.iter().enumerate() {
        if b.stats.iter().any(|s| *s >= world.interlace.stats.len()) {
            return Err(err(
                format!("snapshot.interlace.batches[{i}].stats"),
                "names a statistic that does not exist".to_owned(),
            ));
        }
        world.interlace.batches.push(Batch {
            batch_no: b.batch_no.clone(),
            page: b.page,
            size: b.size,
            total: b.total,
            last_page: b.last_page,
            stats: b.stats.iter().copied().map(StatIdx).collect(),
        });
    }
    world.interlace.codes = snap
        .codes
        .iter()
        .map(|c| {
            (
                c.code.clone(),
                AuthCode {
                    client_id: c.client_id.clone(),
                    expires_at: c.expires_at.0,
                    wall_expires_at: None,
                    used: c.used,
                },
            )
        })
        .collect();
    world.interlace.tokens = snap
        .tokens
        .iter()
        .map(|t| {
            (
                t.token.clone(),
                AccessToken {
                    client_id: t.client_id.clone(),
                    expires_at: t.expires_at.0,
                    wall_expires_at: None,
                },
            )
        })
        .collect();
    world.interlace.refresh_tokens = snap
        .refresh_tokens
        .iter()
        .map(|r| (r.token.clone(), r.client_id.clone()))
        .collect();
    if let Some(g) = &snap.global {
        restore_global(world, g, &err)?;
    }
    if let Some(o) = &snap.onboarding {
        super::onboarding::restore(file, world, o)?;
    }
    Ok(())
}

fn restore_global(
    world: &mut World,
    g: &SnapGlobal,
    err: &dyn Fn(String, String) -> ScenarioError,
) -> Result<(), ScenarioError> {
    let account = |world: &World, id: &str, at: String| {
        world.interlace.account_index(id).ok_or_else(|| {
            err(
                at,
                format!("no account {id} in snapshot.interlace.accounts"),
            )
        })
    };
    for (i, l) in g.legal_entities.iter().enumerate() {
        let index = account(
            world,
            &l.account_id,
            format!("snapshot.interlace.global.legal_entities[{i}]"),
        )?;
        world.interlace.global.legal_entities.push(LegalEntity {
            id: l.id.clone(),
            account: index,
            account_name: l.account_name.clone(),
            message: l.message.clone(),
            status: l.status.clone(),
            created_at: l.created_at.0,
        });
    }
    for (i, b) in g.business_accounts.iter().enumerate() {
        let at = format!("snapshot.interlace.global.business_accounts[{i}]");
        let index = account(world, &b.account_id, at.clone())?;
        let ledger = world
            .ledger
            .account_by_key(&format!("interlace:business:{}", b.id))
            .map_err(|e| err(at, e.to_string()))?
            .id;
        world
            .interlace
            .global
            .business_accounts
            .push(BusinessAccount {
                id: b.id.clone(),
                account: index,
                nickname: b.nickname.clone(),
                purpose: b.purpose.clone(),
                currency: b.currency.0,
                balance_id: b.balance_id.clone(),
                ledger,
                created_at: b.created_at.0,
                bank_accounts: b
                    .bank_accounts
                    .iter()
                    .map(|a| BankAccount {
                        status: a.status.clone(),
                        account_name: a.account_name.clone(),
                        details: BankDetails {
                            account_no: a.account_no.clone(),
                            bank_name: a.bank_name.clone(),
                            routing_type: a.routing_type.clone(),
                            routing_number: a.routing_number.clone(),
                            swift: a.swift.clone(),
                            bank_address: a.bank_address.clone(),
                            branch_name: a.branch_name.clone(),
                            branch_code: a.branch_code.clone(),
                        },
                        created_at: a.created_at.0,
                    })
                    .collect(),
            });
    }
    for (i, t) in g.transactions.iter().enumerate() {
        let ba = world
            .interlace
            .global
            .business_account(&t.business_account_id)
            .ok_or_else(|| {
                err(
                    format!("snapshot.interlace.global.transactions[{i}]"),
                    format!("no business account {}", t.business_account_id),
                )
            })?;
        let currency = world.interlace.global.business_accounts[ba].currency;
        world.interlace.global.push(GlobalTx {
            id: t.id.clone(),
            business_account: ba,
            currency,
            counterparty: t.counterparty.clone(),
            amount: t.amount.0,
            display_id: t.display_id.clone(),
            fee: t.fee.map(|f| f.0),
            business_type: t.business_type.clone(),
            status: t.status.clone(),
            reference: t.reference.clone(),
            origin_transfer_id: t.origin_transfer_id.clone(),
            client_transaction_id: t.client_transaction_id.clone(),
            time: t.time.0,
            path: t.path.clone(),
            hold: t.hold.map(HoldId::from_index),
        });
    }
    world.interlace.global.next_display = g.next_display;
    Ok(())
}
