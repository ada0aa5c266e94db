//! The session store against real Redis: round trips, every pool kind, the
//! L1 cache's invalidation, revocation, and every kind of bad blob.

use std::sync::Arc;
use std::time::{Duration, Instant};

use mcp_perf::crypto::{EnvelopeError, KeyRing};
use mcp_perf::harness::redis::{RedisInstance, RedisSource};
use mcp_perf::session::fixtures::session_of_size;
use mcp_perf::session::{
    CacheSettings, PoolKind, PoolSettings, RedisSessionStore, Session, StoreError, StoreSettings,
    TokenHash, unix_now,
};
use redis::AsyncCommands;

struct Fixture {
    redis: RedisInstance,
    keys: Arc<KeyRing>,
}

impl Fixture {
    async fn new() -> Self {
        let redis = RedisInstance::start_from(RedisSource::ChildProcess)
            .await
            .expect("the session store tests need redis-server: run scripts/setup.sh");
        Self {
            redis,
            keys: Arc::new(KeyRing::ephemeral()),
        }
    }

    async fn store(&self, settings: StoreSettings) -> RedisSessionStore {
        RedisSessionStore::connect(self.redis.url(), self.keys.clone(), &settings)
            .await
            .expect("store connects")
    }

    async fn raw(&self) -> redis::aio::MultiplexedConnection {
        let client = redis::Client::open(self.redis.url()).unwrap();
        client.get_multiplexed_async_connection().await.unwrap()
    }
}

fn without_l1() -> StoreSettings {
    StoreSettings {
        cache: CacheSettings {
            enabled: false,
            ..CacheSettings::default()
        },
        ..StoreSettings::default()
    }
}

fn session_for(user: &str) -> Session {
    Session {
        user_id: user.into(),
        ..session_of_size(300)
    }
}

#[tokio::test]
async fn every_pool_kind_round_trips_small_and_compressed_sessions() {
    let fixture = Fixture::new().await;

    for kind in [
        PoolKind::Multiplexed,
        PoolKind::Deadpool,
        PoolKind::Bb8,
        PoolKind::Unpooled,
    ] {
        let pool = PoolSettings {
            kind,
            min_idle: 2,
            ..PoolSettings::default()
        };
        let store = fixture
            .store(StoreSettings {
                pool,
                ..without_l1()
            })
            .await;

        for size in [200, 8192] {
            let hash = TokenHash::of(&format!("{kind:?}-{size}"));
            let session = session_of_size(size);
            store.save(&hash, &session).await.unwrap();

            let loaded = store
                .load(&hash)
                .await
                .unwrap()
                .expect("saved session loads");
            assert_eq!(*loaded, session, "{kind:?} at {size} bytes");
        }
    }
}

#[tokio::test]
async fn another_process_with_the_same_keys_reads_the_session() {
    let fixture = Fixture::new().await;
    let writer = fixture.store(StoreSettings::default()).await;
    let reader = fixture.store(StoreSettings::default()).await;
    let hash = TokenHash::of("shared");

    writer.save(&hash, &session_for("alice")).await.unwrap();

    assert_eq!(reader.load(&hash).await.unwrap().unwrap().user_id, "alice");
}

#[tokio::test]
async fn stores_under_the_token_hash_with_the_sessions_lifetime_as_ttl() {
    let fixture = Fixture::new().await;
    let store = fixture.store(StoreSettings::default()).await;
    let token = "bearer-token-value-never-stored";
    let mut session = session_for("alice");
    session.expires_at = unix_now() + 120;

    store.save(&TokenHash::of(token), &session).await.unwrap();

    let mut raw = fixture.raw().await;
    let key = store.session_key(&TokenHash::of(token));
    let ttl: i64 = raw.ttl(&key).await.unwrap();
    assert!((115..=120).contains(&ttl), "ttl {ttl}");

    let blob: Vec<u8> = raw.get(&key).await.unwrap();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg("*")
        .query_async(&mut raw)
        .await
        .unwrap();
    assert!(!keys.iter().any(|k| k.contains(token)), "{keys:?}");
    assert!(!blob.windows(token.len()).any(|w| w == token.as_bytes()));
    assert!(
        !blob.windows(5).any(|w| w == b"alice"),
        "blob holds plaintext"
    );
}

#[tokio::test]
async fn refuses_to_save_an_expired_session() {
    let fixture = Fixture::new().await;
    let store = fixture.store(StoreSettings::default()).await;
    let mut session = session_for("alice");
    session.expires_at = unix_now() - 1;

    let error = store.save(&TokenHash::of("t"), &session).await.unwrap_err();
    assert!(
        matches!(error, StoreError::AlreadyExpired { .. }),
        "{error}"
    );
}

#[tokio::test]
async fn l1_serves_hits_and_is_invalidated_by_save_and_delete() {
    let fixture = Fixture::new().await;
    let store = fixture.store(StoreSettings::default()).await;
    let hash = TokenHash::of("cached");

    store.save(&hash, &session_for("alice")).await.unwrap();
    store.load(&hash).await.unwrap();
    assert_eq!(store.stats().l1_hits, 1);

    let mut changed = session_for("alice");
    changed.scopes = vec!["only:this".into()];
    store.save(&hash, &changed).await.unwrap();
    assert_eq!(
        store.load(&hash).await.unwrap().unwrap().scopes,
        ["only:this"]
    );

    assert!(store.delete(&hash).await.unwrap());
    assert!(store.load(&hash).await.unwrap().is_none());
    assert!(!store.delete(&hash).await.unwrap());
}

#[tokio::test]
async fn touch_extends_expiry_and_records_activity() {
    let fixture = Fixture::new().await;
    let store = fixture.store(without_l1()).await;
    let hash = TokenHash::of("touched");
    let mut session = session_for("alice");
    session.expires_at = unix_now() + 60;
    session.last_activity = 0;
    store.save(&hash, &session).await.unwrap();

    let touched = store
        .touch(&hash, Duration::from_secs(3600))
        .await
        .unwrap()
        .unwrap();

    assert!(touched.expires_at >= unix_now() + 3599);
    assert!(touched.last_activity >= unix_now() - 1);
    assert_eq!(*store.load(&hash).await.unwrap().unwrap(), *touched);
    assert!(
        store
            .touch(&TokenHash::of("absent"), Duration::from_secs(1))
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn revoking_a_user_removes_all_their_sessions_and_no_one_elses() {
    let fixture = Fixture::new().await;
    let store = fixture.store(StoreSettings::default()).await;
    let alice: Vec<_> = (0..3)
        .map(|i| TokenHash::of(&format!("alice-{i}")))
        .collect();
    let bob = TokenHash::of("bob");

    for hash in &alice {
        store.save(hash, &session_for("alice")).await.unwrap();
        store.load(hash).await.unwrap();
    }
    store.save(&bob, &session_for("bob")).await.unwrap();

    assert_eq!(store.revoke_user("alice").await.unwrap(), 3);

    for hash in &alice {
        assert!(
            store.load(hash).await.unwrap().is_none(),
            "L1 or Redis still has {hash:?}"
        );
    }
    assert_eq!(store.load(&bob).await.unwrap().unwrap().user_id, "bob");
    assert_eq!(store.revoke_user("alice").await.unwrap(), 0);
}

/// Writes `blob` under the key of `hash`, as an attacker or a bug would.
async fn plant(fixture: &Fixture, store: &RedisSessionStore, hash: &TokenHash, blob: &[u8]) {
    let mut raw = fixture.raw().await;
    let _: () = raw.set(store.session_key(hash), blob).await.unwrap();
}

async fn stored_blob(fixture: &Fixture, store: &RedisSessionStore, hash: &TokenHash) -> Vec<u8> {
    fixture
        .raw()
        .await
        .get(store.session_key(hash))
        .await
        .unwrap()
}

#[tokio::test]
async fn every_bad_blob_is_a_typed_error_that_is_counted_and_left_in_place() {
    let fixture = Fixture::new().await;
    let store = fixture.store(without_l1()).await;
    let victim = TokenHash::of("victim");
    store.save(&victim, &session_for("victim")).await.unwrap();
    let good = stored_blob(&fixture, &store, &victim).await;

    let mut tampered = good.clone();
    let middle = tampered.len() / 2;
    tampered[middle] ^= 0x40;
    let mut unknown_version = good.clone();
    unknown_version[0] = 9;
    let foreign = KeyRing::ephemeral().seal(store.session_key(&victim).as_bytes(), b"\x20x");

    let cases: [(&str, Vec<u8>); 5] = [
        ("tampered", tampered),
        ("truncated", good[..good.len() - 5].to_vec()),
        ("unknown version", unknown_version),
        ("wrong key", foreign),
        ("garbage", b"not a session at all".to_vec()),
    ];

    for (i, (name, blob)) in cases.iter().enumerate() {
        plant(&fixture, &store, &victim, blob).await;

        let error = store.load(&victim).await.expect_err(name);
        assert!(error.is_corrupt(), "{name}: {error}");
        assert_eq!(
            store.stats().corrupt_blobs,
            i as u64 + 1,
            "{name} not counted"
        );
        assert_eq!(
            &stored_blob(&fixture, &store, &victim).await,
            blob,
            "{name} was touched"
        );
    }
}

#[tokio::test]
async fn a_blob_copied_under_another_token_never_yields_that_session() {
    let fixture = Fixture::new().await;
    let store = fixture.store(without_l1()).await;
    let (alice, mallory) = (TokenHash::of("alice"), TokenHash::of("mallory"));
    store.save(&alice, &session_for("alice")).await.unwrap();

    let blob = stored_blob(&fixture, &store, &alice).await;
    plant(&fixture, &store, &mallory, &blob).await;

    let error = store.load(&mallory).await.unwrap_err();
    assert!(
        matches!(
            error,
            StoreError::Unsealable {
                source: EnvelopeError::Forged,
                ..
            }
        ),
        "{error}"
    );
    assert_eq!(store.load(&alice).await.unwrap().unwrap().user_id, "alice");
}

#[tokio::test]
async fn a_valid_envelope_with_an_undecodable_body_is_a_typed_error() {
    let fixture = Fixture::new().await;
    let store = fixture.store(without_l1()).await;
    let hash = TokenHash::of("odd");
    let key = store.session_key(&hash);

    plant(
        &fixture,
        &store,
        &hash,
        &fixture.keys.seal(key.as_bytes(), b"\x20\xff\xff"),
    )
    .await;

    let error = store.load(&hash).await.unwrap_err();
    assert!(matches!(error, StoreError::Undecodable { .. }), "{error}");
}

/// Redis that never answers: a listener that accepts and stays silent.
async fn silent_redis() -> (tokio::net::TcpListener, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("redis://{}", listener.local_addr().unwrap());
    (listener, url)
}

fn quick_timeout(kind: PoolKind) -> StoreSettings {
    let pool = PoolSettings {
        kind,
        acquire_timeout: Duration::from_millis(300),
        ..PoolSettings::default()
    };
    StoreSettings {
        pool,
        ..without_l1()
    }
}

#[tokio::test]
async fn unreachable_redis_is_an_error_within_the_acquire_timeout_for_every_pool() {
    let closed_port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let (_listener, silent) = silent_redis().await;
    let keys = Arc::new(KeyRing::ephemeral());

    for kind in [
        PoolKind::Multiplexed,
        PoolKind::Deadpool,
        PoolKind::Bb8,
        PoolKind::Unpooled,
    ] {
        for url in [format!("redis://127.0.0.1:{closed_port}"), silent.clone()] {
            let started = Instant::now();
            let attempt = async {
                let store =
                    RedisSessionStore::connect(&url, keys.clone(), &quick_timeout(kind)).await?;
                store.load(&TokenHash::of("t")).await
            };
            let outcome = tokio::time::timeout(Duration::from_secs(10), attempt).await;

            let result = outcome.unwrap_or_else(|_| panic!("{kind:?} against {url} hung"));
            let error = result.expect_err("no redis, no session");
            assert!(error.to_string().contains("127.0.0.1"), "{kind:?}: {error}");
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "{kind:?}: {error}"
            );
        }
    }
}

#[tokio::test]
async fn redis_dying_under_a_live_store_gives_errors_not_hangs() {
    let fixture = Fixture::new().await;
    let store = fixture.store(quick_timeout(PoolKind::Multiplexed)).await;
    let hash = TokenHash::of("t");
    store.save(&hash, &session_for("alice")).await.unwrap();

    drop(fixture);

    let outcome = tokio::time::timeout(Duration::from_secs(10), store.load(&hash)).await;
    let error = outcome.expect("load hung after redis died").unwrap_err();
    assert!(!error.is_corrupt(), "{error}");
    assert!(store.stats().redis_errors >= 1);
}
