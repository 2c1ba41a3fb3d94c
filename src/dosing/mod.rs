//! Dose arithmetic: antithrombin, direct thrombin inhibitors, heparin nomograms, bypass. Pure functions
//! of typed quantities and protocol tables; every result carries the formula it used.

pub mod antithrombin;
pub mod bypass;
pub mod dti;
pub mod rate;
pub mod ufh;
pub mod weight;

pub use rate::{DoseRate, Rate, RateUnit};
