//! The `trailcheck` binary: parse the command line, run, map the outcome to an exit
//! status (0 done, 1 done with findings at or above `--fail-on`, 2 error).

use std::process::ExitCode;

fn main() -> ExitCode {
    trailcheck::cli::main()
}
