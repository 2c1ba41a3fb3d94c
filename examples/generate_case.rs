//! Writes a generated adult ECMO course (q2h paired aPTT/anti-Xa, hourly rate changes) as a case file,
//! for measuring the app with long histories: `cargo run --release --example generate_case 90 /tmp/ecmo-90d.ron`.

use std::path::PathBuf;
use std::process::ExitCode;

use anticoag_planner::analysis::generate::ecmo_course;
use anticoag_planner::io::save_case;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let days: u32 = args.next().and_then(|d| d.parse().ok()).unwrap_or(90);
    let out = PathBuf::from(args.next().unwrap_or_else(|| format!("ecmo-{days}d.ron")));
    match save_case(&out, &ecmo_course(days)) {
        Ok(()) => {
            println!("wrote {} ({days} days)", out.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
