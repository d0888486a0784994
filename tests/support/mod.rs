//! Helpers shared by the integration tests and the benchmarks (the benches include this file by
//! path, so nothing here may depend on being built as a test).

pub mod cli;
pub mod fake_model;
pub mod model;
