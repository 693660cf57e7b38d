//! The bounded request journal: what reached the sandbox, for `GET /_sandbox/requests`.
//!
//! Each tenant keeps its own journal (dropped with the tenant); requests that name no
//! known tenant go to the registry's own. A journal is bounded by count and by bytes:
//! when either is reached the oldest records go. Long fields are cut on the way in
//! (`request_id` at 128 bytes, `method` at 32, `path` and `query` at 2 KiB each), the cut
//! marked with how much was left out.

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
    /// The request's headers (masked when shown: `capture::headers`).
    pub headers: axum::http::HeaderMap,
    /// The request body as `capture` keeps it (masked when shown, cut).
    pub request_body: Option<crate::capture::KeptBody>,
    /// The answer's body as `capture` keeps it; `None` for a streamed answer.
    pub response_body: Option<crate::capture::KeptBody>,
}

/// The bytes one journal may hold unless told otherwise: 4 MiB.
pub const DEFAULT_JOURNAL_BYTES: usize = 4 * 1024 * 1024;
/// The longest `request_id`, `method`, `path` and `query` kept whole.
pub(crate) const MAX_REQUEST_ID: usize = 128;
pub(crate) const MAX_METHOD: usize = 32;
pub(crate) const MAX_PATH: usize = 2048;
const MAX_QUERY: usize = 2048;
/// What a record costs beyond its strings (the struct, the deque slot, allocator slack).
const RECORD_OVERHEAD: usize = 192;

/// Where `text` is cut to keep at most `max` bytes (a character boundary), if it is.
fn cut_at(text: &str, max: usize) -> Option<usize> {
    if text.len() <= max {
        return None;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Some(end)
}

/// Cuts `text` to at most `max` bytes (on a character boundary), marking the cut.
pub(crate) fn cut(text: &mut String, max: usize) {
    if let std::borrow::Cow::Owned(cut) = capped(text, max) {
        *text = cut;
    }
}

/// `text` as [`cut`] leaves it, copied only when it is cut.
pub(crate) fn capped(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match cut_at(text, max) {
        None => std::borrow::Cow::Borrowed(text),
        Some(_) => std::borrow::Cow::Owned(Capped(text, max).to_string()),
    }
}

/// `text` as [`cut`] leaves it, written without a copy (the one place the cut and its
/// mark are written): the request log line shows a client's path and ids within the
/// journal's bounds.
pub(crate) struct Capped<'a>(pub &'a str, pub usize);

impl std::fmt::Display for Capped<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Capped(text, max) = *self;
        match cut_at(text, max) {
            None => f.write_str(text),
            Some(end) => write!(f, "{}…[+{} bytes]", &text[..end], text.len() - end),
        }
    }
}

impl RequestRecord {
    /// Cuts the fields a client controls to their bounds.
    fn bound(&mut self) {
        cut(&mut self.request_id, MAX_REQUEST_ID);
        cut(&mut self.method, MAX_METHOD);
        cut(&mut self.path, MAX_PATH);
        if let Some(query) = &mut self.query {
            cut(query, MAX_QUERY);
        }
        if let Some(tenant) = &mut self.tenant {
            cut(tenant, MAX_REQUEST_ID);
        }
    }

    /// The bytes the record holds, as the journal counts them.
    fn size(&self) -> usize {
        RECORD_OVERHEAD
            + self.request_id.len()
            + self.method.len()
            + self.path.len()
            + self.query.as_ref().map_or(0, String::len)
            + self.tenant.as_ref().map_or(0, String::len)
            + self.faults.iter().map(|f| f.len() + 24).sum::<usize>()
            + crate::capture::headers_len(&self.headers)
            + self.request_body.as_ref().map_or(0, |b| b.len())
            + self.response_body.as_ref().map_or(0, |b| b.len())
    }
}

#[derive(Debug, Clone)]
pub struct Journal {
    capacity: usize,
    max_bytes: usize,
    bytes: usize,
    /// Each record with its size as counted when it came (not counted again when it goes).
    records: VecDeque<(usize, RequestRecord)>,
}

impl Journal {
    /// A journal of at most `capacity` records and [`DEFAULT_JOURNAL_BYTES`].
    pub fn new(capacity: usize) -> Self {
        Self::bounded(capacity, DEFAULT_JOURNAL_BYTES)
    }

    /// A journal of at most `capacity` records and `max_bytes` bytes.
    pub fn bounded(capacity: usize, max_bytes: usize) -> Self {
        Self {
            capacity,
            max_bytes,
            bytes: 0,
            records: VecDeque::with_capacity(capacity.min(1024)),
        }
    }

    pub fn push(&mut self, mut record: RequestRecord) {
        if self.capacity == 0 {
            return;
        }
        record.bound();
        let size = record.size();
        if size > self.max_bytes {
            return;
        }
        while self.records.len() >= self.capacity || self.bytes + size > self.max_bytes {
            match self.records.pop_front() {
                Some((old, _)) => self.bytes -= old,
                None => break,
            }
        }
        self.bytes += size;
        self.records.push_back((size, record));
    }

    /// The bytes the records hold, as the bound counts them.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    pub fn records(&self) -> impl DoubleEndedIterator<Item = &RequestRecord> {
        self.records.iter().map(|(_, record)| record)
    }

    pub fn clear(&mut self) {
        self.records.clear();
        self.bytes = 0;
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
            ..Default::default()
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

    #[test]
    fn long_fields_are_cut_and_marked_and_bytes_stay_under_the_bound() {
        let mut j = Journal::bounded(1_000_000, 64 * 1024);
        for seq in 0..10_000 {
            let mut r = record(seq);
            r.query = Some("q".repeat(60_000));
            r.request_id = "é".repeat(1000);
            r.path = format!("/{}", "p".repeat(10_000));
            j.push(r);
            assert!(j.bytes() <= 64 * 1024, "{}", j.bytes());
        }
        let newest = j.records().last().expect("a record");
        assert_eq!(newest.seq, 9_999);
        let query = newest.query.as_deref().expect("a query");
        assert!(query.ends_with("…[+57952 bytes]"), "{}", &query[2040..]);
        assert!(newest.request_id.len() <= 128 + 20);
        assert!(newest.path.len() <= 2048 + 20);
        let recomputed: usize = j.records().map(RequestRecord::size).sum();
        assert_eq!(recomputed, j.bytes());
        j.clear();
        assert_eq!(j.bytes(), 0);
    }
}
