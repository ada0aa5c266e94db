//! The instruction-count tier: CPU-bound work measured in instructions
//! under callgrind (see `mcp_perf::gate::instructions`), judged against the
//! committed baseline with a 1 to 2 % threshold.
//!
//! To add a workload, write a `fn()` that does one iteration and passes its
//! result through `black_box`, and list it in `WORKLOADS`. The inputs are
//! fixed (no random nonces, no random keys) so that counts repeat exactly.
//!
//! These exercise the crates directly until `mcp_perf::crypto` and
//! `mcp_perf::session` land; then the workloads should call those instead.

use std::hint::black_box;
use std::process::ExitCode;
use std::sync::OnceLock;

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use mcp_perf::gate::instructions::{self, Workload};
use mcp_perf::gate::selftest;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

const WORKLOADS: &[Workload] = &[
    Workload {
        name: "sha256_token",
        run: sha256_token,
    },
    Workload {
        name: "base64url_encode_32",
        run: base64url_encode_32,
    },
    Workload {
        name: "aes256gcm_seal_1k",
        run: aes256gcm_seal_1k,
    },
    Workload {
        name: "zstd_compress_4k_json",
        run: zstd_compress_4k_json,
    },
    Workload {
        name: "lz4_compress_4k_json",
        run: lz4_compress_4k_json,
    },
    Workload {
        name: "serde_json_session_roundtrip",
        run: serde_json_session_roundtrip,
    },
    Workload {
        name: "selftest_spin",
        run: selftest_spin,
    },
];

/// A bearer token as the server would hash it for a lookup key.
const TOKEN: &str = "mcp_at_3q2+7wLBNn0WkXb9sV1yq8uZ4cD6eF0gH2iJ4kL6mN8oP0rS2tU4vW6xY8z";

fn sha256_token() {
    black_box(Sha256::digest(black_box(TOKEN.as_bytes())));
}

fn base64url_encode_32() {
    let bytes = [0x5au8; 32];
    black_box(URL_SAFE_NO_PAD.encode(black_box(bytes)));
}

fn aes256gcm_seal_1k() {
    static CIPHER: OnceLock<Aes256Gcm> = OnceLock::new();
    let cipher = CIPHER.get_or_init(|| Aes256Gcm::new_from_slice(&[7u8; 32]).expect("32-byte key"));
    let nonce = Nonce::from([9u8; 12]);
    let plaintext = [1u8; 1024];
    black_box(
        cipher
            .encrypt(&nonce, black_box(&plaintext[..]))
            .expect("sealing never fails"),
    );
}

fn zstd_compress_4k_json() {
    black_box(zstd::bulk::compress(black_box(session_json()), 3).expect("in-memory zstd"));
}

fn lz4_compress_4k_json() {
    black_box(lz4_flex::compress_prepend_size(black_box(session_json())));
}

fn serde_json_session_roundtrip() {
    let text = serde_json::to_vec(black_box(session())).expect("a session serialises");
    let back: Session = serde_json::from_slice(&text).expect("and reads back");
    black_box(back);
}

fn selftest_spin() {
    // The rounds are read once, in the warm-up: reading the environment
    // inside the measured region would make the count depend on how many
    // variables the process happens to have.
    static ROUNDS: OnceLock<u64> = OnceLock::new();
    let rounds = *ROUNDS.get_or_init(|| selftest::scaled_rounds(2_000));
    black_box(selftest::spin(black_box(7), rounds));
}

/// Session-like data: what the store keeps per user.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Session {
    id: String,
    client_id: String,
    user: String,
    scopes: Vec<String>,
    created_at: u64,
    expires_at: u64,
    make_zone: String,
    make_token: String,
    recent_tools: Vec<ToolCall>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct ToolCall {
    tool: String,
    scenario_id: u64,
    at: u64,
    ok: bool,
}

fn session() -> &'static Session {
    static SESSION: OnceLock<Session> = OnceLock::new();
    SESSION.get_or_init(|| Session {
        id: "sess_01HZX3Q8WJ4K9V2M7N5P6R8T0Y".into(),
        client_id: "client_7f3a9c".into(),
        user: "user@example.com".into(),
        scopes: vec![
            "scenarios:read".into(),
            "scenarios:write".into(),
            "teams:read".into(),
        ],
        created_at: 1_796_300_000,
        expires_at: 1_796_303_600,
        make_zone: "eu2.make.com".into(),
        make_token: "x".repeat(36),
        recent_tools: (0..56)
            .map(|i| ToolCall {
                tool: ["list_scenarios", "run_scenario", "get_scenario"][i % 3].into(),
                scenario_id: 4_200_000 + i as u64,
                at: 1_796_300_000 + 30 * i as u64,
                ok: i % 7 != 0,
            })
            .collect(),
    })
}

/// About 4 KiB of JSON: the session above, serialised once.
fn session_json() -> &'static [u8] {
    static JSON: OnceLock<Vec<u8>> = OnceLock::new();
    JSON.get_or_init(|| serde_json::to_vec(session()).expect("a session serialises"))
}

fn main() -> ExitCode {
    instructions::bench_main("instructions", WORKLOADS)
}
