//! The HTML the user sees: the consent form, and the error page for
//! requests that cannot be sent back to their client.
//!
//! Every value that came from the request is HTML-escaped, and the pages
//! forbid framing and scripts (no clickjacking of the consent button).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use super::authorize_request::AuthorizeRequest;
use crate::make::Zone;

/// Security headers for both pages.
fn secured(status: StatusCode, html: String) -> Response {
    let mut response = (status, Html(html)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        // No form-action: browsers apply it to the redirect that follows
        // the form POST, and that goes to the client's own origin.
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        ),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The consent form; `problem` is shown above it after a bad submission.
pub fn consent(request: &AuthorizeRequest, problem: Option<&str>) -> Response {
    let client = request
        .client
        .client_name
        .as_deref()
        .unwrap_or(&request.client.client_id);
    let mut hidden = String::new();
    let fields = [
        ("response_type", Some("code")),
        ("client_id", Some(request.client.client_id.as_str())),
        ("redirect_uri", Some(request.redirect_uri.as_str())),
        ("code_challenge", Some(request.challenge.as_str())),
        ("code_challenge_method", Some("S256")),
        ("scope", Some(&*request.scopes.join(" "))),
        ("resource", Some(request.resource.as_str())),
        ("state", request.state.as_deref()),
    ];
    for (name, value) in fields {
        if let Some(value) = value {
            hidden.push_str(&format!(
                "<input type=\"hidden\" name=\"{name}\" value=\"{}\">\n",
                escape(value)
            ));
        }
    }
    let problem = problem
        .map(|text| format!("<p class=\"problem\">{}</p>", escape(text)))
        .unwrap_or_default();
    let status = if problem.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };

    secured(
        status,
        format!(
            r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Authorize {client}</title></head>
<body>
<h1>{client} asks to use your Make.com account</h1>
<p>Scopes: {scopes}</p>
{problem}
<form method="post" action="/authorize">
{hidden}<label>Zone <select name="zone">
{zones}</select></label>
<label>API token <input type="password" name="api_token" autocomplete="off" required></label>
<button name="decision" value="approve">Allow</button>
<button name="decision" value="deny" formnovalidate>Deny</button>
</form>
</body></html>
"#,
            client = escape(client),
            scopes = escape(&request.scopes.join(", ")),
            zones = zone_options(),
        ),
    )
}

/// One option per Make.com zone, by host name.
fn zone_options() -> String {
    Zone::ALL
        .iter()
        .map(|zone| {
            format!(
                "<option value=\"{}\">{}</option>\n",
                zone.name(),
                zone.host()
            )
        })
        .collect()
}

/// A page for errors that must not redirect.
pub fn error_page(status: StatusCode, message: &str) -> Response {
    secured(
        status,
        format!(
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <title>Authorization error</title></head>\n<body><h1>Authorization error</h1>\
             <p>{}</p></body></html>\n",
            escape(message)
        ),
    )
}

fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
