//! The mock's one wiremock responder: checks the token, routes by path,
//! filters and paginates fixtures, and answers in Make's documented shapes,
//! errors included.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Value, json};
use wiremock::{Request, Respond, ResponseTemplate};

use super::arrivals::ArrivalLog;
use super::faults::Faults;
use super::fixtures::{Fixtures, id_field};

/// The tokens the mock accepts, by scheme.
#[derive(Clone, Debug, Default)]
pub struct AcceptedTokens {
    /// Accepted as `Authorization: Token <t>`.
    pub api_tokens: Vec<String>,
    /// Accepted as `Authorization: Bearer <t>`.
    pub oauth_tokens: Vec<String>,
}

impl AcceptedTokens {
    fn accepts(&self, header: Option<&str>) -> bool {
        let Some((scheme, token)) = header.and_then(|h| h.split_once(' ')) else {
            return false;
        };

        match scheme {
            "Token" => self.api_tokens.iter().any(|t| t == token),
            "Bearer" => self.oauth_tokens.iter().any(|t| t == token),
            _ => false,
        }
    }
}

/// Answers every request the mock receives.
pub(super) struct MakeResponder {
    pub fixtures: Arc<Fixtures>,
    pub faults: Arc<Faults>,
    pub arrivals: Arc<ArrivalLog>,
    pub tokens: AcceptedTokens,
    pub api_prefix: Vec<String>,
}

/// A parsed request: path below the API prefix and query pairs.
struct Route<'a> {
    method: &'a str,
    path: Vec<String>,
    query: HashMap<String, String>,
}

impl Respond for MakeResponder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let route = self.route(request);
        self.arrivals
            .record(route.as_ref().and_then(|r| self.organization_of(r)));

        // An armed fault answers before anything else, as an outage would.
        let answer = match (self.faults.take_injected(), &route) {
            (Some(fault), _) => fault,
            (None, None) => not_found("no such path"),
            (None, Some(route)) => self.authorized(request, route),
        };

        self.faults.delay(answer)
    }
}

impl MakeResponder {
    fn route<'a>(&self, request: &'a Request) -> Option<Route<'a>> {
        let segments: Vec<String> = request.url.path_segments()?.map(str::to_owned).collect();
        let path = segments.strip_prefix(self.api_prefix.as_slice())?.to_vec();
        let query = request.url.query_pairs().into_owned().collect();

        Some(Route {
            method: request.method.as_str(),
            path,
            query,
        })
    }

    fn authorized(&self, request: &Request, route: &Route<'_>) -> ResponseTemplate {
        let header = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok());
        if !self.tokens.accepts(header) {
            return error(401, "SC401", "Access denied.", "Invalid or missing token.");
        }

        self.dispatch(route)
    }

    fn dispatch(&self, route: &Route<'_>) -> ResponseTemplate {
        let path: Vec<&str> = route.path.iter().map(String::as_str).collect();

        match (route.method, path.as_slice()) {
            ("GET", ["scenarios"]) => self.list_scenarios(route),
            ("GET", ["scenarios", id]) => self.get_scenario(id),
            ("POST", ["scenarios", id, "run"]) => self.run_scenario(id),
            ("GET", ["scenarios", id, "logs"]) => self.scenario_logs(id, route),
            ("GET", ["organizations"]) => {
                page("organizations", &self.fixtures.organizations, route)
            }
            ("GET", ["organizations", id]) => self.get_organization(id),
            ("GET", ["teams"]) => self.list_teams(route),
            ("GET", ["connections"]) => {
                self.by_team("connections", &self.fixtures.connections, route)
            }
            ("GET", ["hooks"]) => self.by_team("hooks", &self.fixtures.hooks, route),
            ("GET", ["users", "me"]) => ok(json!({ "authUser": self.fixtures.auth_user })),
            _ => not_found("no such endpoint"),
        }
    }

    fn list_scenarios(&self, route: &Route<'_>) -> ResponseTemplate {
        let team = number(&route.query, "teamId");
        let org = number(&route.query, "organizationId");

        let keep: Box<dyn Fn(&Value) -> bool> = match (team, org) {
            (Some(Ok(team)), None) => Box::new(move |s| id_field(s, "teamId") == Some(team)),
            (None, Some(Ok(org))) => Box::new(move |s| {
                id_field(s, "teamId").and_then(|t| self.fixtures.org_of_team(t)) == Some(org)
            }),
            _ => {
                return error(
                    400,
                    "SC400",
                    "Validation failed.",
                    "Exactly one of teamId and organizationId must be a number.",
                );
            }
        };

        let scenarios: Vec<Value> = self
            .fixtures
            .scenarios
            .iter()
            .filter(|s| keep(s))
            .cloned()
            .collect();
        page("scenarios", &scenarios, route)
    }

    fn get_scenario(&self, id: &str) -> ResponseTemplate {
        match id.parse().ok().and_then(|id| self.fixtures.scenario(id)) {
            Some(scenario) => ok(json!({ "scenario": scenario })),
            None => scenario_not_found(),
        }
    }

    fn run_scenario(&self, id: &str) -> ResponseTemplate {
        let Some(scenario) = id.parse().ok().and_then(|id| self.fixtures.scenario(id)) else {
            return scenario_not_found();
        };

        if scenario.get("isActive") != Some(&Value::Bool(true)) {
            return error(
                400,
                "SC400",
                "Scenario is not active.",
                "Only an active scenario can be run through the API.",
            );
        }
        ok(self.fixtures.run.clone())
    }

    fn scenario_logs(&self, id: &str, route: &Route<'_>) -> ResponseTemplate {
        if id
            .parse()
            .ok()
            .and_then(|id| self.fixtures.scenario(id))
            .is_none()
        {
            return scenario_not_found();
        }

        page("scenarioLogs", &self.fixtures.scenario_logs, route)
    }

    fn get_organization(&self, id: &str) -> ResponseTemplate {
        match id
            .parse()
            .ok()
            .and_then(|id| self.fixtures.organization(id))
        {
            Some(org) => ok(json!({ "organization": org })),
            None => error(
                404,
                "SC404",
                "Organization not found.",
                "No organization has this id.",
            ),
        }
    }

    fn list_teams(&self, route: &Route<'_>) -> ResponseTemplate {
        let Some(Ok(org)) = number(&route.query, "organizationId") else {
            return error(
                400,
                "SC400",
                "Validation failed.",
                "organizationId must be a number.",
            );
        };

        let teams: Vec<Value> = self
            .fixtures
            .teams
            .iter()
            .filter(|t| id_field(t, "organizationId") == Some(org))
            .cloned()
            .collect();
        page("teams", &teams, route)
    }

    fn by_team(&self, name: &str, items: &[Value], route: &Route<'_>) -> ResponseTemplate {
        let Some(Ok(team)) = number(&route.query, "teamId") else {
            return error(
                400,
                "SC400",
                "Validation failed.",
                "teamId must be a number.",
            );
        };

        let owned: Vec<Value> = items
            .iter()
            .filter(|item| id_field(item, "teamId") == Some(team))
            .cloned()
            .collect();
        page(name, &owned, route)
    }

    /// The organization a request counts against, as Make.com would bill it.
    fn organization_of(&self, route: &Route<'_>) -> Option<u64> {
        let fixtures = &self.fixtures;
        let query = |name| number(&route.query, name).and_then(Result::ok);

        if let Some(org) = query("organizationId") {
            return Some(org);
        }
        if let Some(team) = query("teamId") {
            return fixtures.org_of_team(team);
        }

        let id = route.path.get(1).and_then(|id| id.parse().ok());
        match route.path.first().map(String::as_str) {
            Some("organizations") => id,
            Some("scenarios") => id
                .and_then(|s| fixtures.team_of_scenario(s))
                .and_then(|t| fixtures.org_of_team(t)),
            _ => None,
        }
    }
}

/// One page of `items` under `name`, with Make's `pg` object.
fn page(name: &str, items: &[Value], route: &Route<'_>) -> ResponseTemplate {
    let read = |key, default| match number(&route.query, key) {
        Some(Ok(value)) => Ok(value),
        None => Ok(default),
        Some(Err(())) => Err(key),
    };
    let (limit, offset) = match (read("pg[limit]", 10_000), read("pg[offset]", 0)) {
        (Ok(limit), Ok(offset)) => (limit, offset),
        (Err(key), _) | (_, Err(key)) => {
            let detail = format!("{key} must be a non-negative integer.");
            return error(400, "SC400", "Validation failed.", &detail);
        }
    };

    let slice: Vec<&Value> = items
        .iter()
        .skip(offset as usize)
        .take(limit as usize)
        .collect();
    let sort_dir = route.query.get("pg[sortDir]").map_or("asc", String::as_str);
    let sort_by = route.query.get("pg[sortBy]").map_or("id", String::as_str);

    ok(json!({
        name: slice,
        "pg": { "sortBy": sort_by, "sortDir": sort_dir, "offset": offset, "limit": limit },
    }))
}

/// A query value as a number: `None` if absent, `Err` if not a number.
fn number(query: &HashMap<String, String>, key: &str) -> Option<Result<u64, ()>> {
    query.get(key).map(|v| v.parse().map_err(|_| ()))
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

fn scenario_not_found() -> ResponseTemplate {
    error(
        404,
        "SC404",
        "Scenario not found.",
        "No scenario has this id.",
    )
}

fn not_found(detail: &str) -> ResponseTemplate {
    error(404, "SC404", "Not found.", detail)
}

/// Make's error body.
fn error(status: u16, code: &str, message: &str, detail: &str) -> ResponseTemplate {
    let body = json!({
        "detail": detail,
        "message": message,
        "code": code,
        "suberrors": [],
    });

    ResponseTemplate::new(status).set_body_json(body)
}
