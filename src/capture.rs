//! What the request journal keeps of a request's headers and of the request and
//! response bodies, so a test can check what its app sent: secrets masked (their
//! presence kept: credentials, signatures, and any header or JSON field whose name says
//! secret, token, password or private; single-use OAuth codes are kept, since a
//! provider envelope's `code` field is its result code), bodies cut at `--journal-body-bytes` and the cut marked. Multipart
//! uploads are summarised, not kept.

use axum::http::HeaderMap;
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

/// The headers as the journal keeps them, secrets masked.
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

/// A body as the journal keeps it: `None` when empty; JSON with secret fields masked
/// at any depth; other text as it came; at most `max` bytes, the cut marked.
pub fn body(bytes: &[u8], content_type: Option<&str>, max: usize) -> Option<String> {
    if bytes.is_empty() || max == 0 {
        return None;
    }
    if content_type.is_some_and(|t| t.starts_with("multipart/")) {
        return Some(format!(
            "[multipart body of {} bytes, not kept]",
            bytes.len()
        ));
    }
    let mut text = match serde_json::from_slice::<Value>(bytes) {
        Ok(mut value) if mentions_a_secret(bytes) => {
            mask(&mut value);
            value.to_string()
        }
        _ => String::from_utf8_lossy(bytes).into_owned(),
    };
    crate::journal::cut(&mut text, max);
    Some(text)
}

/// A cheap look before parsing: only bodies that name a secret-like field are rewritten.
fn mentions_a_secret(bytes: &[u8]) -> bool {
    let lower = bytes.to_ascii_lowercase();
    ["secret", "token", "password", "private", "signature"]
        .iter()
        .any(|word| lower.windows(word.len()).any(|w| w == word.as_bytes()))
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
        let text = body(
            br#"{"clientId":"c","clientSecret":"s3cr3t","data":{"accessToken":"t0k"},"n":1}"#,
            Some("application/json"),
            1024,
        )
        .expect("a body");
        assert!(!text.contains("s3cr3t") && !text.contains("t0k"), "{text}");
        assert!(text.contains(r#""clientId":"c""#), "{text}");
    }

    #[test]
    fn long_bodies_are_cut_and_marked_and_uploads_summarised() {
        let long = "x".repeat(100);
        let text = body(long.as_bytes(), None, 10).expect("a body");
        assert!(text.starts_with("xxxxxxxxxx…[+90 bytes]"), "{text}");
        assert_eq!(body(b"", None, 10), None);
        let upload = body(b"--b\r\n", Some("multipart/form-data; boundary=b"), 10);
        assert_eq!(
            upload.as_deref(),
            Some("[multipart body of 5 bytes, not kept]")
        );
    }
}
