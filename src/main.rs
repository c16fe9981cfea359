//! The `trailcheck` binary: parse the command line, run, map the outcome to an exit
//! status (0 done, 1 done with findings at or above `--fail-on`, 2 error).

use std::process::ExitCode;

/// Ingest parses millions of small JSON objects on several threads; mimalloc's
/// thread-local free lists make that allocation churn about half as costly as glibc's
/// (measured in the issue 7 note) and return memory to the OS sooner.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    trailcheck::cli::main()
}
