//! Route lists written once and built two ways ([`route_list!`]): the plain axum router
//! the server runs, and the `OpenApiRouter` the OpenAPI documents come from. Each
//! handler's `#[utoipa::path]` annotation gives its path and methods; only the
//! documented build asks it for its operation and schemas as well, which is most of
//! the cost of building a router (a few milliseconds of startup that no request needs:
//! the documents are built on their first request, `admin/openapi.rs`). The plain
//! build reads a handler's path and methods through utoipa-axum's own
//! `routes!(@path ...)` arm, the one its `routes!` uses; a unit test per list checks
//! that both builds route the same (path, method) pairs.

/// Declares two functions from one list of route groups: `$documented()`, the
/// `OpenApiRouter` over `$base` (router and document), and `$plain()`, the same routes
/// as a [`Plain`] router without their OpenAPI operations. A group is the handlers that
/// share a path, in parentheses, optionally followed by `.layer(...)` for that path;
/// each ends with `;`.
///
/// ```text
/// route_list! {
///     fn routes, router(openapi::base()) {
///         (handlers::cards_create, handlers::cards_list);
///         (handlers::upload).layer(DefaultBodyLimit::max(UPLOAD_LIMIT));
///     }
/// }
/// ```
macro_rules! route_list {
    (
        $(#[$meta:meta])*
        fn $documented:ident, $plain:ident($base:expr) {
            $( ( $( $($seg:ident)::+ ),+ $(,)? ) $( .layer($layer:expr) )? ; )*
        }
    ) => {
        $(#[$meta])*
        fn $documented() -> utoipa_axum::router::OpenApiRouter<$crate::request::AppState> {
            #[allow(unused_imports)]
            use utoipa_axum::router::UtoipaMethodRouterExt as _;
            utoipa_axum::router::OpenApiRouter::with_openapi($base)
                $( .routes(utoipa_axum::routes!($( $($seg)::+ ),+) $( .layer($layer) )?) )*
        }

        /// The same routes without their OpenAPI operations (`src/routing.rs`): what the
        /// server runs, once `into_router`.
        fn $plain() -> $crate::routing::Plain {
            let router = $crate::routing::Plain::default();
            $(
                let router = {
                    #[allow(unused_imports)]
                    use utoipa_axum::PathItemExt as _;
                    let mut group = $crate::routing::Group::default();
                    $(
                        let path: String = utoipa_axum::routes!(@path [path()] of $($seg)::+);
                        let methods = utoipa_axum::routes!(@path [methods()] of $($seg)::+);
                        for method in &methods {
                            group.methods = group.methods.on(method.to_method_filter(), $($seg)::+);
                        }
                        group.add(path, methods);
                    )+
                    $( group.methods = group.methods.layer($layer); )?
                    router.add(group)
                };
            )*
            router
        }
    };
}

pub(crate) use route_list;

use axum::Router;
use axum::routing::MethodRouter;
use utoipa::openapi::path::HttpMethod;

use crate::request::AppState;

/// A router being built from a route list, with the (path, method) pairs it routes, so
/// a test can compare them with the document's.
#[derive(Default)]
pub(crate) struct Plain {
    router: Router<AppState>,
    routed: Vec<(String, HttpMethod)>,
}

/// The handlers of one path, merged into one method router.
#[derive(Default)]
pub(crate) struct Group {
    pub(crate) methods: MethodRouter<AppState>,
    paths: Vec<String>,
    routed: Vec<(String, HttpMethod)>,
}

impl Group {
    /// Notes a handler's path and methods (its method router is added by the caller).
    pub(crate) fn add(&mut self, path: String, methods: Vec<HttpMethod>) {
        for method in methods {
            self.routed.push((path.clone(), method));
        }
        if !self.paths.contains(&path) {
            self.paths.push(path);
        }
    }
}

impl Plain {
    /// Routes the group's method router at each of its paths, as `OpenApiRouter` does.
    pub(crate) fn add(mut self, group: Group) -> Self {
        for path in &group.paths {
            self.router = self.router.route(path, group.methods.clone());
        }
        self.routed.extend(group.routed);
        self
    }

    /// Both lists' routes in one router.
    #[cfg(test)]
    pub(crate) fn merge(mut self, other: Self) -> Self {
        self.router = self.router.merge(other.router);
        self.routed.extend(other.routed);
        self
    }

    pub(crate) fn into_router(self) -> Router<AppState> {
        self.router
    }

    /// Fails unless this router routes exactly the (path, method) pairs `document`
    /// documents: the two builds of a list agree.
    #[cfg(test)]
    pub(crate) fn assert_routes_documented(&self, document: &utoipa::openapi::OpenApi) {
        let key = |(path, method): &(String, HttpMethod)| {
            let method = serde_json::to_string(method).unwrap_or_default();
            format!("{method} {path}")
        };
        let mut routed: Vec<String> = self.routed.iter().map(key).collect();
        let mut documented: Vec<String> = Vec::new();
        for (path, item) in &document.paths.paths {
            let operations = [
                (HttpMethod::Get, &item.get),
                (HttpMethod::Put, &item.put),
                (HttpMethod::Post, &item.post),
                (HttpMethod::Delete, &item.delete),
                (HttpMethod::Options, &item.options),
                (HttpMethod::Head, &item.head),
                (HttpMethod::Patch, &item.patch),
                (HttpMethod::Trace, &item.trace),
            ];
            for (method, operation) in operations {
                if operation.is_some() {
                    documented.push(key(&(path.clone(), method)));
                }
            }
        }
        routed.sort();
        documented.sort();
        assert!(!routed.is_empty(), "the list routes nothing");
        assert_eq!(routed, documented);
    }
}
