//! Typed mirrors of the Make.com API v2 bodies the client reads and sends.
//!
//! Only the documented fields are typed; unknown fields are ignored so that a
//! field Make.com adds tomorrow breaks nothing. Dates stay strings (ISO 8601
//! as Make.com sends them): nothing here computes with them.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The direction of a sorted listing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortDir {
    /// Ascending.
    Asc,
    /// Descending.
    Desc,
}

impl SortDir {
    /// The query-string form.
    pub fn as_str(self) -> &'static str {
        match self {
            SortDir::Asc => "asc",
            SortDir::Desc => "desc",
        }
    }
}

/// The page a listing asks for: `pg[limit]`, `pg[offset]`, `pg[sortBy]`,
/// `pg[sortDir]`. Unset fields are left to Make's defaults.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRequest {
    /// How many items at most.
    pub limit: Option<u32>,
    /// How many items to skip.
    pub offset: Option<u32>,
    /// The field to sort by.
    pub sort_by: Option<String>,
    /// The sort direction.
    pub sort_dir: Option<SortDir>,
}

impl PageRequest {
    /// A page of `limit` items starting after `offset`.
    pub fn new(limit: u32, offset: u32) -> Self {
        Self {
            limit: Some(limit),
            offset: Some(offset),
            ..Self::default()
        }
    }
}

/// The `pg` object Make.com returns with a listing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pagination {
    /// The field sorted by.
    #[serde(default)]
    pub sort_by: Option<String>,
    /// The sort direction.
    #[serde(default)]
    pub sort_dir: Option<SortDir>,
    /// Items skipped.
    #[serde(default)]
    pub offset: u64,
    /// Page size.
    #[serde(default)]
    pub limit: u64,
}

/// Whose scenarios to list: Make.com needs exactly one of the two.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ScenarioScope {
    /// The scenarios of one team (`teamId`).
    Team(u64),
    /// The scenarios of every team of one organization (`organizationId`).
    Organization(u64),
}

/// A scenario's schedule.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Scheduling {
    /// `indefinitely`, `on-demand`, `immediately`, `once`, `daily`, ...
    #[serde(rename = "type", default)]
    pub kind: String,
    /// Seconds between runs, for `indefinitely`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<u64>,
}

/// A Make.com scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Scenario {
    /// The scenario id.
    pub id: u64,
    /// Its name.
    pub name: String,
    /// The team that owns it.
    pub team_id: u64,
    /// Its folder, if any.
    #[serde(default)]
    pub folder_id: Option<u64>,
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
    /// Its schedule.
    #[serde(default)]
    pub scheduling: Scheduling,
    /// Whether it is switched on.
    #[serde(default)]
    pub is_active: bool,
    /// Whether Make.com paused it (for example after errors).
    #[serde(default)]
    pub is_paused: bool,
    /// The instant webhook that triggers it, if any.
    #[serde(default)]
    pub hook_id: Option<u64>,
    /// When it was last edited.
    #[serde(default)]
    pub last_edit: Option<String>,
    /// When it was created.
    #[serde(default)]
    pub created: Option<String>,
    /// Incomplete executions waiting in its queue.
    #[serde(default)]
    pub dlq_count: u64,
    /// Operations used.
    #[serde(default)]
    pub operations: u64,
    /// Bytes transferred.
    #[serde(default)]
    pub transfer: u64,
}

/// `GET /scenarios`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScenarioList {
    /// The page of scenarios.
    pub scenarios: Vec<Scenario>,
    /// Where the page sits.
    #[serde(default)]
    pub pg: Pagination,
}

/// `GET /scenarios/{id}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScenarioEnvelope {
    /// The scenario.
    pub scenario: Scenario,
}

/// The body of `POST /scenarios/{id}/run`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunScenario {
    /// Input bundle for the scenario's inputs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,
    /// Wait for the run to finish (Make.com waits up to 40 s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responsive: Option<bool>,
    /// Where Make.com posts the result of a run it did not wait for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
}

/// The answer to `POST /scenarios/{id}/run`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunOutcome {
    /// The execution started.
    pub execution_id: String,
    /// `success`, `warning`, `error` when the run was responsive.
    #[serde(default)]
    pub status: Option<String>,
    /// The scenario's outputs when the run was responsive.
    #[serde(default)]
    pub outputs: Option<Value>,
}

/// One entry of a scenario's execution log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScenarioLog {
    /// The log entry id.
    #[serde(default)]
    pub id: Option<String>,
    /// The execution it records.
    #[serde(default)]
    pub execution_id: Option<String>,
    /// `auto` or `manual`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// When it happened.
    pub timestamp: String,
    /// 1 success, 2 warning, 3 error.
    #[serde(default)]
    pub status: Option<u8>,
    /// Milliseconds the execution took.
    #[serde(default)]
    pub duration: Option<u64>,
    /// Operations it used.
    #[serde(default)]
    pub operations: Option<u64>,
    /// Bytes it transferred.
    #[serde(default)]
    pub transfer: Option<u64>,
    /// The organization billed.
    #[serde(default)]
    pub organization_id: Option<u64>,
    /// The team that owns the scenario.
    #[serde(default)]
    pub team_id: Option<u64>,
    /// Whether it was an instant (webhook) run.
    #[serde(default)]
    pub instant: Option<bool>,
}

/// `GET /scenarios/{id}/logs`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScenarioLogList {
    /// The log entries, newest first.
    pub scenario_logs: Vec<ScenarioLog>,
    /// Where the page sits.
    #[serde(default)]
    pub pg: Option<Pagination>,
}

/// An organization's license: what its plan allows.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct License {
    /// Requests per minute the plan allows; the client's limiter follows it.
    #[serde(default)]
    pub api_limit: Option<u32>,
    /// Operations per month.
    #[serde(default)]
    pub operations: Option<u64>,
    /// Bytes of transfer per month.
    #[serde(default)]
    pub transfer: Option<u64>,
    /// Every other license field, kept as sent.
    #[serde(flatten)]
    pub other: serde_json::Map<String, Value>,
}

/// A Make.com organization.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    /// The organization id.
    pub id: u64,
    /// Its name.
    pub name: String,
    /// The zone host it lives in, e.g. `eu1.make.com`.
    #[serde(default)]
    pub zone: Option<String>,
    /// Its country.
    #[serde(default)]
    pub country_id: Option<u64>,
    /// Its time zone.
    #[serde(default)]
    pub timezone_id: Option<u64>,
    /// Its plan's limits.
    #[serde(default)]
    pub license: Option<License>,
    /// The plan's product name.
    #[serde(default)]
    pub product_name: Option<String>,
}

/// `GET /organizations`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrganizationList {
    /// The page of organizations.
    pub organizations: Vec<Organization>,
    /// Where the page sits.
    #[serde(default)]
    pub pg: Pagination,
}

/// `GET /organizations/{id}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrganizationEnvelope {
    /// The organization.
    pub organization: Organization,
}

/// A team inside an organization.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Team {
    /// The team id.
    pub id: u64,
    /// Its name.
    pub name: String,
    /// The organization it belongs to.
    pub organization_id: u64,
}

/// `GET /teams`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeamList {
    /// The page of teams.
    pub teams: Vec<Team>,
    /// Where the page sits.
    #[serde(default)]
    pub pg: Pagination,
}

/// A connection: an authorized account of an app that scenarios use.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Connection {
    /// The connection id.
    pub id: u64,
    /// Its name.
    pub name: String,
    /// The app's account type, e.g. `google`.
    #[serde(default)]
    pub account_name: Option<String>,
    /// The app's label, e.g. `Google`.
    #[serde(default)]
    pub account_label: Option<String>,
    /// The app package.
    #[serde(default)]
    pub package_name: Option<String>,
    /// `basic` or `oauth`.
    #[serde(default)]
    pub account_type: Option<String>,
    /// When its authorization expires.
    #[serde(default)]
    pub expire: Option<String>,
    /// The team that owns it.
    #[serde(default)]
    pub team_id: Option<u64>,
    /// Whether it can be edited.
    #[serde(default)]
    pub editable: Option<bool>,
    /// Granted scopes count.
    #[serde(default)]
    pub scopes: Option<u64>,
    /// App-specific metadata, kept as sent.
    #[serde(default)]
    pub metadata: Option<Value>,
}

/// `GET /connections`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConnectionList {
    /// The connections.
    pub connections: Vec<Connection>,
    /// Where the page sits, when Make.com says.
    #[serde(default)]
    pub pg: Option<Pagination>,
}

/// A hook: a webhook or mailhook that triggers scenarios.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Hook {
    /// The hook id.
    pub id: u64,
    /// Its name.
    pub name: String,
    /// The team that owns it.
    #[serde(default)]
    pub team_id: Option<u64>,
    /// Its unique address part.
    #[serde(default)]
    pub udid: Option<String>,
    /// `web` or `mail`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// The app package that defines it.
    #[serde(default)]
    pub package_name: Option<String>,
    /// Whether it accepts calls.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// Whether it was deleted on the app's side.
    #[serde(default)]
    pub gone: Option<bool>,
    /// Calls waiting in its queue.
    #[serde(default)]
    pub queue_count: Option<u64>,
    /// The queue's size.
    #[serde(default)]
    pub queue_limit: Option<u64>,
    /// The URL to call.
    #[serde(default)]
    pub url: Option<String>,
    /// The scenario it triggers, if any.
    #[serde(default)]
    pub scenario_id: Option<u64>,
}

/// `GET /hooks`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HookList {
    /// The hooks.
    pub hooks: Vec<Hook>,
    /// Where the page sits, when Make.com says.
    #[serde(default)]
    pub pg: Option<Pagination>,
}

/// The user a token belongs to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthUser {
    /// The user id.
    pub id: u64,
    /// Their name.
    pub name: String,
    /// Their e-mail address.
    pub email: String,
    /// Their interface language.
    #[serde(default)]
    pub language: Option<String>,
    /// Their time zone.
    #[serde(default)]
    pub timezone_id: Option<u64>,
    /// Their locale.
    #[serde(default)]
    pub locale_id: Option<u64>,
    /// Their country.
    #[serde(default)]
    pub country_id: Option<u64>,
    /// Their avatar URL.
    #[serde(default)]
    pub avatar: Option<String>,
    /// Last login time.
    #[serde(default)]
    pub last_login: Option<String>,
}

/// `GET /users/me`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthUserEnvelope {
    /// The user.
    pub auth_user: AuthUser,
}
