//! Tenants: isolated worlds, each with its own ledger, clock, ids, scheduler and request
//! journal, kept in a registry with the named scenarios tenants are created from.
//!
//! Locking: the registry's maps sit behind `RwLock`s held only to look up, insert or
//! remove; each tenant's world sits behind its own std `Mutex`, held for one whole
//! operation and never across an `.await` (handlers call [`Tenant::with`] with a
//! synchronous closure). Building a world from a scenario happens outside every lock.

mod locks;
pub mod templates;
mod world;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};

use foldhash::HashMap;

pub use locks::{LockCount, count_world_locks};
pub use world::{HOLD_EXPIRE, RunReport, World, core_handlers, mode_name};

use crate::clock::{self, TimeError, Timestamp};
use crate::faults::{self, Decision, FaultRule, FaultSet, RequestFacts, RuleError, RuleState};
use crate::file_links::FileLinks;
use crate::ids::IdGen;
use crate::journal::{Journal, RequestRecord};
use crate::providers::Provider;
use crate::scenario::{self, NamedScenario, ScenarioError};
use crate::scheduler::Handlers;

/// The tenant the startup scenario creates.
pub const DEFAULT_TENANT: &str = "default";

#[derive(Debug, thiserror::Error)]
pub enum TenantError {
    #[error("no tenant {0:?}; GET /_sandbox/tenants lists them")]
    NotFound(String),
    #[error("a tenant {0:?} already exists; pick another id or DELETE it first")]
    Exists(String),
    #[error(
        "{0:?} is not a valid tenant id: use 1 to 64 letters, digits, '-', '_' or '.', starting with a letter or digit"
    )]
    InvalidId(String),
    #[error("no scenario named {name:?}; loaded scenarios: {known}")]
    UnknownScenario { name: String, known: String },
    #[error("{0}")]
    Scenario(#[from] ScenarioError),
    #[error("{0}")]
    Clock(#[from] TimeError),
    #[error(
        "tenant {0:?} was left inconsistent by an internal error; POST /_sandbox/tenants/{0}/reset to rebuild it"
    )]
    Corrupted(String),
}

/// Whose credentials a tenant answers to (README, "A tenant per test").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialMode {
    /// Its own, derived from its id and seed ([`World::use_fresh_credentials`]): the
    /// credential alone finds the tenant.
    Fresh,
    /// Its scenario's, shared with every other tenant that keeps them: such a tenant is
    /// found by its base URL or `X-Sandbox-Tenant`, or by a credential no living tenant
    /// shares.
    Scenario,
}

impl CredentialMode {
    pub fn name(self) -> &'static str {
        match self {
            Self::Fresh => "fresh",
            Self::Scenario => "scenario",
        }
    }
}

/// Who a provider credential belongs to.
#[derive(Debug)]
pub enum Owner {
    Nobody,
    One(Arc<Tenant>),
    /// Several living tenants, oldest first: the credential alone picks none of them.
    Several(Vec<String>),
}

/// One isolated world and what it was made from.
#[derive(Debug)]
pub struct Tenant {
    pub id: String,
    pub scenario: Arc<NamedScenario>,
    pub seed: u64,
    /// Where the tenant's clock started when it was created: the scenario's
    /// `clock.start`, or the wall time of creation when it gives none. A reset
    /// rebuilds from this instant, so it brings back the very same world.
    pub start: Timestamp,
    /// Whose credentials it answers to; a reset keeps them.
    pub credentials: CredentialMode,
    /// std `Mutex`: held for one synchronous operation, never across `.await`, so the
    /// cheaper blocking lock is the right one (tokio's docs say the same).
    world: Mutex<World>,
    /// How many fault rules `world.faults` holds, written under the world lock after
    /// every operation: a request's fault decision reads it and, at zero, decides
    /// without taking the lock (most tenants have no rules).
    fault_rules: AtomicUsize,
    journal: Mutex<Journal>,
    /// Wakes the tenant's webhook worker.
    webhook_wake: Arc<tokio::sync::Notify>,
}

impl Tenant {
    /// Runs `f` on the world after running any events that fell due. A world left
    /// behind by a panic is used again only if its ledger still passes every invariant.
    pub fn with<R>(&self, f: impl FnOnce(&mut World) -> R) -> Result<R, TenantError> {
        let mut world = self.lock_world()?;
        world.catch_up();
        let result = f(&mut world);
        self.note_fault_rules(&world);
        let now = world.now();
        locks::saw_clock(self, now);
        if world.webhooks.poke(now) {
            self.webhook_wake.notify_one();
        }
        Ok(result)
    }

    /// Whether the tenant has fault rules, as the last operation on its world left it.
    fn has_fault_rules(&self) -> bool {
        self.fault_rules.load(Ordering::Acquire) > 0
    }

    /// Keeps [`Tenant::fault_rules`] in step with `world`, which the caller holds locked.
    fn note_fault_rules(&self, world: &World) {
        self.fault_rules
            .store(world.faults.rules().len(), Ordering::Release);
    }

    /// Runs `f` on the tenant's fault rules alone (no catch-up: fault decisions do not
    /// depend on the clock).
    pub fn with_faults<R>(&self, f: impl FnOnce(&mut FaultSet) -> R) -> Result<R, TenantError> {
        Ok(f(&mut self.lock_world()?.faults))
    }

    /// The clock's reading for a request's journal record: the one [`Tenant::with`] left
    /// when the request's own operation ran on this tenant, else a fresh one under the
    /// lock (without running what fell due). Between the two readings only a running
    /// clock's microseconds or an admin call racing the request could move it.
    pub fn now_for_journal(&self) -> Result<crate::clock::Timestamp, TenantError> {
        match locks::clock_seen(self) {
            Some(now) => Ok(now),
            None => Ok(self.lock_world()?.now()),
        }
    }

    /// What wakes the tenant's webhook worker.
    pub fn webhook_wake(&self) -> Arc<tokio::sync::Notify> {
        self.webhook_wake.clone()
    }

    fn lock_world(&self) -> Result<MutexGuard<'_, World>, TenantError> {
        locks::counted();
        match self.world.lock() {
            Ok(guard) => Ok(guard),
            Err(poisoned) => {
                let guard = poisoned.into_inner();
                if guard.ledger.check_invariants().iter().all(|c| c.ok) {
                    self.world.clear_poison();
                    Ok(guard)
                } else {
                    Err(TenantError::Corrupted(self.id.clone()))
                }
            }
        }
    }

    fn replace_world(&self, world: World) {
        let mut guard = self.world.lock().unwrap_or_else(PoisonError::into_inner);
        *guard = world;
        self.note_fault_rules(&guard);
        drop(guard);
        self.world.clear_poison();
    }

    pub fn record(&self, record: RequestRecord) {
        lock(&self.journal).push(record);
    }

    pub fn requests(&self) -> Vec<RequestRecord> {
        lock(&self.journal).records().cloned().collect()
    }

    pub fn clear_requests(&self) {
        lock(&self.journal).clear();
    }
}

/// Which requests `Registry::requests` returns.
#[derive(Debug, Clone, Default)]
pub struct RequestFilter {
    pub tenant: Option<String>,
    pub provider: Option<String>,
    /// Keeps paths that start with this.
    pub path: Option<String>,
    pub limit: Option<usize>,
}

/// Every tenant and every named scenario.
#[derive(Debug)]
pub struct Registry {
    tenants: RwLock<BTreeMap<String, Arc<Tenant>>>,
    scenarios: RwLock<BTreeMap<String, Arc<NamedScenario>>>,
    handlers: Arc<Handlers<World>>,
    journal_size: usize,
    /// Requests that named no known tenant.
    unattributed: Mutex<Journal>,
    request_seq: AtomicU64,
    /// Generates ids for tenants created without one, from the server seed.
    tenant_ids: Mutex<IdGen>,
    /// Provider credential -> the living tenants that answer to it, oldest first. One
    /// owner: the credential finds it; several: the credential alone finds none.
    /// Locked before `tenants` when both are held.
    credentials: RwLock<HashMap<(Provider, String), Vec<String>>>,
    /// Fault rules for every tenant (and requests that find none). Locked after a
    /// tenant's world when both are needed, never before.
    global_faults: Mutex<FaultSet>,
    /// How many global rules there are, so requests skip `global_faults` while there
    /// are none (the usual case): no lock shared by all tenants on the request path.
    global_fault_count: AtomicUsize,
    /// The base of links the sandbox hands out, for links inside webhooks.
    public_url: RwLock<String>,
    /// The admin token, which keys file links (`file_links`).
    admin_token: RwLock<Option<String>>,
    /// Where webhooks go for providers a tenant's scenario gives no URL
    /// (`--webhook-url`).
    default_webhook_url: RwLock<Option<String>>,
    limits: RwLock<Limits>,
    /// Whether tenants get a webhook worker task (on by default; tests that deliver in
    /// one step with `webhooks::deliver_due` turn it off).
    webhook_workers: std::sync::atomic::AtomicBool,
    /// Worlds already built, copied for the next tenant of the same scenario, seed and
    /// start (`templates.rs`).
    templates: Arc<Mutex<templates::Templates>>,
}

/// Bounds on what clients can make a tenant keep (README, "Bounds").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes one request journal may hold.
    pub journal_bytes: usize,
    /// Live credentials of one kind (OAuth codes, access tokens, refresh tokens, OPCard
    /// tokens, card-display tokens) one tenant keeps.
    pub credentials: usize,
    /// HyperCard nonces one tenant remembers inside the ten-minute replay window.
    pub nonces: usize,
    /// Interlace answers one tenant remembers for repeated `Idempotency-Key`s.
    pub idempotency_keys: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            journal_bytes: crate::journal::DEFAULT_JOURNAL_BYTES,
            credentials: crate::issued::DEFAULT_LIMIT,
            nonces: crate::providers::hypercard::state::DEFAULT_NONCE_LIMIT,
            idempotency_keys: crate::providers::interlace::state::DEFAULT_IDEMPOTENCY_LIMIT,
        }
    }
}

impl Registry {
    pub fn new(handlers: Handlers<World>, journal_size: usize, server_seed: u64) -> Self {
        Self {
            tenants: RwLock::new(BTreeMap::new()),
            scenarios: RwLock::new(BTreeMap::new()),
            handlers: Arc::new(handlers),
            journal_size,
            unattributed: Mutex::new(Journal::new(journal_size)),
            request_seq: AtomicU64::new(0),
            tenant_ids: Mutex::new(IdGen::new(server_seed)),
            credentials: RwLock::new(HashMap::default()),
            global_faults: Mutex::new(FaultSet::new(server_seed)),
            global_fault_count: AtomicUsize::new(0),
            public_url: RwLock::new(String::new()),
            admin_token: RwLock::new(None),
            default_webhook_url: RwLock::new(None),
            limits: RwLock::new(Limits::default()),
            webhook_workers: std::sync::atomic::AtomicBool::new(true),
            templates: Arc::default(),
        }
    }

    /// Starts (the default) or stops giving tenants built from now on a webhook worker;
    /// without one, webhooks go out only when `webhooks::deliver_due` is called.
    pub fn set_webhook_workers(&self, on: bool) {
        self.webhook_workers.store(on, Ordering::Relaxed);
    }

    /// Sets the bounds for tenants built from now on (and the unattributed journal).
    pub fn set_limits(&self, limits: Limits) {
        *write(&self.limits) = limits;
        *lock(&self.unattributed) = Journal::bounded(self.journal_size, limits.journal_bytes);
    }

    /// Sets the base of links in webhooks (the server's public URL).
    pub fn set_public_url(&self, url: &str) {
        *write(&self.public_url) = url.trim_end_matches('/').to_owned();
    }

    /// Sends webhooks of tenants built from now on to `url` for every provider their
    /// scenario gives no URL.
    pub fn set_default_webhook_url(&self, url: Option<&str>) {
        *write(&self.default_webhook_url) = url.map(str::to_owned);
    }

    /// Keys file links with the admin token (`--admin-token`), for tenants built from
    /// now on.
    pub fn set_admin_token(&self, token: Option<&str>) {
        *write(&self.admin_token) = token.map(str::to_owned);
    }

    /// How `tenant`'s file links are written.
    pub fn file_links(&self, tenant: &str) -> FileLinks {
        FileLinks::new(
            &read(&self.public_url),
            tenant,
            read(&self.admin_token).as_deref(),
        )
    }

    /// Adds a rule for every tenant.
    pub fn add_global_fault(&self, rule: FaultRule) -> Result<RuleState, RuleError> {
        let mut global = lock(&self.global_faults);
        let added = global.add(rule).cloned();
        self.global_fault_count
            .store(global.rules().len(), Ordering::Release);
        added
    }

    /// The global rules with their counters.
    pub fn global_faults(&self) -> Vec<RuleState> {
        lock(&self.global_faults).rules().to_vec()
    }

    /// Removes the global rule `id`; whether there was one.
    pub fn remove_global_fault(&self, id: &str) -> bool {
        let mut global = lock(&self.global_faults);
        let removed = global.remove(id);
        self.global_fault_count
            .store(global.rules().len(), Ordering::Release);
        removed
    }

    pub fn clear_global_faults(&self) {
        let mut global = lock(&self.global_faults);
        global.clear();
        self.global_fault_count.store(0, Ordering::Release);
    }

    /// The fault decision for one provider request: the global rules, then the
    /// tenant's, drawing from the tenant's fault stream (the server's without a tenant).
    pub fn decide_faults(&self, tenant: Option<&Tenant>, facts: &RequestFacts<'_>) -> Decision {
        let no_global = self.global_fault_count.load(Ordering::Acquire) == 0;
        if no_global && !tenant.is_some_and(Tenant::has_fault_rules) {
            return Decision::default();
        }
        if let Some(tenant) = tenant
            && let Ok(decision) = tenant.with_faults(|faults| {
                if no_global {
                    faults::decide(&mut [faults], 0, facts)
                } else {
                    let mut global = lock(&self.global_faults);
                    faults::decide(&mut [&mut global, faults], 1, facts)
                }
            })
        {
            return decision;
        }
        if no_global {
            return Decision::default();
        }
        let mut global = lock(&self.global_faults);
        faults::decide(&mut [&mut global], 0, facts)
    }

    pub fn handlers(&self) -> &Arc<Handlers<World>> {
        &self.handlers
    }

    /// Makes a scenario available by name to `POST /_sandbox/tenants`.
    pub fn register_scenario(&self, scenario: NamedScenario) -> Arc<NamedScenario> {
        let scenario = Arc::new(scenario);
        write(&self.scenarios).insert(scenario.name.clone(), scenario.clone());
        scenario
    }

    /// Registers `scenario` unless one of its name is registered already (a startup
    /// file named like a library scenario replaces it, whichever is registered first).
    pub fn register_scenario_if_absent(&self, scenario: NamedScenario) {
        write(&self.scenarios)
            .entry(scenario.name.clone())
            .or_insert_with(|| Arc::new(scenario));
    }

    pub fn scenario(&self, name: &str) -> Result<Arc<NamedScenario>, TenantError> {
        let scenarios = read(&self.scenarios);
        scenarios
            .get(name)
            .cloned()
            .ok_or_else(|| TenantError::UnknownScenario {
                name: name.to_owned(),
                known: scenarios.keys().cloned().collect::<Vec<_>>().join(", "),
            })
    }

    pub fn scenario_names(&self) -> Vec<String> {
        read(&self.scenarios).keys().cloned().collect()
    }

    /// Creates a tenant. The seed is `seed`, else the scenario's, else 0; the id is
    /// `id`, else one drawn from the server seed. Its credentials are `credentials`,
    /// else fresh when a living tenant already answers to one of the scenario's, else
    /// the scenario's.
    pub fn create(
        &self,
        id: Option<String>,
        scenario: Arc<NamedScenario>,
        seed: Option<u64>,
        credentials: Option<CredentialMode>,
    ) -> Result<Arc<Tenant>, TenantError> {
        let id = match id {
            Some(id) => {
                validate_id(&id)?;
                if read(&self.tenants).contains_key(&id) {
                    return Err(TenantError::Exists(id));
                }
                id
            }
            None => self.fresh_id(),
        };
        let seed = seed.or(scenario.scenario.seed).unwrap_or(0);
        let start = lock(&self.templates).start_for(&scenario, seed);
        // A wall-clock start shared with earlier tenants (`templates.rs`) has run since;
        // a scenario's fixed start reads that instant now.
        let since = match scenario.scenario.clock.start {
            Some(_) => clock::wall_now(),
            None => start,
        };
        let mut world = self.build(&scenario, seed, start, since)?;
        world.webhooks.files = self.file_links(&id);
        world.tenant.clone_from(&id);
        // Deciding, re-keying (a few strings, no other lock) and filing happen under the
        // credentials lock, so two tenants created at once never both keep the
        // scenario's credentials by default.
        let mut owners = write(&self.credentials);
        let mode = credentials.unwrap_or_else(|| {
            let held = world
                .credential_keys()
                .iter()
                .any(|key| owners.get(key).is_some_and(|ids| !ids.is_empty()));
            if held {
                CredentialMode::Fresh
            } else {
                CredentialMode::Scenario
            }
        });
        if mode == CredentialMode::Fresh {
            world.use_fresh_credentials(&id, seed);
        }
        let keys = world.credential_keys();
        let fault_rules = AtomicUsize::new(world.faults.rules().len());
        let tenant = Arc::new(Tenant {
            id: id.clone(),
            scenario,
            seed,
            start,
            credentials: mode,
            world: Mutex::new(world),
            fault_rules,
            journal: Mutex::new(Journal::bounded(
                self.journal_size,
                read(&self.limits).journal_bytes,
            )),
            webhook_wake: Arc::new(tokio::sync::Notify::new()),
        });
        let mut tenants = write(&self.tenants);
        if tenants.contains_key(&id) {
            return Err(TenantError::Exists(id));
        }
        tenants.insert(id.clone(), tenant.clone());
        drop(tenants);
        for key in keys {
            file_owner(&mut owners, key, &id);
        }
        drop(owners);
        if self.webhook_workers.load(Ordering::Relaxed) {
            crate::webhooks::spawn_worker(&tenant);
        }
        Ok(tenant)
    }

    /// Files a credential created at run time (an OPCard token) under its tenant.
    pub fn add_credential(&self, provider: Provider, key: &str, tenant: &str) {
        file_owner(
            &mut write(&self.credentials),
            (provider, key.to_owned()),
            tenant,
        );
    }

    /// A 32-hex trace id from the server's seeded stream, for answers given before any
    /// tenant is known.
    pub fn next_trace_id(&self) -> String {
        lock(&self.tenant_ids).hex(32)
    }

    /// Forgets credentials a tenant no longer answers to (expired or dropped tokens).
    pub fn forget_credentials(&self, provider: Provider, keys: &[String], tenant: &str) {
        if keys.is_empty() {
            return;
        }
        let mut credentials = write(&self.credentials);
        for key in keys {
            let entry = (provider, key.clone());
            if let Some(owners) = credentials.get_mut(&entry) {
                owners.retain(|owner| owner != tenant);
                if owners.is_empty() {
                    credentials.remove(&entry);
                }
            }
        }
    }

    /// Who a provider credential belongs to.
    pub fn tenant_for_credential(&self, provider: Provider, key: &str) -> Owner {
        let id = match read(&self.credentials)
            .get(&(provider, key.to_owned()))
            .map(Vec::as_slice)
        {
            None | Some([]) => return Owner::Nobody,
            Some([one]) => one.clone(),
            Some(several) => return Owner::Several(several.to_vec()),
        };
        self.get(&id).map_or(Owner::Nobody, Owner::One)
    }

    pub fn get(&self, id: &str) -> Result<Arc<Tenant>, TenantError> {
        read(&self.tenants)
            .get(id)
            .cloned()
            .ok_or_else(|| TenantError::NotFound(id.to_owned()))
    }

    pub fn list(&self) -> Vec<Arc<Tenant>> {
        read(&self.tenants).values().cloned().collect()
    }

    /// Drops a tenant; a credential it shared then finds the tenants left holding it.
    pub fn delete(&self, id: &str) -> Result<(), TenantError> {
        let mut credentials = write(&self.credentials);
        write(&self.tenants)
            .remove(id)
            .ok_or_else(|| TenantError::NotFound(id.to_owned()))?;
        credentials.retain(|_, owners| {
            owners.retain(|owner| owner != id);
            !owners.is_empty()
        });
        Ok(())
    }

    /// Rebuilds a tenant's world from its scenario, seed and clock start; its journal
    /// is kept.
    pub fn reset(&self, id: &str) -> Result<Arc<Tenant>, TenantError> {
        let tenant = self.get(id)?;
        let mut world = self.build(
            &tenant.scenario,
            tenant.seed,
            tenant.start,
            clock::wall_now(),
        )?;
        world.webhooks.files = self.file_links(id);
        world.tenant = id.to_owned();
        if tenant.credentials == CredentialMode::Fresh {
            world.use_fresh_credentials(id, tenant.seed);
        }
        tenant.replace_world(world);
        Ok(tenant)
    }

    /// A world for `scenario`, `seed` and `start`: a copy of the kept template, else a
    /// fresh build (kept when it repeats; `templates.rs`); a running clock reading
    /// `start` at the wall instant `since`; then the registry's webhook URL and bounds.
    fn build(
        &self,
        scenario: &Arc<NamedScenario>,
        seed: u64,
        start: Timestamp,
        since: Timestamp,
    ) -> Result<World, TenantError> {
        let registered = read(&self.scenarios)
            .get(&scenario.name)
            .is_some_and(|s| Arc::ptr_eq(s, scenario));
        let copy = registered
            .then(|| lock(&self.templates).take(scenario, seed, start))
            .flatten();
        let mut world = match copy {
            Some(copy) => {
                let world = copy.into_world();
                templates::refill_later(&self.templates);
                world
            }
            None => {
                let world = scenario::build_world_at(
                    &scenario.name,
                    &scenario.scenario,
                    seed,
                    start,
                    self.handlers.clone(),
                )?;
                if registered {
                    lock(&self.templates).built(scenario, seed, start, &world);
                    templates::refill_later(&self.templates);
                }
                world
            }
        };
        world.clock = world.clock.started_at(start, since);
        if let Some(url) = read(&self.default_webhook_url).as_deref() {
            world.webhooks.config.fill_missing_urls(url);
        }
        let limits = *read(&self.limits);
        world.apply_limits(&limits);
        Ok(world)
    }

    fn fresh_id(&self) -> String {
        let mut ids = lock(&self.tenant_ids);
        loop {
            let id = format!("t-{}", ids.hex(12));
            if !read(&self.tenants).contains_key(&id) {
                return id;
            }
        }
    }

    /// The next number in the global arrival order of requests.
    pub fn next_request_seq(&self) -> u64 {
        self.request_seq.fetch_add(1, Ordering::Relaxed)
    }

    /// Files a request under its tenant, or with the unattributed ones.
    pub fn record_request(&self, record: RequestRecord) {
        let tenant = record.tenant.as_deref().and_then(|t| self.get(t).ok());
        match tenant {
            Some(tenant) => tenant.record(record),
            None => lock(&self.unattributed).push(record),
        }
    }

    /// Journaled requests, newest first.
    pub fn requests(&self, filter: &RequestFilter) -> Vec<RequestRecord> {
        let mut all: Vec<RequestRecord> = match &filter.tenant {
            Some(t) => self.get(t).map(|t| t.requests()).unwrap_or_default(),
            None => {
                let mut all: Vec<RequestRecord> =
                    lock(&self.unattributed).records().cloned().collect();
                for tenant in self.list() {
                    all.extend(tenant.requests());
                }
                all
            }
        };
        all.retain(|r| {
            filter
                .provider
                .as_deref()
                .is_none_or(|p| r.provider.unwrap_or("none") == p)
                && filter.path.as_deref().is_none_or(|p| r.path.starts_with(p))
        });
        all.sort_by_key(|r| std::cmp::Reverse(r.seq));
        all.truncate(filter.limit.unwrap_or(usize::MAX));
        all
    }

    /// Empties the journal of one tenant, or every journal.
    pub fn clear_requests(&self, tenant: Option<&str>) -> Result<(), TenantError> {
        match tenant {
            Some(t) => self.get(t)?.clear_requests(),
            None => {
                lock(&self.unattributed).clear();
                for tenant in self.list() {
                    tenant.clear_requests();
                }
            }
        }
        Ok(())
    }
}

/// Adds `tenant` to the owners of `key`, once.
fn file_owner(
    owners: &mut HashMap<(Provider, String), Vec<String>>,
    key: (Provider, String),
    tenant: &str,
) {
    let ids = owners.entry(key).or_default();
    if !ids.iter().any(|owner| owner == tenant) {
        ids.push(tenant.to_owned());
    }
}

fn validate_id(id: &str) -> Result<(), TenantError> {
    let ok = (1..=64).contains(&id.len())
        && id.as_bytes()[0].is_ascii_alphanumeric()
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if ok {
        Ok(())
    } else {
        Err(TenantError::InvalidId(id.to_owned()))
    }
}

/// Journals and maps hold no invariants a panic could break halfway, so a poisoned
/// lock is simply taken over.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn read<T>(l: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    l.read().unwrap_or_else(PoisonError::into_inner)
}

fn write<T>(l: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    l.write().unwrap_or_else(PoisonError::into_inner)
}
