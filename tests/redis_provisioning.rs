//! Each way `harness::redis` finds Redis, exercised on its own: the URL
//! way, testcontainers with the locally built image, and the child process;
//! plus isolation between instances, cleanup on drop, on panic and on a
//! killed process, and the error when every way fails.
//!
//! The container tests fail when Docker does not answer, because CI must
//! run them; `MCP_PERF_SKIP_DOCKER=1` skips them on a machine without
//! Docker.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use mcp_perf::harness::redis::{ProvisionOptions, RedisInstance, RedisSource};
use redis::AsyncCommands;

/// How long cleanup that happens in another process may take to show.
const CLEANUP_DEADLINE: Duration = Duration::from_secs(15);

/// Set in the helper process that `killed_test_process_leaves_no_redis`
/// starts and kills.
const HOLD_ENV: &str = "MCP_PERF_TEST_HOLD";

/// Which way the helper process starts Redis: `child` or `container`.
const WAY_ENV: &str = "MCP_PERF_TEST_WAY";

const HOLD_PREFIX: &str = "mcp-perf-holding-redis";

// ---- the child process way ----

#[tokio::test]
async fn child_process_way_round_trips() {
    let redis = RedisInstance::start_from(RedisSource::ChildProcess)
        .await
        .unwrap();

    assert_eq!(redis.source(), RedisSource::ChildProcess);
    assert!(redis.data_dir().unwrap().is_dir());
    round_trip(redis.url()).await;
}

#[tokio::test]
async fn child_processes_are_isolated_servers() {
    let first = RedisInstance::start_from(RedisSource::ChildProcess)
        .await
        .unwrap();
    let second = RedisInstance::start_from(RedisSource::ChildProcess)
        .await
        .unwrap();

    assert_isolated(&first, &second).await;
}

#[tokio::test]
async fn child_drop_stops_server_and_removes_folder() {
    let redis = RedisInstance::start_from(RedisSource::ChildProcess)
        .await
        .unwrap();
    let address = socket_address(redis.url());
    let dir = redis.data_dir().unwrap().to_owned();

    drop(redis);

    assert!(
        TcpStream::connect(&address).is_err(),
        "{address} still answers"
    );
    assert!(!dir.exists(), "{} still exists", dir.display());
}

#[tokio::test]
async fn panicking_test_still_stops_child() {
    let (sender, receiver) = tokio::sync::oneshot::channel();

    let task = tokio::spawn(async move {
        let redis = RedisInstance::start_from(RedisSource::ChildProcess)
            .await
            .unwrap();
        let _ = sender.send((redis.url().to_owned(), redis.data_dir().unwrap().to_owned()));
        panic!("a test failing while it holds redis");
    });
    let (url, dir) = receiver.await.unwrap();

    assert!(task.await.unwrap_err().is_panic());
    assert!(TcpStream::connect(socket_address(&url)).is_err());
    assert!(!dir.exists(), "{} still exists", dir.display());
}

#[tokio::test]
async fn killed_test_process_leaves_no_redis() {
    let mut holder = helper_process("child", true);
    let (url, dir) = read_held_redis(&mut holder);
    let dir = PathBuf::from(dir);
    assert!(TcpStream::connect(socket_address(&url)).is_ok());

    // SIGKILL: no destructor runs in the holder; only the watchdog is left.
    holder.0.kill().unwrap();
    holder.0.wait().unwrap();

    let gone = wait_for(CLEANUP_DEADLINE, || {
        TcpStream::connect(socket_address(&url)).is_err() && !dir.exists()
    });
    assert!(
        gone,
        "{url} or {} outlived the killed process",
        dir.display()
    );
}

/// Starts a Redis the way `MCP_PERF_TEST_WAY` names (`child`, the default,
/// or `container`) and checks it answers. Under `MCP_PERF_TEST_HOLD=1` it
/// then prints the URL and the folder or container id, and waits to be
/// killed: the helper process of the tests on killed processes.
#[tokio::test]
#[ignore = "helper process for the tests on killed processes"]
async fn hold_redis() {
    let redis = match std::env::var(WAY_ENV).as_deref() {
        Ok("container") => start_container().await,
        _ => RedisInstance::start_from(RedisSource::ChildProcess)
            .await
            .unwrap(),
    };
    round_trip(redis.url()).await;

    if std::env::var(HOLD_ENV).as_deref() == Ok("1") {
        let detail = match redis.data_dir() {
            Some(dir) => dir.display().to_string(),
            None => redis.container_id().unwrap().to_owned(),
        };
        println!("{HOLD_PREFIX} {} {detail}", redis.url());
        tokio::time::sleep(Duration::from_secs(600)).await;
    }
}

// ---- the URL way ----

#[tokio::test]
async fn url_way_round_trips_in_a_leased_database() {
    let server = RedisInstance::start_from(RedisSource::ChildProcess)
        .await
        .unwrap();

    let redis = RedisInstance::from_url(server.url()).await.unwrap();

    assert_eq!(redis.source(), RedisSource::Url);
    assert!(redis.leased_database().unwrap() >= 1);
    round_trip(redis.url()).await;
}

#[tokio::test]
async fn url_instances_lease_different_databases() {
    let server = RedisInstance::start_from(RedisSource::ChildProcess)
        .await
        .unwrap();

    let first = RedisInstance::from_url(server.url()).await.unwrap();
    let second = RedisInstance::from_url(server.url()).await.unwrap();

    assert_ne!(first.leased_database(), second.leased_database());
    assert_isolated(&first, &second).await;
}

#[tokio::test]
async fn url_drop_flushes_and_frees_the_database() {
    let server = RedisInstance::start_from(RedisSource::ChildProcess)
        .await
        .unwrap();
    let redis = RedisInstance::from_url(server.url()).await.unwrap();
    let db = redis.leased_database().unwrap();
    set(redis.url(), "left-behind", "value").await;

    drop(redis);

    let mut control = connect(server.url()).await;
    let lease: Option<String> = control.get(lease_key(db)).await.unwrap();
    assert_eq!(lease, None);
    assert_eq!(database_size(server.url(), db).await, 0);
}

#[tokio::test]
async fn url_with_password_works_and_never_shows_it() {
    let server = RedisInstance::start_from(RedisSource::ChildProcess)
        .await
        .unwrap();
    let _: () = redis::cmd("CONFIG")
        .arg(&["SET", "requirepass", "hunter2-secret"])
        .query_async(&mut connect(server.url()).await)
        .await
        .unwrap();
    let with_password = server.url().replace("redis://", "redis://:hunter2-secret@");

    let redis = RedisInstance::from_url(&with_password).await.unwrap();

    round_trip(redis.url()).await;
    let shown = format!("{redis:?}");
    assert!(!shown.contains("hunter2-secret"), "{shown}");
}

#[tokio::test]
async fn url_lease_outlives_its_ttl_while_held() {
    let server = RedisInstance::start_from(RedisSource::ChildProcess)
        .await
        .unwrap();
    let options = ProvisionOptions {
        url: Some(server.url().to_owned()),
        lease_ttl: Duration::from_secs(2),
        ..ProvisionOptions::from_env()
    };
    let redis = RedisInstance::start_from_with(RedisSource::Url, &options)
        .await
        .unwrap();
    let key = lease_key(redis.leased_database().unwrap());

    tokio::time::sleep(Duration::from_secs(5)).await;

    let mut control = connect(server.url()).await;
    let holder: Option<String> = control.get(&key).await.unwrap();
    assert!(holder.is_some(), "the lease expired while held");
    drop(redis);
    let holder: Option<String> = control.get(&key).await.unwrap();
    assert_eq!(holder, None);
}

#[tokio::test]
async fn url_claim_flushes_what_a_dead_holder_left() {
    let server = RedisInstance::start_from(RedisSource::ChildProcess)
        .await
        .unwrap();
    let stale_url = server.url().replace("/0", "/1");
    set(&stale_url, "stale", "from a killed run").await;

    let redis = RedisInstance::from_url(server.url()).await.unwrap();

    assert_eq!(redis.leased_database(), Some(1));
    assert_eq!(get(redis.url(), "stale").await, None);
}

#[tokio::test]
async fn url_way_fails_clearly_when_every_database_is_leased() {
    let server = RedisInstance::start_from(RedisSource::ChildProcess)
        .await
        .unwrap();
    let mut control = connect(server.url()).await;
    for db in 2..16 {
        let _: () = control.set(lease_key(db), "another-holder").await.unwrap();
    }
    let _last_free = RedisInstance::from_url(server.url()).await.unwrap();

    let err = RedisInstance::from_url(server.url()).await.unwrap_err();

    let reason = err.reason(RedisSource::Url);
    assert!(reason.contains("leased by other instances"), "{reason}");
    assert!(reason.contains("databases"), "{reason}");
}

#[tokio::test]
async fn url_that_answers_nothing_fails_without_trying_others() {
    let closed = format!("redis://127.0.0.1:{}/0", closed_port());
    let options = ProvisionOptions {
        url: Some(closed),
        startup_timeout: Duration::from_secs(2),
        ..ProvisionOptions::from_env()
    };

    let err = RedisInstance::start_with(&options).await.unwrap_err();

    assert!(err.reason(RedisSource::Url).contains("cannot connect"));
    assert!(err.reason(RedisSource::Container).starts_with("not tried"));
    assert!(
        err.reason(RedisSource::ChildProcess)
            .starts_with("not tried")
    );
}

#[tokio::test]
async fn start_uses_the_url_when_one_is_given() {
    let server = RedisInstance::start_from(RedisSource::ChildProcess)
        .await
        .unwrap();
    let options = ProvisionOptions {
        url: Some(server.url().to_owned()),
        ..ProvisionOptions::from_env()
    };

    let redis = RedisInstance::start_with(&options).await.unwrap();

    assert_eq!(redis.source(), RedisSource::Url);
    round_trip(redis.url()).await;
}

// ---- testcontainers ----

#[tokio::test]
async fn container_way_round_trips_and_is_removed_on_drop() {
    if skip_docker() {
        return;
    }
    let first = start_container().await;
    let second = start_container().await;
    let ids = [
        first.container_id().unwrap(),
        second.container_id().unwrap(),
    ]
    .map(str::to_owned);

    assert_eq!(first.source(), RedisSource::Container);
    assert_eq!(published_host_ips(&ids[0]).await, ["127.0.0.1"]);
    round_trip(first.url()).await;
    assert_isolated(&first, &second).await;
    drop(first);
    drop(second);

    for id in ids {
        assert!(
            !container_exists(&id).await,
            "container {id} survived its drop"
        );
    }
}

#[tokio::test]
async fn panicking_test_still_removes_container() {
    if skip_docker() {
        return;
    }
    let (sender, receiver) = tokio::sync::oneshot::channel();

    let task = tokio::spawn(async move {
        let redis = start_container().await;
        let _ = sender.send(redis.container_id().unwrap().to_owned());
        panic!("a test failing while it holds a container");
    });
    let id = receiver.await.unwrap();

    assert!(task.await.unwrap_err().is_panic());
    assert!(
        !container_exists(&id).await,
        "container {id} survived the panic"
    );
}

#[tokio::test]
async fn container_of_a_killed_process_is_reaped_by_the_next_run() {
    if skip_docker() {
        return;
    }
    let mut holder = helper_process("container", true);
    let (_, id) = read_held_redis(&mut holder);
    holder.0.kill().unwrap();
    holder.0.wait().unwrap();
    assert!(container_exists(&id).await, "nothing to reap: {id} is gone");

    // A fresh process reaps once, before it starts its own container.
    let next_run = helper_process("container", false).0.wait().unwrap();

    assert!(next_run.success());
    assert!(
        !container_exists(&id).await,
        "container {id} was not reaped"
    );
}

#[tokio::test]
async fn missing_image_names_the_build_script() {
    if skip_docker() {
        return;
    }
    let options = ProvisionOptions {
        image: "mcp-perf-test/no-such-redis:none".to_owned(),
        ..ProvisionOptions::from_env()
    };

    let err = RedisInstance::start_from_with(RedisSource::Container, &options)
        .await
        .unwrap_err();

    let reason = err.reason(RedisSource::Container);
    assert!(reason.contains("not present locally"), "{reason}");
    assert!(reason.contains("scripts/build-redis-image.sh"), "{reason}");
}

/// Benches start Redis inside `block_on` and drop it outside, sometimes
/// after the runtime itself is gone.
#[test]
fn container_dropped_outside_any_runtime_is_removed() {
    if skip_docker() {
        return;
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let redis = runtime.block_on(start_container());
    let id = redis.container_id().unwrap().to_owned();

    drop(runtime);
    drop(redis);

    let check = tokio::runtime::Runtime::new().unwrap();
    assert!(
        !check.block_on(container_exists(&id)),
        "container {id} survived its drop"
    );
}

// ---- the usual order, and when nothing works ----

#[tokio::test]
async fn start_without_url_starts_its_own_server() {
    let options = ProvisionOptions {
        url: None,
        ..ProvisionOptions::from_env()
    };

    let redis = RedisInstance::start_with(&options).await.unwrap();

    assert_ne!(redis.source(), RedisSource::Url);
    round_trip(redis.url()).await;
}

#[tokio::test]
async fn all_ways_failing_names_each_way_and_the_fix() {
    let options = ProvisionOptions {
        url: None,
        docker_host: "unix:///nonexistent/docker.sock".to_owned(),
        redis_server: PathBuf::from("/nonexistent/redis-server"),
        ..ProvisionOptions::from_env()
    };

    let err = RedisInstance::start_with(&options).await.unwrap_err();
    let message = err.to_string();

    assert_eq!(err.reason(RedisSource::Url), "not set");
    assert!(
        err.reason(RedisSource::Container)
            .contains("/nonexistent/docker.sock")
    );
    assert!(
        err.reason(RedisSource::ChildProcess)
            .contains("/nonexistent/redis-server")
    );
    for needle in [
        "MCP_PERF_REDIS_URL",
        "testcontainers",
        "redis-server child process",
        "apt-get install redis-server",
        "scripts/build-redis-image.sh",
    ] {
        assert!(
            message.contains(needle),
            "{needle:?} missing from: {message}"
        );
    }
}

#[tokio::test]
async fn missing_binary_on_path_is_named() {
    let options = ProvisionOptions {
        redis_server: PathBuf::from("no-such-redis-server"),
        ..ProvisionOptions::from_env()
    };

    let err = RedisInstance::start_from_with(RedisSource::ChildProcess, &options)
        .await
        .unwrap_err();

    let reason = err.reason(RedisSource::ChildProcess);
    assert!(
        reason.contains("no-such-redis-server not found on PATH"),
        "{reason}"
    );
}

// ---- helpers ----

fn skip_docker() -> bool {
    let skip = std::env::var("MCP_PERF_SKIP_DOCKER").as_deref() == Ok("1");
    if skip {
        eprintln!("skipped: MCP_PERF_SKIP_DOCKER=1");
    }
    skip
}

async fn start_container() -> RedisInstance {
    RedisInstance::start_from(RedisSource::Container)
        .await
        .unwrap_or_else(|err| {
            panic!(
                "the container way must work here: start Docker and run \
                 scripts/build-redis-image.sh, or set MCP_PERF_SKIP_DOCKER=1 \
                 on a machine without Docker\n{err}"
            )
        })
}

async fn container_exists(id: &str) -> bool {
    let docker = testcontainers::bollard::Docker::connect_with_defaults().unwrap();
    docker.inspect_container(id, None).await.is_ok()
}

/// The host addresses the container's Redis port is published on: Redis
/// runs there without a password, so only loopback is acceptable.
async fn published_host_ips(id: &str) -> Vec<String> {
    let docker = testcontainers::bollard::Docker::connect_with_defaults().unwrap();
    let details = docker.inspect_container(id, None).await.unwrap();
    let bindings = details.host_config.unwrap().port_bindings.unwrap();

    bindings["6379/tcp"]
        .iter()
        .flatten()
        .map(|binding| binding.host_ip.clone().unwrap_or_default())
        .collect()
}

async fn connect(url: &str) -> redis::aio::MultiplexedConnection {
    redis::Client::open(url)
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap()
}

async fn set(url: &str, key: &str, value: &str) {
    let _: () = connect(url).await.set(key, value).await.unwrap();
}

async fn get(url: &str, key: &str) -> Option<String> {
    connect(url).await.get(key).await.unwrap()
}

async fn round_trip(url: &str) {
    set(url, "round-trip", "value").await;

    assert_eq!(get(url, "round-trip").await.as_deref(), Some("value"));
}

async fn assert_isolated(first: &RedisInstance, second: &RedisInstance) {
    set(first.url(), "only-in-first", "1").await;

    assert_eq!(get(second.url(), "only-in-first").await, None);
    assert_eq!(
        get(first.url(), "only-in-first").await.as_deref(),
        Some("1")
    );
}

async fn database_size(server_url: &str, db: u32) -> u64 {
    let url = server_url.replace("/0", &format!("/{db}"));
    redis::cmd("DBSIZE")
        .query_async(&mut connect(&url).await)
        .await
        .unwrap()
}

fn lease_key(db: u32) -> String {
    format!("mcp-perf:harness:db-lease:{db}")
}

/// `host:port` of a `redis://host:port/db` URL.
fn socket_address(url: &str) -> String {
    let parsed = url::Url::parse(url).unwrap();
    format!("{}:{}", parsed.host_str().unwrap(), parsed.port().unwrap())
}

/// A loopback port nothing listens on, at least right now.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// The helper process, killed when the test ends however it ends.
struct Holder(std::process::Child);

/// Runs `hold_redis` in a process of its own.
fn helper_process(way: &str, hold: bool) -> Holder {
    let child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "hold_redis", "--ignored", "--nocapture"])
        .args(["--test-threads", "1"])
        .env(WAY_ENV, way)
        .env(HOLD_ENV, if hold { "1" } else { "0" })
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();

    Holder(child)
}

impl Drop for Holder {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Reads the helper's "holding" line, with a deadline so a helper that
/// never gets there fails the test instead of hanging it.
fn read_held_redis(holder: &mut Holder) -> (String, String) {
    let stdout = holder.0.stdout.take().unwrap();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            // libtest prints "test name ... " on the same line first.
            if let Some((_, rest)) = line.split_once(HOLD_PREFIX) {
                let _ = sender.send(rest.trim().to_owned());
                return;
            }
        }
    });

    let line = receiver
        .recv_timeout(Duration::from_secs(60))
        .expect("the helper process never reported its redis");
    let (url, detail) = line.split_once(' ').unwrap();
    (url.to_owned(), detail.to_owned())
}

fn wait_for(deadline: Duration, mut done: impl FnMut() -> bool) -> bool {
    let give_up = Instant::now() + deadline;
    while Instant::now() < give_up {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    done()
}
