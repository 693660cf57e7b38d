//! Real sockets and the real binary: serving on port 0, graceful shutdown on a signal
//! and on a future, `validate` and `healthcheck` exit codes.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use card_sandbox::tenant::{Registry, core_handlers};
use card_sandbox::{AppState, Settings};

use crate::support::TestApp;

const BIN: &str = env!("CARGO_BIN_EXE_card-sandbox");

/// Starts the binary on port 0 and returns it with the address it printed.
fn spawn_binary(extra: &[&str]) -> (Child, String) {
    let mut child = Command::new(BIN)
        .args(["--listen", "127.0.0.1:0"])
        .args(extra)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("the binary prints its address");
    let url = line
        .trim()
        .rsplit(' ')
        .next()
        .expect("the line ends with the URL")
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{line}");
    (child, url)
}

async fn wait_until_ready(client: &reqwest::Client, url: &str) {
    for _ in 0..100 {
        if let Ok(r) = client.get(format!("{url}/_sandbox/ready")).send().await
            && r.status() == reqwest::StatusCode::OK
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{url} never became ready");
}

fn wait_for_exit(child: &mut Child) -> std::process::ExitStatus {
    for _ in 0..100 {
        if let Some(status) = child.try_wait().expect("waitable") {
            return status;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    panic!("the process did not exit within 5 s");
}

#[tokio::test]
async fn binary_serves_on_port_zero_and_exits_cleanly_on_sigterm() {
    let (mut child, url) = spawn_binary(&[]);
    let client = reqwest::Client::new();
    let health = client
        .get(format!("{url}/_sandbox/health"))
        .send()
        .await
        .expect("health answers");
    assert_eq!(health.status(), reqwest::StatusCode::OK);
    wait_until_ready(&client, &url).await;
    let tenant = client
        .get(format!("{url}/_sandbox/tenants/default"))
        .send()
        .await
        .expect("tenant answers")
        .bytes()
        .await
        .expect("a body");
    let tenant: serde_json::Value = serde_json::from_slice(&tenant).expect("JSON");
    assert_eq!(tenant["scenario"], "default");

    let healthcheck = Command::new(BIN)
        .args(["healthcheck", "--url", &url])
        .status()
        .expect("healthcheck runs");
    assert!(healthcheck.success());

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let status = wait_for_exit(&mut child);
    assert!(status.success(), "exit after SIGTERM: {status}");

    let after = Command::new(BIN)
        .args(["healthcheck", "--url", &url])
        .status()
        .expect("healthcheck runs");
    assert_eq!(after.code(), Some(1), "nothing answers once it has stopped");
}

#[tokio::test]
async fn healthcheck_follows_the_ready_file_and_the_listen_address() {
    let dir = std::env::temp_dir().join(format!("card-sandbox-ready-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let ready_file = dir.join("ready");
    std::fs::write(&ready_file, "127.0.0.1:1").expect("a stale file from an earlier run");
    let healthcheck = |args: &[&str]| {
        Command::new(BIN)
            .arg("healthcheck")
            .args(args)
            .env_remove("SANDBOX_LISTEN")
            .env_remove("SANDBOX_HEALTHCHECK_URL")
            .env_remove("SANDBOX_READY_FILE")
            .stderr(Stdio::piped())
            .output()
            .expect("healthcheck runs")
    };
    let file_arg = ready_file.to_str().expect("a UTF-8 path");

    let (mut child, url) = spawn_binary(&["--ready-file", file_arg]);
    let client = reqwest::Client::new();
    wait_until_ready(&client, &url).await;
    let written = std::fs::read_to_string(&ready_file).expect("the server wrote the file");
    assert_eq!(
        format!("http://{written}"),
        url,
        "the bound address, not the stale one"
    );
    assert!(healthcheck(&["--ready-file", file_arg]).status.success());
    let addr = url.trim_start_matches("http://");
    assert!(healthcheck(&["--listen", addr]).status.success());
    let port = addr.rsplit(':').next().expect("a port");
    assert!(
        healthcheck(&["--listen", &format!("0.0.0.0:{port}")])
            .status
            .success(),
        "an unspecified address is reached on loopback"
    );

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    assert!(wait_for_exit(&mut child).success());
    assert!(!ready_file.exists(), "the ready file is removed on exit");
    let missing = healthcheck(&["--ready-file", file_arg]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains("not ready"),
        "{}",
        String::from_utf8_lossy(&missing.stderr)
    );
    let bad = healthcheck(&["--listen", "nowhere"]);
    assert_eq!(bad.status.code(), Some(1));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn binary_exits_nonzero_when_the_startup_scenario_cannot_be_built() {
    let dir = std::env::temp_dir().join(format!("card-sandbox-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("broke.yaml");
    std::fs::write(
        &file,
        "version: 1\nledger:\n  accounts:\n    - key: a\n      currency: USD\n  holds:\n    - account: a\n      amount: \"5\"\n",
    )
    .expect("write");
    let output = Command::new(BIN)
        .args(["--listen", "127.0.0.1:0", "--scenario"])
        .arg(&file)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("ledger.holds[0].amount: insufficient funds on a"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn serve_stops_when_its_shutdown_future_completes() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let addr = listener.local_addr().expect("bound");
    let state = AppState::new(
        Registry::new(core_handlers(), 10, 0),
        Settings::new(format!("http://{addr}")),
    );
    card_sandbox::load_startup(&state, Vec::new(), None).expect("default loads");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(card_sandbox::serve(
        listener,
        card_sandbox::app(state),
        async {
            let _ = stopped.await;
        },
    ));
    let health = reqwest::get(format!("http://{addr}/_sandbox/health"))
        .await
        .expect("answers");
    assert_eq!(health.status(), reqwest::StatusCode::OK);
    stop.send(()).expect("server is listening for shutdown");
    let result = tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("stops within 5 s")
        .expect("the task did not panic");
    assert!(result.is_ok());
    assert!(
        reqwest::get(format!("http://{addr}/_sandbox/health"))
            .await
            .is_err(),
        "the port is closed"
    );
}

#[test]
fn validate_accepts_the_default_scenario_and_names_an_unknown_key() {
    let ok = Command::new(BIN)
        .args(["validate", "scenarios/default.yaml"])
        .output()
        .expect("runs");
    assert!(ok.status.success());
    let stdout = String::from_utf8_lossy(&ok.stdout);
    assert!(
        stdout.starts_with("ok scenarios/default.yaml: version 1, seed 20260101"),
        "{stdout}"
    );

    let dir = std::env::temp_dir().join(format!("card-sandbox-validate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let bad = dir.join("bad.yaml");
    std::fs::write(
        &bad,
        "version: 1\nclock:\n  strat: \"2026-01-01T00:00:00Z\"\n",
    )
    .expect("write");
    let failed = Command::new(BIN)
        .arg("validate")
        .arg("scenarios/default.yaml")
        .arg(&bad)
        .output()
        .expect("runs");
    assert_eq!(failed.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(
        stderr.contains("bad.yaml: clock.strat: unknown field `strat`"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn hypercard_sign_prints_headers_that_verify() {
    use card_sandbox::providers::hypercard::canonical::canonical_string;
    use card_sandbox::providers::hypercard::keys;
    use card_sandbox::providers::hypercard::signature::PublicKey;

    let body = r#"{"card_id":"2960680000000000001","address":{"city":"上海","zip":""}}"#;
    let output = Command::new(BIN)
        .args(["hypercard", "sign", "--api-key", "hc_test", "--key"])
        .arg("scenarios/keys/hypercard-merchant.pem")
        .args([
            "--body",
            body,
            "--timestamp",
            "1772366400",
            "--nonce",
            "abcdef0123",
        ])
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let headers: Vec<(&str, &str)> = stdout.lines().filter_map(|l| l.split_once(": ")).collect();
    let names: Vec<&str> = headers.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names,
        [
            "timestamp",
            "nonce",
            "api-key",
            "version",
            "lang",
            "signature"
        ]
    );
    let signature = headers[5].1;
    let map: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(body).expect("an object");
    let canonical = canonical_string(&headers[..5], &map);
    let key = PublicKey::from_pem(keys::MERCHANT_PUBLIC_KEY_PEM).expect("public key");
    assert!(key.verify(&canonical, signature), "{canonical}");

    let bad = Command::new(BIN)
        .args(["hypercard", "sign", "--api-key", "k", "--key"])
        .arg("scenarios/keys/hypercard-merchant.pem")
        .args(["--body", "[1,2]"])
        .output()
        .expect("runs");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).starts_with("error: "));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binary_fault_flags_fault_every_provider_answer_and_a_hang_never_holds_sigterm() {
    let (mut child, url) = spawn_binary(&["--error-rate", "1", "--latency", "20"]);
    let client = reqwest::Client::new();
    wait_until_ready(&client, &url).await;
    let faults = client
        .get(format!("{url}/_sandbox/faults"))
        .send()
        .await
        .expect("faults answer")
        .bytes()
        .await
        .expect("a body");
    let faults: serde_json::Value = serde_json::from_slice(&faults).expect("JSON");
    let ids: Vec<&str> = faults["faults"]
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|f| f["id"].as_str())
        .collect();
    assert_eq!(ids, ["cli-latency", "cli-error-rate"]);
    let failed = client
        .post(format!("{url}/openapi/card/info"))
        .header("api-key", "hc_sandbox_merchant")
        .body("{}")
        .send()
        .await
        .expect("answered");
    assert_eq!(failed.status(), reqwest::StatusCode::INTERNAL_SERVER_ERROR);
    let body: serde_json::Value =
        serde_json::from_slice(&failed.bytes().await.expect("a body")).expect("JSON");
    assert_eq!(body["code"], "B0000");

    let hang = client
        .post(format!("{url}/_sandbox/faults"))
        .body(r#"{"id": "stuck", "action": {"type": "hang"}}"#)
        .send()
        .await
        .expect("added");
    assert_eq!(hang.status(), reqwest::StatusCode::CREATED);
    client
        .delete(format!("{url}/_sandbox/faults/cli-error-rate"))
        .send()
        .await
        .expect("removed");
    let stuck = tokio::spawn({
        let client = reqwest::Client::new();
        let url = url.clone();
        async move {
            client
                .get(format!("{url}/open-api/v3/cards"))
                .header("x-sandbox-tenant", "default")
                .send()
                .await
        }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let status = tokio::task::spawn_blocking(move || wait_for_exit(&mut child))
        .await
        .expect("waited");
    assert!(
        status.success(),
        "exit after SIGTERM despite a 60 s hang: {status}"
    );
    assert!(
        stuck.await.expect("the client task ends").is_err(),
        "the hung request got no answer"
    );
}

/// Reads one HTTP/1.1 answer with a `content-length` or chunked body; its status.
async fn read_answer(
    reader: &mut tokio::io::BufReader<tokio::net::tcp::OwnedReadHalf>,
) -> std::io::Result<u16> {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt};
    let mut line = String::new();
    reader.read_line(&mut line).await?;
    let status: u16 = line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("no status line: {line:?}")))?;
    let (mut length, mut chunked) = (0usize, false);
    loop {
        line.clear();
        reader.read_line(&mut line).await?;
        let header = line.trim_end().to_ascii_lowercase();
        if header.is_empty() {
            break;
        }
        if let Some(v) = header.strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
        if header.starts_with("transfer-encoding:") && header.contains("chunked") {
            chunked = true;
        }
    }
    if chunked {
        loop {
            line.clear();
            reader.read_line(&mut line).await?;
            let size = usize::from_str_radix(line.trim(), 16).map_err(std::io::Error::other)?;
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk).await?;
            if size == 0 {
                break;
            }
        }
    } else {
        let mut body = vec![0; length];
        reader.read_exact(&mut body).await?;
    }
    Ok(status)
}

#[tokio::test]
async fn large_bodies_on_get_routes_are_answered_on_keep_alive_connections() {
    use tokio::io::AsyncWriteExt;
    let app = TestApp::new();
    let addr = app.serve().await;
    let routes = [
        "/_sandbox/tenants/default/export",
        "/_sandbox/metrics",
        "/_sandbox/tenants/default/interlace/batches",
    ];
    for size in [100 * 1024, 256 * 1024, 700 * 1024] {
        let stream = tokio::net::TcpStream::connect(addr)
            .await
            .expect("connects");
        let (read, mut write) = stream.into_split();
        let mut reader = tokio::io::BufReader::new(read);
        // Several requests on one keep-alive connection, each with a body the route
        // does not read.
        for _ in 0..2 {
            for route in routes {
                let head = format!(
                    "GET {route} HTTP/1.1\r\nhost: sandbox\r\ncontent-type: application/json\r\ncontent-length: {size}\r\n\r\n"
                );
                let body = vec![b' '; size];
                let sent = async {
                    write.write_all(head.as_bytes()).await?;
                    write.write_all(&body).await?;
                    write.flush().await
                };
                let (sent, status) = tokio::join!(sent, read_answer(&mut reader));
                sent.unwrap_or_else(|e| panic!("{route} with {size} bytes: sending: {e}"));
                let status =
                    status.unwrap_or_else(|e| panic!("{route} with {size} bytes: reading: {e}"));
                assert_eq!(status, 200, "{route} with {size} bytes");
            }
        }
    }
}

#[tokio::test]
async fn a_body_that_stalls_part_way_is_refused_in_the_envelope_within_the_body_timeout() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::embedded_with(Settings {
        body_timeout: Duration::from_secs(1),
        ..Settings::new("http://sandbox.test")
    });
    let addr = app.serve().await;
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .expect("connects");
    stream
        .write_all(
            b"POST /openapi/card/balance HTTP/1.1\r\nhost: x\r\napi-key: hc_sandbox_merchant\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"card_id\"",
        )
        .await
        .expect("writes");
    // Nothing more is sent: the answer comes once the body timeout passes.
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut answer))
        .await
        .expect("answered and closed long before 20 s")
        .expect("reads");
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 "), "{text}");
    assert!(text.contains("\"code\":\"A0003\""), "{text}");
    assert!(text.contains("did not arrive within 1 s"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_answers_in_flight_requests_and_exits_within_the_grace_period_despite_stalled_clients()
 {
    use tokio::io::AsyncWriteExt;
    let (mut child, url) = spawn_binary(&["--latency", "1500", "--shutdown-grace", "2"]);
    let client = reqwest::Client::new();
    wait_until_ready(&client, &url).await;
    let addr = url.trim_start_matches("http://").to_owned();
    // One client stalls in its headers, one in its body.
    let mut mid_headers = tokio::net::TcpStream::connect(&addr)
        .await
        .expect("connects");
    mid_headers
        .write_all(b"GET /open-api/v3/cards HTTP/1.1\r\nhost: x\r\nx-sandbox-")
        .await
        .expect("writes");
    let mut mid_body = tokio::net::TcpStream::connect(&addr)
        .await
        .expect("connects");
    mid_body
        .write_all(b"POST /openapi/card/balance HTTP/1.1\r\nhost: x\r\ncontent-length: 1000\r\n\r\n{\"card")
        .await
        .expect("writes");
    // 32 requests in flight, each held by the injected 1.5 s latency.
    let slow: Vec<_> = (0..32)
        .map(|_| {
            let client = client.clone();
            let url = url.clone();
            tokio::spawn(async move {
                client
                    .get(format!("{url}/open-api/v3/cards"))
                    .header("x-sandbox-tenant", "default")
                    .send()
                    .await
                    .map(|r| r.status())
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(400)).await;
    let signalled = card_sandbox::clock::Stopwatch::start();
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    for request in slow {
        let status = request.await.expect("the task ends");
        assert!(
            status.is_ok(),
            "an in-flight request got its answer: {status:?}"
        );
    }
    let status = tokio::task::spawn_blocking(move || wait_for_exit(&mut child))
        .await
        .expect("waited");
    assert!(status.success(), "exit 0 after SIGTERM: {status}");
    // Within the 2 s grace (and some slack for a loaded machine), not the 30 s header
    // timeout or never.
    assert!(
        signalled.elapsed() < Duration::from_secs(5),
        "exited {:?} after SIGTERM",
        signalled.elapsed()
    );
    drop((mid_headers, mid_body));
}

#[tokio::test]
async fn each_provider_request_logs_one_json_line_with_tenant_and_status_and_no_colours() {
    let log_path =
        std::env::temp_dir().join(format!("card-sandbox-log-test-{}.log", std::process::id()));
    let log = std::fs::File::create(&log_path).expect("a log file");
    let mut child = Command::new(BIN)
        .args(["--listen", "127.0.0.1:0", "--log-format", "json"])
        .env_remove("RUST_LOG")
        .env_remove("NO_COLOR")
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("the binary prints its address");
    let url = line.trim().rsplit(' ').next().expect("a URL").to_owned();
    let client = reqwest::Client::new();
    wait_until_ready(&client, &url).await;
    let answer = client
        .get(format!("{url}/open-api/v3/cards/wallets"))
        .header("x-sandbox-tenant", "default")
        .header("x-request-id", "log-test-1")
        .send()
        .await
        .expect("an answer");
    let status = answer.status().as_u16();
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    assert!(wait_for_exit(&mut child).success());
    let text = std::fs::read_to_string(&log_path).expect("the log");
    let _ = std::fs::remove_file(&log_path);
    assert!(
        !text.contains('\u{1b}'),
        "no ANSI escapes off a terminal: {text}"
    );
    let lines: Vec<serde_json::Value> = text
        .lines()
        .filter(|l| l.contains("log-test-1"))
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len(), 1, "one line per request: {text}");
    let fields = &lines[0]["fields"];
    assert_eq!(fields["tenant"], "default", "{fields}");
    assert_eq!(fields["provider"], "interlace");
    assert_eq!(fields["method"], "GET");
    assert_eq!(fields["path"], "/open-api/v3/cards/wallets");
    assert_eq!(fields["status"], status);
    assert_eq!(lines[0]["level"], "INFO");
    assert!(fields["duration_ms"].is_number(), "{fields}");
}
