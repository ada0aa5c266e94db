//! The instruction-count tier: CPU-bound work measured in instructions
//! under callgrind (see `mcp_perf::gate::instructions`), judged against the
//! committed baseline with a 1 to 2 % threshold.
//!
//! To add a workload, write a `fn()` that does one iteration and passes its
//! result through `black_box`, and list it in `WORKLOADS`. Inputs are fixed
//! and built in the warm-up (the `OnceLock`s), so counts repeat exactly; the
//! one random input, the envelope nonce, costs the same instructions every
//! time.

use std::hint::black_box;
use std::process::ExitCode;
use std::sync::OnceLock;

use mcp_perf::crypto::{KeyRing, MasterKey, RotationPolicy};
use mcp_perf::gate::instructions::{self, Workload};
use mcp_perf::gate::selftest;
use mcp_perf::oauth::pkce::CodeChallenge;
use mcp_perf::session::fixtures::session_of_size;
use mcp_perf::session::{Session, SessionCodec, TokenHash};

const WORKLOADS: &[Workload] = &[
    Workload {
        name: "token_hash",
        run: token_hash,
    },
    Workload {
        name: "pkce_s256_verify",
        run: pkce_s256_verify,
    },
    Workload {
        name: "key_ring_seal_1k",
        run: key_ring_seal_1k,
    },
    Workload {
        name: "key_ring_open_1k",
        run: key_ring_open_1k,
    },
    Workload {
        name: "session_encode_2k",
        run: session_encode_2k,
    },
    Workload {
        name: "session_decode_2k",
        run: session_decode_2k,
    },
    Workload {
        name: "session_encode_16k",
        run: session_encode_16k,
    },
    Workload {
        name: "selftest_spin",
        run: selftest_spin,
    },
];

/// A bearer token as the server would hash it for a lookup key.
const TOKEN: &str = "mcp_at_3q2-7wLBNn0WkXb9sV1yq8uZ4cD6eF0gH2iJ4kL6mN8oP0rS2tU4vW6xY8z";
/// The RFC 7636 appendix B verifier.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CONTEXT: &[u8] = b"mcp:s:6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b";

fn token_hash() {
    black_box(TokenHash::of(black_box(TOKEN)));
}

fn pkce_s256_verify() {
    static CHALLENGE: OnceLock<CodeChallenge> = OnceLock::new();
    let challenge = CHALLENGE.get_or_init(|| CodeChallenge::of_verifier(VERIFIER));
    black_box(challenge.verify(black_box(VERIFIER)).is_ok());
}

fn key_ring() -> &'static KeyRing {
    static RING: OnceLock<KeyRing> = OnceLock::new();
    RING.get_or_init(|| {
        KeyRing::new(vec![MasterKey::new(1, [7; 32])], RotationPolicy::default())
            .expect("one key and a non-zero period")
    })
}

fn key_ring_seal_1k() {
    black_box(key_ring().seal(CONTEXT, black_box(&[1u8; 1024])));
}

fn key_ring_open_1k() {
    static BLOB: OnceLock<Vec<u8>> = OnceLock::new();
    let blob = BLOB.get_or_init(|| key_ring().seal(CONTEXT, &[1u8; 1024]));
    black_box(
        key_ring()
            .open(CONTEXT, black_box(blob))
            .expect("own blob opens"),
    );
}

/// Sessions with fixed timestamps, so their encodings never change.
fn session(bytes: usize) -> Session {
    Session {
        created_at: 1_796_300_000,
        expires_at: 1_796_303_600,
        last_activity: 1_796_300_000,
        ..session_of_size(bytes)
    }
}

fn session_encode_2k() {
    static SESSION: OnceLock<Session> = OnceLock::new();
    let session = SESSION.get_or_init(|| session(2048));
    black_box(
        SessionCodec::default()
            .encode(black_box(session))
            .expect("encodes"),
    );
}

fn session_decode_2k() {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    let bytes = BYTES.get_or_init(|| {
        SessionCodec::default()
            .encode(&session(2048))
            .expect("encodes")
    });
    black_box(
        SessionCodec::default()
            .decode(black_box(bytes))
            .expect("decodes"),
    );
}

fn session_encode_16k() {
    static SESSION: OnceLock<Session> = OnceLock::new();
    let session = SESSION.get_or_init(|| session(16 * 1024));
    black_box(
        SessionCodec::default()
            .encode(black_box(session))
            .expect("encodes"),
    );
}

fn selftest_spin() {
    // The rounds are read once, in the warm-up: reading the environment
    // inside the measured region would make the count depend on how many
    // variables the process happens to have.
    static ROUNDS: OnceLock<u64> = OnceLock::new();
    let rounds = *ROUNDS.get_or_init(|| selftest::scaled_rounds(2_000));
    black_box(selftest::spin(black_box(7), rounds));
}

fn main() -> ExitCode {
    instructions::bench_main("instructions", WORKLOADS)
}
