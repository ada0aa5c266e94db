//! Sample sessions of a chosen serialized size, shared by tests and benches
//! so both measure the same shapes.

use std::collections::BTreeMap;

use super::model::{Session, unix_now};
use crate::make::{MakeCredential, Zone};

/// A realistic session whose JSON form is about `approx_bytes` long.
///
/// Metadata is filled with varied, partly repetitive text (as user agents
/// and consent notes are), so compression ratios are realistic rather than
/// the best case of one repeated byte.
pub fn session_of_size(approx_bytes: usize) -> Session {
    let now = unix_now();
    let mut session = Session {
        user_id: "user-4f1c2a".into(),
        client_id: "client-mcp-inspector".into(),
        scopes: vec![
            "scenarios:read".into(),
            "scenarios:run".into(),
            "teams:read".into(),
        ],
        audience: "http://127.0.0.1:8080/mcp".into(),
        credential: MakeCredential::api_token(Zone::Eu1, "3f9a2c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b"),
        created_at: now,
        expires_at: now + 3600,
        last_activity: now,
        metadata: BTreeMap::new(),
    };

    let base = serde_json::to_vec(&session).map_or(0, |json| json.len());
    let mut remaining = approx_bytes.saturating_sub(base);
    let mut index = 0u32;
    while remaining > 0 {
        let value = filler(index, remaining.min(120));
        remaining = remaining.saturating_sub(value.len() + 16);
        session.metadata.insert(format!("note.{index:04}"), value);
        index += 1;
    }
    session
}

fn filler(index: u32, len: usize) -> String {
    const WORDS: [&str; 8] = [
        "Mozilla/5.0",
        "(X11; Linux x86_64)",
        "scenario",
        "team",
        "42",
        "consent",
        "granted",
        "eu1",
    ];
    let mut text = String::with_capacity(len);
    let mut word = index as usize;
    while text.len() < len {
        text.push_str(WORDS[word % WORDS.len()]);
        text.push(' ');
        word = word.wrapping_mul(31).wrapping_add(7);
    }
    text.truncate(len);
    text
}
