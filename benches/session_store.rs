//! The session store against real Redis, each optimisation on and off, with
//! the physical floor beside it: a raw `GET` of the same bytes through the
//! same connection pool.
//!
//! Groups:
//! - `session_load`: L1 hit; Redis load (L1 off) with each pool kind and
//!   with compression off; the raw-GET floor.
//! - `session_save`: save with the defaults, with compression off, unpooled.
//! - `pool_concurrent`: 32 loads in flight, per pool kind.

use std::sync::Arc;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use futures::future::join_all;
use mcp_perf::crypto::KeyRing;
use mcp_perf::harness;
use mcp_perf::harness::redis::RedisInstance;
use mcp_perf::session::fixtures::session_of_size;
use mcp_perf::session::{
    CacheSettings, Compression, PoolKind, PoolSettings, RedisSessionStore, SessionCodec,
    StoreSettings, TokenHash,
};
use tokio::runtime::Runtime;

/// A session above the 1 KiB threshold, so compression matters.
const SESSION_BYTES: usize = 2048;
const POOLS: [PoolKind; 4] = [
    PoolKind::Multiplexed,
    PoolKind::Deadpool,
    PoolKind::Bb8,
    PoolKind::Unpooled,
];

struct Bench {
    runtime: Runtime,
    redis: RedisInstance,
    keys: Arc<KeyRing>,
}

impl Bench {
    fn new(runtime: Runtime) -> Self {
        let redis = runtime.block_on(harness::bench::redis());
        Self {
            runtime,
            redis,
            keys: Arc::new(KeyRing::ephemeral()),
        }
    }

    /// A store with `settings`, holding one saved session under `token`.
    fn store(&self, settings: StoreSettings, token: &str) -> RedisSessionStore {
        self.runtime.block_on(async {
            let store = RedisSessionStore::connect(self.redis.url(), self.keys.clone(), &settings)
                .await
                .expect("benchmark store connects");
            let session = session_of_size(SESSION_BYTES);
            store
                .save(&TokenHash::of(token), &session)
                .await
                .expect("benchmark session saves");
            store
        })
    }
}

fn settings(kind: PoolKind, l1: bool, compression: Compression) -> StoreSettings {
    StoreSettings {
        pool: PoolSettings {
            kind,
            ..PoolSettings::default()
        },
        cache: CacheSettings {
            enabled: l1,
            ..CacheSettings::default()
        },
        codec: SessionCodec {
            compression,
            ..SessionCodec::default()
        },
        ..StoreSettings::default()
    }
}

fn current_thread() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

fn load(c: &mut Criterion) {
    let bench = Bench::new(current_thread());
    let hash = TokenHash::of("load");
    let mut group = c.benchmark_group("session_load");

    let cached = bench.store(
        settings(PoolKind::Multiplexed, true, Compression::Lz4),
        "load",
    );
    bench
        .runtime
        .block_on(cached.load(&hash))
        .expect("warm the L1");
    group.bench_function("l1_hit", |b| {
        b.to_async(&bench.runtime)
            .iter(|| async { cached.load(&hash).await.expect("l1 hit") })
    });

    for kind in POOLS {
        let store = bench.store(settings(kind, false, Compression::Lz4), "load");
        let name = format!("{kind:?}").to_lowercase();
        group.bench_function(BenchmarkId::new("redis", &name), |b| {
            b.to_async(&bench.runtime)
                .iter(|| async { store.load(&hash).await.expect("load") })
        });
    }

    let plain = bench.store(
        settings(PoolKind::Multiplexed, false, Compression::None),
        "plain",
    );
    let plain_hash = TokenHash::of("plain");
    group.bench_function("redis_uncompressed", |b| {
        b.to_async(&bench.runtime)
            .iter(|| async { plain.load(&plain_hash).await.expect("load") })
    });

    let key = cached.session_key(&hash);
    group.bench_function("raw_get_floor", |b| {
        b.to_async(&bench.runtime).iter(|| async {
            let mut connection = cached.pool().get().await.expect("connection");
            let blob: Vec<u8> = redis::cmd("GET")
                .arg(&key)
                .query_async(&mut connection)
                .await
                .expect("get");
            blob
        })
    });
    group.finish();
}

fn save(c: &mut Criterion) {
    let bench = Bench::new(current_thread());
    let session = session_of_size(SESSION_BYTES);
    let hash = TokenHash::of("save");
    let mut group = c.benchmark_group("session_save");

    let variants = [
        (
            "default",
            settings(PoolKind::Multiplexed, true, Compression::Lz4),
        ),
        (
            "uncompressed",
            settings(PoolKind::Multiplexed, true, Compression::None),
        ),
        (
            "unpooled",
            settings(PoolKind::Unpooled, true, Compression::Lz4),
        ),
    ];
    for (name, settings) in variants {
        let store = bench.store(settings, "save");
        group.bench_function(name, |b| {
            b.to_async(&bench.runtime)
                .iter(|| async { store.save(&hash, &session).await.expect("save") })
        });
    }
    group.finish();
}

fn concurrent(c: &mut Criterion) {
    const IN_FLIGHT: usize = 32;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let bench = Bench::new(runtime);
    let hash = TokenHash::of("load");
    let mut group = c.benchmark_group("pool_concurrent");
    group.throughput(Throughput::Elements(IN_FLIGHT as u64));
    group.measurement_time(Duration::from_secs(4));

    for kind in POOLS.into_iter().filter(|kind| *kind != PoolKind::Unpooled) {
        let store = bench.store(settings(kind, false, Compression::Lz4), "load");
        let name = format!("{kind:?}").to_lowercase();
        group.bench_function(BenchmarkId::new("load_x32", name), |b| {
            b.to_async(&bench.runtime).iter(|| async {
                let loads = (0..IN_FLIGHT).map(|_| {
                    let store = store.clone();
                    tokio::spawn(async move { store.load(&hash).await.expect("load") })
                });
                join_all(loads).await
            })
        });
    }
    group.finish();
}

criterion_group!(benches, load, save, concurrent);
criterion_main!(benches);
