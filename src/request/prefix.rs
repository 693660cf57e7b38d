//! The tenant base URL: every provider path also answers under `/t/{tenant}`, so a test
//! points its HTTP client at `http://HOST:PORT/t/{tenant}` and sends nothing else the
//! app does not already send. Before routing, the prefix is taken off the path and
//! stands for `X-Sandbox-Tenant: {tenant}` (it wins over such a header). No provider
//! path starts with `/t/`; the admin API stays under `/_sandbox` only, so a prefixed
//! `/_sandbox` path is left as it is and answers 404. The files provider answers link
//! to live under the base URL too: `/t/{tenant}/files/{rest}` is
//! `/_sandbox/files/{tenant}/{rest}` (`file_links`).

use axum::extract::Request;
use axum::http::uri::PathAndQuery;
use axum::http::{HeaderValue, Uri};

use super::TENANT_HEADER;

/// The path prefix that names a tenant.
pub const TENANT_PREFIX: &str = "/t/";

/// Where a tenant's files are under its base URL.
const FILES: &str = "/files/";

/// The tenant a request named by its path prefix (a request extension).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathTenant(pub String);

/// Takes a `/t/{tenant}` prefix off the request's path and names the tenant in its
/// `X-Sandbox-Tenant` header instead; any other request passes unchanged.
pub fn strip_tenant_prefix(mut req: Request) -> Request {
    let Some(rest) = req.uri().path().strip_prefix(TENANT_PREFIX) else {
        return req;
    };
    let (tenant, tail) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    if tenant.is_empty() || tail == "/_sandbox" || tail.starts_with("/_sandbox/") {
        return req;
    }
    let Ok(value) = HeaderValue::from_str(tenant) else {
        return req;
    };
    let tail = match tail.strip_prefix(FILES) {
        Some(file) => format!("/_sandbox/files/{tenant}/{file}"),
        None if tail.is_empty() => "/".to_owned(),
        None => tail.to_owned(),
    };
    let path_and_query = match req.uri().query() {
        Some(query) => format!("{tail}?{query}"),
        None => tail,
    };
    let Ok(path_and_query) = PathAndQuery::try_from(path_and_query) else {
        return req;
    };
    let mut parts = req.uri().clone().into_parts();
    parts.path_and_query = Some(path_and_query);
    let Ok(uri) = Uri::from_parts(parts) else {
        return req;
    };
    let tenant = PathTenant(tenant.to_owned());
    *req.uri_mut() = uri;
    req.headers_mut().insert(TENANT_HEADER, value);
    req.extensions_mut().insert(tenant);
    req
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    fn strip(uri: &str, header: Option<&str>) -> Request {
        let mut builder = Request::builder().uri(uri);
        if let Some(h) = header {
            builder = builder.header(TENANT_HEADER, h);
        }
        strip_tenant_prefix(builder.body(Body::empty()).expect("a request"))
    }

    #[test]
    fn the_prefix_becomes_the_tenant_header_and_leaves_the_path() {
        let req = strip("/t/run-1/open-api/v3/cards?limit=5", Some("other"));
        assert_eq!(req.uri().path(), "/open-api/v3/cards");
        assert_eq!(req.uri().query(), Some("limit=5"));
        assert_eq!(req.headers()[TENANT_HEADER], "run-1", "the prefix wins");
        assert_eq!(
            req.extensions().get::<PathTenant>(),
            Some(&PathTenant("run-1".to_owned()))
        );
    }

    #[test]
    fn admin_paths_and_paths_without_a_tenant_pass_unchanged() {
        for uri in [
            "/t/run-1/_sandbox/health",
            "/t//x",
            "/tx/run-1/a",
            "/open-api/v3/cards",
        ] {
            let req = strip(uri, None);
            assert_eq!(req.uri(), uri);
            assert!(req.headers().get(TENANT_HEADER).is_none(), "{uri}");
        }
        assert_eq!(strip("/t/run-1", None).uri().path(), "/");
    }

    #[test]
    fn files_under_the_base_url_are_the_tenants_files() {
        let req = strip("/t/run-1/files/interlace/bills/b.csv?key=k", None);
        assert_eq!(
            req.uri().path(),
            "/_sandbox/files/run-1/interlace/bills/b.csv"
        );
        assert_eq!(req.uri().query(), Some("key=k"));
    }
}
