//! The tools' inputs. Each derives its JSON schema, which `tools/list`
//! publishes as the tool's `inputSchema`.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use crate::make::PageRequest;

/// A page of a listing; Make.com's defaults apply to what is left out.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct Page {
    /// How many items at most (Make.com's `pg[limit]`).
    pub limit: Option<u32>,
    /// How many items to skip (Make.com's `pg[offset]`).
    pub offset: Option<u32>,
}

impl Page {
    /// The page as the Make.com client takes it.
    pub fn request(&self) -> PageRequest {
        PageRequest {
            limit: self.limit,
            offset: self.offset,
            ..PageRequest::default()
        }
    }
}

/// Input of `list_scenarios`: exactly one of `team_id` and
/// `organization_id`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct ListScenarios {
    /// The team whose scenarios to list.
    pub team_id: Option<u64>,
    /// The organization whose scenarios to list, across its teams.
    pub organization_id: Option<u64>,
    /// Which page.
    #[serde(flatten)]
    pub page: Page,
}

/// Input of the tools that act on one scenario.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct ScenarioId {
    /// The scenario's id.
    pub scenario_id: u64,
}

/// Input of `run_scenario`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RunScenarioInput {
    /// The scenario to run; it must be active.
    pub scenario_id: u64,
    /// Values for the scenario's inputs.
    pub data: Option<Value>,
    /// Wait for the run to finish (Make.com waits up to 40 s).
    pub responsive: Option<bool>,
}

/// Input of `get_scenario_logs`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct ScenarioLogs {
    /// The scenario whose logs to read.
    pub scenario_id: u64,
    /// Which page.
    #[serde(flatten)]
    pub page: Page,
}

/// Input of `list_teams`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct ListTeams {
    /// The organization whose teams to list.
    pub organization_id: u64,
    /// Which page.
    #[serde(flatten)]
    pub page: Page,
}

/// Input of the listings scoped to one team (connections, hooks).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct TeamListing {
    /// The team.
    pub team_id: u64,
    /// Which page.
    #[serde(flatten)]
    pub page: Page,
}
