//! The Make.com tools: one `#[tool]` per Make.com call, each reading the
//! caller's Make.com credential from its OAuth session.

use std::borrow::Cow;
use std::sync::Arc;

use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{
    CallToolResult, Implementation, ProtocolVersion, ServerCapabilities, ServerConfig,
};
use rmcp::{ErrorData, ServerHandler, tool, tool_handler, tool_router};
use serde_json::json;

use super::caller::Caller;
use super::inputs::{
    ListScenarios, ListTeams, Page, RunScenarioInput, ScenarioId, ScenarioLogs, TeamListing,
};
use super::outcome::{tool_error, tool_result};
use crate::make::{MakeClient, RunScenario, ScenarioScope};

/// The newest protocol version served. Later ones (2026-07-28) drop
/// `initialize` and sessions, which this server has not been tested with.
const NEWEST_PROTOCOL: ProtocolVersion = ProtocolVersion::V_2025_11_25;

/// The MCP server's handler: the Make.com tools over one shared client.
///
/// Cheap to clone (the transport makes one per MCP session, or per request
/// when stateless): the client and the tool table are shared.
#[derive(Clone)]
pub struct MakeTools {
    make: MakeClient,
    router: Arc<ToolRouter<MakeTools>>,
}

type ToolResult = Result<CallToolResult, ErrorData>;

impl MakeTools {
    /// The tools, calling Make.com through `make`.
    pub fn new(make: MakeClient) -> Self {
        Self {
            make,
            router: Arc::new(Self::tool_router()),
        }
    }
}

#[tool_router]
impl MakeTools {
    /// Lists scenarios of a team or an organization.
    #[tool(
        description = "List the Make.com scenarios of one team (team_id) or of one \
                       organization (organization_id); give exactly one of them."
    )]
    pub async fn list_scenarios(
        &self,
        Caller(session): Caller,
        Parameters(input): Parameters<ListScenarios>,
    ) -> ToolResult {
        let scope = match (input.team_id, input.organization_id) {
            (Some(team), None) => ScenarioScope::Team(team),
            (None, Some(org)) => ScenarioScope::Organization(org),
            _ => {
                let message = "list_scenarios needs exactly one of team_id and organization_id";
                return Ok(tool_error("list_scenarios", message));
            }
        };

        let result = self
            .make
            .list_scenarios(&session.credential, scope, &input.page.request())
            .await;
        Ok(tool_result("list_scenarios", result))
    }

    /// Reads one scenario.
    #[tool(description = "Get one Make.com scenario by id.")]
    pub async fn get_scenario(
        &self,
        Caller(session): Caller,
        Parameters(input): Parameters<ScenarioId>,
    ) -> ToolResult {
        let result = self
            .make
            .get_scenario(&session.credential, input.scenario_id)
            .await;
        Ok(tool_result("get_scenario", result))
    }

    /// Runs a scenario.
    #[tool(
        description = "Run an active Make.com scenario now, with optional input data; \
                       with responsive=true, wait for its outputs."
    )]
    pub async fn run_scenario(
        &self,
        Caller(session): Caller,
        Parameters(input): Parameters<RunScenarioInput>,
    ) -> ToolResult {
        let run = RunScenario {
            data: input.data,
            responsive: input.responsive,
            ..RunScenario::default()
        };

        let result = self
            .make
            .run_scenario(&session.credential, input.scenario_id, &run)
            .await;
        Ok(tool_result("run_scenario", result))
    }

    /// Reads a scenario's execution logs.
    #[tool(description = "Get the execution logs of a Make.com scenario.")]
    pub async fn get_scenario_logs(
        &self,
        Caller(session): Caller,
        Parameters(input): Parameters<ScenarioLogs>,
    ) -> ToolResult {
        let result = self
            .make
            .scenario_logs(
                &session.credential,
                input.scenario_id,
                &input.page.request(),
            )
            .await;
        Ok(tool_result("get_scenario_logs", result))
    }

    /// Lists the caller's organizations.
    #[tool(description = "List the Make.com organizations the user belongs to.")]
    pub async fn list_organizations(
        &self,
        Caller(session): Caller,
        Parameters(page): Parameters<Page>,
    ) -> ToolResult {
        let result = self
            .make
            .list_organizations(&session.credential, &page.request())
            .await;
        Ok(tool_result("list_organizations", result))
    }

    /// Lists an organization's teams.
    #[tool(description = "List the teams of a Make.com organization.")]
    pub async fn list_teams(
        &self,
        Caller(session): Caller,
        Parameters(input): Parameters<ListTeams>,
    ) -> ToolResult {
        let result = self
            .make
            .list_teams(
                &session.credential,
                input.organization_id,
                &input.page.request(),
            )
            .await;
        Ok(tool_result("list_teams", result))
    }

    /// Lists a team's connections.
    #[tool(description = "List the connections (linked app accounts) of a Make.com team.")]
    pub async fn list_connections(
        &self,
        Caller(session): Caller,
        Parameters(input): Parameters<TeamListing>,
    ) -> ToolResult {
        let result = self
            .make
            .list_connections(&session.credential, input.team_id, &input.page.request())
            .await;
        Ok(tool_result("list_connections", result))
    }

    /// Lists a team's webhooks.
    #[tool(description = "List the webhooks of a Make.com team.")]
    pub async fn list_hooks(
        &self,
        Caller(session): Caller,
        Parameters(input): Parameters<TeamListing>,
    ) -> ToolResult {
        let result = self
            .make
            .list_hooks(&session.credential, input.team_id, &input.page.request())
            .await;
        Ok(tool_result("list_hooks", result))
    }

    /// Who the caller is, at Make.com and here.
    #[tool(
        description = "Who am I: the Make.com user behind this connection, its zone, \
                       and the OAuth scopes granted here."
    )]
    pub async fn whoami(&self, Caller(session): Caller) -> ToolResult {
        let user = match self.make.me(&session.credential).await {
            Ok(user) => user,
            Err(error) => return Ok(tool_result::<()>("whoami", Err(error))),
        };

        let body = json!({
            "make_user": user,
            "zone": session.credential.zone,
            "scopes": session.scopes,
            "client_id": session.client_id,
        });
        Ok(tool_result("whoami", Ok(body)))
    }
}

#[tool_handler(router = self.router)]
impl ServerHandler for MakeTools {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("mcp-perf", env!("CARGO_PKG_VERSION")))
            .with_protocol_version(NEWEST_PROTOCOL)
            .with_instructions(
                "Tools for the Make.com API of the user who authorized this connection.",
            )
    }

    fn supported_protocol_versions(&self) -> Cow<'static, [ProtocolVersion]> {
        Cow::Borrowed(ProtocolVersion::known_up_to(&NEWEST_PROTOCOL))
    }
}
