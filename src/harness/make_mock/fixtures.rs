//! The Make.com data the mock serves, read from `fixtures/make/*.json` and
//! compiled in, so `mcp-perf serve --make-mock` needs no files beside it.

use serde_json::Value;

/// Every fixture, parsed once.
#[derive(Debug)]
pub struct Fixtures {
    /// Organization objects, each with its `license`.
    pub organizations: Vec<Value>,
    /// Team objects, each with `organizationId`.
    pub teams: Vec<Value>,
    /// Scenario objects, each with `teamId`.
    pub scenarios: Vec<Value>,
    /// Execution log entries served for any scenario.
    pub scenario_logs: Vec<Value>,
    /// Connection objects, each with `teamId`.
    pub connections: Vec<Value>,
    /// Hook objects, each with `teamId`.
    pub hooks: Vec<Value>,
    /// The `authUser` object.
    pub auth_user: Value,
    /// The answer to a run.
    pub run: Value,
}

impl Fixtures {
    /// The fixtures shipped in `fixtures/make/`.
    pub fn bundled() -> Self {
        Self {
            organizations: list(
                include_str!("../../../fixtures/make/organizations.json"),
                "organizations",
            ),
            teams: list(include_str!("../../../fixtures/make/teams.json"), "teams"),
            scenarios: list(
                include_str!("../../../fixtures/make/scenarios.json"),
                "scenarios",
            ),
            scenario_logs: list(
                include_str!("../../../fixtures/make/scenario_logs.json"),
                "scenarioLogs",
            ),
            connections: list(
                include_str!("../../../fixtures/make/connections.json"),
                "connections",
            ),
            hooks: list(include_str!("../../../fixtures/make/hooks.json"), "hooks"),
            auth_user: field(
                include_str!("../../../fixtures/make/users_me.json"),
                "authUser",
            ),
            run: parse(include_str!("../../../fixtures/make/run.json")),
        }
    }

    /// The organization a team belongs to.
    pub fn org_of_team(&self, team: u64) -> Option<u64> {
        find(&self.teams, team).and_then(|t| id_field(t, "organizationId"))
    }

    /// The team a scenario belongs to.
    pub fn team_of_scenario(&self, scenario: u64) -> Option<u64> {
        find(&self.scenarios, scenario).and_then(|s| id_field(s, "teamId"))
    }

    /// A scenario by id.
    pub fn scenario(&self, id: u64) -> Option<&Value> {
        find(&self.scenarios, id)
    }

    /// An organization by id.
    pub fn organization(&self, id: u64) -> Option<&Value> {
        find(&self.organizations, id)
    }
}

/// Reads a numeric field.
pub fn id_field(item: &Value, name: &str) -> Option<u64> {
    item.get(name).and_then(Value::as_u64)
}

fn find(items: &[Value], id: u64) -> Option<&Value> {
    items.iter().find(|item| id_field(item, "id") == Some(id))
}

// The fixtures are compiled in and checked by the mock's tests, so a broken
// one is a build-time mistake, not a run-time input: panicking is right.
fn parse(text: &str) -> Value {
    serde_json::from_str(text).expect("bundled make.com fixture is valid json")
}

fn field(text: &str, name: &str) -> Value {
    parse(text)
        .get(name)
        .cloned()
        .expect("bundled make.com fixture has its documented field")
}

fn list(text: &str, name: &str) -> Vec<Value> {
    match field(text, name) {
        Value::Array(items) => items,
        _ => panic!("bundled make.com fixture field {name} is not an array"),
    }
}
