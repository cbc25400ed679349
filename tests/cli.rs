#![cfg(not(target_arch = "wasm32"))]
//! The `shop-recs` binary: the success paths, and errors as one line on stderr.

use std::path::PathBuf;
use std::process::{Command, Output};

const CATALOG: &str = r#"{"products": [
  {"slug": "red-lipstick", "name": "Red Lipstick", "category": "beauty",
   "tags": ["makeup"], "description": "A matte red lipstick that lasts all day."},
  {"slug": "claw-hammer", "name": "Claw Hammer", "category": "tools",
   "tags": ["hand tool"], "description": "A steel claw hammer with a rubber grip."},
  {"slug": "red-nail-polish", "name": "Red Nail Polish", "category": "beauty",
   "tags": ["makeup"], "description": "A glossy red nail polish that lasts all week."}
]}"#;

/// Writes `contents` to a file of its own in cargo's temporary folder for tests.
fn temp_file(name: &str, contents: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{name}"));
    std::fs::write(&path, contents).expect("write a temporary catalog");
    path
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shop-recs"))
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("run shop-recs")
}

/// Runs the CLI and asserts that it succeeded, showing its stderr if not.
fn run_ok(args: &[&str]) -> Output {
    let output = run(args);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Asserts a failure: non-zero status, one line on stderr mentioning `needle`, no panic.
fn assert_fails_with(output: &Output, needle: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success(),
        "expected a failure, stderr: {stderr}"
    );
    assert_eq!(
        stderr.lines().count(),
        1,
        "expected one line on stderr, got: {stderr:?}"
    );
    assert!(stderr.starts_with("error: "), "{stderr:?}");
    assert!(stderr.contains(needle), "expected {needle:?} in {stderr:?}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("backtrace"),
        "{stderr:?}"
    );
    assert!(output.stdout.is_empty(), "nothing on stdout on failure");
}

#[test]
fn recommend_prints_the_ranking_and_the_time() {
    let catalog = temp_file("ok.json", CATALOG);
    let output = run_ok(&[
        "recommend",
        "--catalog",
        catalog.to_str().unwrap(),
        "--product",
        "red-lipstick",
    ]);
    let stdout = String::from_utf8(output.stdout).unwrap();
    // The nail polish shares {red, makeup, beauty} and much of the description.
    let first = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("1 "))
        .expect("a rank 1 row");
    assert!(first.contains("red-nail-polish"), "{stdout}");
    assert!(
        stdout
            .lines()
            .any(|l| l.trim_start().starts_with("2 ") && l.contains("claw-hammer"))
    );
    assert!(
        stdout.contains("signatures and scoring") && stdout.contains(" ms"),
        "{stdout}"
    );
}

#[test]
fn recommend_json_is_one_object_with_the_ranking() {
    let catalog = temp_file("json.json", CATALOG);
    let path = catalog.to_str().unwrap();
    for mode in ["serial", "parallel"] {
        let output = run_ok(&[
            "recommend",
            "--catalog",
            path,
            "--product",
            "claw-hammer",
            "--mode",
            mode,
            "--threads",
            "2",
            "--iterations",
            "64",
            "--top",
            "1",
            "--json",
        ]);
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
        assert_eq!(report["mode"], mode);
        assert_eq!(report["iterations"], 64);
        assert_eq!(report["candidates"], 2);
        assert_eq!(report["target"]["id"], "claw-hammer");
        let ranking = report["recommendations"].as_array().unwrap();
        assert_eq!(ranking.len(), 1);
        assert_eq!(ranking[0]["rank"], 1);
        assert!(report["timings_ms"]["total"].as_f64().unwrap() >= 0.0);
    }
}

#[test]
fn recommend_timeline_writes_every_candidate_once_per_branch() {
    let catalog = temp_file("timeline.json", CATALOG);
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-timeline-out.json");
    let _ = std::fs::remove_file(&out);
    let output = run_ok(&[
        "recommend",
        "--catalog",
        catalog.to_str().unwrap(),
        "--product",
        "claw-hammer",
        "--threads",
        "2",
        "--iterations",
        "64",
        "--timeline",
        out.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("timeline: ") && stdout.contains("instrumentation overhead"),
        "{stdout}"
    );
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&out).expect("the timeline file")).expect("JSON");
    assert_eq!(report["threads"], 2);
    assert_eq!(report["candidates"], 2);
    assert_eq!(report["identical_to_serial"], true);
    for branch in ["text", "attribute"] {
        let spans = report["spans"][branch].as_array().expect("spans");
        // The candidates are catalog indices 0 and 2 (1 is the target), each once.
        let mut indices: Vec<u64> = spans.iter().map(|s| s[0].as_u64().unwrap()).collect();
        indices.sort();
        assert_eq!(indices, [0, 2], "{branch}");
        for span in spans {
            assert!(
                span[1].as_u64().unwrap() < 2,
                "{branch}: thread in the pool"
            );
            assert!(span[2].as_f64().unwrap() <= span[3].as_f64().unwrap());
        }
    }
    let rows = report["per_thread"].as_array().unwrap();
    let sum = |key: &str| rows.iter().map(|r| r[key].as_u64().unwrap()).sum::<u64>();
    assert_eq!(
        (sum("text_candidates"), sum("attribute_candidates")),
        (2, 2)
    );
    assert!(report["overhead"]["ratio"].as_f64().unwrap() > 0.0);
}

#[test]
fn recommend_on_a_generated_catalog_defaults_to_its_first_product() {
    let output = run_ok(&[
        "recommend",
        "--generate",
        "30",
        "--seed",
        "7",
        "--iterations",
        "32",
        "--json",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(report["catalog"], "generated catalog (seed 7)");
    assert_eq!(report["target"]["index"], 0);
    assert_eq!(report["candidates"], 29);
    let neither = run(&["recommend", "--product", "x"]);
    assert!(!neither.status.success());
    assert!(String::from_utf8_lossy(&neither.stderr).contains("--catalog"));
}

#[test]
fn generate_prints_the_catalog_that_generate_n_scores() {
    let output = run_ok(&["generate", "--n", "25", "--seed", "9"]);
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    let parsed = shop_recs::parse_catalog(&text).expect("a catalog the parser takes");
    let generated = shop_recs::generate::generate(25, 9).expect("generated");
    assert_eq!(parsed, generated, "the same tables, byte for byte");
    assert_fails_with(
        &run(&["generate", "--n", "0"]),
        "cannot generate the catalog",
    );
}

#[test]
fn an_unwritable_timeline_file_is_one_line() {
    let catalog = temp_file("timeline-bad.json", CATALOG);
    let output = run(&[
        "recommend",
        "--catalog",
        catalog.to_str().unwrap(),
        "--product",
        "claw-hammer",
        "--timeline",
        "/nonexistent-folder/timeline.json",
    ]);
    assert_fails_with(&output, "cannot write /nonexistent-folder/timeline.json");
}

#[test]
fn bench_reports_both_modes_and_the_speedup() {
    let catalog = temp_file("bench.json", CATALOG);
    let output = run_ok(&[
        "bench",
        "--catalog",
        catalog.to_str().unwrap(),
        "--runs",
        "3",
        "--iterations",
        "50",
        "--threads",
        "2",
        "--json",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    // Default target: the first product.
    assert_eq!(report["target"], "red-lipstick");
    assert_eq!(report["threads"], 2);
    assert_eq!(report["candidates"], 2);
    assert_eq!(report["serial_ms"]["runs"].as_array().unwrap().len(), 3);
    assert_eq!(report["parallel_ms"]["runs"].as_array().unwrap().len(), 3);
    let (median, min) = (
        report["serial_ms"]["median"].as_f64().unwrap(),
        report["serial_ms"]["min"].as_f64().unwrap(),
    );
    assert!(min <= median);
    assert!(report["speedup"].as_f64().unwrap() > 0.0);
    // The page's verdict rule, checked against the report's own figures (no timing is
    // assumed): under 25 ms both ways is too small; else the run-by-run spread decides.
    let (low, high) = (
        report["verdict"]["low"].as_f64().unwrap(),
        report["verdict"]["high"].as_f64().unwrap(),
    );
    assert!(
        0.0 < low && low <= high,
        "the run-by-run spread {low}..{high}"
    );
    let longest = median.max(report["parallel_ms"]["median"].as_f64().unwrap());
    let expected = if longest < 25.0 {
        "too-small"
    } else if low > 1.0 {
        "faster"
    } else if high < 1.0 {
        "slower"
    } else {
        "no-clear-difference"
    };
    assert_eq!(report["verdict"]["verdict"], expected, "{report}");
    assert_eq!(report["ranking"][0]["id"], "red-nail-polish");

    let output = run_ok(&[
        "bench",
        "--generate",
        "30",
        "--runs",
        "1",
        "--iterations",
        "20",
    ]);
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains("speedup") && stdout.contains("30 products"),
        "{stdout}"
    );
}

#[test]
fn bench_can_time_one_mode_with_a_chosen_kernel() {
    let catalog = temp_file("bench-kernel.json", CATALOG);
    let output = run_ok(&[
        "bench",
        "--catalog",
        catalog.to_str().unwrap(),
        "--runs",
        "2",
        "--iterations",
        "40",
        "--only",
        "serial",
        "--kernel",
        "portable",
        "--json",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(report["kernel"], "portable");
    assert_eq!(report["serial_ms"]["runs"].as_array().unwrap().len(), 2);
    assert!(report["parallel_ms"].is_null());
    assert!(report["speedup"].is_null());
    assert_eq!(report["rankings_equal"], true);
    let word_bytes = report["word_bytes"].as_u64().unwrap();
    assert!(word_bytes > 0);
    assert_eq!(
        report["byte_steps"].as_f64().unwrap(),
        (word_bytes * 40) as f64
    );
    assert!(report["serial_ms"]["ns_per_byte_step"].as_f64().unwrap() > 0.0);

    assert_fails_with(
        &run(&[
            "bench",
            "--generate",
            "5",
            "--kernel",
            "sse9",
            "--runs",
            "1",
        ]),
        "--kernel sse9 is not available",
    );
}

#[test]
fn bench_ceiling_times_every_thread_scoring_the_whole_catalog() {
    let output = run_ok(&[
        "bench",
        "--generate",
        "40",
        "--runs",
        "3",
        "--iterations",
        "30",
        "--threads",
        "3",
        "--ceiling",
        "--json",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    // One round per timed run, one time per pool thread in each.
    let rounds = report["every_thread_ms"]
        .as_array()
        .expect("every_thread_ms");
    assert_eq!(rounds.len(), 3);
    for round in rounds {
        let times = round.as_array().unwrap();
        assert_eq!(times.len(), 3, "{round}");
        assert!(times.iter().all(|t| t.as_f64().unwrap() > 0.0), "{round}");
    }

    // Without --ceiling there is no such field, and the text form names it only with it.
    let output = run_ok(&["bench", "--generate", "20", "--runs", "1", "--json"]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert!(report["every_thread_ms"].is_null());
    let output = run(&[
        "bench",
        "--generate",
        "20",
        "--runs",
        "1",
        "--threads",
        "2",
        "--ceiling",
    ]);
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("every thread at once"), "{stdout}");
    // The verdict in words, as the page words it: one run gives no spread to judge by.
    assert!(
        stdout.contains("verdict:  too small to measure: the runs take under 25 ms")
            || stdout
                .contains("verdict:  no clear difference: 1 run gives no spread; 3 or more do"),
        "{stdout}"
    );
}

#[test]
fn kernel_times_every_kernel_against_the_naive_reference() {
    let output = run(&[
        "kernel",
        "--generate",
        "10",
        "--iterations",
        "30",
        "--runs",
        "1",
        "--json",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(report["signatures_equal"], true);
    assert_eq!(report["iterations"], 30);
    let kernels = report["kernels"].as_array().unwrap();
    assert_eq!(kernels[0]["name"], "portable");
    let detected = report["detected"].as_str().unwrap();
    assert!(kernels.iter().any(|k| k["name"] == detected));
    assert!(report["naive_ns_per_byte_step"].as_f64().unwrap() > 0.0);

    assert_fails_with(
        &run(&["kernel", "--iterations", "0", "--runs", "1"]),
        "between 1 and 100000",
    );
}

#[test]
fn missing_file_is_one_line() {
    let missing = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-no-such-file.json");
    let output = run(&[
        "recommend",
        "--catalog",
        missing.to_str().unwrap(),
        "--product",
        "x",
    ]);
    assert_fails_with(&output, "cli-no-such-file.json");
}

#[test]
fn invalid_json_names_line_and_column() {
    let catalog = temp_file(
        "broken.json",
        "{\"products\": [\n  {\"slug\": \"a\",, }\n]}",
    );
    let output = run(&[
        "recommend",
        "--catalog",
        catalog.to_str().unwrap(),
        "--product",
        "a",
    ]);
    assert_fails_with(&output, "line 2, column");
}

#[test]
fn unknown_product_is_one_line() {
    let catalog = temp_file("unknown.json", CATALOG);
    let path = catalog.to_str().unwrap();
    let output = run(&["recommend", "--catalog", path, "--product", "blue-lipstick"]);
    assert_fails_with(&output, "\"blue-lipstick\"");
    let output = run(&[
        "bench",
        "--catalog",
        path,
        "--product",
        "blue-lipstick",
        "--runs",
        "1",
    ]);
    assert_fails_with(&output, "\"blue-lipstick\"");
}

#[test]
fn bad_numbers_are_one_line() {
    let catalog = temp_file("numbers.json", CATALOG);
    let path = catalog.to_str().unwrap();
    let base = ["recommend", "--catalog", path, "--product", "red-lipstick"];
    for (extra, needle) in [
        (["--iterations", "0"], "between 1 and 100000"),
        (["--iterations", "100001"], "between 1 and 100000"),
        (["--iterations", "many"], "--iterations"),
        (["--top", "0"], "between 1 and 1000"),
        (["--threads", "0"], "--threads"),
        (["--mode", "fast"], "--mode"),
    ] {
        let args: Vec<&str> = base.iter().chain(&extra).copied().collect();
        assert_fails_with(&run(&args), needle);
    }
    assert_fails_with(&run(&["bench", "--generate", "0"]), "no products");
    assert_fails_with(&run(&["bench"]), "--generate");
    assert_fails_with(&run(&[]), "subcommand");
}
