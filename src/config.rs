//! Settings: one struct, read from TOML with environment overrides.
