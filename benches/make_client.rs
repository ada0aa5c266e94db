//! The Make.com client's own cost: one `get_scenario` through every layer
//! (retry, breaker, per-organization limits, pool, timeout) against the mock
//! answering at 0 ms, beside two floors measured in the same run: the same
//! request through a bare reqwest client, and that plus the typed decode.
//! The gap between `client` and `bare_reqwest_decode` is what the layers add.
//!
//! Run: `cargo bench --bench make_client`.

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use mcp_perf::harness;
use mcp_perf::harness::make_mock::{MOCK_API_TOKEN, MakeMock, MakeMockConfig};
use mcp_perf::make::{MakeClient, MakeClientConfig, RateLimit, ScenarioEnvelope, Zone};

const SCENARIO: u64 = 4_100_011;

/// A client whose limiter is far above what one core can send, so the bench
/// measures the layers' cost rather than the limit.
fn client_for(mock: &MakeMock) -> MakeClient {
    let config = MakeClientConfig {
        base_url_override: Some(mock.base_url()),
        rate_limit: RateLimit {
            requests: 1_000_000,
            window: Duration::from_secs(1),
        },
        ..MakeClientConfig::default()
    };

    MakeClient::new(config).expect("client builds")
}

fn get_scenario_at_0ms(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let mock = runtime
        .block_on(MakeMock::start_with(MakeMockConfig::for_load()))
        .expect("mock starts");
    let client = client_for(&mock);
    let credential = MakeMock::credential(Zone::Eu1);
    let bare = reqwest::Client::new();
    let url = format!("{}/scenarios/{SCENARIO}", mock.base_url());
    let auth = format!("Token {MOCK_API_TOKEN}");

    let bare_get = || async {
        let response = bare
            .get(&url)
            .header("authorization", &auth)
            .send()
            .await
            .expect("mock answers");
        response.bytes().await.expect("body arrives")
    };

    let mut group = c.benchmark_group("make_client/get_scenario_0ms");
    group.bench_function("client", |b| {
        b.iter_custom(|iters| {
            harness::bench::time_sequential(&runtime, iters, || async {
                client
                    .get_scenario(&credential, SCENARIO)
                    .await
                    .expect("ok");
            })
        })
    });
    group.bench_function("bare_reqwest", |b| {
        b.iter_custom(|iters| {
            harness::bench::time_sequential(&runtime, iters, || async {
                bare_get().await;
            })
        })
    });
    group.bench_function("bare_reqwest_decode", |b| {
        b.iter_custom(|iters| {
            harness::bench::time_sequential(&runtime, iters, || async {
                let body = bare_get().await;
                let _: ScenarioEnvelope = serde_json::from_slice(&body).expect("decodes");
            })
        })
    });
    group.finish();
}

criterion_group!(benches, get_scenario_at_0ms);
criterion_main!(benches);
