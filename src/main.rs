//! anticoag-planner: the binary. With a command it runs the CLI; without one it opens the desktop app.
//! Both live in the library (`anticoag_planner::cli`, `anticoag_planner::app`).

use std::process::ExitCode;

use anticoag_planner::{app, cli};
use anyhow::Context as _;
use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match args.command {
        Some(command) => {
            // Buffered: stdout alone flushes at every line, and `replay --format json` writes millions.
            use std::io::Write;
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            let written = cli::run_to(
                command,
                args.author.as_deref(),
                anticoag_planner::model::Zone::workstation(),
                &mut out,
            )
            .and_then(|()| out.flush().context("writing the output"));
            match written {
                Ok(()) => ExitCode::SUCCESS,
                // A reader that closed the pipe early (`| head`) is not an error of ours: no panic.
                Err(e)
                    if e.downcast_ref::<std::io::Error>().map(std::io::Error::kind)
                        == Some(std::io::ErrorKind::BrokenPipe) =>
                {
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    // Input echoed in an error cannot drive the terminal (issue 27).
                    eprintln!(
                        "error: {}",
                        anticoag_planner::model::plain_text::escaped_keeping_lines(&format!("{e:#}"))
                    );
                    ExitCode::FAILURE
                }
            }
        }
        None => match app::run(app::StartOptions {
            open: args.open,
            board: args.board,
            view: args.view.as_deref().and_then(app::CentralView::from_flag),
            theme: args.theme.as_deref().and_then(app::theme::ThemeChoice::from_flag),
            size: args.size,
            author: args.author,
            exit_after_first_frame: args.exit_after_first_frame,
        }) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: cannot open the window: {e}");
                ExitCode::FAILURE
            }
        },
    }
}
