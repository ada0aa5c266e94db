//! Sessions and where they live: the Redis store, its L1 cache and codec.
