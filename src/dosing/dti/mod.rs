//! Direct thrombin inhibitors (clinical reference §8): which drug and its start (`choice`), the
//! patient's aPTT target, and titration relative to that target (`titration`).

mod choice;
mod section;
mod target;
mod titration;

pub use choice::{DtiChoice, DtiStart, bivalirudin_start_rate, choose_dti, start};
pub use section::{DtiSection, DtiSteps, Step, section};
pub use target::{ApttTarget, dti_target};
pub use titration::{DtiBand, DtiTableRow, DtiTitration, dti_table, titrate_dti};
