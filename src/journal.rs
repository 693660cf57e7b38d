//! The bounded request journal: what reached the sandbox, for `GET /_sandbox/requests`.
//!
//! Each tenant keeps its own journal (dropped with the tenant); requests that name no
//! known tenant go to the registry's own. When a journal is full the oldest record goes.

use std::collections::VecDeque;

use crate::clock::Timestamp;

/// One request as the journal keeps it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestRecord {
    /// Global arrival order across all journals.
    pub seq: u64,
    pub request_id: String,
    pub tenant: Option<String>,
    /// `interlace`, `opcard`, `hypercard`, or `None` outside every provider's paths.
    pub provider: Option<&'static str>,
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub status: u16,
    /// The tenant clock when the request arrived, when a tenant was known.
    pub at: Option<Timestamp>,
    /// How long the sandbox took to answer (wall time, for humans only).
    pub duration_us: u64,
    /// Ids of the fault rules that fired on the request, in order.
    pub faults: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Journal {
    capacity: usize,
    records: VecDeque<RequestRecord>,
}

impl Journal {
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            records: VecDeque::with_capacity(capacity.min(1024)),
        }
    }

    pub fn push(&mut self, record: RequestRecord) {
        if self.capacity == 0 {
            return;
        }
        while self.records.len() >= self.capacity {
            self.records.pop_front();
        }
        self.records.push_back(record);
    }

    pub fn records(&self) -> impl DoubleEndedIterator<Item = &RequestRecord> {
        self.records.iter()
    }

    pub fn clear(&mut self) {
        self.records.clear();
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(seq: u64) -> RequestRecord {
        RequestRecord {
            seq,
            request_id: format!("r{seq}"),
            tenant: None,
            provider: None,
            method: "GET".to_owned(),
            path: "/".to_owned(),
            query: None,
            status: 200,
            at: None,
            faults: Vec::new(),
            duration_us: 0,
        }
    }

    #[test]
    fn keeps_only_the_newest_records() {
        let mut j = Journal::new(3);
        for seq in 0..5 {
            j.push(record(seq));
        }
        let kept: Vec<_> = j.records().map(|r| r.seq).collect();
        assert_eq!(kept, [2, 3, 4]);
    }
}
