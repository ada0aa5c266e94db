//! Waiting for a Redis to answer `PING`, with a deadline so a server that
//! never comes up fails the caller instead of hanging it.

use std::time::Duration;

use tokio::time::{Instant, sleep, timeout};

/// How often a server that is still starting is asked again.
const POLL_INTERVAL: Duration = Duration::from_millis(25);

/// How long one connection attempt may take, so a black-holed address
/// still leaves time for the next attempt before the deadline.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(2);

/// Pings `url` until it answers `PONG` or `deadline` passes.
///
/// `alive` is asked between attempts; it returns an error when the server
/// is known to be gone (a child process that exited), which ends the wait
/// early with that error.
pub(crate) async fn wait_until_ready(
    url: &str,
    deadline: Duration,
    mut alive: impl FnMut() -> Result<(), String>,
) -> Result<(), String> {
    let client = redis::Client::open(url).map_err(|err| format!("invalid redis url: {err}"))?;
    let give_up = Instant::now() + deadline;

    loop {
        let last_error = match timeout(ATTEMPT_TIMEOUT, ping(&client)).await {
            Ok(Ok(())) => return Ok(()),
            Ok(Err(err)) => err,
            Err(_) => format!("no answer within {ATTEMPT_TIMEOUT:?}"),
        };

        alive()?;

        if Instant::now() + POLL_INTERVAL >= give_up {
            return Err(format!(
                "no PONG within {deadline:?}, last error: {last_error}"
            ));
        }
        sleep(POLL_INTERVAL).await;
    }
}

async fn ping(client: &redis::Client) -> Result<(), String> {
    let mut connection = client
        .get_multiplexed_async_connection()
        .await
        .map_err(|err| err.to_string())?;

    let reply: String = redis::cmd("PING")
        .query_async(&mut connection)
        .await
        .map_err(|err| err.to_string())?;

    if reply == "PONG" {
        Ok(())
    } else {
        Err(format!("unexpected PING reply {reply:?}"))
    }
}
