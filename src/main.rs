//! The `hotseat` binary: parse the command line, run it, and turn a failure into one sentence on
//! stderr and the documented exit code.

use clap::Parser;

fn main() {
    let cli = hotseat::cli::Cli::parse();
    if let Err(error) = hotseat::cli::run(cli) {
        eprintln!("hotseat: {error:#}");
        std::process::exit(hotseat::cli::exit_code(&error));
    }
}
