//! The URL way: an existing Redis shared by many tests, each of which
//! leases one logical database of it for as long as it runs.
//!
//! Database 0 holds the leases (`mcp-perf:harness:db-lease:<n>`, value the
//! holder's token, with a TTL); databases 1 to `databases - 1` are handed
//! out. So a default server (`databases 16`) serves 15 instances at once,
//! and the 16th fails with a message saying so. A thread renews each lease;
//! when its holder dies without cleaning up, the lease expires within
//! its TTL ([`DEFAULT_LEASE_TTL`] unless set) and the next holder flushes the database before use.
//!
//! Redis Cluster has a single database, so this way does not work against
//! it; use one server per run there.

use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

use redis::{Connection, Script};

use super::address::{redact, with_database};

/// How long a lease outlives a holder that died without releasing it,
/// unless [`ProvisionOptions::lease_ttl`](super::ProvisionOptions) says
/// otherwise. A live holder renews it three times per TTL, so one slow
/// renewal cannot lose it.
pub const DEFAULT_LEASE_TTL: Duration = Duration::from_secs(30);

/// How long one lease command may take, on claim, renewal and release.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(2);

const KEY_PREFIX: &str = "mcp-perf:harness:db-lease:";

/// Extends the lease only while it is still ours.
const RENEW_SCRIPT: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0";

/// Empties the database and frees the lease, only while it is still ours:
/// after an expiry another holder may own the database, and its data is
/// not ours to flush.
const RELEASE_SCRIPT: &str = r"
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
redis.call('SELECT', ARGV[2])
redis.call('FLUSHDB')
redis.call('SELECT', 0)
return redis.call('DEL', KEYS[1])";

/// One leased logical database, released and flushed on drop.
pub(crate) struct DatabaseLease {
    url: String,
    base_url: String,
    db: u32,
    owner: String,
    renewer: Option<(Sender<()>, JoinHandle<()>)>,
}

impl DatabaseLease {
    /// Leases a free logical database of the Redis at `url`, and empties it.
    pub(crate) async fn claim(
        url: &str,
        ttl: Duration,
        deadline: Duration,
    ) -> Result<DatabaseLease, String> {
        let base_url = with_database(url, 0)?;
        let owner = format!("{}:{:016x}", std::process::id(), rand::random::<u64>());

        let claim = {
            let (base_url, owner) = (base_url.clone(), owner.clone());
            tokio::task::spawn_blocking(move || claim_blocking(&base_url, &owner, ttl))
        };
        let db = tokio::time::timeout(deadline + COMMAND_TIMEOUT, claim)
            .await
            .map_err(|_| format!("no lease within {deadline:?}"))?
            .map_err(|err| format!("lease task failed: {err}"))??;

        let renewer = spawn_renewer(base_url.clone(), db, owner.clone(), ttl)?;
        Ok(DatabaseLease {
            url: with_database(url, db)?,
            base_url,
            db,
            owner,
            renewer: Some(renewer),
        })
    }

    /// The URL that selects the leased database.
    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    /// The index of the leased database.
    pub(crate) fn database(&self) -> u32 {
        self.db
    }
}

impl Drop for DatabaseLease {
    fn drop(&mut self) {
        if let Some((stop, renewer)) = self.renewer.take() {
            drop(stop);
            let _ = renewer.join();
        }

        let released = connect(&self.base_url).and_then(|mut connection| {
            Script::new(RELEASE_SCRIPT)
                .key(lease_key(self.db))
                .arg(&self.owner)
                .arg(self.db)
                .invoke::<i64>(&mut connection)
                .map_err(|err| err.to_string())
        });

        if let Err(err) = released {
            tracing::warn!(
                address = %redact(&self.base_url),
                database = self.db,
                error = %err,
                "cannot release redis database lease; it expires by itself"
            );
        }
    }
}

fn claim_blocking(base_url: &str, owner: &str, ttl: Duration) -> Result<u32, String> {
    let mut connection = connect(base_url)?;
    let databases = database_count(&mut connection);
    if databases < 2 {
        return Err(format!(
            "{} has {databases} logical database(s); leasing needs at least 2",
            redact(base_url)
        ));
    }

    for db in 1..databases {
        let claimed: Option<String> = redis::cmd("SET")
            .arg(lease_key(db))
            .arg(owner)
            .arg("NX")
            .arg("PX")
            .arg(ttl.as_millis() as u64)
            .query(&mut connection)
            .map_err(|err| format!("cannot claim database {db}: {err}"))?;

        if claimed.is_some() {
            flush(&mut connection, db)?;
            return Ok(db);
        }
    }

    Err(format!(
        "all {} leasable databases (1 to {}) of {} are leased by other instances; \
         run fewer at once, raise `databases` in redis.conf, \
         or unset MCP_PERF_REDIS_URL so each instance gets its own server; \
         a lease of a killed process frees itself within {ttl:?}",
        databases - 1,
        databases - 1,
        redact(base_url)
    ))
}

/// Empties a database left behind by a holder that died, then returns to
/// database 0 where the leases live.
fn flush(connection: &mut Connection, db: u32) -> Result<(), String> {
    redis::pipe()
        .cmd("SELECT")
        .arg(db)
        .cmd("FLUSHDB")
        .cmd("SELECT")
        .arg(0)
        .query::<()>(connection)
        .map_err(|err| format!("cannot flush database {db}: {err}"))
}

/// The server's `databases` setting; 16, the Redis default, when the server
/// does not say (managed services often disable `CONFIG`).
fn database_count(connection: &mut Connection) -> u32 {
    let reply: redis::RedisResult<Vec<String>> = redis::cmd("CONFIG")
        .arg("GET")
        .arg("databases")
        .query(connection);

    reply
        .ok()
        .and_then(|pair| pair.get(1).and_then(|count| count.parse().ok()))
        .unwrap_or(16)
}

fn spawn_renewer(
    base_url: String,
    db: u32,
    owner: String,
    ttl: Duration,
) -> Result<(Sender<()>, JoinHandle<()>), String> {
    let (stop, stopped) = mpsc::channel::<()>();

    let renewer = std::thread::Builder::new()
        .name(format!("redis-lease-{db}"))
        .spawn(move || {
            let mut connection = None;
            while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(ttl / 3) {
                connection = renew(connection, &base_url, db, &owner, ttl);
            }
        })
        .map_err(|err| format!("cannot start the lease renewer: {err}"))?;

    Ok((stop, renewer))
}

/// Extends the lease once, reconnecting when the last connection broke.
fn renew(
    connection: Option<Connection>,
    base_url: &str,
    db: u32,
    owner: &str,
    ttl: Duration,
) -> Option<Connection> {
    let mut connection = match connection {
        Some(connection) => connection,
        None => connect(base_url).ok()?,
    };

    let renewed = Script::new(RENEW_SCRIPT)
        .key(lease_key(db))
        .arg(owner)
        .arg(ttl.as_millis() as u64)
        .invoke::<i64>(&mut connection);

    match renewed {
        Ok(1) => Some(connection),
        Ok(_) => {
            tracing::warn!(
                database = db,
                "redis database lease was lost; another instance may now share it"
            );
            Some(connection)
        }
        Err(err) => {
            tracing::warn!(database = db, error = %err, "cannot renew redis database lease");
            None
        }
    }
}

fn connect(url: &str) -> Result<Connection, String> {
    let client = redis::Client::open(url).map_err(|err| format!("invalid redis url: {err}"))?;
    let connection = client
        .get_connection_with_timeout(COMMAND_TIMEOUT)
        .map_err(|err| format!("cannot connect to {}: {err}", redact(url)))?;

    connection
        .set_read_timeout(Some(COMMAND_TIMEOUT))
        .and_then(|()| connection.set_write_timeout(Some(COMMAND_TIMEOUT)))
        .map_err(|err| format!("cannot set timeouts: {err}"))?;

    Ok(connection)
}

fn lease_key(db: u32) -> String {
    format!("{KEY_PREFIX}{db}")
}
