//! Direct thrombin inhibitors (clinical reference §8): which drug and its start (`choice`), the
//! patient's aPTT target, and titration relative to that target (`titration`).

mod choice;
mod target;
mod titration;

pub use choice::{DtiChoice, DtiStart, bivalirudin_start_rate, choose_dti, start};
pub use target::{ApttTarget, argatroban_target, bivalirudin_target};
pub use titration::{
    DtiBand, DtiTableRow, DtiTitration, argatroban_table, bivalirudin_table, titrate_argatroban, titrate_bivalirudin,
    titrate_dti,
};
