//! Links to the files provider answers point at (Interlace bills, batch hooks, card
//! display pages), under the tenant's base URL:
//! `{public URL}/t/{tenant}/files/{provider}/{kind}/{name}`, the same file as
//! `{public URL}/_sandbox/files/{tenant}/{provider}/{kind}/{name}` (`request::prefix`).
//!
//! Provider clients follow these links with no admin token. When the sandbox runs with
//! `--admin-token`, each link carries `?key=`, a digest of the admin token and the
//! tenant id: whoever was handed a link opens it, nobody can guess one, and the admin
//! token never has to leave the operator (README, "Admin token").

use sha2::{Digest, Sha256};

/// How a tenant's file links are written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileLinks {
    /// `{public URL}/t/{tenant}/files`.
    base: String,
    /// `""`, or `?key={key}` when the sandbox has an admin token.
    query: String,
}

impl FileLinks {
    pub fn new(public_url: &str, tenant: &str, admin_token: Option<&str>) -> Self {
        Self {
            base: format!("{}/t/{tenant}/files", public_url.trim_end_matches('/')),
            query: admin_token
                .map(|token| format!("?key={}", key(token, tenant)))
                .unwrap_or_default(),
        }
    }

    /// The link to `{provider}/{path}` (`path` as `bills/{id}.csv`).
    pub fn url(&self, provider: &str, path: &str) -> String {
        format!("{}/{provider}/{path}{}", self.base, self.query)
    }
}

/// The `key` that opens `tenant`'s files under `admin_token`: 32 hex digits.
pub fn key(admin_token: &str, tenant: &str) -> String {
    let digest = Sha256::new()
        .chain_update(b"card-sandbox file link\0")
        .chain_update(admin_token.as_bytes())
        .chain_update([0])
        .chain_update(tenant.as_bytes())
        .finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `sent` is the key of `tenant`'s files, compared in constant time.
pub fn key_opens(admin_token: &str, tenant: &str, sent: &str) -> bool {
    let expected = key(admin_token, tenant);
    expected.len() == sent.len()
        && expected
            .bytes()
            .zip(sent.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_carry_a_key_only_under_an_admin_token() {
        let open = FileLinks::new("http://h:1/", "t1", None);
        assert_eq!(
            open.url("interlace", "bills/b.csv"),
            "http://h:1/t/t1/files/interlace/bills/b.csv"
        );
        let keyed = FileLinks::new("http://h:1", "t1", Some("s3cret"));
        let url = keyed.url("interlace", "bills/b.csv");
        let sent = url.split_once("?key=").map(|(_, k)| k).unwrap_or_default();
        assert_eq!(sent.len(), 32);
        assert!(key_opens("s3cret", "t1", sent));
        assert!(!key_opens("s3cret", "t2", sent), "a key opens one tenant");
        assert!(
            !key_opens("other", "t1", sent),
            "a key follows the admin token"
        );
        assert!(!key_opens("s3cret", "t1", &sent[..31]));
    }
}
