//! card-sandbox under Testcontainers: start the image, wait until its health check says
//! healthy (the startup scenario is loaded), give this "test" a tenant of its own, and
//! call a provider with that tenant's credentials and base URL. The container is removed
//! when `container` drops, whether the calls passed or not.
//!
//! The same shape works in any Testcontainers port: a generic container on the image,
//! port 8080 exposed, waiting on the image's health check.

use anyhow::{Context, bail, ensure};
use serde_json::{Value, json};
use testcontainers::core::{IntoContainerPort, WaitFor};
use testcontainers::runners::AsyncRunner;
use testcontainers::{GenericImage, ImageExt};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let image = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "card-sandbox:dev".to_owned());
    let (name, tag) = image.split_once(':').unwrap_or((image.as_str(), "latest"));

    let container = GenericImage::new(name, tag)
        .with_exposed_port(8080.tcp())
        .with_wait_for(WaitFor::healthcheck())
        .with_env_var("SANDBOX_SEED", "7")
        .start()
        .await
        .with_context(|| format!("starting {image}"))?;
    let port = container.get_host_port_ipv4(8080.tcp()).await?;
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();

    // A tenant of this test's own, from the embedded default scenario. The container's
    // `default` tenant already answers to the scenario's credentials, so this one gets
    // fresh credentials of its own: they alone find it, with no sandbox-only header.
    let (status, tenant) = call(
        &http,
        http.post(format!("{base}/_sandbox/tenants"))
            .body(json!({"scenario": "default", "seed": 7}).to_string()),
    )
    .await?;
    ensure!(
        status == 201,
        "creating a tenant answered {status}: {tenant}"
    );
    let id = tenant["id"].as_str().context("the tenant's id")?;
    let client = &tenant["credentials"]["interlace"][0];

    ensure!(
        tenant["credential_mode"] == "fresh",
        "a second tenant of one scenario gets fresh credentials: {tenant}"
    );

    // Interlace OAuth, then the tenant's cards, found by the tenant's own clientId.
    let (_, authorized) = call(
        &http,
        http.get(format!(
            "{base}/open-api/oauth/authorize?clientId={}",
            client["clientId"].as_str().context("a clientId")?
        )),
    )
    .await?;
    let code = authorized
        .get("data")
        .unwrap_or(&authorized)
        .get("code")
        .and_then(Value::as_str)
        .context("an authorization code")?;
    let (_, token) = call(
        &http,
        http.post(format!("{base}/open-api/oauth/access-token"))
            .header("content-type", "application/json")
            .body(
                json!({"clientId": client["clientId"], "clientSecret": client["clientSecret"], "code": code})
                    .to_string(),
            ),
    )
    .await?;
    let token = token
        .get("data")
        .unwrap_or(&token)
        .get("accessToken")
        .and_then(Value::as_str)
        .context("an access token")?;
    let (status, cards) = call(
        &http,
        http.get(format!("{base}/open-api/v3/cards?limit=5"))
            .header("x-access-token", token),
    )
    .await?;
    if status != 200 || cards["code"] != "000000" {
        bail!("listing cards answered {status}: {cards}");
    }
    let listed = cards["data"]["list"].as_array().map_or(0, Vec::len);
    ensure!(listed > 0, "the default world has cards: {cards}");
    println!(
        "testcontainers: {image} healthy on port {port}; tenant {id} lists {listed} Interlace cards"
    );
    container.rm().await?;
    Ok(())
}

async fn call(
    http: &reqwest::Client,
    request: reqwest::RequestBuilder,
) -> anyhow::Result<(u16, Value)> {
    let response = http.execute(request.build()?).await?;
    let status = response.status().as_u16();
    let bytes = response.bytes().await?;
    let body = serde_json::from_slice(&bytes)
        .with_context(|| format!("not JSON: {}", String::from_utf8_lossy(&bytes)))?;
    Ok((status, body))
}
