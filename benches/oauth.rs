//! The OAuth flows end to end, on a loopback socket with real Redis, and
//! the same flows split into their parts so a report can say where the
//! time goes.
//!
//! Group `oauth` (over HTTP, one keep-alive client):
//! - `healthz`: the floor, the same stack without Redis or crypto;
//! - `protected_l1_hit` / `protected_l1_miss`: `GET /mcp/whoami`, the
//!   session in the L1 cache, or read from Redis (a second server on the
//!   same Redis with its L1 cache off);
//! - `authorize`: the consent POST and the code exchange;
//! - `refresh`: one refresh token rotation.
//!
//! Group `oauth_split` (no HTTP):
//! - `authorize_service` / `refresh_service`: the same flows called on the
//!   [`AuthorizationServer`], so HTTP = `oauth` minus these;
//! - `authorize_crypto` / `refresh_crypto`: only the flows' crypto (token
//!   generation, SHA-256, PKCE, serialization and AES-GCM), so Redis and
//!   bookkeeping = service minus crypto;
//! - `authenticate_l1_hit` / `authenticate_l1_miss`: the bearer check alone;
//! - `redis_ping`: one round trip through the same pool, the unit the
//!   flows' round trips (authorize 3, refresh 3) are counted in.
//!
//! Redis comes from the harness; without one the bench fails, never skips.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use mcp_perf::config::Settings;
use mcp_perf::crypto::KeyRing;
use mcp_perf::harness;
use mcp_perf::harness::redis::RedisInstance;
use mcp_perf::make::{MakeCredential, Zone};
use mcp_perf::oauth::code::CodeGrant;
use mcp_perf::oauth::family::{FamilyGrant, IssuedPair, RefreshLookup, Rotation};
use mcp_perf::oauth::{AuthorizationServer, CodeChallenge, OpaqueToken, Params};
use mcp_perf::server::RunningServer;
use mcp_perf::session::{Session, SessionCodec, TokenHash, unix_now};
use tokio::net::TcpListener;
use tokio::runtime::Runtime;

const REDIRECT_URI: &str = "http://127.0.0.1:9/callback";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

/// The servers, a client, and the ids the flows need.
struct Bed {
    _redis: RedisInstance,
    server: RunningServer,
    uncached: RunningServer,
    http: reqwest::Client,
    client_id: String,
    access: String,
    refresh: Mutex<String>,
    service_refresh: Mutex<String>,
}

impl Bed {
    async fn start() -> Self {
        let redis = harness::bench::redis().await;
        let keys = Arc::new(KeyRing::ephemeral());
        let mut settings = Settings::default();
        settings.server.rate_limit_per_minute = u32::MAX;
        let server = launch(&redis, keys.clone(), &settings).await;

        settings.server.public_url = Some(server.url().to_string());
        settings.store.cache.enabled = false;
        let uncached = launch(&redis, keys, &settings).await;

        // Criterion pauses between functions while it analyses; a pooled
        // connection must expire in the client before the server's 5 s
        // keep-alive closes it, or the next request races the close.
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .pool_idle_timeout(Duration::from_secs(2))
            .build()
            .unwrap();
        let client_id = register(&http, server.url()).await;
        let mut bed = Self {
            _redis: redis,
            server,
            uncached,
            http,
            client_id,
            access: String::new(),
            refresh: Mutex::default(),
            service_refresh: Mutex::default(),
        };
        let tokens = bed.authorize().await;
        bed.access = tokens["access_token"].as_str().unwrap().to_string();
        *bed.refresh.lock().unwrap() = tokens["refresh_token"].as_str().unwrap().into();
        let tokens = bed.authorize().await;
        *bed.service_refresh.lock().unwrap() = tokens["refresh_token"].as_str().unwrap().into();
        bed
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.url())
    }

    fn authorize_form(&self) -> Vec<(&'static str, String)> {
        vec![
            ("response_type", "code".into()),
            ("client_id", self.client_id.clone()),
            ("redirect_uri", REDIRECT_URI.into()),
            (
                "code_challenge",
                CodeChallenge::of_verifier(VERIFIER).as_str().into(),
            ),
            ("code_challenge_method", "S256".into()),
            ("state", "bench".into()),
            ("scope", "scenarios:read".into()),
            ("zone", "eu1".into()),
            ("api_token", "make-api-token-0123456789".into()),
            ("decision", "approve".into()),
        ]
    }

    /// Consent POST, then the code exchange, over HTTP.
    async fn authorize(&self) -> serde_json::Value {
        let consent = self
            .http
            .post(self.url("/authorize"))
            .form(&self.authorize_form())
            .send()
            .await
            .unwrap();
        let location = consent.headers()["location"].to_str().unwrap();
        let code = url::Url::parse(location)
            .unwrap()
            .query_pairs()
            .find(|(k, _)| k == "code")
            .unwrap()
            .1
            .into_owned();

        let exchange = [
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT_URI),
            ("client_id", &self.client_id),
            ("code_verifier", VERIFIER),
        ];
        self.token(&exchange).await
    }

    /// One rotation over HTTP.
    async fn refresh(&self) {
        let old = self.refresh.lock().unwrap().clone();
        let form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", old.as_str()),
            ("client_id", &self.client_id),
        ];
        let tokens = self.token(&form).await;
        *self.refresh.lock().unwrap() = tokens["refresh_token"].as_str().unwrap().into();
    }

    async fn token(&self, form: &[(&str, &str)]) -> serde_json::Value {
        let response = self.http.post(self.url("/token")).form(form).send().await;
        let response = response.unwrap();
        assert!(response.status().is_success(), "{}", response.status());
        response.json().await.unwrap()
    }

    async fn get(&self, url: &str, bearer: Option<&str>) {
        let mut request = self.http.get(url);
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        assert!(response.status().is_success(), "{}", response.status());
        response.bytes().await.unwrap();
    }

    fn oauth(&self) -> &AuthorizationServer {
        self.server.oauth()
    }

    /// The consent and the exchange on the server value, without HTTP.
    async fn authorize_service(&self) {
        let form = self.authorize_form();
        let params = Params::parse(&serde_urlencoded(&form)).unwrap();
        let request = self.oauth().check_authorize(&params).await.unwrap();
        let credential = credential();
        let code = self.oauth().approve(&request, credential).await.unwrap();

        let exchange = [
            ("grant_type", "authorization_code".to_string()),
            ("code", code.expose().to_string()),
            ("redirect_uri", REDIRECT_URI.into()),
            ("client_id", self.client_id.clone()),
            ("code_verifier", VERIFIER.into()),
        ];
        let params = Params::parse(&serde_urlencoded(&exchange)).unwrap();
        self.oauth().exchange_code(&params).await.unwrap();
    }

    /// One rotation on the server value, without HTTP.
    async fn refresh_service(&self) {
        let old = self.service_refresh.lock().unwrap().clone();
        let form = [
            ("grant_type", "refresh_token".to_string()),
            ("refresh_token", old),
            ("client_id", self.client_id.clone()),
        ];
        let params = Params::parse(&serde_urlencoded(&form)).unwrap();
        let tokens = self.oauth().refresh(&params).await.unwrap();
        *self.service_refresh.lock().unwrap() = tokens.refresh_token;
    }
}

async fn launch(redis: &RedisInstance, keys: Arc<KeyRing>, settings: &Settings) -> RunningServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    RunningServer::start(listener, redis.url(), keys, settings)
        .await
        .expect("the server starts")
}

async fn register(http: &reqwest::Client, base: &str) -> String {
    let response = http
        .post(format!("{base}/register"))
        .json(&serde_json::json!({ "redirect_uris": [REDIRECT_URI] }))
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = response.json().await.unwrap();
    body["client_id"].as_str().unwrap().to_string()
}

fn serde_urlencoded<V: AsRef<str>>(pairs: &[(&str, V)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs.iter().map(|(k, v)| (*k, v.as_ref())))
        .finish()
}

fn credential() -> MakeCredential {
    MakeCredential::api_token(Zone::Eu1, "make-api-token-0123456789")
}

fn http_flows(c: &mut Criterion) {
    let runtime = runtime();
    let bed = runtime.block_on(Bed::start());
    let healthz = bed.url("/healthz");
    let whoami = bed.url("/mcp/whoami");
    let whoami_uncached = format!("http://{}/mcp/whoami", bed.uncached.addr());

    paired_ratio(&runtime, &bed, &healthz, &whoami);
    paired_split(&runtime, &bed);

    let mut group = c.benchmark_group("oauth");
    group.bench_function("healthz", |b| {
        b.iter_custom(|n| harness::bench::time_sequential(&runtime, n, || bed.get(&healthz, None)))
    });
    group.bench_function("protected_l1_hit", |b| {
        b.iter_custom(|n| {
            harness::bench::time_sequential(&runtime, n, || bed.get(&whoami, Some(&bed.access)))
        })
    });
    group.bench_function("protected_l1_miss", |b| {
        b.iter_custom(|n| {
            harness::bench::time_sequential(&runtime, n, || {
                bed.get(&whoami_uncached, Some(&bed.access))
            })
        })
    });
    group.bench_function("authorize", |b| {
        b.iter_custom(|n| {
            harness::bench::time_sequential(&runtime, n, || async {
                bed.authorize().await;
            })
        })
    });
    group.bench_function("refresh", |b| {
        b.iter_custom(|n| harness::bench::time_sequential(&runtime, n, || bed.refresh()))
    });
    group.finish();

    split(c, &runtime, &bed);
}

/// Interleaves `/healthz` and an L1-hit protected request, pair by pair,
/// and prints both medians and their ratio. On a busy machine the load
/// drifts between criterion's back-to-back runs; pairs see the same load.
fn paired_ratio(runtime: &Runtime, bed: &Bed, healthz: &str, whoami: &str) {
    const PAIRS: usize = 2000;
    let (mut floor, mut protected) = (Vec::with_capacity(PAIRS), Vec::with_capacity(PAIRS));
    runtime.block_on(async {
        for _ in 0..PAIRS {
            let start = Instant::now();
            bed.get(healthz, None).await;
            floor.push(start.elapsed());
            let start = Instant::now();
            bed.get(whoami, Some(&bed.access)).await;
            protected.push(start.elapsed());
        }
    });
    floor.sort();
    protected.sort();
    let (floor, protected) = (floor[PAIRS / 2], protected[PAIRS / 2]);
    eprintln!(
        "paired medians over {PAIRS} pairs: healthz {floor:?}, protected_l1_hit {protected:?}, \
         ratio {:.2}",
        protected.as_secs_f64() / floor.as_secs_f64()
    );
}

fn split(c: &mut Criterion, runtime: &Runtime, bed: &Bed) {
    let uncached = bed.uncached.oauth();
    let mut group = c.benchmark_group("oauth_split");
    group.bench_function("authorize_service", |b| {
        b.iter_custom(|n| harness::bench::time_sequential(runtime, n, || bed.authorize_service()))
    });
    group.bench_function("refresh_service", |b| {
        b.iter_custom(|n| harness::bench::time_sequential(runtime, n, || bed.refresh_service()))
    });
    group.bench_function("authenticate_l1_hit", |b| {
        b.iter_custom(|n| {
            harness::bench::time_sequential(runtime, n, || async {
                bed.oauth().authenticate(&bed.access).await.unwrap();
            })
        })
    });
    group.bench_function("authenticate_l1_miss", |b| {
        b.iter_custom(|n| {
            harness::bench::time_sequential(runtime, n, || async {
                uncached.authenticate(&bed.access).await.unwrap();
            })
        })
    });
    group.bench_function("redis_ping", |b| {
        let pool = bed.oauth().sessions().pool().clone();
        b.iter_custom(|n| {
            harness::bench::time_sequential(runtime, n, || async {
                let mut connection = pool.get().await.unwrap();
                let _: String = redis::cmd("PING")
                    .query_async(&mut connection)
                    .await
                    .unwrap();
            })
        })
    });
    crypto(&mut group);
    group.finish();
}

/// The crypto each flow does, in the same amounts and sizes, without I/O:
/// token generation, SHA-256, PKCE, serialization and AES-GCM.
struct CryptoFixture {
    keys: KeyRing,
    codec: SessionCodec,
    code_grant: CodeGrant,
    family: FamilyGrant,
    sealed_family: Vec<u8>,
}

impl CryptoFixture {
    fn new() -> Self {
        let keys = KeyRing::ephemeral();
        let code_grant = code_grant();
        let family = family_grant(&code_grant);
        let sealed_family = keys.seal(b"of:family", &postcard::to_allocvec(&family).unwrap());
        Self {
            keys,
            codec: SessionCodec::default(),
            code_grant,
            family,
            sealed_family,
        }
    }

    fn sealed_session(&self, access: &TokenHash) -> Vec<u8> {
        let plaintext = self.codec.encode(&session_of(&self.family)).unwrap();
        self.keys.seal(access.to_hex().as_bytes(), &plaintext)
    }

    /// Consent and exchange: seal and open the code, verify PKCE, mint four
    /// tokens, seal the session and the family.
    fn authorize(&self) -> impl Sized {
        let code = OpaqueToken::generate();
        let grant = postcard::to_allocvec(&self.code_grant).unwrap();
        let sealed = self.keys.seal(code.hash().as_bytes(), &grant);
        let opened = self.keys.open(code.hash().as_bytes(), &sealed).unwrap();
        let grant: CodeGrant = postcard::from_bytes(&opened).unwrap();
        grant.challenge.verify(VERIFIER).unwrap();

        let (access, refresh, family_id) = (
            OpaqueToken::generate(),
            OpaqueToken::generate(),
            OpaqueToken::generate(),
        );
        let family = postcard::to_allocvec(&self.family).unwrap();
        let sealed_family = self.keys.seal(family_id.expose().as_bytes(), &family);
        (
            self.sealed_session(&access.hash()),
            sealed_family,
            refresh.hash(),
        )
    }

    /// Rotation: hash the old token, open the family, mint two tokens, seal
    /// the session and the grace pair.
    fn refresh(&self) -> impl Sized {
        let old = OpaqueToken::from_wire(VERIFIER).hash();
        let opened = self.keys.open(b"of:family", &self.sealed_family).unwrap();
        let family: FamilyGrant = postcard::from_bytes(&opened).unwrap();
        let (access, refresh) = (OpaqueToken::generate(), OpaqueToken::generate());
        let pair = pair_of(&family, &access, &refresh);
        let pair = postcard::to_allocvec(&pair).unwrap();
        let grace = self.keys.seal(old.to_hex().as_bytes(), &pair);
        (self.sealed_session(&access.hash()), grace, refresh.hash())
    }
}

fn code_grant() -> CodeGrant {
    CodeGrant {
        client_id: "mcp-0123456789abcdefghijkl".into(),
        redirect_uri: REDIRECT_URI.into(),
        challenge: CodeChallenge::of_verifier(VERIFIER),
        scopes: vec!["scenarios:read".into()],
        resource: "http://127.0.0.1:8080/mcp".into(),
        user_id: "make-0123456789abcdef01234567".into(),
        credential: credential(),
        expires_at: unix_now() + 60,
    }
}

fn family_grant(code: &CodeGrant) -> FamilyGrant {
    FamilyGrant {
        client_id: code.client_id.clone(),
        user_id: code.user_id.clone(),
        scopes: code.scopes.clone(),
        resource: code.resource.clone(),
        credential: credential(),
        expires_at: unix_now() + 3600,
    }
}

fn session_of(family: &FamilyGrant) -> Session {
    let now = unix_now();
    Session {
        user_id: family.user_id.clone(),
        client_id: family.client_id.clone(),
        scopes: family.scopes.clone(),
        audience: family.resource.clone(),
        credential: credential(),
        created_at: now,
        expires_at: now + 3600,
        last_activity: now,
        metadata: [("client".to_string(), family.client_id.clone())].into(),
    }
}

fn pair_of(family: &FamilyGrant, access: &OpaqueToken, refresh: &OpaqueToken) -> IssuedPair {
    IssuedPair {
        access_token: access.expose().into(),
        refresh_token: refresh.expose().into(),
        access_expires_at: unix_now() + 3600,
        scope: family.scopes.join(" "),
        client_id: family.client_id.clone(),
    }
}

fn crypto(group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>) {
    let fixture = CryptoFixture::new();
    group.bench_function("authorize_crypto", |b| b.iter(|| fixture.authorize()));
    group.bench_function("refresh_crypto", |b| b.iter(|| fixture.refresh()));
}

/// The Redis calls of each flow, made directly on the stores: authorize
/// does four round trips (store the code, redeem it, save the session,
/// create the family), a refresh three (look up, save, swap).
struct StoreSteps {
    oauth: AuthorizationServer,
    code_grant: CodeGrant,
    family: String,
    refresh: OpaqueToken,
}

impl StoreSteps {
    async fn new(oauth: &AuthorizationServer) -> Self {
        let mut steps = Self {
            oauth: oauth.clone(),
            code_grant: code_grant(),
            family: String::new(),
            refresh: OpaqueToken::generate(),
        };
        steps.authorize().await;
        steps
    }

    async fn authorize(&mut self) {
        let grants = self.oauth.grants();
        let code = grants
            .issue_code(&self.code_grant, Duration::from_secs(60))
            .await
            .unwrap();
        let family = OpaqueToken::generate();
        grants.redeem_code(&code, family.expose()).await.unwrap();

        let family_grant = family_grant(&self.code_grant);
        let (access, refresh) = (OpaqueToken::generate(), OpaqueToken::generate());
        let session = session_of(&family_grant);
        self.oauth
            .sessions()
            .save(&access.hash(), &session)
            .await
            .unwrap();
        let ttl = Duration::from_secs(3600);
        let created = grants
            .create_family(
                family.expose(),
                &family_grant,
                &refresh.hash(),
                &access.hash(),
                ttl,
            )
            .await
            .unwrap();
        assert!(created);
        (self.family, self.refresh) = (family.expose().to_string(), refresh);
    }

    async fn refresh(&mut self) {
        let grants = self.oauth.grants();
        let old = self.refresh.hash();
        let RefreshLookup::Current { family, grant } = grants.lookup_refresh(&old).await.unwrap()
        else {
            panic!("the store-only family was not current");
        };

        let (access, refresh) = (OpaqueToken::generate(), OpaqueToken::generate());
        let session = session_of(&grant);
        self.oauth
            .sessions()
            .save(&access.hash(), &session)
            .await
            .unwrap();
        let pair = pair_of(&grant, &access, &refresh);
        let ttl = Duration::from_secs(3600);
        let rotation = grants.rotate(&family, &old, &pair, ttl, ttl).await.unwrap();
        assert!(matches!(rotation, Rotation::Rotated));
        self.refresh = refresh;
    }
}

/// Runs each flow whole over HTTP, on the server value, as its Redis calls
/// alone, and as its crypto alone, interleaved round by round so all four
/// see the same machine load, and prints medians and the split:
/// HTTP = HTTP total - service; Redis ~ store calls - crypto; crypto;
/// the rest of the service is bookkeeping.
fn paired_split(runtime: &Runtime, bed: &Bed) {
    const ROUNDS: usize = 300;
    let fixture = CryptoFixture::new();
    let mut times: [Vec<Duration>; 8] = Default::default();

    runtime.block_on(async {
        let mut store = StoreSteps::new(bed.oauth()).await;
        for _ in 0..ROUNDS {
            times[0].push(elapsed(bed.authorize()).await);
            times[1].push(elapsed(bed.authorize_service()).await);
            times[2].push(elapsed(store.authorize()).await);
            times[3].push(elapsed(async { drop(fixture.authorize()) }).await);
            times[4].push(elapsed(bed.refresh()).await);
            times[5].push(elapsed(bed.refresh_service()).await);
            times[6].push(elapsed(store.refresh()).await);
            times[7].push(elapsed(async { drop(fixture.refresh()) }).await);
        }
    });

    let medians: Vec<f64> = times
        .iter_mut()
        .map(|samples| median_micros(samples))
        .collect();
    eprintln!("split over {ROUNDS} interleaved rounds (medians, µs):");
    eprintln!("flow       total  service  store  crypto |  HTTP  Redis  crypto  rest");
    for (flow, m) in [("authorize", &medians[0..4]), ("refresh", &medians[4..8])] {
        let (total, service, store, crypto) = (m[0], m[1], m[2], m[3]);
        let redis = (store - crypto).max(0.0);
        eprintln!(
            "{flow:<9} {total:6.0} {service:8.0} {store:6.0} {crypto:7.1} | {:5.0} {redis:6.0} \
             {crypto:7.1} {:5.0}",
            total - service,
            (service - redis - crypto).max(0.0),
        );
    }
}

async fn elapsed(work: impl Future) -> Duration {
    let start = Instant::now();
    work.await;
    start.elapsed()
}

fn median_micros(samples: &mut [Duration]) -> f64 {
    samples.sort();
    samples[samples.len() / 2].as_secs_f64() * 1e6
}

/// One thread for client, server and Redis driver: no cross-thread wake-ups
/// in the figures, so the split parts add up (the machine's other core is
/// left to Redis).
fn runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

criterion_group!(benches, http_flows);
criterion_main!(benches);
