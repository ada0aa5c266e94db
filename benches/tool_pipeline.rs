//! The MCP tool pipeline end to end, over real sockets: an MCP client
//! (`harness::mcp_client`, one pooled reqwest client) -> axum middleware
//! -> bearer check (Redis-backed session, L1 cache) -> rmcp Streamable HTTP
//! -> `get_scenario` tool -> Make.com client -> the wiremock Make.com.
//!
//! Floors measured beside it, in the same run and process:
//! - `mock_floor`: the same `GET /scenarios/{id}` sent straight to the mock
//!   by the same reqwest client: the mock's own latency.
//! - `healthz`: `GET /healthz` through the same server stack and client:
//!   what HTTP and the middleware cost with no MCP, no auth and no
//!   Make.com.
//!
//! Groups: one call at 0 ms and 20 ms of mock latency; throughput with 10,
//! 50 and 200 calls in flight, stateful and stateless; `initialize` and
//! `tools/list`. Before criterion runs, a summary pass prints the p50/p99
//! overhead above the mock and throughput ratios, measured in one run.
//!
//! The Make.com client's own limits (600 requests per minute and 10 in
//! flight per organization, 20 pooled connections) and the per-IP limit
//! are raised so the bench measures the pipeline, not the limits.
//!
//! Run: `cargo bench --bench tool_pipeline`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput};
use futures::StreamExt;
use mcp_perf::config::Settings;
use mcp_perf::crypto::KeyRing;
use mcp_perf::harness::bench;
use mcp_perf::harness::make_mock::{Latency, MOCK_API_TOKEN, MakeMock, MakeMockConfig};
use mcp_perf::harness::mcp_client::McpClient;
use mcp_perf::harness::oauth_login::{Consent, login};
use mcp_perf::harness::redis::RedisInstance;
use mcp_perf::server::RunningServer;
use serde_json::json;
use tokio::net::TcpListener;
use tokio::runtime::Runtime;

const SCENARIO: u64 = 4_100_011;
const PROTOCOL: &str = "2025-06-18";
const REALISTIC_LATENCY: Duration = Duration::from_millis(20);
const IN_FLIGHT: [usize; 3] = [10, 50, 200];

/// Everything a measurement needs, alive for the whole run.
struct Rig {
    runtime: Runtime,
    mock: MakeMock,
    _redis: RedisInstance,
    servers: [RunningServer; 2],
    http: reqwest::Client,
    stateful: McpClient,
    stateless: McpClient,
    healthz_url: String,
    floor_url: String,
    token: String,
}

impl Rig {
    fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime");
        let (mock, redis, servers, http, stateful, stateless, token) =
            runtime.block_on(startservers());

        let healthz_url = format!("{}/healthz", servers[0].url());
        let floor_url = format!("{}/scenarios/{SCENARIO}", mock.base_url());
        Self {
            runtime,
            mock,
            _redis: redis,
            servers,
            http,
            stateful,
            stateless,
            healthz_url,
            floor_url,
            token,
        }
    }

    fn set_latency(&self, latency: Duration) {
        let latency = match latency.is_zero() {
            true => Latency::None,
            false => Latency::Fixed(latency),
        };
        self.mock.faults().set_latency(latency);
    }

    async fn tool_call(&self, client: &McpClient) {
        let result = client
            .call_tool("get_scenario", json!({ "scenario_id": SCENARIO }))
            .await
            .expect("tools/call");
        assert_eq!(result["isError"], false, "{result}");
    }

    async fn floor(&self) {
        let response = self
            .http
            .get(&self.floor_url)
            .header("authorization", format!("Token {MOCK_API_TOKEN}"))
            .send()
            .await
            .expect("mock answers");
        assert!(response.status().is_success());
        response.bytes().await.expect("mock body");
    }

    async fn healthz(&self) {
        let response = self
            .http
            .get(&self.healthz_url)
            .send()
            .await
            .expect("healthz");
        assert!(response.status().is_success());
        response.bytes().await.expect("healthz body");
    }
}

type Started = (
    MakeMock,
    RedisInstance,
    [RunningServer; 2],
    reqwest::Client,
    McpClient,
    McpClient,
    String,
);

/// The mock, Redis, a stateful and a stateless server on them, a token
/// from the real OAuth flow, and one initialized client per server.
async fn startservers() -> Started {
    let mock = MakeMock::start_with(MakeMockConfig::for_load())
        .await
        .expect("make.com mock");
    let redis = bench::redis().await;
    let keys = Arc::new(KeyRing::ephemeral());

    let mut settings = Settings::default();
    settings.server.rate_limit_per_minute = 1_000_000_000;
    settings.make.base_url = Some(mock.base_url().to_string());
    settings.make.rate_limit_per_minute = 1_000_000_000;
    settings.make.max_in_flight_per_org = 10_000;
    settings.make.pool_size = 512;
    let stateful = launch(&redis, &keys, &settings).await;
    settings.mcp.stateful = false;
    let stateless = launch(&redis, &keys, &settings).await;

    // Both servers share Redis and keys, so one token serves both (the
    // audience is per server URL, so log in at each).
    let consent = Consent {
        scope: "scenarios:read",
        zone: "eu1",
        api_token: MOCK_API_TOKEN,
    };
    let token = login(stateful.url(), &consent).await.expect("login");
    let stateless_token = login(stateless.url(), &consent).await.expect("login");

    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(1024)
        .build()
        .expect("http client");
    let mcp_url = |server: &RunningServer| format!("{}/mcp", server.url());
    let stateful_client = McpClient::connect(http.clone(), &mcp_url(&stateful), &token, PROTOCOL)
        .await
        .expect("initialize");
    let stateless_client = McpClient::connect(
        http.clone(),
        &mcp_url(&stateless),
        &stateless_token,
        PROTOCOL,
    )
    .await
    .expect("initialize");

    (
        mock,
        redis,
        [stateful, stateless],
        http,
        stateful_client,
        stateless_client,
        token,
    )
}

async fn launch(redis: &RedisInstance, keys: &Arc<KeyRing>, settings: &Settings) -> RunningServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    RunningServer::start(listener, redis.url(), Arc::clone(keys), settings)
        .await
        .expect("server starts")
}

/// `iters` calls of `call`, `in_flight` at a time; the wall time.
async fn concurrent<F, Fut>(iters: u64, in_flight: usize, call: F) -> Duration
where
    F: Fn() -> Fut,
    Fut: Future<Output = ()>,
{
    let start = Instant::now();
    futures::stream::iter(0..iters)
        .map(|_| call())
        .buffer_unordered(in_flight)
        .collect::<()>()
        .await;
    start.elapsed()
}

fn one_call(c: &mut Criterion, rig: &Rig) {
    for latency in [Duration::ZERO, REALISTIC_LATENCY] {
        rig.set_latency(latency);
        let name = format!("tool_pipeline/one_call_{}ms", latency.as_millis());
        let mut group = c.benchmark_group(name);
        if !latency.is_zero() {
            group.sample_size(20);
        }

        group.bench_function("tools_call_stateful", |b| {
            b.to_async(&rig.runtime)
                .iter(|| rig.tool_call(&rig.stateful))
        });
        group.bench_function("tools_call_stateless", |b| {
            b.to_async(&rig.runtime)
                .iter(|| rig.tool_call(&rig.stateless))
        });
        group.bench_function("mock_floor", |b| {
            b.to_async(&rig.runtime).iter(|| rig.floor())
        });
        group.finish();
    }
    rig.set_latency(Duration::ZERO);
}

fn in_flight(c: &mut Criterion, rig: &Rig) {
    rig.set_latency(Duration::ZERO);
    let mut group = c.benchmark_group("tool_pipeline/in_flight_0ms");
    group.throughput(Throughput::Elements(1));

    for n in IN_FLIGHT {
        group.bench_with_input(BenchmarkId::new("tools_call_stateful", n), &n, |b, &n| {
            b.iter_custom(|iters| {
                rig.runtime
                    .block_on(concurrent(iters, n, || rig.tool_call(&rig.stateful)))
            })
        });
        group.bench_with_input(BenchmarkId::new("tools_call_stateless", n), &n, |b, &n| {
            b.iter_custom(|iters| {
                rig.runtime
                    .block_on(concurrent(iters, n, || rig.tool_call(&rig.stateless)))
            })
        });
        group.bench_with_input(BenchmarkId::new("healthz", n), &n, |b, &n| {
            b.iter_custom(|iters| rig.runtime.block_on(concurrent(iters, n, || rig.healthz())))
        });
    }
    group.finish();

    rig.set_latency(REALISTIC_LATENCY);
    let mut group = c.benchmark_group("tool_pipeline/in_flight_20ms");
    group.throughput(Throughput::Elements(1));
    group.sample_size(10);
    for n in IN_FLIGHT {
        group.bench_with_input(BenchmarkId::new("tools_call_stateful", n), &n, |b, &n| {
            b.iter_custom(|iters| {
                rig.runtime
                    .block_on(concurrent(iters, n, || rig.tool_call(&rig.stateful)))
            })
        });
        group.bench_with_input(BenchmarkId::new("mock_floor", n), &n, |b, &n| {
            b.iter_custom(|iters| rig.runtime.block_on(concurrent(iters, n, || rig.floor())))
        });
    }
    group.finish();
    rig.set_latency(Duration::ZERO);
}

fn handshake(c: &mut Criterion, rig: &Rig) {
    let mut group = c.benchmark_group("tool_pipeline/handshake");

    group.bench_function("initialize_stateful", |b| {
        b.iter_custom(|iters| {
            rig.runtime.block_on(async {
                let mut sessions = Vec::with_capacity(iters as usize);
                let start = Instant::now();
                for _ in 0..iters {
                    let (_, id) = rig.stateful.initialize().await.expect("initialize");
                    sessions.push(id.expect("a session id"));
                }
                let elapsed = start.elapsed();
                close_sessions(rig, &sessions).await;
                elapsed
            })
        })
    });
    group.bench_function("initialize_stateless", |b| {
        b.to_async(&rig.runtime).iter(|| async {
            rig.stateless.initialize().await.expect("initialize");
        })
    });
    group.bench_function("tools_list_stateful", |b| {
        b.to_async(&rig.runtime).iter(|| async {
            rig.stateful.list_tools().await.expect("tools/list");
        })
    });
    group.bench_function("tools_list_stateless", |b| {
        b.to_async(&rig.runtime).iter(|| async {
            rig.stateless.list_tools().await.expect("tools/list");
        })
    });
    group.bench_function("healthz", |b| {
        b.to_async(&rig.runtime).iter(|| rig.healthz())
    });
    group.finish();
}

/// Ends the sessions a measurement opened, outside its timing, so the
/// session cap is never what a later sample measures.
async fn close_sessions(rig: &Rig, sessions: &[String]) {
    let url = format!("{}/mcp", rig.servers[0].url());
    futures::stream::iter(sessions)
        .map(|id| {
            rig.http
                .delete(&url)
                .bearer_auth(&rig.token)
                .header("mcp-session-id", id)
                .send()
        })
        .buffer_unordered(32)
        .collect::<Vec<_>>()
        .await;
}

fn main() {
    let rig = Rig::start();
    summary::run(&rig);

    let mut criterion = Criterion::default().configure_from_args();
    one_call(&mut criterion, &rig);
    in_flight(&mut criterion, &rig);
    handshake(&mut criterion, &rig);
    criterion.final_summary();
}

/// The figures the issue asks for, as ratios from one run: latency
/// percentiles of paired sequential calls (tool, then floor) and
/// throughput over a fixed time.
mod summary {
    use super::*;

    const PAIRS_0MS: usize = 2_000;
    const PAIRS_20MS: usize = 300;
    const THROUGHPUT_WINDOW: Duration = Duration::from_secs(3);

    pub fn run(rig: &Rig) {
        println!("tool_pipeline summary (one run, this machine)");
        for (latency, pairs) in [(Duration::ZERO, PAIRS_0MS), (REALISTIC_LATENCY, PAIRS_20MS)] {
            rig.set_latency(latency);
            rig.runtime.block_on(paired_latency(rig, latency, pairs));
        }
        rig.set_latency(Duration::ZERO);
        rig.runtime.block_on(throughput(rig));
    }

    async fn paired_latency(rig: &Rig, latency: Duration, pairs: usize) {
        let mut tool = Vec::with_capacity(pairs);
        let mut floor = Vec::with_capacity(pairs);
        for _ in 0..pairs / 10 {
            rig.tool_call(&rig.stateful).await;
        }
        for _ in 0..pairs {
            let start = Instant::now();
            rig.floor().await;
            floor.push(start.elapsed());
            let start = Instant::now();
            rig.tool_call(&rig.stateful).await;
            tool.push(start.elapsed());
        }

        let (t50, t99) = (percentile(&mut tool, 0.50), percentile(&mut tool, 0.99));
        let (f50, f99) = (percentile(&mut floor, 0.50), percentile(&mut floor, 0.99));
        println!(
            "  mock {:>2} ms, {pairs} pairs: tools/call p50 {} p99 {}; mock floor p50 {} p99 {}; \
             overhead p50 {} p99 {}",
            latency.as_millis(),
            ms(t50),
            ms(t99),
            ms(f50),
            ms(f99),
            ms(t50.saturating_sub(f50)),
            ms(t99.saturating_sub(f99)),
        );
    }

    async fn throughput(rig: &Rig) {
        let sequential_tool = rate(1, || rig.tool_call(&rig.stateful)).await;
        let sequential_health = rate(1, || rig.healthz()).await;
        println!(
            "  one client, sequential: tools/call {sequential_tool:.0}/s, /healthz \
             {sequential_health:.0}/s, ratio {:.3}; published rmcp figure 3500/s on one \
             laptop core: ratio {:.2}",
            sequential_tool / sequential_health,
            sequential_tool / 3500.0,
        );
        for n in IN_FLIGHT {
            let stateful = rate(n, || rig.tool_call(&rig.stateful)).await;
            let stateless = rate(n, || rig.tool_call(&rig.stateless)).await;
            let health = rate(n, || rig.healthz()).await;
            println!(
                "  {n:>3} in flight: tools/call stateful {stateful:.0}/s, stateless \
                 {stateless:.0}/s, /healthz {health:.0}/s; stateful/healthz {:.3}, \
                 stateless/stateful {:.2}, stateful/rmcp-3500 {:.2}",
                stateful / health,
                stateless / stateful,
                stateful / 3500.0,
            );
        }
    }

    /// Completed calls per second with `in_flight` at a time, over the
    /// window.
    async fn rate<F, Fut>(in_flight: usize, call: F) -> f64
    where
        F: Fn() -> Fut,
        Fut: Future<Output = ()>,
    {
        let start = Instant::now();
        let done = futures::stream::iter(0..)
            .take_while(|_| std::future::ready(start.elapsed() < THROUGHPUT_WINDOW))
            .map(|_| call())
            .buffer_unordered(in_flight)
            .count()
            .await;
        done as f64 / start.elapsed().as_secs_f64()
    }

    fn percentile(samples: &mut [Duration], q: f64) -> Duration {
        samples.sort_unstable();
        let index = ((samples.len() as f64 - 1.0) * q).round() as usize;
        samples[index]
    }

    fn ms(duration: Duration) -> String {
        format!("{:.3} ms", duration.as_secs_f64() * 1e3)
    }
}
