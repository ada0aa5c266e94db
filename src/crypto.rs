//! AES-256-GCM envelopes and the key ring that seals sessions at rest.
