//! The OpenAPI documents: listed, served as JSON and YAML (the same document), an
//! OpenAPI 3.1 document whose every operation is a route the sandbox answers, and
//! snapshot-tested, so a renamed wire field shows in the document's snapshot. Each
//! document is also written under the test's scratch folder (`openapi/{name}.json`),
//! where `.ci/run` checks it with `openapi-spec-validator`.

use axum::body::Body;
use axum::http::{Method, Request};
use serde_json::Value;

use crate::support::TestApp;

/// The documents the sandbox lists, by name.
async fn documents(app: &TestApp) -> Vec<String> {
    let listed = app.get("/_sandbox/openapi").await;
    assert_eq!(listed.status, 200, "{}", listed.text());
    listed.json()["documents"]
        .as_array()
        .expect("documents")
        .iter()
        .map(|d| {
            let name = d["name"].as_str().expect("a name").to_owned();
            assert_eq!(d["json"], format!("/_sandbox/openapi/{name}.json"));
            assert_eq!(d["yaml"], format!("/_sandbox/openapi/{name}.yaml"));
            name
        })
        .collect()
}

#[tokio::test]
async fn every_document_is_served_as_json_and_yaml_and_matches_its_snapshot() {
    let app = TestApp::embedded();
    let names = documents(&app).await;
    assert!(names.contains(&"opcard".to_owned()), "{names:?}");
    let scratch = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("openapi");
    std::fs::create_dir_all(&scratch).expect("a scratch folder");
    for name in names {
        let json = app.get(&format!("/_sandbox/openapi/{name}.json")).await;
        assert_eq!(json.status, 200);
        assert_eq!(json.header("content-type"), Some("application/json"));
        let doc = json.json();
        assert_eq!(doc["openapi"], "3.1.0", "{name}");
        let yaml = app.get(&format!("/_sandbox/openapi/{name}.yaml")).await;
        assert_eq!(yaml.status, 200);
        let from_yaml: Value = yaml_serde::from_str(&yaml.text()).expect("the YAML parses");
        assert_eq!(from_yaml, doc, "{name}: YAML and JSON are one document");
        std::fs::write(scratch.join(format!("{name}.json")), json.text()).expect("written");
        insta::assert_json_snapshot!(format!("openapi_{name}"), doc);
    }
}

#[tokio::test]
async fn every_documented_operation_is_a_route() {
    let app = TestApp::embedded();
    for name in documents(&app).await {
        let doc = app
            .get(&format!("/_sandbox/openapi/{name}.json"))
            .await
            .json();
        let paths = doc["paths"].as_object().expect("paths");
        assert!(!paths.is_empty(), "{name} documents operations");
        for (path, item) in paths {
            let concrete = concrete(path);
            for method in item.as_object().expect("a path item").keys() {
                let method = Method::from_bytes(method.to_uppercase().as_bytes())
                    .unwrap_or_else(|_| panic!("{name}: {method} is a method"));
                let request = Request::builder()
                    .method(method.clone())
                    .uri(&concrete)
                    .header("content-type", "application/json")
                    .body(Body::from("{}"))
                    .expect("a request");
                let answer = app.send(request).await;
                // An admin operation's own 404 (an unknown rule, say) names what is
                // missing; the router's is `route_not_found`. Provider operations
                // answer unknown ids in their envelope, never 404.
                let unrouted = answer.status == 405
                    || (answer.status == 404
                        && (name != "admin" || answer.text().contains("route_not_found")));
                assert!(
                    !unrouted,
                    "{name}: {method} {path} answered {}: {}",
                    answer.status,
                    answer.text()
                );
            }
        }
    }
}

/// `path` with each parameter given a value the embedded default tenant has.
fn concrete(path: &str) -> String {
    [
        ("{card_id}", "1"),
        ("{tenant}", "default"),
        ("{provider}", "interlace"),
        ("{event}", "authorization"),
        ("{list}", "batches"),
        ("{file}", "admin.json"),
        ("{kind}", "bill"),
        ("{name}", "x.csv"),
        ("{id}", "x"),
    ]
    .iter()
    .fold(path.to_owned(), |p, (from, to)| p.replace(from, to))
}

#[tokio::test]
async fn an_unknown_document_is_a_json_404_naming_the_known_ones() {
    let app = TestApp::embedded();
    for file in ["nope.json", "opcard.xml", "opcard"] {
        let answer = app.get(&format!("/_sandbox/openapi/{file}")).await;
        assert_eq!(answer.status, 404, "{file}");
        let message = answer.json()["error"]["message"]
            .as_str()
            .expect("a message")
            .to_owned();
        assert!(message.contains("opcard"), "{message}");
    }
}

#[tokio::test]
async fn every_link_leads_to_an_operation_of_its_document_with_the_parameters_it_takes() {
    let app = TestApp::embedded();
    let mut links = 0;
    for name in documents(&app).await {
        let doc = app
            .get(&format!("/_sandbox/openapi/{name}.json"))
            .await
            .json();
        let mut operations = std::collections::HashMap::new();
        for item in doc["paths"].as_object().expect("paths").values() {
            for operation in item.as_object().expect("a path item").values() {
                let id = operation["operationId"].as_str().expect("an operationId");
                let parameters: Vec<String> = operation["parameters"]
                    .as_array()
                    .map(|p| {
                        p.iter()
                            .map(|p| p["name"].as_str().expect("a name").to_owned())
                            .collect()
                    })
                    .unwrap_or_default();
                let takes_body = operation.get("requestBody").is_some();
                assert!(
                    operations
                        .insert(id.to_owned(), (parameters, takes_body))
                        .is_none(),
                    "{name}: operationId {id} is used twice"
                );
            }
        }
        for item in doc["paths"].as_object().expect("paths").values() {
            for operation in item.as_object().expect("a path item").values() {
                let responses = operation["responses"].as_object().expect("responses");
                for link in responses
                    .values()
                    .filter_map(|r| r["links"].as_object())
                    .flat_map(|l| l.values())
                {
                    links += 1;
                    let target = link["operationId"].as_str().expect("a target");
                    let (parameters, takes_body) = operations
                        .get(target)
                        .unwrap_or_else(|| panic!("{name}: a link to unknown {target}"));
                    for parameter in link["parameters"].as_object().into_iter().flatten() {
                        assert!(
                            parameters.contains(parameter.0),
                            "{name}: {target} takes no {}",
                            parameter.0
                        );
                        assert!(
                            parameter
                                .1
                                .as_str()
                                .is_some_and(|e| e.starts_with("$response.body#/")),
                            "{name}: {target}.{} = {}",
                            parameter.0,
                            parameter.1
                        );
                    }
                    if link.get("requestBody").is_some() {
                        assert!(takes_body, "{name}: {target} takes no body");
                    }
                }
            }
        }
    }
    assert!(links >= 20, "the documents link {links} operations");
}
