//! The one async runtime that model calls run on. The interview itself is synchronous (a state
//! machine fed from threads), so its worker threads hand their calls to this runtime and wait.

use std::sync::OnceLock;

use tokio::runtime::{Builder, Runtime};

fn runtime() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("hotseat-model")
            .enable_all()
            .build()
            .expect("the async runtime starts (it needs only threads and a timer)")
    })
}

/// Runs a model call to completion from a synchronous thread (never from inside the runtime).
pub fn block_on<F: Future>(call: F) -> F::Output {
    runtime().block_on(call)
}
