//! What the request journal keeps of a request's headers and of the request and
//! response bodies, so a test can check what its app sent: secrets masked (their
//! presence kept: credentials, signatures, and any header or JSON field whose name says
//! secret, token, password or private; single-use OAuth codes are kept, since a
//! provider envelope's `code` field is its result code), bodies cut at `--journal-body-bytes` and the cut marked. Multipart
//! uploads are summarised, not kept.

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue};
use serde_json::Value;

/// The default of `--journal-body-bytes`: what one body may keep.
pub const DEFAULT_BODY_BYTES: usize = 16 * 1024;
/// What a masked value reads.
pub const MASK: &str = "***";
/// The most headers one record keeps, and the longest value kept whole.
const MAX_HEADERS: usize = 64;
const MAX_HEADER_VALUE: usize = 512;

/// Whether a header or a JSON field of this name carries a secret: credentials,
/// signatures, tokens, secrets, passwords.
pub fn is_secret(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    matches!(
        name.as_str(),
        "authorization" | "proxy-authorization" | "signature" | "cookie" | "set-cookie"
    ) || ["secret", "token", "password", "private"]
        .iter()
        .any(|word| name.contains(word))
}

/// A body as the journal holds it. The request path pays for a reference to the bytes
/// it already has (a copy only for a body over the bound, which is masked and cut at
/// once); masking and rendering happen when the journal is read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeptBody {
    /// The body, or its masked and cut text when it was over the bound.
    bytes: Bytes,
    /// Whether `bytes` is already masked and cut.
    rendered: bool,
    multipart: bool,
}

impl KeptBody {
    /// Keeps `bytes` under a bound of `max` bytes; `None` when empty or `max` is 0.
    pub fn keep(bytes: Bytes, content_type: Option<&HeaderValue>, max: usize) -> Option<Self> {
        if bytes.is_empty() || max == 0 {
            return None;
        }
        let multipart = content_type
            .and_then(|t| t.to_str().ok())
            .is_some_and(|t| t.starts_with("multipart/"));
        if multipart {
            let note = format!("[multipart body of {} bytes, not kept]", bytes.len());
            return Some(Self {
                bytes: Bytes::from(note),
                rendered: true,
                multipart,
            });
        }
        if bytes.len() <= max {
            return Some(Self {
                bytes,
                rendered: false,
                multipart,
            });
        }
        let mut text = masked(&bytes);
        crate::journal::cut(&mut text, max);
        Some(Self {
            bytes: Bytes::from(text),
            rendered: true,
            multipart,
        })
    }

    /// The bytes it holds, as the journal's bound counts them.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The body as the journal shows it: JSON with secret fields masked at any depth,
    /// other text as it came, a cut marked `…[+N bytes]`.
    pub fn text(&self) -> String {
        if self.rendered {
            String::from_utf8_lossy(&self.bytes).into_owned()
        } else {
            masked(&self.bytes)
        }
    }
}

/// The text of `bytes`, with secret fields masked when it is JSON.
fn masked(bytes: &[u8]) -> String {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(mut value) => {
            mask(&mut value);
            value.to_string()
        }
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// The headers as the journal shows them, secrets masked and long values cut.
pub fn headers(map: &HeaderMap) -> Vec<(String, String)> {
    map.iter()
        .take(MAX_HEADERS)
        .map(|(name, value)| {
            let value = if is_secret(name.as_str()) {
                MASK.to_owned()
            } else {
                let mut text = String::from_utf8_lossy(value.as_bytes()).into_owned();
                crate::journal::cut(&mut text, MAX_HEADER_VALUE);
                text
            };
            (name.as_str().to_owned(), value)
        })
        .collect()
}

/// The bytes `headers` will show, as the journal's bound counts them.
pub fn headers_len(map: &HeaderMap) -> usize {
    map.iter()
        .take(MAX_HEADERS)
        .map(|(n, v)| n.as_str().len() + v.len().min(MAX_HEADER_VALUE) + 48)
        .sum()
}

fn mask(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                if is_secret(key) && !item.is_null() {
                    *item = Value::String(MASK.to_owned());
                } else {
                    mask(item);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked_in_headers_and_at_any_depth_in_json() {
        let mut map = HeaderMap::new();
        map.insert("x-access-token", "abc".parse().expect("a value"));
        map.insert("signature", "sig".parse().expect("a value"));
        map.insert("api-key", "hc_test".parse().expect("a value"));
        let kept = headers(&map);
        assert!(kept.contains(&("x-access-token".to_owned(), MASK.to_owned())));
        assert!(kept.contains(&("signature".to_owned(), MASK.to_owned())));
        assert!(kept.contains(&("api-key".to_owned(), "hc_test".to_owned())));
        let text = KeptBody::keep(
            Bytes::from_static(
                br#"{"clientId":"c","clientSecret":"s3cr3t","data":{"accessToken":"t0k"},"n":1}"#,
            ),
            None,
            1024,
        )
        .expect("a body")
        .text();
        assert!(!text.contains("s3cr3t") && !text.contains("t0k"), "{text}");
        assert!(text.contains(r#""clientId":"c""#), "{text}");
    }

    #[test]
    fn long_bodies_are_cut_and_marked_and_uploads_summarised() {
        let long = Bytes::from("x".repeat(100));
        let kept = KeptBody::keep(long, None, 10).expect("a body");
        assert_eq!(kept.text(), "xxxxxxxxxx…[+90 bytes]");
        let secret = format!(r#"{{"app_secret":"s3cr3t","pad":"{}"}}"#, "p".repeat(100));
        let cut = KeptBody::keep(Bytes::from(secret), None, 40)
            .expect("a body")
            .text();
        assert!(
            !cut.contains("s3cr3t") && cut.ends_with("bytes]"),
            "masked, then cut: {cut}"
        );
        assert_eq!(KeptBody::keep(Bytes::new(), None, 10), None);
        let multipart = HeaderValue::from_static("multipart/form-data; boundary=b");
        let upload = KeptBody::keep(Bytes::from_static(b"--b-"), Some(&multipart), 10);
        assert_eq!(
            upload.map(|b| b.text()).as_deref(),
            Some("[multipart body of 4 bytes, not kept]")
        );
    }
}
