//! The files Interlace answers link to, served under `/t/{tenant}/files/interlace/`
//! (also `/_sandbox/files/{tenant}/interlace/`): negative bills (`bills/{id}.csv`) and
//! batch hooks (`batches/{batchNo}.csv`); and the admin listing of batch hooks,
//! `GET /_sandbox/tenants/{t}/interlace/batches`.

use serde_json::Value;

use super::handlers::negative_view;
use super::negatives;
use super::wire::BatchView;
use crate::file_links::FileLinks;
use crate::tenant::World;

/// A file's CSV text, or `None` when there is no such file.
pub fn file(world: &World, kind: &str, name: &str) -> Option<String> {
    let stem = name.strip_suffix(".csv")?;
    match kind {
        "bills" => world
            .interlace
            .bills
            .iter()
            .find(|b| b.id == stem)
            .map(negatives::bill_csv),
        "batches" => negatives::batch_csv(world, stem),
        _ => None,
    }
}

/// Every BatchHook page, newest first.
pub fn batches(world: &World, links: &FileLinks) -> Value {
    let list: Vec<BatchView> = (0..world.interlace.batches.len())
        .rev()
        .map(|i| batch_view(world, i, links))
        .collect();
    serde_json::json!({ "batches": list })
}

/// The BatchHook page at `index`, its `fileUrl` written by `links`.
pub(super) fn batch_view(world: &World, index: usize, links: &FileLinks) -> BatchView {
    let b = &world.interlace.batches[index];
    BatchView {
        batch_no: b.batch_no.clone(),
        page: b.page,
        size: b.size,
        total: b.total,
        last_page: b.last_page,
        file_url: links.url("interlace", &format!("batches/{}.csv", b.batch_no)),
        list: b.stats.iter().map(|s| negative_view(world, *s)).collect(),
    }
}
