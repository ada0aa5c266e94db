//! The Make.com client against the wiremock Make.com: every call, the
//! per-organization limiter counted at the server, retries under injected
//! faults, the circuit breaker's cycle, and Make's errors decoded.

use std::time::Duration;

use futures::future::join_all;
use mcp_perf::harness::make_mock::{Latency, MakeMock, SlowBody};
use mcp_perf::make::{
    BreakerConfig, BreakerState, MakeClient, MakeClientConfig, MakeCredential, MakeError,
    PageRequest, RateLimit, RetryConfig, RunScenario, ScenarioScope, Zone,
};
use url::Url;

const ACME_OPS: u64 = 1_054_340;
const MARKETING_TEAM: u64 = 11;
const ACTIVE_SCENARIO: u64 = 4_100_011;
const INACTIVE_SCENARIO: u64 = 4_100_422;

/// Fast settings: millisecond backoffs, a breaker that stays out of the way
/// unless a test tunes it.
fn fast_config(base_url: Url) -> MakeClientConfig {
    MakeClientConfig {
        base_url_override: Some(base_url),
        attempt_timeout: Duration::from_secs(5),
        retry: RetryConfig {
            max_retries: 3,
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(50),
            jitter: 0.5,
        },
        breaker: BreakerConfig {
            failure_threshold: 100,
            cool_down: Duration::from_millis(100),
        },
        ..MakeClientConfig::default()
    }
}

async fn mock_and_client() -> (MakeMock, MakeClient) {
    let mock = MakeMock::start().await.expect("mock starts");
    let client = MakeClient::new(fast_config(mock.base_url())).expect("client builds");

    (mock, client)
}

fn credential() -> MakeCredential {
    MakeMock::credential(Zone::Eu1)
}

#[tokio::test]
async fn lists_scenarios_of_a_team_and_of_an_organization() {
    let (_mock, client) = mock_and_client().await;
    let all = PageRequest::default();

    let team = client
        .list_scenarios(&credential(), ScenarioScope::Team(MARKETING_TEAM), &all)
        .await
        .unwrap();
    let org = client
        .list_scenarios(&credential(), ScenarioScope::Organization(ACME_OPS), &all)
        .await
        .unwrap();

    assert_eq!(team.scenarios.len(), 12);
    assert!(team.scenarios.iter().all(|s| s.team_id == MARKETING_TEAM));
    assert_eq!(
        org.scenarios.len(),
        19,
        "teams 11, 12 and 13 of Acme Operations"
    );
}

#[tokio::test]
async fn paginates_with_pg_limit_and_offset() {
    let (_mock, client) = mock_and_client().await;
    let scope = ScenarioScope::Team(MARKETING_TEAM);

    let first = client
        .list_scenarios(&credential(), scope, &PageRequest::new(5, 0))
        .await
        .unwrap();
    let last = client
        .list_scenarios(&credential(), scope, &PageRequest::new(5, 10))
        .await
        .unwrap();

    assert_eq!(first.scenarios.len(), 5);
    assert_eq!(last.scenarios.len(), 2);
    assert_eq!((last.pg.limit, last.pg.offset), (5, 10));
    assert_ne!(first.scenarios[0].id, last.scenarios[0].id);
}

#[tokio::test]
async fn gets_runs_and_reads_the_logs_of_a_scenario() {
    let (_mock, client) = mock_and_client().await;
    let run = RunScenario {
        data: Some(serde_json::json!({ "email": "lee@example.com" })),
        responsive: Some(true),
        callback_url: None,
    };

    let scenario = client
        .get_scenario(&credential(), ACTIVE_SCENARIO)
        .await
        .unwrap();
    let outcome = client
        .run_scenario(&credential(), ACTIVE_SCENARIO, &run)
        .await
        .unwrap();
    let logs = client
        .scenario_logs(&credential(), ACTIVE_SCENARIO, &PageRequest::new(3, 0))
        .await
        .unwrap();

    assert_eq!(scenario.id, ACTIVE_SCENARIO);
    assert!(scenario.is_active);
    assert_eq!(outcome.status.as_deref(), Some("success"));
    assert!(!outcome.execution_id.is_empty());
    assert_eq!(logs.scenario_logs.len(), 3);
}

#[tokio::test]
async fn lists_organizations_teams_connections_hooks_and_the_user() {
    let (_mock, client) = mock_and_client().await;
    let all = PageRequest::default();
    let me = credential();

    let organizations = client.list_organizations(&me, &all).await.unwrap();
    let teams = client.list_teams(&me, ACME_OPS, &all).await.unwrap();
    let connections = client
        .list_connections(&me, MARKETING_TEAM, &all)
        .await
        .unwrap();
    let hooks = client.list_hooks(&me, MARKETING_TEAM, &all).await.unwrap();
    let user = client.me(&me).await.unwrap();

    assert_eq!(organizations.organizations.len(), 3);
    assert_eq!(teams.teams.len(), 3);
    assert!(teams.teams.iter().all(|t| t.organization_id == ACME_OPS));
    assert_eq!(connections.connections.len(), 3);
    assert_eq!(hooks.hooks.len(), 2);
    assert_eq!(user.email, "dana.reyes@acme.example");
}

#[tokio::test]
async fn the_organizations_api_limit_becomes_its_rate_limit() {
    let (_mock, client) = mock_and_client().await;

    let organization = client
        .get_organization(&credential(), ACME_OPS)
        .await
        .unwrap();

    let license = organization.license.expect("fixture has a license");
    assert_eq!(license.api_limit, Some(240));
    assert_eq!(client.org_limit(Zone::Eu1, ACME_OPS), Some(240));
}

#[tokio::test]
async fn an_oauth_credential_is_sent_as_bearer() {
    let (_mock, client) = mock_and_client().await;
    let oauth = MakeMock::oauth_credential(Zone::Eu1);
    let api_token_as_bearer = MakeCredential::oauth(Zone::Eu1, credential().secret.expose());

    let user = client.me(&oauth).await.unwrap();
    let refused = client.me(&api_token_as_bearer).await.unwrap_err();

    assert_eq!(user.id, 501);
    assert_eq!(refused.status(), Some(401));
}

#[tokio::test]
async fn a_wrong_token_is_refused_with_makes_message() {
    let (_mock, client) = mock_and_client().await;
    let wrong = MakeCredential::api_token(Zone::Eu1, "not-a-token");

    let err = client.me(&wrong).await.unwrap_err();

    let MakeError::Api { status, body } = &err else {
        panic!("expected an api error, got {err:?}");
    };
    assert_eq!(*status, 401);
    assert_eq!(body.code.as_deref(), Some("SC401"));
    assert_eq!(body.message, "Access denied.");
    assert!(!format!("{err} {err:?}").contains("not-a-token"));
}

#[tokio::test]
async fn running_an_inactive_scenario_decodes_makes_error_body() {
    let (mock, client) = mock_and_client().await;

    let err = client
        .run_scenario(&credential(), INACTIVE_SCENARIO, &RunScenario::default())
        .await
        .unwrap_err();

    let body = err.api_body().expect("make's body is kept");
    assert_eq!(err.status(), Some(400));
    assert_eq!(body.code.as_deref(), Some("SC400"));
    assert_eq!(body.message, "Scenario is not active.");
    assert!(err.to_string().contains("Scenario is not active."), "{err}");
    assert_eq!(mock.arrivals().all().len(), 1, "a 4xx is not retried");
}

#[tokio::test]
async fn an_unknown_scenario_is_a_404_with_makes_message() {
    let (_mock, client) = mock_and_client().await;

    let err = client.get_scenario(&credential(), 1).await.unwrap_err();

    assert_eq!(err.status(), Some(404));
    assert_eq!(err.api_body().unwrap().message, "Scenario not found.");
}

#[tokio::test]
async fn the_limiter_never_exceeds_its_limit_under_50_concurrent_callers() {
    let mock = MakeMock::start().await.unwrap();
    let window = Duration::from_secs(2);
    let config = MakeClientConfig {
        rate_limit: RateLimit {
            requests: 20,
            window,
        },
        ..fast_config(mock.base_url())
    };
    let client = MakeClient::new(config).unwrap();
    let scope = ScenarioScope::Organization(ACME_OPS);

    let calls = (0..50).map(|_| {
        let client = client.clone();
        tokio::spawn(async move {
            client
                .list_scenarios(&credential(), scope, &PageRequest::new(1, 0))
                .await
        })
    });
    let outcomes = join_all(calls).await;

    assert!(outcomes.into_iter().all(|o| o.unwrap().is_ok()));
    assert_eq!(mock.arrivals().count(Some(ACME_OPS)), 50);
    assert_eq!(
        mock.arrivals().max_in_window(ACME_OPS, window),
        20,
        "the mock must never see more than the limit in one window, and the limit is usable"
    );
}

#[tokio::test]
async fn team_calls_count_against_their_organization_once_its_teams_are_listed() {
    let mock = MakeMock::start().await.unwrap();
    let window = Duration::from_millis(400);
    let config = MakeClientConfig {
        rate_limit: RateLimit {
            requests: 2,
            window,
        },
        ..fast_config(mock.base_url())
    };
    let client = MakeClient::new(config).unwrap();
    let (me, all) = (credential(), PageRequest::default());

    client.list_teams(&me, ACME_OPS, &all).await.unwrap();
    for _ in 0..2 {
        client
            .list_connections(&me, MARKETING_TEAM, &all)
            .await
            .unwrap();
        client.list_hooks(&me, 12, &all).await.unwrap();
    }

    // Had the team calls gone to the zone's shared bucket, the two buckets
    // together would have let more than 2 through in one window.
    assert_eq!(mock.arrivals().count(Some(ACME_OPS)), 5);
    assert!(mock.arrivals().max_in_window(ACME_OPS, window) <= 2);
}

#[tokio::test]
async fn at_most_ten_requests_are_in_flight_per_organization() {
    let (mock, client) = mock_and_client().await;
    let latency = Duration::from_millis(300);
    mock.faults().set_latency(Latency::Fixed(latency));
    let scope = ScenarioScope::Organization(ACME_OPS);

    let calls = (0..30).map(|_| {
        let client = client.clone();
        tokio::spawn(async move {
            client
                .list_scenarios(&credential(), scope, &PageRequest::new(1, 0))
                .await
        })
    });
    let outcomes = join_all(calls).await;

    // The mock holds each answer for `latency` after it counts the arrival,
    // so an 11th arrival within that span would mean 11 in flight.
    assert!(outcomes.into_iter().all(|o| o.unwrap().is_ok()));
    let most = mock.arrivals().max_in_window(ACME_OPS, latency);
    assert!(most <= 10, "{most} requests were in flight at once");
}

#[tokio::test]
async fn retries_a_429_after_its_retry_after() {
    let mock = MakeMock::start().await.unwrap();
    let config = MakeClientConfig {
        retry: RetryConfig {
            max_delay: Duration::from_secs(5),
            ..fast_config(mock.base_url()).retry
        },
        ..fast_config(mock.base_url())
    };
    let client = MakeClient::new(config).unwrap();
    mock.faults()
        .rate_limit_next(1, Some(Duration::from_secs(1)));

    let scenario = client.get_scenario(&credential(), ACTIVE_SCENARIO).await;

    assert_eq!(scenario.unwrap().id, ACTIVE_SCENARIO);
    let arrivals = mock.arrivals().all();
    assert_eq!(arrivals.len(), 2);
    assert!(
        arrivals[1].at - arrivals[0].at >= Duration::from_secs(1),
        "the retry must wait for Retry-After"
    );
}

#[tokio::test]
async fn retries_a_burst_of_5xx_then_succeeds() {
    let (mock, client) = mock_and_client().await;
    mock.faults().fail_next(3, 503);

    let user = client.me(&credential()).await;

    assert_eq!(user.unwrap().id, 501);
    assert_eq!(
        mock.arrivals().all().len(),
        4,
        "three retries after the first attempt"
    );
}

#[tokio::test]
async fn gives_up_after_three_retries_with_makes_message() {
    let (mock, client) = mock_and_client().await;
    mock.faults().fail_next(10, 502);

    let err = client.me(&credential()).await.unwrap_err();

    assert!(
        matches!(err, MakeError::Server { status: 502, .. }),
        "{err:?}"
    );
    assert_eq!(err.api_body().unwrap().message, "Service Unavailable");
    assert_eq!(mock.arrivals().all().len(), 4);
}

#[tokio::test]
async fn a_run_is_not_retried_after_a_5xx() {
    let (mock, client) = mock_and_client().await;
    mock.faults().fail_next(1, 500);

    let err = client
        .run_scenario(&credential(), ACTIVE_SCENARIO, &RunScenario::default())
        .await
        .unwrap_err();

    assert_eq!(err.status(), Some(500));
    assert_eq!(
        mock.arrivals().all().len(),
        1,
        "the scenario may have run already"
    );
}

#[tokio::test]
async fn retries_dropped_connections() {
    let mock = MakeMock::start().await.unwrap();
    let proxied = mock.proxied_base_url().unwrap();
    let client = MakeClient::new(fast_config(proxied)).unwrap();
    let proxy = mock.proxy().unwrap();
    proxy.drop_next(2);

    let scenario = client.get_scenario(&credential(), ACTIVE_SCENARIO).await;

    assert_eq!(scenario.unwrap().id, ACTIVE_SCENARIO);
    assert_eq!(proxy.dropped(), 2);
    assert_eq!(
        mock.arrivals().all().len(),
        1,
        "dropped requests never reached the mock"
    );
}

#[tokio::test]
async fn a_slow_body_times_out_every_attempt() {
    let mock = MakeMock::start().await.unwrap();
    let config = MakeClientConfig {
        attempt_timeout: Duration::from_millis(150),
        retry: RetryConfig {
            max_retries: 1,
            ..fast_config(mock.base_url()).retry
        },
        ..fast_config(mock.proxied_base_url().unwrap())
    };
    let client = MakeClient::new(config).unwrap();
    mock.proxy().unwrap().slow_bodies(Some(SlowBody {
        chunk: 8,
        pause: Duration::from_millis(50),
    }));

    let err = client.me(&credential()).await.unwrap_err();

    assert!(matches!(err, MakeError::Timeout(_)), "{err:?}");
    assert_eq!(
        mock.arrivals().all().len(),
        2,
        "one retry after the first timeout"
    );
}

/// Waits (bounded) until the breaker reports `wanted`.
async fn wait_for_state(client: &MakeClient, wanted: fn(&BreakerState) -> bool) {
    for _ in 0..250 {
        if wanted(&client.breaker_state(Zone::Eu1)) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("breaker never reached the wanted state");
}

#[tokio::test]
async fn the_breaker_opens_rejects_fast_half_opens_and_closes() {
    let mock = MakeMock::start().await.unwrap();
    let config = MakeClientConfig {
        retry: RetryConfig {
            max_retries: 0,
            ..RetryConfig::default()
        },
        breaker: BreakerConfig {
            failure_threshold: 3,
            cool_down: Duration::from_millis(200),
        },
        ..fast_config(mock.base_url())
    };
    let client = MakeClient::new(config).unwrap();
    let me = credential();

    // Three 5xx in a row open it, and then nothing reaches Make.com.
    mock.faults().fail_next(3, 503);
    for _ in 0..3 {
        assert!(client.me(&me).await.is_err());
    }
    assert!(matches!(
        client.breaker_state(Zone::Eu1),
        BreakerState::Open { .. }
    ));
    let rejected = client.me(&me).await.unwrap_err();
    assert!(matches!(
        rejected,
        MakeError::CircuitOpen {
            zone: Zone::Eu1,
            ..
        }
    ));
    assert_eq!(mock.arrivals().all().len(), 3);

    // After the cool-down one probe goes; a failed probe re-opens it.
    wait_for_state(&client, |s| *s == BreakerState::HalfOpen).await;
    mock.faults().fail_next(1, 503);
    assert!(client.me(&me).await.is_err());
    assert!(matches!(
        client.breaker_state(Zone::Eu1),
        BreakerState::Open { .. }
    ));

    // A successful probe closes it; other zones were never affected.
    wait_for_state(&client, |s| *s == BreakerState::HalfOpen).await;
    assert!(client.me(&me).await.is_ok());
    let closed = BreakerState::Closed {
        consecutive_failures: 0,
    };
    assert_eq!(client.breaker_state(Zone::Eu1), closed);
    assert_eq!(client.breaker_state(Zone::Us1), closed);
    assert_eq!(mock.arrivals().all().len(), 5);
}
