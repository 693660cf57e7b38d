//! The README's walkthroughs, run as written (bash, curl and jq) against a fresh sandbox
//! on the embedded default scenario, so the copy-paste text stays true.

use std::process::Command;

use crate::support::TestApp;

/// The first fenced block after `<!-- walkthrough: {name} -->` in the README.
fn walkthrough(name: &str) -> String {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md is readable");
    let marker = format!("<!-- walkthrough: {name} -->");
    let after = readme
        .split_once(&marker)
        .unwrap_or_else(|| panic!("README.md has no {marker}"))
        .1;
    let body = after
        .split_once("```bash\n")
        .expect("a ```bash block follows the marker")
        .1;
    body.split_once("\n```")
        .expect("the block is closed")
        .0
        .to_owned()
}

fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_interlace_onboarding_walkthrough_runs_as_written() {
    for tool in ["bash", "curl", "jq"] {
        assert!(
            have(tool),
            "the README walkthrough needs {tool} on PATH (.ci/run installs it)"
        );
    }
    let script = walkthrough("interlace-onboarding");
    assert!(
        script.starts_with("S=localhost:8080\n"),
        "the walkthrough names its server on its first line"
    );
    let app = TestApp::embedded();
    let addr = app.serve().await;
    let script = script.replacen("S=localhost:8080", &format!("S={addr}"), 1);
    let dir = std::env::temp_dir().join(format!("card-sandbox-walkthrough-{}", addr.port()));
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    let run_dir = dir.clone();
    let output = tokio::task::spawn_blocking(move || {
        Command::new("bash")
            .args(["-euo", "pipefail", "-c", &script])
            .current_dir(&run_dir)
            .output()
    })
    .await
    .expect("the script ran")
    .expect("bash started");
    let _ = std::fs::remove_dir_all(&dir);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the walkthrough failed: {}\nstdout:\n{stdout}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let all: Vec<&str> = stdout.lines().collect();
    assert_eq!(all.len(), 14, "{stdout}");
    assert_eq!(all[0], "ACTIVE", "the first card on the default world");
    let lines = &all[1..];
    assert_eq!(
        &lines[..5],
        ["PENDING", "Passed", "true", "CLOSED", "ACTIVE"]
    );
    assert_eq!(lines[5].len(), 36, "a card id: {}", lines[5]);
    assert_eq!(lines[5], lines[6], "one card for one Idempotency-Key");
    assert_eq!(&lines[7..10], ["CLOSED", "CLOSED", "CLOSED"]);
    assert_eq!(
        lines[10],
        r#"[{"objectType":0,"available":"170.00"},{"objectType":1,"available":"0.00"},{"objectType":2,"available":"105.00"}]"#
    );
    assert_eq!(
        lines[11],
        r#"[{"transactionType":"clearing","status":"CLOSED","billingAmount":"25.00"},{"transactionType":"authorization","status":"CLOSED","billingAmount":"25.00"}]"#
    );
    assert_eq!(lines[12], "true", "the ledger's invariants hold");
}
