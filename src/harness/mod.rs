//! What benches and tests need to run the real components: Redis
//! provisioning, and later the Make.com mock and an in-process server.

pub mod make_mock;
